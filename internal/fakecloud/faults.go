package fakecloud

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Fault makes the next requests that match Method and Path misbehave.
//
// A fault with Status or Drop acts instead of the endpoint: the state does not change. With
// AfterState the endpoint runs first and changes the state, then the real answer is replaced
// (a claim that applies and answers 503, a register whose answer never arrives). Truncate
// always runs the endpoint and cuts its real answer short. Delay waits first (and gives up,
// answering nothing, when the request's context ends), then the request goes on: as a plain
// request when nothing else is set.
//
// A fault with no action at all lets Times matching requests through untouched; since a
// request takes only the first matching fault, a fault queued after it hits the request that
// follows them (fail the third claim, not the first).
//
// Go's http.Transport silently replays an idempotent request (GET, HEAD) whose reused
// connection closes before any byte of the answer, so a Drop fault on a GET may be consumed
// by that replay without the client noticing; give such a fault Times of 2 or more.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// Path is a path.Match pattern for the escaped URL path, /api included
	// ("/api/Customers/*/locations/*/nodes"); "" matches any path. The token endpoint's
	// path is TokenPath, the path of plumetest's Server.TokenURL.
	Path string
	// Times is how many matching requests the fault affects; 0 means 1.
	Times int
	// Delay is waited before anything else.
	Delay time.Duration
	// Status is the status answered instead of the real one.
	Status int
	// Body is the body of the Status answer; when empty, a 4xx/5xx answer carries a LoopBack
	// error body.
	Body string
	// Header holds headers of the Status answer (Retry-After, Content-Type, ...).
	Header http.Header
	// Drop closes the connection without any answer.
	Drop bool
	// Truncate sends the real answer's status and headers with only half of its body, then
	// closes the connection.
	Truncate bool
	// AfterState lets the endpoint change the state before Status or Drop applies.
	AfterState bool
}

type pendingFault struct {
	Fault
	left int
}

// InjectFault queues a fault. Faults are tried in the order they were injected; a request
// takes at most one.
func (c *Cloud) InjectFault(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, &pendingFault{Fault: f, left: max(f.Times, 1)})
	return nil
}

// ClearFaults drops every queued fault.
func (c *Cloud) ClearFaults() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = nil
}

// PendingFaults returns how many requests the queued faults will still affect.
func (c *Cloud) PendingFaults() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, f := range c.faults {
		n += f.left
	}
	return n
}

func (f *Fault) validate() error {
	actions := 0
	for _, set := range []bool{f.Status != 0, f.Drop, f.Truncate} {
		if set {
			actions++
		}
	}
	switch {
	case actions > 1:
		return errors.New("fakecloud: a fault takes one of Status, Drop and Truncate")
	case f.Delay < 0:
		return errors.New("fakecloud: fault Delay is negative")
	case f.AfterState && !f.Drop && f.Status == 0:
		return errors.New("fakecloud: AfterState needs Status or Drop")
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("fakecloud: fault status %d is not an HTTP status", f.Status)
	case f.Times < 0:
		return errors.New("fakecloud: fault Times is negative")
	}
	if _, err := path.Match(f.Path, ""); err != nil {
		return fmt.Errorf("fakecloud: fault path %q: %w", f.Path, err)
	}
	return nil
}

// takeFault returns the first queued fault matching the request and uses it up once.
// The caller holds c.mu.
func (c *Cloud) takeFault(method, escapedPath string) *Fault {
	for i, f := range c.faults {
		if !f.matches(method, escapedPath) {
			continue
		}
		f.left--
		if f.left == 0 {
			c.faults = append(c.faults[:i:i], c.faults[i+1:]...)
		}
		taken := f.Fault
		return &taken
	}
	return nil
}

func (f *pendingFault) matches(method, escapedPath string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Path == "" {
		return true
	}
	ok, _ := path.Match(f.Path, escapedPath)
	return ok
}

// before reports whether the fault answers instead of the endpoint.
func (f *Fault) before() bool { return (f.Status != 0 || f.Drop) && !f.AfterState }

// after reports whether the fault replaces the endpoint's real answer.
func (f *Fault) after() bool { return f.AfterState || f.Truncate }

// answer writes the fault's answer; real is the endpoint's answer when it ran.
func (f *Fault) answer(w http.ResponseWriter, r *http.Request, real *reply) {
	switch {
	case f.Drop:
		hangUp(w, nil)
	case f.Truncate:
		hangUp(w, truncated(r, real))
	default:
		f.statusReply().write(w)
	}
}

func (f *Fault) statusReply() *reply {
	var rep *reply
	switch {
	case f.Body != "":
		rep = &reply{status: f.Status, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: []byte(f.Body)}
	case f.Status >= 400:
		rep = errorReply(f.Status, "injected fault: "+http.StatusText(f.Status))
	default:
		rep = emptyReply(f.Status)
	}
	for k, vs := range f.Header {
		rep.header[http.CanonicalHeaderKey(k)] = vs
	}
	return rep
}

// truncated renders an HTTP/1.1 answer that announces the whole body but carries half of it
// (or, for an empty body, stops after the status line).
func truncated(r *http.Request, rep *reply) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", rep.status, http.StatusText(rep.status))
	if len(rep.body) == 0 {
		return []byte(b.String())
	}
	for k, vs := range rep.header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("Content-Length: " + strconv.Itoa(len(rep.body)) + "\r\nConnection: close\r\n\r\n")
	if r.Method != http.MethodHead {
		b.Write(rep.body[:len(rep.body)/2])
	}
	return []byte(b.String())
}

// hangUp writes raw bytes, if any, straight to the connection and closes it.
func hangUp(w http.ResponseWriter, raw []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // HTTP/2: net/http resets the stream without logging
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	if len(raw) > 0 {
		_, _ = buf.Write(raw)
		_ = buf.Flush()
	}
}
