package batch_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

func readRecords(t *testing.T, text string) ([]batch.Record, error) {
	t.Helper()
	var out []batch.Record
	for rec, err := range batch.ReadCSV(strings.NewReader(text)) {
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
	return out, nil
}

func TestReadCSVFields(t *testing.T) {
	t.Parallel()
	// Any column order, the byte-order mark of spreadsheets, spaces trimmed except in the
	// SSID and key, extenders split on ';'.
	text := "\ufeffGateway, account_id ,ssid,wifi_key,extenders,profile\n" +
		" GW1 , acct-1 , My Net ,  spaced key ,POD1; POD2 ;;,smallbusiness\n" +
		"\n" + // blank lines are skipped
		",acct-2,,,,\n"
	recs, err := readRecords(t, text)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	r := recs[0]
	assert.Equal(t, 2, r.Line)
	assert.Equal(t, "acct-1", r.AccountID)
	assert.Equal(t, "GW1", r.Gateway)
	assert.Equal(t, []string{"POD1", "POD2"}, r.Extenders)
	assert.Equal(t, []string{"GW1", "POD1", "POD2"}, r.Serials())
	assert.Equal(t, plume.ProfileSmallBusiness, r.Profile)
	require.NotNil(t, r.Wifi)
	assert.Equal(t, " My Net ", r.Wifi.SSID)
	assert.Equal(t, "  spaced key ", r.Wifi.EncryptionKey)
	assert.False(t, strings.Contains(fmt.Sprintf("%v %+v %#v", r, r, r.Wifi), "spaced key"), "the key prints masked")
	assert.Equal(t, 4, recs[1].Line)
	assert.Nil(t, recs[1].Wifi)
	assert.Empty(t, recs[1].Serials())
}

func TestReadCSVMalformedRowsGoOn(t *testing.T) {
	t.Parallel()
	text := "account_id,name\n" +
		"a1,one\n" +
		"a2,two,extra\n" +
		"a3,bad\"quote\n" +
		"a4,four\n"
	recs, err := readRecords(t, text)
	require.NoError(t, err)
	require.Len(t, recs, 4)
	assert.NoError(t, recs[0].Err)
	assert.EqualError(t, recs[1].Err, "line 3: has 3 fields, the header has 2")
	assert.Equal(t, "a2", recs[1].AccountID, "what could be read is kept")
	var rowErr *batch.RowError
	require.ErrorAs(t, recs[2].Err, &rowErr)
	assert.Equal(t, 4, rowErr.Line)
	assert.ErrorIs(t, recs[2].Err, plume.ErrInvalidInput)
	assert.NoError(t, recs[3].Err)
	assert.Equal(t, "a4", recs[3].AccountID)
}

func TestReadCSVHeader(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"":                                "a header row naming the columns is required",
		"acct-1,Ada,ada@example.com\n":    `unknown column "acct-1"`,
		"account_id,name,account_id\n":    `column "account_id" appears twice`,
		"account_id,wifi_password\nx,y\n": `unknown column "wifi_password"`,
	} {
		_, err := readRecords(t, text)
		assert.ErrorContains(t, err, want, "%q", text)
	}
}

func TestReadCSVReadError(t *testing.T) {
	t.Parallel()
	failing := errors.New("disk on fire")
	r := &failingReader{data: "account_id\nacct-1\n", err: failing}
	var recs int
	var gotErr error
	for _, err := range batch.ReadCSV(r) {
		if err != nil {
			gotErr = err
			break
		}
		recs++
	}
	assert.Equal(t, 1, recs)
	assert.ErrorIs(t, gotErr, failing)
}

type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func collectRows(t *testing.T, text string, op batch.Operation, opts batch.RowOptions) []batch.Row {
	t.Helper()
	var rows []batch.Row
	for row, err := range batch.RowsOf(batch.ReadCSV(strings.NewReader(text)), op, opts) {
		require.NoError(t, err)
		rows = append(rows, row)
	}
	return rows
}

