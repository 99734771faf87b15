package batch

import (
	"fmt"
	"iter"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/plumecloud/plume-go"
)

// RowOptions completes the rows RowsOf makes with what the CSV has no column for.
type RowOptions struct {
	// Onboard is the template of each onboarding request: EmailVerification, Checkpoint,
	// VerifyNodesFirst, ReplaceWifi, StaticIPv4... The CSV's columns replace its AccountID,
	// Name, Email, ServiceID, Wifi, Gateway and Extenders, and its Profile when not empty.
	Onboard plume.OnboardRequest
	// Level is the service level of OpSuspend rows: plume.NoService (when empty) or
	// plume.BasicService.
	Level plume.ServiceLevelStatus
}

// RowsOf turns records into rows of op, checking the columns op uses; a record that fails
// the check becomes a row whose Err (a *RowError) names its line and column.
//
//   - OpOnboard: one row per record, keyed by account_id (required).
//   - OpUnclaimForRMA: one row per serial of the record (gateway, then extenders), keyed by
//     the serial.
//   - OpCancelService, OpSuspend, OpResume: one row per record for the location of
//     service_id, or of customer_id and location_id; keyed by the service id, else by
//     "customer_id/location_id".
//
// An error of records ends the sequence with that error.
func RowsOf(records iter.Seq2[Record, error], op Operation, opts RowOptions) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for rec, err := range records {
			if err != nil {
				yield(Row{}, err)
				return
			}
			for _, row := range rowsOfRecord(rec, op, opts) {
				if !yield(row, nil) {
					return
				}
			}
		}
	}
}

func rowsOfRecord(rec Record, op Operation, opts RowOptions) []Row {
	switch op {
	case OpOnboard:
		return []Row{onboardRow(rec, opts.Onboard)}
	case OpUnclaimForRMA:
		return rmaRows(rec)
	case OpCancelService, OpSuspend, OpResume:
		row := locationRow(rec, op)
		if op == OpSuspend && row.Err == nil {
			row.Level = opts.Level
		}
		return []Row{row}
	}
	return []Row{{Key: lineKey(rec.Line), Op: op, Line: rec.Line, Err: &RowError{Line: rec.Line, Reason: fmt.Sprintf("unknown operation %q", op)}}}
}

// lineKey is the key of a row that has none of its own.
func lineKey(line int) string { return fmt.Sprintf("line:%d", line) }

func onboardRow(rec Record, tmpl plume.OnboardRequest) Row {
	row := Row{Key: rec.AccountID, Op: OpOnboard, Line: rec.Line, AccountID: rec.AccountID}
	if row.Key == "" {
		row.Key = lineKey(rec.Line)
	}
	if rec.Err != nil {
		row.Err = rec.Err
		return row
	}
	if err := checkOnboard(rec); err != nil {
		row.Err = err
		return row
	}
	req := tmpl
	req.AccountID, req.Name, req.Email, req.ServiceID = rec.AccountID, rec.Name, rec.Email, rec.ServiceID
	if rec.Profile != "" {
		req.Profile = rec.Profile
	}
	req.Wifi, req.Gateway, req.Extenders = rec.Wifi, rec.Gateway, rec.Extenders
	row.Onboard = &req
	return row
}

func rmaRows(rec Record) []Row {
	bad := Row{Key: lineKey(rec.Line), Op: OpUnclaimForRMA, Line: rec.Line, AccountID: rec.AccountID}
	if rec.Err != nil {
		bad.Err = rec.Err
		return []Row{bad}
	}
	serials := rec.Serials()
	if len(serials) == 0 {
		bad.Err = rowError(rec, ColGateway, "a serial is required (gateway or extenders)")
		return []Row{bad}
	}
	if err := checkSerials(rec); err != nil {
		bad.Err = err
		return []Row{bad}
	}
	rows := make([]Row, len(serials))
	for i, s := range serials {
		rows[i] = Row{Key: s, Op: OpUnclaimForRMA, Line: rec.Line, Serial: s, AccountID: rec.AccountID}
	}
	return rows
}

