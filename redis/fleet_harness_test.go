package redis_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/plumetest"
)

// recorder is a reverse proxy in front of the fake cloud that notes when each request
// arrives, which replica sent it, with which bearer, and the answer's status.
type recorder struct {
	apiURL, tokenURL string

	mu     sync.Mutex
	events []event
}

type event struct {
	at      time.Time
	sent    time.Time // when the replica sent it (sentHeader)
	token   bool
	replica int
	bearer  string // a hash: the test never handles token values beyond this
	status  int
}

func newRecorder(t *testing.T, srv *plumetest.Server) *recorder {
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	tokenPath, err := url.Parse(srv.TokenURL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	// Enough idle connections that the proxy never dials under load: a dial stalls one
	// request and lets the next ones catch up with it, which the fake would see as a burst.
	proxy.Transport = &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}
	proxy.ErrorLog = log.New(io.Discard, "", 0) // requests cut by the run's end are counted, not logged
	rec := &recorder{}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := event{at: time.Now(), token: r.URL.Path == tokenPath.Path, replica: replicaOf(r.UserAgent())}
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			e.bearer = tokenHash(bearer)
		}
		if ns, err := strconv.ParseInt(r.Header.Get(sentHeader), 10, 64); err == nil {
			e.sent = time.Unix(0, ns)
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		proxy.ServeHTTP(sw, r)
		e.status = sw.status
		if r.Context().Err() != nil {
			e.status = statusClientGone
		}
		rec.mu.Lock()
		rec.events = append(rec.events, e)
		rec.mu.Unlock()
	}))
	t.Cleanup(front.Close)
	rec.apiURL = front.URL + target.Path
	rec.tokenURL = front.URL + tokenPath.Path
	return rec
}

// tokenHash names a token in the test's records without keeping it.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:6])
}

// sentHeader carries the time a replica's transport sent the request, in Unix nanoseconds.
const sentHeader = "X-Fleet-Sent"

// stampTransport writes sentHeader; the SDK calls it right after its limiter lets the
// request go.
type stampTransport struct{ base http.RoundTripper }

func (s stampTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(sentHeader, strconv.FormatInt(time.Now().UnixNano(), 10))
	return s.base.RoundTrip(r)
}

// redisMonitor notes when Redis granted a slot of one budget: redis_rate's script SETs the
// budget's key exactly when it allows a request, and MONITOR stamps every command, those of
// scripts included, with Redis's own clock. It is the exact record of what the budget let go.
type redisMonitor struct {
	conn  net.Conn
	key   string
	done  chan struct{}
	mu    sync.Mutex
	times []time.Time
}

func startMonitor(t *testing.T, addr, key string) *redisMonitor {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = io.WriteString(conn, "MONITOR\r\n")
	require.NoError(t, err)
	lines := bufio.NewReader(conn)
	first, err := lines.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "+OK\r\n", first)
	m := &redisMonitor{conn: conn, key: key, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		for {
			line, err := lines.ReadString('\n')
			if err != nil {
				return
			}
			if at, ok := m.grant(line); ok {
				m.mu.Lock()
				m.times = append(m.times, at)
				m.mu.Unlock()
			}
		}
	}()
	return m
}

// grant parses `+1718000000.123456 [0 lua] "SET" "<key>" ...`.
func (m *redisMonitor) grant(line string) (time.Time, bool) {
	if !strings.Contains(line, `"`+m.key+`"`) || !strings.Contains(strings.ToUpper(line), `"SET"`) {
		return time.Time{}, false
	}
	stamp, _, _ := strings.Cut(strings.TrimPrefix(line, "+"), " ")
	secs, micros, _ := strings.Cut(stamp, ".")
	s, err1 := strconv.ParseInt(secs, 10, 64)
	us, err2 := strconv.ParseInt(micros, 10, 64)
	if err1 != nil || err2 != nil {
		return time.Time{}, false
	}
	return time.Unix(s, us*1000), true
}

// stop ends the monitor and returns the grants, in order.
func (m *redisMonitor) stop() []time.Time {
	m.conn.Close()
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.times)
}

// snapshot returns the events by arrival.
func (r *recorder) snapshot() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.events)
	slices.SortFunc(out, func(a, b event) int { return a.at.Compare(b.at) })
	return out
}

func replicaOf(userAgent string) int {
	rest, ok := strings.CutPrefix(userAgent, "fleet-replica-")
	if !ok {
		return -1
	}
	n, _, _ := strings.Cut(rest, " ")
	id, err := strconv.Atoi(n)
	if err != nil {
		return -1
	}
	return id
}

// statusClientGone marks a request whose client went away (the run's end) before the answer.
const statusClientGone = 499

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// fleetProc is one replica: this test binary started again with fleetHelperEnv.
type fleetProc struct {
	id     int
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  *bufio.Scanner
	stderr *logBuffer
}

func startFleetProc(t *testing.T, p fleetParams) *fleetProc {
	t.Helper()
	spec, err := json.Marshal(p)
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), fleetHelperEnv+"="+string(spec))
	cmd.SysProcAttr = childProcAttr()
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr := &logBuffer{}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return &fleetProc{id: p.ID, cmd: cmd, stdin: stdin, lines: bufio.NewScanner(stdout), stderr: stderr}
}

func (p *fleetProc) waitReady(t *testing.T) {
	t.Helper()
	if !p.lines.Scan() || p.lines.Text() != "ready" {
		t.Fatalf("replica %d did not start: %q %v; stderr: %s", p.id, p.lines.Text(), p.lines.Err(), p.stderr)
	}
}

// release tells the replica to begin its run.
func (p *fleetProc) release() { _, _ = io.WriteString(p.stdin, "go\n") }

func (p *fleetProc) report(t *testing.T, timeout time.Duration) fleetReport {
	t.Helper()
	done := make(chan fleetReport, 1)
	go func() {
		var last string
		for p.lines.Scan() {
			last = p.lines.Text()
		}
		var r fleetReport
		if err := json.Unmarshal([]byte(last), &r); err != nil {
			r.ID = -1
		}
		done <- r
	}()
	select {
	case r := <-done:
		err := p.cmd.Wait()
		if r.ID != p.id || err != nil {
			t.Fatalf("replica %d failed: %v; stderr: %s", p.id, err, p.stderr)
		}
		return r
	case <-time.After(timeout):
		_ = p.cmd.Process.Kill()
		t.Fatalf("replica %d did not finish within %v", p.id, timeout)
	}
	return fleetReport{}
}
