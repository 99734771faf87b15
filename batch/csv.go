package batch

import (
	"bufio"
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
//
// The header is read leniently, in every form spreadsheets and people write it: a UTF-8
// byte-order mark before it, CRLF or LF line ends, column names in any case, each quoted or
// not, with spaces around them (outside the quotes as well as inside), and blank lines before
// it. Data rows are strict CSV (RFC 4180, LF or CRLF).
func ReadCSV(r io.Reader) iter.Seq2[Record, error] {
	return readRows(r, func(header []string) (func(int, []string) Record, error) {
		cols, err := parseHeader(header)
		if err != nil {
			return nil, err
		}
		return cols.record, nil
	}, func(line int, bad *RowError) Record { return Record{Line: line, Err: bad} })
}

// readRows is the reading ReadCSV and ReadSweepCSV share: the header row read leniently
// (readHeaderLine) and handed to parseHeader, which returns how a data row becomes a T; then
// one T per data row, or the T that badRow makes of a row encoding/csv could not split. A
// header that cannot be read or parsed, or a failure to read r, is the sequence's error and
// its end.
func readRows[T any](r io.Reader, parseHeader func(header []string) (func(line int, fields []string) T, error), badRow func(line int, bad *RowError) T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		br := bufio.NewReaderSize(r, maxHeaderLine)
		header, headerLine, err := readHeaderLine(br)
		if err != nil {
			yield(zero, err)
			return
		}
		row, err := parseHeader(header)
		if err != nil {
			yield(zero, err)
			return
		}
		cr := csv.NewReader(br)
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		for {
			fields, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			var parseErr *csv.ParseError
			if errors.As(err, &parseErr) {
				line := headerLine + parseErr.StartLine
				if !yield(badRow(line, &RowError{Line: line, Reason: parseErr.Err.Error()}), nil) {
					return
				}
				continue
			}
			if err != nil {
				yield(zero, fmt.Errorf("batch: CSV: %w", err))
				return
			}
			line, _ := cr.FieldPos(0)
			if !yield(row(headerLine+line, fields), nil) {
				return
			}
		}
	}
}

// maxHeaderLine bounds the header row: far above any list of the known columns, it keeps a
// file that is not a CSV from being read into memory whole in search of a line end.
const maxHeaderLine = 64 << 10

// utf8BOM is the byte-order mark spreadsheets put before the first byte of a UTF-8 file.
const utf8BOM = "\ufeff"

// readHeaderLine returns the fields of the header row, without its line end, and its line
// number. Blank lines before it are skipped, as encoding/csv skips them; the byte-order mark
// is dropped before anything else reads the line, so that a quoted first column stays quoted.
func readHeaderLine(br *bufio.Reader) ([]string, int, error) {
	if lead, err := br.Peek(len(utf8BOM)); err == nil && string(lead) == utf8BOM {
		_, _ = br.Discard(len(utf8BOM))
	}
	for line := 1; ; line++ {
		raw, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			return nil, 0, fmt.Errorf("batch: CSV header: line %d is longer than %d bytes: not a CSV header", line, maxHeaderLine)
		case err != nil && !errors.Is(err, io.EOF):
			return nil, 0, fmt.Errorf("batch: CSV header: %w", err)
		}
		text := strings.TrimRight(string(raw), "\r\n")
		if strings.TrimSpace(text) != "" {
			fields, splitErr := splitHeader(text)
			if splitErr != nil {
				return nil, 0, fmt.Errorf("batch: CSV header: line %d: %w", line, splitErr)
			}
			return fields, line, nil
		}
		if err != nil { // io.EOF with nothing but blank lines
			return nil, 0, errors.New("batch: CSV: the file is empty: a header row naming the columns is required")
		}
	}
}

// splitHeader splits a header line on commas. A field may be quoted ("" is a quote inside
// quotes), with spaces before or after the quotes; spaces are trimmed by parseHeader.
func splitHeader(line string) ([]string, error) {
	var fields []string
	for rest := line; ; {
		field, tail, err := headerField(rest)
		if err != nil {
			return nil, fmt.Errorf("column %d: %w", len(fields)+1, err)
		}
		fields = append(fields, field)
		if tail == "" {
			return fields, nil
		}
		rest = tail[1:] // past the comma
	}
}

// headerField reads one field off the front of s and returns it and what follows it: "" at
// the end of the line, else the rest starting with its comma.
func headerField(s string) (field, rest string, err error) {
	trimmed := strings.TrimLeft(s, " \t")
	if !strings.HasPrefix(trimmed, `"`) {
		i := strings.IndexByte(s, ',')
		if i < 0 {
			i = len(s)
		}
		if strings.Contains(s[:i], `"`) {
			return "", "", errors.New(`a quote inside a field that does not start with one`)
		}
		return s[:i], s[i:], nil
	}
	var b strings.Builder
	for i := 1; i < len(trimmed); i++ {
		if trimmed[i] != '"' {
			b.WriteByte(trimmed[i])
			continue
		}
		if i+1 < len(trimmed) && trimmed[i+1] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		after := strings.TrimLeft(trimmed[i+1:], " \t")
		if after != "" && after[0] != ',' {
			return "", "", errors.New("text after the closing quote")
		}
		return b.String(), after, nil
	}
	return "", "", errors.New("a quote that is not closed")
}

// columns maps a column name to its index in the header.
type columns struct {
	index map[string]int
	n     int
}

func parseHeader(header []string) (*columns, error) {
	cols := &columns{index: map[string]int{}, n: len(header)}
	for i, name := range header {
		if i == 0 { // a byte-order mark inside the first quotes; ReadCSV drops the one before them
			name = strings.TrimPrefix(strings.TrimSpace(name), utf8BOM)
		}
		name = strings.ToLower(strings.TrimSpace(name))
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
