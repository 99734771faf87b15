package batch

import (
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
)

// ColSerial is the column of a sweep's CSV that names a location by the serial of a node
// claimed there (ReadSweepCSV).
const ColSerial = "serial"

// sweepLocationColumns are the columns that can name a location, in the order ReadSweepCSV
// prefers them.
var sweepLocationColumns = []string{ColCustomerID, ColLocationID, ColServiceID, ColSerial, ColGateway}

// ReadSweepCSV reads a CSV of locations to sweep as a stream of OpHealth rows, one per data
// row. The header names the columns, read as leniently as ReadCSV reads it (a byte-order mark,
// CRLF or LF, any case, quoted or not, spaces around); data rows are strict CSV.
//
// A row names its location by customer_id and location_id (Client.Health: 4 calls), else by
// service_id (HealthByServiceID: 5), else by serial, else by gateway (HealthBySerial: 5);
// account_id, when there, is carried into the entry. The other columns of an onboarding CSV
// are allowed and ignored, so that the file of an onboarding can be swept as it is; any other
// column is an error (it catches typos), and so is a header that names no location column.
//
// The key of a row is "customer_id/location_id", else the service id, else "serial:" and the
// serial. A row that names no location, names half of one (customer_id without location_id)
// or has the wrong number of fields is a row whose Err (a *RowError) says where: journaled as
// failed, kind invalid_input, and not run. A missing or bad header, or a failure to read r,
// is the sequence's error and its end.
func ReadSweepCSV(r io.Reader) iter.Seq2[Row, error] {
	return readRows(r, func(header []string) (func(int, []string) Row, error) {
		cols, err := parseSweepHeader(header)
		if err != nil {
			return nil, err
		}
		return cols.row, nil
	}, func(line int, bad *RowError) Row {
		return Row{Key: sweepLineKey(line), Op: OpHealth, Line: line, Err: bad}
	})
}

// sweepColumns maps the columns a sweep reads to their index in the header.
type sweepColumns struct {
	index map[string]int
	n     int
}

func parseSweepHeader(header []string) (*sweepColumns, error) {
	cols := &sweepColumns{index: map[string]int{}, n: len(header)}
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(strings.TrimSpace(name), utf8BOM)
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if name != ColSerial && !isKnownColumn(name) {
			return nil, fmt.Errorf("batch: CSV header: unknown column %q (a header row is required; a sweep reads %s, %s and %s, or %s, or %s)",
				name, ColCustomerID, ColLocationID, ColServiceID, ColSerial, ColGateway)
		}
		if _, dup := cols.index[name]; dup {
			return nil, fmt.Errorf("batch: CSV header: column %q appears twice", name)
		}
		cols.index[name] = i
	}
	if !slices.ContainsFunc(sweepLocationColumns, func(c string) bool { _, ok := cols.index[c]; return ok }) {
		return nil, fmt.Errorf("batch: CSV header: no column names a location: give %s and %s, %s, %s or %s",
			ColCustomerID, ColLocationID, ColServiceID, ColSerial, ColGateway)
	}
	return cols, nil
}

func (c *sweepColumns) get(fields []string, name string) string {
	if i, ok := c.index[name]; ok && i < len(fields) {
		return strings.TrimSpace(fields[i])
	}
	return ""
}

// row builds the OpHealth row of a data row.
func (c *sweepColumns) row(line int, fields []string) Row {
	row := Row{
		Op: OpHealth, Line: line,
		AccountID:  c.get(fields, ColAccountID),
		ServiceID:  c.get(fields, ColServiceID),
		CustomerID: c.get(fields, ColCustomerID),
		LocationID: c.get(fields, ColLocationID),
		Serial:     c.get(fields, ColSerial),
	}
	if row.Serial == "" {
		row.Serial = c.get(fields, ColGateway)
	}
	switch {
	case row.CustomerID != "" && row.LocationID != "":
		row.Key = row.CustomerID + "/" + row.LocationID
	case row.ServiceID != "":
		row.Key = row.ServiceID
	case row.Serial != "":
		row.Key = "serial:" + row.Serial
	default:
		row.Key = sweepLineKey(line)
	}
	bad := func(column, reason string) { row.Err = &RowError{Line: line, Column: column, Reason: reason} }
	switch {
	case len(fields) != c.n:
		bad("", fmt.Sprintf("has %d fields, the header has %d", len(fields), c.n))
	case (row.CustomerID == "") != (row.LocationID == ""):
		column := ColLocationID
		if row.CustomerID == "" {
			column = ColCustomerID
		}
		bad(column, "customer_id and location_id go together")
	case row.Key == sweepLineKey(line):
		bad("", "names no location: give customer_id and location_id, service_id or serial")
	}
	return row
}

// sweepLineKey is the key of a row that names no location: its line.
func sweepLineKey(line int) string { return fmt.Sprintf("line:%d", line) }
