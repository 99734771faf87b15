package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/plumecloud/plume-go"
)

// Every change goes through two POSTs, both behind the cross-origin check: the first
// (POST /actions/{kind}) checks the form, stores the action server-side under a one-time
// token and shows a confirmation page saying exactly what will happen; the second (POST
// /actions/confirm, with the token only) does it. A confirmation is bound to the session
// that asked for it, used once, and good for five minutes. Because the action waits on
// the server, what the form carried (a WiFi key) is never sent back into a page.

// actionParams are an action's inputs, checked.
type actionParams struct {
	Customer, Location string
	Node, NodeName     string
	Subscriber         string // the subscriber's name, for the confirmation page only
	Level              plume.ServiceLevelStatus
	Mode               string // the LED mode of a locate
	Serial             string
	Onboard            *plume.OnboardRequest
}

// back is the page to return to: the subscriber's, at the location.
func (a actionParams) back() string {
	if a.Customer == "" {
		return "/"
	}
	u := "/subscribers/" + url.PathEscape(a.Customer)
	if a.Location != "" {
		u += "?location=" + url.QueryEscape(a.Location)
	}
	return u
}

// pendingAction is an action awaiting its confirmation.
type pendingAction struct {
	kind    string
	params  actionParams
	expires time.Time
}

// actionSpec describes one kind of action.
type actionSpec struct {
	title   string // "Reboot a node"
	button  string // the confirmation button: "Reboot"
	warning string // what the technician should know before confirming
	// parse checks the form and returns the action and its summary lines. A form error
	// (*formError) is shown on the form's own page when the action has one.
	parse func(ctx context.Context, p *Portal, r *http.Request) (actionParams, []string, error)
	// run does a short action and returns the message to show.
	run func(ctx context.Context, p *Portal, a actionParams) (string, error)
	// job starts a long action instead; it returns its result lines.
	job func(ctx context.Context, p *Portal, j *job, a actionParams) ([]string, error)
	// prepare fills in a job's title and labels before it starts.
	prepare func(j *job, a actionParams)
	// form is the page that re-shows the form on an error ("" for the subscriber page).
	form string
}

// formError is input refused before anything is sent.
type formError struct{ msg string }

func (e *formError) Error() string { return e.msg }

var actions = map[string]*actionSpec{}

var idRE = regexp.MustCompile(`^[A-Za-z0-9._:@-]{1,128}$`)

// locationForm reads the customer and location of a subscriber-page form.
func locationForm(r *http.Request) (actionParams, error) {
	a := actionParams{
		Customer:   r.PostForm.Get("customer"),
		Location:   r.PostForm.Get("location"),
		Subscriber: truncate(r.PostForm.Get("subscriber"), 200),
	}
	if !idRE.MatchString(a.Customer) || !idRE.MatchString(a.Location) {
		return a, &formError{"The form does not name a subscriber and location: reload the subscriber page."}
	}
	return a, nil
}

// nodeForm reads a node action's form.
func nodeForm(r *http.Request) (actionParams, error) {
	a, err := locationForm(r)
	if err != nil {
		return a, err
	}
	a.Node, a.NodeName = r.PostForm.Get("node"), truncate(r.PostForm.Get("nodeName"), 200)
	if !idRE.MatchString(a.Node) {
		return a, &formError{"The form does not name a node: reload the subscriber page."}
	}
	if a.NodeName == "" {
		a.NodeName = a.Node
	}
	return a, nil
}

func subscriberLine(a actionParams) string {
	if a.Subscriber != "" {
		return fmt.Sprintf("Subscriber: %s (%s)", a.Subscriber, a.Customer)
	}
	return "Subscriber: " + a.Customer
}

func init() {
	actions["suspend"] = &actionSpec{
		title:   "Suspend service",
		button:  "Suspend",
		warning: "The subscriber's WiFi stops (no service) or loses its adaptive and security features (basic service) until service is resumed. Their configuration is kept.",
		parse: func(ctx context.Context, p *Portal, r *http.Request) (actionParams, []string, error) {
			a, err := locationForm(r)
			if err != nil {
				return a, nil, err
			}
			a.Level = plume.ServiceLevelStatus(r.PostForm.Get("level"))
			if a.Level != plume.NoService && a.Level != plume.BasicService {
				return a, nil, &formError{"Choose no service or basic service."}
			}
			return a, []string{subscriberLine(a), "Location: " + a.Location, "New service level: " + levelName(a.Level)}, nil
		},
		run: func(ctx context.Context, p *Portal, a actionParams) (string, error) {
			if err := p.client.Suspend(ctx, a.Customer, a.Location, a.Level); err != nil {
				return "", err
			}
			return "Service lowered to " + levelName(a.Level) + ".", nil
		},
	}
	actions["resume"] = &actionSpec{
		title:   "Resume full service",
		button:  "Resume",
		warning: "The subscriber gets full service back at once.",
		parse: func(ctx context.Context, p *Portal, r *http.Request) (actionParams, []string, error) {
			a, err := locationForm(r)
			if err != nil {
				return a, nil, err
			}
			a.Level = plume.FullService
			return a, []string{subscriberLine(a), "Location: " + a.Location, "New service level: " + levelName(plume.FullService)}, nil
		},
		run: func(ctx context.Context, p *Portal, a actionParams) (string, error) {
			if err := p.client.Resume(ctx, a.Customer, a.Location); err != nil {
				return "", err
			}
			return "Full service resumed.", nil
		},
	}
}

