package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/plumecloud/plume-go"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Config is what a Portal serves with.
type Config struct {
	Client *plume.Client // built with ClientOptions(), so that jobs can show their steps
	Users  *Users
	Logger *slog.Logger     // operations and audit lines (JSON in main); nil discards
	Now    func() time.Time // sessions' clock; time.Now when nil
	Fake   bool             // serving the built-in fake cloud: said on every page
}

// Portal is the service portal's HTTP handler.
type Portal struct {
	client   *plume.Client
	users    *Users
	log      *slog.Logger
	now      func() time.Time
	fake     bool
	sessions *sessionStore
	jobs     *jobStore
	pages    map[string]*template.Template
	handler  http.Handler

	loginMu       sync.Mutex
	loginLimiters map[string]*rate.Limiter // by client IP

	ctx    context.Context // jobs run under it; Close cancels it
	cancel context.CancelFunc
	jobsWG sync.WaitGroup
}

// New returns a Portal.
func New(cfg Config) (*Portal, error) {
	if cfg.Client == nil || cfg.Users == nil {
		return nil, errors.New("portal: a client and users are required")
	}
	p := &Portal{
		client:        cfg.Client,
		users:         cfg.Users,
		log:           cfg.Logger,
		now:           cfg.Now,
		fake:          cfg.Fake,
		loginLimiters: map[string]*rate.Limiter{},
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.now == nil {
		p.now = time.Now
	}
	p.sessions = newSessionStore(p.now)
	p.jobs = newJobStore()
	p.ctx, p.cancel = context.WithCancel(context.Background())
	var err error
	if p.pages, err = parsePages(); err != nil {
		return nil, err
	}
	p.handler = p.routes()
	return p, nil
}

// Close cancels the running jobs and waits for them.
func (p *Portal) Close() {
	p.cancel()
	p.jobsWG.Wait()
}

func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.handler.ServeHTTP(w, r) }

func (p *Portal) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /login", p.loginPage)
	mux.HandleFunc("POST /login", p.login)

	auth := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, p.requireLogin(h))
	}
	auth("POST /logout", p.logout)
	auth("GET /{$}", p.searchPage)
	auth("GET /subscribers/{customerID}", p.subscriberPage)
	auth("GET /onboard", p.onboardPage)
	auth("GET /rma", p.rmaPage)
	auth("POST /actions/confirm", p.confirmAction)
	auth("POST /actions/{kind}", p.requestAction)
	auth("GET /jobs/{id}", p.jobPage)

	// Every unsafe request (POST) is refused unless it comes from this origin: the browser's
	// Sec-Fetch-Site, else Origin against Host. SameSite=Strict already keeps the session
	// cookie off cross-site requests; this also covers same-site ones (another port).
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(p.crossOriginDenied))
	return p.securityHeaders(cop.Handler(mux))
}

// securityHeaders sets the headers of every answer: no script at all, nothing framed,
// nothing cached, no referrer.
func (p *Portal) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// requireLogin runs h with the request's session, or sends the browser to the login page.
func (p *Portal) requireLogin(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := p.sessions.get(r)
		if sess == nil {
			if r.Method != http.MethodGet {
				p.renderError(w, r, nil, http.StatusUnauthorized, "Your session has ended. Log in again, then repeat the action.")
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		h(w, r, sess)
	})
}

// crossOriginDenied answers a write that did not come from the portal's own pages.
func (p *Portal) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	user := ""
	if sess := p.sessions.get(r); sess != nil {
		user = sess.user
	}
	p.audit(r.Context(), auditEntry{Action: "cross-origin-request", Technician: user, Outcome: "refused", Detail: r.Method + " " + r.URL.Path})
	p.renderError(w, r, nil, http.StatusForbidden, "This request came from another site and was refused. Use the portal's own pages to make changes.")
}

// clientIP is the address the request came from, without its port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allowLogin applies a per-address budget to login attempts: a burst of 10, then one
// every 6 seconds, which bounds password guessing on top of bcrypt's cost.
func (p *Portal) allowLogin(r *http.Request) bool {
	ip := clientIP(r)
	p.loginMu.Lock()
	defer p.loginMu.Unlock()
	l := p.loginLimiters[ip]
	if l == nil {
		if len(p.loginLimiters) > 10000 {
			clear(p.loginLimiters)
		}
		l = rate.NewLimiter(rate.Every(6*time.Second), 10)
		p.loginLimiters[ip] = l
	}
	return l.Allow()
}

// Pages.

// view is what every page template gets.
type view struct {
	Title string
	User  string
	Fake  bool
	Flash *flash
	Data  any
}

var pageNames = []string{"login", "search", "subscriber", "confirm", "job", "onboard", "rma", "error"}

func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

var funcs = template.FuncMap{
	"since": sinceText,
	"lower": strings.ToLower,
	// nodeCtx pairs a node row with its page, for the node's action forms.
	"nodeCtx": func(d *subscriberData, n nodeRow) nodeContext { return nodeContext{D: d, N: n} },
}

type nodeContext struct {
	D *subscriberData
	N nodeRow
}

// render writes a page; a template failure is logged and answered with a plain 500.
func (p *Portal) render(w http.ResponseWriter, r *http.Request, sess *session, status int, name, title string, data any) {
	v := view{Title: title, Fake: p.fake, Data: data}
	if sess != nil {
		v.User = sess.user
		v.Flash = p.sessions.takeFlash(sess)
	}
	var buf bytes.Buffer
	if err := p.pages[name].Execute(&buf, v); err != nil {
		p.log.ErrorContext(r.Context(), "rendering a page", "page", name, "error", err.Error())
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

type errorData struct {
	Message string
	Back    string
}

func (p *Portal) renderError(w http.ResponseWriter, r *http.Request, sess *session, status int, msg string) {
	p.render(w, r, sess, status, "error", "Something went wrong", errorData{Message: msg, Back: "/"})
}

// safeNext keeps a redirect target on this site: a path, never "//host" or a URL.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
