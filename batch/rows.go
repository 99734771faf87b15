package batch

import (
	"errors"
	"fmt"
	"iter"
	"net/mail"
	"strings"
	"unicode"

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

// onboardRow builds the row's request from the template and the record, and checks it as
// Client.Onboard will (OnboardRequest.Validate), then with what a CSV row adds
// (checkOnboardCSV), so that a dry run finds a bad row and the report names its column.
func onboardRow(rec Record, tmpl plume.OnboardRequest) Row {
	row := Row{Key: rec.AccountID, Op: OpOnboard, Line: rec.Line, AccountID: rec.AccountID}
	if row.Key == "" {
		row.Key = lineKey(rec.Line)
	}
	if rec.Err != nil {
		row.Err = rec.Err
		return row
	}
	req := tmpl
	req.AccountID, req.Name, req.Email, req.ServiceID = rec.AccountID, rec.Name, rec.Email, rec.ServiceID
	if rec.Profile != "" {
		req.Profile = rec.Profile
	}
	req.Wifi, req.Gateway, req.Extenders = rec.Wifi, rec.Gateway, rec.Extenders
	if err := rowErrorOf(rec, req.Validate(), ""); err != nil {
		row.Err = err
		return row
	}
	if err := checkOnboardCSV(rec); err != nil {
		row.Err = err
		return row
	}
	row.Onboard = &req
	return row
}

// rmaRows makes a row per serial, each checked as the SDK checks a serial
// (ClaimRequest.Validate; UnclaimForRMA applies the same rule), once in the record, and
// without a space (checkSerialSpaces).
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
	seen := map[string]bool{}
	for i, s := range serials {
		column := serialColumn(rec, i)
		if err := rowErrorOf(rec, plume.ClaimRequest{SerialNumber: s}.Validate(), column); err != nil {
			bad.Err = err
			return []Row{bad}
		}
		if seen[s] {
			bad.Err = rowError(rec, column, "serial %q appears twice", s)
			return []Row{bad}
		}
		seen[s] = true
	}
	if err := checkSerialSpaces(rec); err != nil {
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
	case rec.ServiceID != "":
		// The SDK's rule for a service id (a location's, LocationUpdate.Validate).
		if err := rowErrorOf(rec, plume.LocationUpdate{ServiceID: &rec.ServiceID}.Validate(), ""); err != nil {
			row.Err = err
		}
	}
	return row
}

func rowError(rec Record, column, format string, args ...any) *RowError {
	return &RowError{Line: rec.Line, Column: column, Reason: fmt.Sprintf(format, args...)}
}

// columnOf maps the field a *plume.ValidationError names to the CSV column it came from.
var columnOf = map[string]string{
	"AccountID":     ColAccountID,
	"Name":          ColName,
	"Email":         ColEmail,
	"ServiceID":     ColServiceID,
	"Profile":       ColProfile,
	"SSID":          ColSSID,
	"EncryptionKey": ColWifiKey,
	"WPAMode":       ColWPAMode,
	"Gateway":       ColGateway,
	"Extenders":     ColExtenders,
}

// rowErrorOf turns the error of a request's Validate into the RowError of rec: the column of
// the field at fault (column when given, else columnOf's), and the SDK's reason, which never
// quotes a WiFi key. A field without a column (one of RowOptions.Onboard's: StaticIPv4,
// Checkpoint, EmailVerification…) is named in the reason.
func rowErrorOf(rec Record, err error, column string) *RowError {
	if err == nil {
		return nil
	}
	var ve *plume.ValidationError
	if !errors.As(err, &ve) {
		return &RowError{Line: rec.Line, Column: column, Reason: err.Error()}
	}
	if column == "" {
		column = columnOf[ve.Field]
	}
	if column == "" {
		return &RowError{Line: rec.Line, Reason: "invalid " + ve.Field + ": " + ve.Reason}
	}
	return &RowError{Line: rec.Line, Column: column, Reason: ve.Reason}
}

// serialColumn is the column of the i-th serial of rec.Serials().
func serialColumn(rec Record, i int) string {
	if i == 0 && rec.Gateway != "" {
		return ColGateway
	}
	return ColExtenders
}

// checkOnboardCSV holds the rules an onboarding CSV row adds to the SDK's checks (which come
// first), for what the SDK passes on to the API as given:
//
//   - email: an address alone (the API answers 422 to a malformed one, after nothing was
//     created: the row would fail at register, where a dry run cannot see it);
//   - profile: auto or smallbusiness, as plumectl documents the column (the SDK also takes
//     property, which only the integration role may set);
//   - serials: without spaces (checkSerialSpaces; the SDK would send the claim after
//     registering the customer).
func checkOnboardCSV(rec Record) *RowError {
	if rec.Email != "" {
		if addr, err := mail.ParseAddress(rec.Email); err != nil || addr.Address != rec.Email {
			return rowError(rec, ColEmail, "is not an email address")
		}
	}
	if p := rec.Profile; p != "" && p != plume.ProfileAuto && p != plume.ProfileSmallBusiness {
		return rowError(rec, ColProfile, "must be %q or %q, got %q", plume.ProfileAuto, plume.ProfileSmallBusiness, p)
	}
	return checkSerialSpaces(rec)
}

// checkSerialSpaces refuses a serial with a space inside: a typo in a ';' list, which the SDK
// would send as it is.
func checkSerialSpaces(rec Record) *RowError {
	for i, s := range rec.Serials() {
		if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
			return rowError(rec, serialColumn(rec, i), "serial %q contains a space", s)
		}
	}
	return nil
}
