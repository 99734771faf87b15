package plumetest

import "net/http"

// WithRequestHook calls hook with every request the Server receives (API and OAuth
// endpoints, faulted ones included) as it arrives, before the fake reads its body or answers
// it. Tests use it to measure what reaches the cloud: arrival times against a rate limit,
// the URLs and headers a client sends. hook runs on the Server's connection goroutines, so
// it must be safe for concurrent use; it must not read or keep the request's body.
func WithRequestHook(hook func(r *http.Request)) Option {
	return func(s *settings) { s.hook = hook }
}

// handler returns h, behind the request hook when there is one.
func (s *settings) handler(h http.Handler) http.Handler {
	if s.hook == nil {
		return h
	}
	hook := s.hook
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hook(r)
		h.ServeHTTP(w, r)
	})
}
