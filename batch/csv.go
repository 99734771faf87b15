package batch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/plumecloud/plume-go"
)

// CSV column names, as the header row spells them. Any subset, in any order; the header row
// is required.
const (
	ColAccountID  = "account_id"
	ColName       = "name"
	ColEmail      = "email"
	ColServiceID  = "service_id"
	ColProfile    = "profile"
	ColSSID       = "ssid"
	ColWifiKey    = "wifi_key"
	ColWPAMode    = "wpa_mode"
	ColGateway    = "gateway"
	ColExtenders  = "extenders" // serials separated by ';'
	ColCustomerID = "customer_id"
	ColLocationID = "location_id"
)

var knownColumns = []string{
	ColAccountID, ColName, ColEmail, ColServiceID, ColProfile, ColSSID, ColWifiKey, ColWPAMode,
	ColGateway, ColExtenders, ColCustomerID, ColLocationID,
}

// Record is one data row of a CSV file, its fields trimmed of spaces (but ssid and wifi_key,
// taken as written). Nothing is validated but the
// number of fields; RowsOf checks the columns its operation uses.
type Record struct {
	Line      int // the line the row starts on (the header is line 1)
	AccountID string
	Name      string
	Email     string
	ServiceID string
	Profile   plume.Profile
	// Wifi holds ssid, wifi_key and wpa_mode; nil when the three are empty. It prints with
	// the key masked.
	Wifi       *plume.WifiNetworkRequest
	Gateway    string
	Extenders  []string // extenders split on ';', empty items dropped
	CustomerID string
	LocationID string
	// Err is a *RowError when the row could not be split into fields (a stray quote, a
	// wrong number of fields); the fields above are then whatever could be read.
	Err error
}

// Serials returns the gateway, if any, then the extenders.
func (r Record) Serials() []string {
	if r.Gateway == "" {
		return r.Extenders
	}
	return append([]string{r.Gateway}, r.Extenders...)
}

// ReadCSV reads r as a stream of records: a header row naming the columns, then one record
// per row. A row that cannot be read comes as a Record whose Err says where, and reading goes
// on. A missing or unknown header, or a failure to read r, is the sequence's error, and the
// end of it.
func ReadCSV(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		header, err := cr.Read()
		if errors.Is(err, io.EOF) {
			yield(Record{}, errors.New("batch: CSV: the file is empty: a header row naming the columns is required"))
			return
		}
		if err != nil {
			yield(Record{}, fmt.Errorf("batch: CSV header: %w", err))
			return
		}
		cols, err := parseHeader(header)
		if err != nil {
			yield(Record{}, err)
			return
		}
		for {
			fields, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			var parseErr *csv.ParseError
			if errors.As(err, &parseErr) {
				rec := Record{Line: parseErr.StartLine, Err: &RowError{Line: parseErr.StartLine, Reason: parseErr.Err.Error()}}
				if !yield(rec, nil) {
					return
				}
				continue
			}
			if err != nil {
				yield(Record{}, fmt.Errorf("batch: CSV: %w", err))
				return
			}
			line, _ := cr.FieldPos(0)
			if !yield(cols.record(line, fields), nil) {
				return
			}
		}
	}
}

// columns maps a column name to its index in the header.
type columns struct {
	index map[string]int
	n     int
}

func parseHeader(header []string) (*columns, error) {
	cols := &columns{index: map[string]int{}, n: len(header)}
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff") // the byte-order mark spreadsheets write
		}
		if !isKnownColumn(name) {
			return nil, fmt.Errorf("batch: CSV header: unknown column %q (a header row is required; columns: %s)", name, strings.Join(knownColumns, ","))
		}
		if _, dup := cols.index[name]; dup {
			return nil, fmt.Errorf("batch: CSV header: column %q appears twice", name)
		}
		cols.index[name] = i
	}
	return cols, nil
}

func isKnownColumn(name string) bool {
	for _, c := range knownColumns {
		if c == name {
			return true
		}
	}
	return false
}

// record builds a Record from fields. A row with the wrong number of fields is malformed,
// but what it has is kept so that its key can be reported.
func (c *columns) record(line int, fields []string) Record {
	raw := func(name string) string {
		if i, ok := c.index[name]; ok && i < len(fields) {
			return fields[i]
		}
		return ""
	}
	get := func(name string) string { return strings.TrimSpace(raw(name)) }
	rec := Record{
		Line:       line,
		AccountID:  get(ColAccountID),
		Name:       get(ColName),
		Email:      get(ColEmail),
		ServiceID:  get(ColServiceID),
		Profile:    plume.Profile(get(ColProfile)),
		Gateway:    get(ColGateway),
		Extenders:  splitSerials(get(ColExtenders)),
		CustomerID: get(ColCustomerID),
		LocationID: get(ColLocationID),
	}
	// Spaces can belong to an SSID or a passphrase: those two are taken as written.
	ssid, key, mode := raw(ColSSID), raw(ColWifiKey), get(ColWPAMode)
	if ssid != "" || key != "" || mode != "" {
		rec.Wifi = &plume.WifiNetworkRequest{SSID: ssid, EncryptionKey: key, WPAMode: plume.WPAMode(mode)}
	}
	if len(fields) != c.n {
		rec.Err = &RowError{Line: line, Reason: fmt.Sprintf("has %d fields, the header has %d", len(fields), c.n)}
	}
	return rec
}

func splitSerials(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
