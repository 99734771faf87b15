package batch_test

import (
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
	"github.com/plumecloud/plume-go/plumetest"
)

// csvHeader is the documented column order.
const csvHeader = "account_id,name,email,service_id,profile,ssid,wifi_key,wpa_mode,gateway,extenders\n"

// Serials and keys of the generated rows (i from 1).
func accountOf(i int) string { return fmt.Sprintf("acct-%06d", i) }
func gatewayOf(i int) string { return fmt.Sprintf("GW-%06d", i) }
func podOf(i int) string     { return fmt.Sprintf("POD-%06d", i) }
func serviceOf(i int) string { return fmt.Sprintf("svc-%06d", i) }
func wifiKeyOf(i int) string { return fmt.Sprintf("secret-key-%06d", i) }

// appendRow appends the CSV line of row i: a customer with a WiFi network, a gateway and a pod.
func appendRow(b []byte, i int) []byte {
	n := strconv.Itoa(i)
	b = append(b, accountOf(i)...)
	b = append(b, ",Subscriber "...)
	b = append(b, n...)
	b = append(b, ",user"...)
	b = append(b, n...)
	b = append(b, "@example.com,"...)
	b = append(b, serviceOf(i)...)
	b = append(b, ",auto,Home-"...)
	b = append(b, n...)
	b = append(b, ',')
	b = append(b, wifiKeyOf(i)...)
	b = append(b, ",psk2,"...)
	b = append(b, gatewayOf(i)...)
	b = append(b, ',')
	b = append(b, podOf(i)...)
	return append(b, '\n')
}

// generatedCSV is a CSV of n rows made as it is read: it holds one line at a time, so that
// a benchmark's memory is the runner's, not the input's.
type generatedCSV struct {
	n, next int
	buf     []byte
	pending []byte
}

func newGeneratedCSV(n int) *generatedCSV { return &generatedCSV{n: n} }

func (g *generatedCSV) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		switch {
		case g.next > g.n:
			return 0, io.EOF
		case g.next == 0:
			g.buf = append(g.buf[:0], csvHeader...)
		default:
			g.buf = appendRow(g.buf[:0], g.next)
		}
		g.pending = g.buf
		g.next++
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	return n, nil
}

// csvText is the whole CSV of n rows, with extra lines appended.
func csvText(n int, extra ...string) string {
	data, _ := io.ReadAll(newGeneratedCSV(n))
	return string(data) + strings.Join(extra, "")
}

// seed puts the gateways and pods of rows 1..n in the fake's inventory.
func seed(srv *plumetest.Server, n int) {
	gateways, pods := make([]string, n), make([]string, n)
	for i := range n {
		gateways[i], pods[i] = gatewayOf(i+1), podOf(i+1)
	}
	srv.AddGateways(gateways...)
	srv.AddInventory(pods...)
}

// newFake starts a fake with the inventory of n rows and a WAF that never blocks them.
func newFake(t testing.TB, n int, opts ...plumetest.Option) *plumetest.Server {
	t.Helper()
	srv := plumetest.NewServer(t, append([]plumetest.Option{plumetest.WithWAF(1<<30, time.Hour)}, opts...)...)
	seed(srv, n)
	return srv
}

// fastClient has no rate limit and no retry waits, and keeps a connection per worker.
func fastClient(srv *plumetest.Server, opts ...plume.Option) *plume.Client {
	return srv.Client(append([]plume.Option{
		plume.WithRateLimit(math.Inf(1), 1),
		plume.WithRetry(plume.RetryPolicy{MaxRetries: 0}),
		plume.WithHTTPClient(pooledHTTPClient()),
	}, opts...)...)
}

// pooledHTTPClient keeps enough idle connections for the workers: the default two per host
// would make the others dial a connection per request.
func pooledHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr}
}

func openJournal(t testing.TB, path string) *batch.Journal {
	t.Helper()
	j, err := batch.OpenJournal(path)
	require.NoError(t, err)
	t.Cleanup(func() { j.Close() })
	return j
}

func journalPath(t testing.TB) string { return filepath.Join(t.TempDir(), "journal.jsonl") }

// readEntries reads a whole journal file.
func readEntries(t testing.TB, path string) []batch.Entry {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []batch.Entry
	for e, err := range batch.ReadJournal(f) {
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// rowEntries are the entries of a journal's row lines, without its step lines.
func rowEntries(t testing.TB, path string) []batch.Entry {
	t.Helper()
	var out []batch.Entry
	for _, e := range readEntries(t, path) {
		if !e.IsStep() {
			out = append(out, e)
		}
	}
	return out
}

// onboardRows are the rows of a CSV text for onboarding.
func onboardRows(text string) iter.Seq2[batch.Row, error] {
	return batch.RowsOf(batch.ReadCSV(strings.NewReader(text)), batch.OpOnboard, batch.RowOptions{})
}
