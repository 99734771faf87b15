package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/plumecloud/plume-go"
)

// Long actions (onboarding, reboot and wait, speed tests) run as jobs: the confirmation
// starts one and sends the browser to its page, which shows each API call as it happens
// (from the client's Observer) and reloads itself until the job ends.

const (
	jobTimeout = 10 * time.Minute // a job is cancelled after this
	jobsKept   = 200              // finished jobs kept for their pages
)

// job is one long action.
type job struct {
	ID         string
	Title      string
	Owner      string // the technician who started it; only they see it
	Customer   string
	Location   string
	Back       string // the page to go back to
	Started    time.Time
	labelClaim []string // serials in claim order, to name the claims of an onboarding

	mu      sync.Mutex
	steps   []jobStep
	done    bool
	failed  bool
	result  []string // what the job found, one line each
	message string   // the explanation of its error
	claims  int
	lookups int
	checks  int
	reads   int
	changed chan struct{} // closed and replaced at every change
}

type jobStep struct {
	op     string
	Label  string
	Status string // running, ok, failed
}

// jobView is a job as its page shows it.
type jobView struct {
	ID, Title, Back string
	Customer        string
	Location        string
	Steps           []jobStep
	Done, Failed    bool
	Result          []string
	Message         string
}

func (j *job) view() jobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	return jobView{ID: j.ID, Title: j.Title, Back: j.Back, Customer: j.Customer, Location: j.Location,
		Steps: append([]jobStep(nil), j.steps...), Done: j.done, Failed: j.failed,
		Result: append([]string(nil), j.result...), Message: j.message}
}

// update changes the job under its lock and wakes those waiting for a change.
func (j *job) update(f func()) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f()
	close(j.changed)
	j.changed = make(chan struct{})
}

// wait returns a channel closed at the job's next change.
func (j *job) wait() <-chan struct{} {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.changed
}

// addStep appends a running step and returns its index. A poll that repeats the one before
// it (the same operation, finished ok) takes its place, so that a wait reads as one line
// counting its checks.
func (j *job) addStep(op, label string) int {
	var i int
	j.update(func() {
		if n := len(j.steps); n > 0 && pollOps[op] && j.steps[n-1].op == op && j.steps[n-1].Status == "ok" {
			j.steps[n-1] = jobStep{op: op, Label: label, Status: "running"}
			i = n - 1
			return
		}
		j.steps = append(j.steps, jobStep{op: op, Label: label, Status: "running"})
		i = len(j.steps) - 1
	})
	return i
}

// pollOps are the operations the waiting flows repeat.
var pollOps = map[string]bool{"Nodes.Get": true, "Nodes.SpeedTestResult": true, "Nodes.SpeedTestResults": true}

func (j *job) endStep(i int, ok bool) {
	j.update(func() {
		if i >= 0 && i < len(j.steps) {
			j.steps[i].Status = map[bool]string{true: "ok", false: "failed"}[ok]
		}
	})
}

// finish ends the job with its result lines, or with err explained.
func (j *job) finish(result []string, err error) {
	j.update(func() {
		j.done = true
		j.result = result
		if err != nil {
			j.failed = true
			j.message = explain(err)
		}
	})
}

// stepLabel names an API operation of a job for the technician.
func (j *job) stepLabel(op string) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	switch op {
	case "Nodes.Claim":
		j.claims++
		if j.claims <= len(j.labelClaim) {
			return "Claim node " + j.labelClaim[j.claims-1]
		}
		return "Claim a node"
	case "Nodes.Get":
		j.checks++
		return fmt.Sprintf("Check whether the node is back (check %d)", j.checks)
	case "Nodes.SpeedTestResult", "Nodes.SpeedTestResults":
		j.reads++
		return fmt.Sprintf("Read the speed test (check %d)", j.reads)
	case "Nodes.Lookup":
		j.lookups++
		if j.lookups <= len(j.labelClaim) {
			return "Check node " + j.labelClaim[j.lookups-1] + " in the inventory"
		}
		return "Look a node up"
	}
	if l, ok := opLabels[op]; ok {
		return l
	}
	return op
}