func TestRowsOfOnboardUsesTheTemplate(t *testing.T) {
	t.Parallel()
	tmpl := plume.OnboardRequest{
		Profile: plume.ProfileSmallBusiness, EmailVerification: plume.MarkEmailVerified,
		Checkpoint: plume.PodsAdded, AccountID: "ignored", Extenders: []string{"ignored"},
	}
	rows := collectRows(t, "account_id,name,profile,gateway\nacct-1,Ada,,GW1\nacct-2,Bob,auto,\n", batch.OpOnboard, batch.RowOptions{Onboard: tmpl})
	require.Len(t, rows, 2)
	req := rows[0].Onboard
	require.NotNil(t, req)
	assert.Equal(t, "acct-1", rows[0].Key)
	assert.Equal(t, "acct-1", req.AccountID)
	assert.Equal(t, plume.ProfileSmallBusiness, req.Profile, "the template's profile when the column is empty")
	assert.Equal(t, plume.MarkEmailVerified, req.EmailVerification)
	assert.Equal(t, plume.PodsAdded, req.Checkpoint)
	assert.Equal(t, "GW1", req.Gateway)
	assert.Empty(t, req.Extenders)
	assert.Equal(t, plume.ProfileAuto, rows[1].Onboard.Profile)
	assert.Equal(t, "onboard acct-1 (line 2)", rows[0].String())
}

// TestRowsOfOnboardChecksWithTheSDK: each onboarding row is checked by
// OnboardRequest.Validate, the field it names mapped to the CSV column; a field of the
// template, which has no column, is named in the reason. No reason quotes a WiFi key.
func TestRowsOfOnboardChecksWithTheSDK(t *testing.T) {
	t.Parallel()
	text := csvHeader +
		"acct1,A,a@example.com,,,,,,,\n" + // line 2: too short for a new customer
		"acct-000003,B,b@example.com,,,,,,.,\n" + // line 3
		"acct-000004,C,c@example.com,,,,,,GW4,..\n" + // line 4
		"acct-000005,D,d@example.com,,,Net,wifi-secret-5,wpa9,,\n" + // line 5
		"acct-000006,E,e@example.com,,,,wifi-secret-6,,,\n" + // line 6: a key without an SSID
		"acct-000007,F,f@example.com,,property,,,,,\n" + // line 7: the SDK takes it, the CSV not
		"acct-000008,G,\"G <g@example.com>\",,,,,,,\n" // line 8: an address alone
	rows := collectRows(t, text, batch.OpOnboard, batch.RowOptions{})
	require.Len(t, rows, 7)
	for i, want := range []string{
		"line 2, column account_id: must be at least 6 characters, got 5",
		`line 3, column gateway: must not be "."`,
		`line 4, column extenders: must not be ".."`,
		`line 5, column wpa_mode: unknown value "wpa9"`,
		"line 6, column ssid: must be 1 to 32 bytes, got 0",
		`line 7, column profile: must be "auto" or "smallbusiness", got "property"`,
		"line 8, column email: is not an email address",
	} {
		assert.EqualError(t, rows[i].Err, want)
		assert.Nil(t, rows[i].Onboard)
		assert.False(t, strings.Contains(fmt.Sprint(rows[i].Err), "wifi-secret"), "a secret leaked")
	}

	tmpl := plume.OnboardRequest{StaticIPv4: &plume.StaticIPv4{Enabled: true}}
	rows = collectRows(t, csvHeader+"acct-000009,H,h@example.com,,,,,,,\n", batch.OpOnboard, batch.RowOptions{Onboard: tmpl})
	require.Len(t, rows, 1)
	assert.EqualError(t, rows[0].Err, "line 2: invalid StaticIPv4.IP: is required when Enabled")
	var rowErr *batch.RowError
	require.ErrorAs(t, rows[0].Err, &rowErr)
	assert.Empty(t, rowErr.Column)
}

