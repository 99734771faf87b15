package fakecloud

import (
	"net/http"
	"time"
)

// waf is the fixed-window request quota in front of the API (§2.7, §13.13). The window
// starts with the first request it counts; once it has run out, the next request starts a
// new one.
type waf struct {
	quota  int // negative: no limit
	window time.Duration
	start  time.Time
	count  int
}

// allow counts a request and reports whether it is within the quota.
func (w *waf) allow(now time.Time) bool {
	if w.quota < 0 {
		return true
	}
	if w.start.IsZero() || !now.Before(w.start.Add(w.window)) {
		w.start, w.count = now, 0
	}
	w.count++
	return w.count <= w.quota
}

// wafPage is the WAF's block page: HTML, not a LoopBack JSON error.
const wafPage = `<!DOCTYPE html>
<html><head><title>403 Forbidden</title></head>
<body><h1>403 Forbidden</h1><p>Request blocked.</p></body></html>
`

func wafReply() *reply {
	return &reply{
		status: http.StatusForbidden,
		header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
		body:   []byte(wafPage),
	}
}