func levelName(l plume.ServiceLevelStatus) string {
	switch l {
	case plume.NoService:
		return "no service (suspended)"
	case plume.BasicService:
		return "basic service"
	case plume.FullService:
		return "full service"
	case "":
		return "not set (full service)"
	}
	return string(l)
}

type confirmData struct {
	Title, Button, Warning string
	Summary                []string
	Token                  string
	Back                   string
}

// requestAction checks an action's form and shows its confirmation page.
func (p *Portal) requestAction(w http.ResponseWriter, r *http.Request, sess *session) {
	kind := r.PathValue("kind")
	spec := actions[kind]
	if spec == nil {
		p.renderError(w, r, sess, http.StatusNotFound, "The portal has no such action.")
		return
	}
	if err := r.ParseForm(); err != nil {
		p.renderError(w, r, sess, http.StatusBadRequest, "The form could not be read.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	a, summary, err := spec.parse(ctx, p, r)
	if err != nil {
		p.formFailed(w, r, sess, spec, a, err)
		return
	}
	token := p.sessions.addPending(sess, &pendingAction{kind: kind, params: a})
	p.render(w, r, sess, http.StatusOK, "confirm", spec.title, confirmData{
		Title: spec.title, Button: spec.button, Warning: spec.warning,
		Summary: summary, Token: token, Back: a.back(),
	})
}

// formFailed shows why a form was refused: on the form's page when the action has one,
// else as a message on the subscriber page.
func (p *Portal) formFailed(w http.ResponseWriter, r *http.Request, sess *session, spec *actionSpec, a actionParams, err error) {
	var fe *formError
	msg := err.Error()
	if !errors.As(err, &fe) {
		msg = explain(err)
	}
	if spec.form != "" {
		p.renderForm(w, r, sess, spec.form, http.StatusUnprocessableEntity, msg)
		return
	}
	p.sessions.setFlash(sess, flash{Message: msg, Error: true})
	http.Redirect(w, r, a.back(), http.StatusSeeOther)
}

// confirmAction does a confirmed action.
func (p *Portal) confirmAction(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := r.ParseForm(); err != nil {
		p.renderError(w, r, sess, http.StatusBadRequest, "The form could not be read.")
		return
	}
	pending := p.sessions.takePending(sess, r.PostForm.Get("token"))
	if pending == nil {
		p.audit(r.Context(), auditEntry{Action: "confirm", Technician: sess.user, Outcome: "refused", Detail: "unknown or expired confirmation"})
		p.renderError(w, r, sess, http.StatusBadRequest, "This confirmation has expired or was already used. Start the action again from the subscriber's page.")
		return
	}
	spec, a := actions[pending.kind], pending.params
	entry := auditEntry{Action: pending.kind, Technician: sess.user, Customer: a.Customer, Location: a.Location, Target: target(a)}

	if spec.job != nil {
		j := &job{Title: spec.title, Customer: a.Customer, Location: a.Location, Back: a.back()}
		if spec.prepare != nil {
			spec.prepare(j, a)
		}
		p.audit(r.Context(), withOutcome(entry, "started", nil))
		j = p.startJob(sess, j, func(ctx context.Context, j *job) ([]string, error) {
			return spec.job(ctx, p, j, a)
		}, func(err error) {
			v := j.view()
			e := entry
			e.Customer, e.Location = v.Customer, v.Location
			p.audit(context.Background(), withOutcome(e, outcome(err), err))
		})
		http.Redirect(w, r, "/jobs/"+j.ID, http.StatusSeeOther)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), 50*time.Second) // under the server's WriteTimeout
	defer cancel()
	msg, err := spec.run(ctx, p, a)
	p.audit(r.Context(), withOutcome(entry, outcome(err), err))
	if err != nil {
		p.sessions.setFlash(sess, flash{Message: spec.title + " failed. " + explain(err), Error: true})
	} else {
		p.sessions.setFlash(sess, flash{Message: msg})
	}
	back := a.back()
	if spec.form != "" && a.Customer == "" {
		back = "/" + spec.form
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func target(a actionParams) string {
	switch {
	case a.Node != "":
		return a.Node
	case a.Serial != "":
		return a.Serial
	case a.Level != "":
		return string(a.Level)
	case a.Onboard != nil:
		return a.Onboard.AccountID
	}
	return ""
}

func outcome(err error) string {
	if err != nil {
		return "failed"
	}
	return "ok"
}

func withOutcome(e auditEntry, outcome string, err error) auditEntry {
	e.Outcome, e.Err = outcome, err
	return e
}