func TestRowsOfRMAOneRowPerSerial(t *testing.T) {
	t.Parallel()
	rows := collectRows(t, "account_id,gateway,extenders\nacct-1,GW1,POD1;POD2\nacct-2,,\nacct-3,GW3,GW3\nacct-4,GW4,.\nacct-5,GW 5,\n", batch.OpUnclaimForRMA, batch.RowOptions{})
	require.Len(t, rows, 7)
	for i, serial := range []string{"GW1", "POD1", "POD2"} {
		assert.Equal(t, serial, rows[i].Key)
		assert.Equal(t, serial, rows[i].Serial)
		assert.Equal(t, 2, rows[i].Line)
		assert.NoError(t, rows[i].Err)
	}
	assert.EqualError(t, rows[3].Err, "line 3, column gateway: a serial is required (gateway or extenders)")
	assert.Equal(t, "line:3", rows[3].Key)
	assert.EqualError(t, rows[4].Err, `line 4, column extenders: serial "GW3" appears twice`)
	assert.EqualError(t, rows[5].Err, `line 5, column extenders: must not be "."`)
	assert.EqualError(t, rows[6].Err, `line 6, column gateway: serial "GW 5" contains a space`)
}

func TestRowsOfLocationOperations(t *testing.T) {
	t.Parallel()
	text := "account_id,service_id,customer_id,location_id\n" +
		"acct-1,svc-1,,\n" +
		"acct-2,,cust-2,loc-2\n" +
		"acct-3,,cust-3,\n" +
		"acct-4,,,\n" +
		"acct-5,\"svc\"\"5\",,\n"
	rows := collectRows(t, text, batch.OpSuspend, batch.RowOptions{Level: plume.BasicService})
	require.Len(t, rows, 5)
	assert.Equal(t, "svc-1", rows[0].Key)
	assert.Equal(t, plume.BasicService, rows[0].Level)
	assert.Equal(t, "cust-2/loc-2", rows[1].Key)
	assert.Equal(t, "loc-2", rows[1].LocationID)
	assert.EqualError(t, rows[2].Err, "line 4, column location_id: customer_id and location_id go together")
	assert.EqualError(t, rows[3].Err, "line 5, column service_id: is required (or customer_id and location_id)")
	assert.EqualError(t, rows[4].Err, "line 6, column service_id: must not contain a double quote")
	for _, row := range rows {
		assert.Equal(t, batch.OpSuspend, row.Op)
	}
}

func TestRowsOfEndsWithTheRecordsError(t *testing.T) {
	t.Parallel()
	var got error
	for _, err := range batch.RowsOf(batch.ReadCSV(strings.NewReader("nope\n")), batch.OpResume, batch.RowOptions{}) {
		got = err
	}
	assert.ErrorContains(t, got, "unknown column")
}