var opLabels = map[string]string{
	"Customers.Register":                "Register the subscriber",
	"Customers.FindByAccountID":         "Find the subscriber by account id",
	"Customers.MarkEmailVerified":       "Mark the email verified",
	"Customers.ResendEmailVerification": "Send the verification email",
	"Locations.List":                    "Read the locations",
	"Locations.SetServiceID":            "Set the service id",
	"Locations.SetStaticIPv4":           "Set the static IPv4 WAN",
	"Locations.SetOnboardingCheckpoint": "Mark onboarding complete",
	"WifiNetworks.Create":               "Create the WiFi network",
	"WifiNetworks.Replace":              "Replace the WiFi network",
	"WifiNetworks.Get":                  "Read the WiFi network",
	"Nodes.List":                        "Read the nodes",
	"Nodes.Reboot":                      "Send the reboot",
	"Nodes.StartSpeedTest":              "Start the speed test",
}

// The client's Observer reports each operation with the caller's context; a job's context
// carries the job, so its operations become its steps.
type jobKey struct{}
type stepKey struct{}

// ClientOptions are the options the portal's client needs: the Observer that shows the
// steps of a job. Both the real cloud's client and the fake's are built with them.
func ClientOptions() []plume.Option {
	return []plume.Option{plume.WithObserver(&plume.Observer{
		OperationStart: func(ctx context.Context, op plume.Operation) context.Context {
			j, _ := ctx.Value(jobKey{}).(*job)
			if j == nil {
				return ctx
			}
			return context.WithValue(ctx, stepKey{}, j.addStep(op.Name, j.stepLabel(op.Name)))
		},
		OperationEnd: func(ctx context.Context, op plume.Operation, res plume.OperationResult) {
			j, _ := ctx.Value(jobKey{}).(*job)
			i, ok := ctx.Value(stepKey{}).(int)
			if j != nil && ok {
				j.endStep(i, res.ErrorKind == "")
			}
		},
	})}
}

// jobStore keeps the jobs, the running ones and the last finished ones.
type jobStore struct {
	mu    sync.Mutex
	jobs  map[string]*job
	order []string
}

func newJobStore() *jobStore { return &jobStore{jobs: map[string]*job{}} }

func (s *jobStore) add(j *job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[j.ID] = j
	s.order = append(s.order, j.ID)
	for len(s.order) > jobsKept {
		old := s.jobs[s.order[0]]
		old.mu.Lock()
		done := old.done
		old.mu.Unlock()
		if !done {
			break
		}
		delete(s.jobs, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *jobStore) get(id string) *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs[id]
}

// startJob runs fn as a job of the session's technician and returns the job. fn's context
// carries the job (its API calls become steps) and ends with the portal or after jobTimeout;
// onEnd (the audit line) runs before the job is marked done.
func (p *Portal) startJob(sess *session, j *job, fn func(ctx context.Context, j *job) ([]string, error), onEnd func(err error)) *job {
	j.ID = randomID()
	j.Owner = sess.user
	j.Started = time.Now()
	j.changed = make(chan struct{})
	p.jobs.add(j)
	p.jobsWG.Add(1)
	go func() {
		defer p.jobsWG.Done()
		ctx, cancel := context.WithTimeout(context.WithValue(p.ctx, jobKey{}, j), jobTimeout)
		defer cancel()
		result, err := fn(ctx, j)
		// The audit line first: once the job's page says it is done, the action is logged.
		onEnd(err)
		j.finish(result, err)
	}()
	return j
}

func (p *Portal) jobPage(w http.ResponseWriter, r *http.Request, sess *session) {
	j := p.jobs.get(r.PathValue("id"))
	if j == nil || j.Owner != sess.user {
		p.renderError(w, r, sess, http.StatusNotFound, "No such job: it may have ended long ago, or the portal was restarted.")
		return
	}
	v := j.view()
	title := v.Title
	if !v.Done {
		title += " …"
	}
	p.render(w, r, sess, http.StatusOK, "job", title, v)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
