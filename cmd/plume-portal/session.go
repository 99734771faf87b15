package main

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// Sessions live on the server; the browser holds only a random id in a cookie that is
// Secure, HttpOnly and SameSite=Strict, with the __Host- prefix (no Domain, Path=/).
const (
	sessionCookie   = "__Host-plume-portal"
	sessionIdle     = 30 * time.Minute // a session unused this long ends
	sessionLifetime = 10 * time.Hour   // and any session ends this long after login: a shift
	confirmLifetime = 5 * time.Minute  // a confirmation page is good this long
	maxPending      = 32               // confirmations waiting per session
)

// session is one technician's login.
type session struct {
	id       string
	user     string
	created  time.Time
	lastSeen time.Time

	// Guarded by the store's mutex.
	flash   *flash
	pending map[string]*pendingAction // confirmation token → the action it confirms
}

// flash is a one-time message shown on the next page.
type flash struct {
	Message string
	Error   bool
}

// sessionStore keeps the sessions in memory: a restart logs everyone out.
type sessionStore struct {
	mu       sync.Mutex
	sessions map[string]*session
	now      func() time.Time
}

func newSessionStore(now func() time.Time) *sessionStore {
	return &sessionStore{sessions: map[string]*session{}, now: now}
}

// randomID returns 32 random bytes, base64url: ids of sessions, confirmations and jobs.
func randomID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session for user, dropping expired ones.
func (s *sessionStore) create(user string) *session {
	now := s.now()
	sess := &session{id: randomID(), user: user, created: now, lastSeen: now, pending: map[string]*pendingAction{}}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.sessions {
		if s.expired(old, now) {
			delete(s.sessions, id)
		}
	}
	s.sessions[sess.id] = sess
	return sess
}

func (s *sessionStore) expired(sess *session, now time.Time) bool {
	return now.Sub(sess.lastSeen) > sessionIdle || now.Sub(sess.created) > sessionLifetime
}

// get returns the live session of the request's cookie, touching it, or nil.
func (s *sessionStore) get(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[c.Value]
	if sess == nil {
		return nil
	}
	if s.expired(sess, now) {
		delete(s.sessions, sess.id)
		return nil
	}
	sess.lastSeen = now
	return sess
}

func (s *sessionStore) delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, id)
}

// setFlash leaves a message for the session's next page.
func (s *sessionStore) setFlash(sess *session, f flash) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess.flash = &f
}

// takeFlash returns and clears the session's message.
func (s *sessionStore) takeFlash(sess *session) *flash {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := sess.flash
	sess.flash = nil
	return f
}

// addPending stores an action awaiting confirmation and returns its one-time token.
func (s *sessionStore) addPending(sess *session, a *pendingAction) string {
	now := s.now()
	token := randomID()
	a.expires = now.Add(confirmLifetime)
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, p := range sess.pending {
		if now.After(p.expires) {
			delete(sess.pending, t)
		}
	}
	if len(sess.pending) >= maxPending { // drop the oldest
		var oldest string
		for t, p := range sess.pending {
			if oldest == "" || p.expires.Before(sess.pending[oldest].expires) {
				oldest = t
			}
		}
		delete(sess.pending, oldest)
	}
	sess.pending[token] = a
	return token
}

// takePending removes and returns the action of a token, or nil when the token is unknown
// to this session or expired.
func (s *sessionStore) takePending(sess *session, token string) *pendingAction {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := sess.pending[token]
	delete(sess.pending, token)
	if a == nil || s.now().After(a.expires) {
		return nil
	}
	return a
}

func setSessionCookie(w http.ResponseWriter, sess *session) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    sess.id,
		Path:     "/",
		MaxAge:   int(sessionLifetime / time.Second),
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	})
}

func clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}