func locationRow(rec Record, op Operation) Row {
	row := Row{
		Op: op, Line: rec.Line, AccountID: rec.AccountID,
		ServiceID: rec.ServiceID, CustomerID: rec.CustomerID, LocationID: rec.LocationID,
	}
	switch {
	case rec.ServiceID != "":
		row.Key = rec.ServiceID
	case rec.CustomerID != "" && rec.LocationID != "":
		row.Key = rec.CustomerID + "/" + rec.LocationID
	default:
		row.Key = lineKey(rec.Line)
	}
	switch {
	case rec.Err != nil:
		row.Err = rec.Err
	case (rec.CustomerID == "") != (rec.LocationID == ""):
		row.Err = rowError(rec, ColLocationID, "customer_id and location_id go together")
	case rec.ServiceID == "" && rec.CustomerID == "":
		row.Err = rowError(rec, ColServiceID, "is required (or customer_id and location_id)")
	case hasQuote(rec.ServiceID):
		row.Err = rowError(rec, ColServiceID, "must not contain a double quote")
	}
	return row
}

func rowError(rec Record, column, format string, args ...any) *RowError {
	return &RowError{Line: rec.Line, Column: column, Reason: fmt.Sprintf(format, args...)}
}

// checkOnboard checks, column by column, what Client.Onboard would refuse before any
// request, so that a dry run finds it and the report names the column.
func checkOnboard(rec Record) *RowError {
	if err := checkText(rec); err != nil {
		return err
	}
	if err := checkWifi(rec); err != nil {
		return err
	}
	return checkSerials(rec)
}

func checkText(rec Record) *RowError {
	if rec.AccountID == "" {
		return rowError(rec, ColAccountID, "is required")
	}
	for _, c := range []struct{ column, value string }{
		{ColAccountID, rec.AccountID}, {ColName, rec.Name}, {ColServiceID, rec.ServiceID},
	} {
		if hasQuote(c.value) {
			return rowError(rec, c.column, "must not contain a double quote")
		}
	}
	if rec.Email != "" {
		if addr, err := mail.ParseAddress(rec.Email); err != nil || addr.Address != rec.Email {
			return rowError(rec, ColEmail, "is not an email address")
		}
	}
	if p := rec.Profile; p != "" && p != plume.ProfileAuto && p != plume.ProfileSmallBusiness {
		return rowError(rec, ColProfile, "must be %q or %q, got %q", plume.ProfileAuto, plume.ProfileSmallBusiness, p)
	}
	return nil
}

// checkWifi never quotes the key.
func checkWifi(rec Record) *RowError {
	w := rec.Wifi
	if w == nil {
		return nil
	}
	switch n := len(w.SSID); {
	case n == 0:
		return rowError(rec, ColSSID, "is required with wifi_key or wpa_mode")
	case n > 32:
		return rowError(rec, ColSSID, "must be 1 to 32 bytes, got %d", n)
	}
	if n := utf8.RuneCountInString(w.EncryptionKey); n < 8 || n > 63 {
		return rowError(rec, ColWifiKey, "must be 8 to 63 characters, got %d", n)
	}
	switch w.WPAMode {
	case "", plume.WPAPSKMixed, plume.WPASAEMixed, plume.WPAPSK2, plume.WPASAE:
		return nil
	}
	return rowError(rec, ColWPAMode, "must be one of %s, %s, %s, %s; got %q",
		plume.WPAPSKMixed, plume.WPASAEMixed, plume.WPAPSK2, plume.WPASAE, w.WPAMode)
}

func checkSerials(rec Record) *RowError {
	seen := map[string]bool{}
	for i, s := range rec.Serials() {
		column := ColExtenders
		if i == 0 && rec.Gateway != "" {
			column = ColGateway
		}
		switch {
		case s == "." || s == "..":
			return rowError(rec, column, "%q is not a serial", s)
		case strings.IndexFunc(s, unicode.IsSpace) >= 0:
			return rowError(rec, column, "serial %q contains a space", s)
		case seen[s]:
			return rowError(rec, column, "serial %q appears twice", s)
		}
		seen[s] = true
	}
	return nil
}

func hasQuote(s string) bool { return strings.ContainsAny(s, "\"\u201c\u201d") }