// TestReadCSVHeaderForms reads the same two rows under every form of header a spreadsheet or
// a person writes: with or without a byte-order mark, LF or CRLF line ends, names in any
// case, quoted or not, with spaces around them and blank lines before them. A quoted header
// after a byte-order mark was refused before ("bare \" in non-quoted-field").
func TestReadCSVHeaderForms(t *testing.T) {
	t.Parallel()
	names := []string{"account_id", "name", "gateway", "ssid"}
	spellings := map[string]func(string) string{
		"lower": strings.ToLower,
		"upper": strings.ToUpper,
		"title": func(s string) string { return strings.ToUpper(s[:1]) + s[1:] },
		"mixed": func(s string) string {
			b := []byte(s)
			for i := 0; i < len(b); i += 2 {
				b[i] = strings.ToUpper(string(b[i]))[0]
			}
			return string(b)
		},
	}
	quotings := map[string]func(i int, s string) string{
		"bare":           func(_ int, s string) string { return s },
		"quoted":         func(_ int, s string) string { return `"` + s + `"` },
		"first quoted":   func(i int, s string) string { return map[bool]string{true: `"` + s + `"`, false: s}[i == 0] },
		"spaced":         func(_ int, s string) string { return " " + s + " " },
		"spaced quoted":  func(_ int, s string) string { return ` "` + s + `" ` },
		"quoted spaced":  func(_ int, s string) string { return `" ` + s + ` "` },
		"tab and quotes": func(_ int, s string) string { return "\t\"" + s + "\"" },
	}
	for _, bom := range []string{"", "\ufeff"} {
		for _, eol := range []string{"\n", "\r\n"} {
			for _, lead := range []string{"", eol} {
				for spelling, spell := range spellings {
					for quoting, quote := range quotings {
						header := make([]string, len(names))
						for i, n := range names {
							header[i] = quote(i, spell(n))
						}
						text := bom + lead + strings.Join(header, ",") + eol +
							"acct-1,Ada Lovelace,GW1, My Net " + eol +
							`acct-2,"Grace ""Amazing"" Hopper",,` + eol
						name := fmt.Sprintf("bom=%t eol=%q blank-first=%t %s %s", bom != "", eol, lead != "", spelling, quoting)
						recs, err := readRecords(t, text)
						if !assert.NoError(t, err, name) || !assert.Len(t, recs, 2, name) {
							continue
						}
						headerLine := 1 + strings.Count(lead, "\n")
						assert.Equal(t, headerLine+1, recs[0].Line, name)
						assert.Equal(t, "acct-1", recs[0].AccountID, name)
						assert.Equal(t, "Ada Lovelace", recs[0].Name, name)
						assert.Equal(t, "GW1", recs[0].Gateway, name)
						if assert.NotNil(t, recs[0].Wifi, name) {
							assert.Equal(t, " My Net ", recs[0].Wifi.SSID, "%s: no CR left in the last field", name)
						}
						assert.Equal(t, `Grace "Amazing" Hopper`, recs[1].Name, name)
						assert.Nil(t, recs[1].Wifi, name)
						assert.NoError(t, recs[0].Err, name)
						assert.NoError(t, recs[1].Err, name)
					}
				}
			}
		}
	}
}

// TestReadCSVHeaderFormsRejected: leniency ends where the header stops naming columns.
func TestReadCSVHeaderFormsRejected(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"\ufeff":                                     "a header row naming the columns is required",
		"\ufeff\r\n\r\n":                             "a header row naming the columns is required",
		"\ufeff\"account_id\",\"name\n":              `line 1: column 2: a quote that is not closed`,
		"\"account_id\"x,name\n":                     "line 1: column 1: text after the closing quote",
		"acc\"ount_id,name\n":                        "line 1: column 1: a quote inside a field",
		"\ufeff\"Account ID\",Name\r\n":              `unknown column "account id"`,
		"\r\nACCOUNT_ID,Name,account_id\r\n":         `column "account_id" appears twice`,
		strings.Repeat("x", 70<<10) + "\nacct\n":     "line 1 is longer than",
		"\"account_id\",\"name\",\"wifi_pw\"\r\n":    `unknown column "wifi_pw"`,
		" \"account_id\" , \"na\"\"me\" \r\nx,y\r\n": `unknown column "na\"me"`,
	} {
		_, err := readRecords(t, text)
		assert.ErrorContains(t, err, want, "%q", text)
	}
}

// TestReadCSVLinesAfterALenientHeader: line numbers count the lines before the header, and a
// malformed data row is still reported at its line.
func TestReadCSVLinesAfterALenientHeader(t *testing.T) {
	t.Parallel()
	text := "\ufeff\r\n\r\n\"ACCOUNT_ID\",\"Name\"\r\nacct-1,Ada\r\nacct-2,bad\"quote\r\n\r\nacct-3,\"multi\r\nline\"\r\nacct-4,x,extra\r\n"
	recs, err := readRecords(t, text)
	require.NoError(t, err)
	require.Len(t, recs, 4)
	assert.Equal(t, 4, recs[0].Line)
	assert.NoError(t, recs[0].Err)
	var rowErr *batch.RowError
	require.ErrorAs(t, recs[1].Err, &rowErr)
	assert.Equal(t, 5, rowErr.Line)
	assert.Equal(t, 7, recs[2].Line)
	assert.Equal(t, "multi\nline", recs[2].Name)
	assert.EqualError(t, recs[3].Err, "line 9: has 3 fields, the header has 2")
}
