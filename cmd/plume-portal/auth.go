package main

import (
	"net/http"
)

type loginData struct {
	Next  string
	User  string
	Error string
}

func (p *Portal) loginPage(w http.ResponseWriter, r *http.Request) {
	if sess := p.sessions.get(r); sess != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p.render(w, r, nil, http.StatusOK, "login", "Log in", loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

// login checks a technician's name and password and starts a new session: a new random id,
// so that an id planted before the login (session fixation) is worth nothing.
func (p *Portal) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		p.render(w, r, nil, http.StatusBadRequest, "login", "Log in", loginData{Error: "The form could not be read."})
		return
	}
	name, password, next := r.PostForm.Get("user"), r.PostForm.Get("password"), safeNext(r.PostForm.Get("next"))
	data := loginData{Next: next, User: name}
	if !p.allowLogin(r) {
		p.audit(r.Context(), auditEntry{Action: "login", Technician: name, Outcome: "throttled", Detail: clientIP(r)})
		data.Error = "Too many attempts from your address. Wait a minute, then try again."
		p.render(w, r, nil, http.StatusTooManyRequests, "login", "Log in", data)
		return
	}
	if name == "" || len(name) > 64 || len(password) > 72 || !p.users.Check(name, password) {
		p.audit(r.Context(), auditEntry{Action: "login", Technician: truncate(name, 64), Outcome: "refused", Detail: clientIP(r)})
		data.Error = "Wrong name or password."
		p.render(w, r, nil, http.StatusUnauthorized, "login", "Log in", data)
		return
	}
	if old, err := r.Cookie(sessionCookie); err == nil {
		p.sessions.delete(old.Value)
	}
	sess := p.sessions.create(name)
	setSessionCookie(w, sess)
	p.audit(r.Context(), auditEntry{Action: "login", Technician: name, Outcome: "ok", Detail: clientIP(r)})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (p *Portal) logout(w http.ResponseWriter, r *http.Request, sess *session) {
	p.sessions.delete(sess.id)
	clearSessionCookie(w)
	p.audit(r.Context(), auditEntry{Action: "logout", Technician: sess.user, Outcome: "ok"})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
