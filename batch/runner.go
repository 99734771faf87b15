package batch

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plumecloud/plume-go"
)

// Defaults of a Runner.
const (
	DefaultWorkers     = 4
	DefaultGrace       = 30 * time.Second
	DefaultPause       = time.Minute // the WAF sends no Retry-After; its window is 5 minutes
	DefaultMaxAttempts = 10
	DefaultMaxFailures = 20
)

// progressInterval is how often Progress is called besides after each row, so that a pause
// shows while no row finishes.
const progressInterval = 500 * time.Millisecond

// errInterrupted is the error of a Run stopped through Runner.Interrupt alone.
var errInterrupted = fmt.Errorf("batch: interrupted: %w", context.Canceled)

// Runner runs rows through the plume flows with Workers goroutines sharing Client. Set the
// fields, then call Run; a Runner may run several batches, one at a time.
type Runner struct {
	// Client runs every row: one token and one rate limiter for all workers.
	Client *plume.Client
	// Workers is the number of rows in flight (DefaultWorkers when 0). They share Client's
	// rate budget: more workers hide latency, they do not raise the budget.
	Workers int
	// Journal, when set, gets one entry per finished row (and the lines of the onboarding
	// steps the API cannot show), and rows it had as done when it was opened are skipped.
	// Without one, a rerun cannot know which checkpoints and verification mails went out.
	Journal *Journal
	// Gate pauses the workers after a rate limit. Give the same Gate to Client
	// (plume.WithRateLimiter) so that requests of rows in flight wait too; when nil, the
	// Runner uses a Gate of its own, which holds the workers between rows only.
	Gate *Gate
	// Total is the number of rows expected, for Progress; 0 when unknown.
	Total int
	// Progress, when set, is called after each row and every half second (so that a pause
	// shows), from one goroutine at a time. It must return quickly.
	Progress func(Progress)
	// Grace is how long rows in flight may still run once Run's context is done (DefaultGrace
	// when 0; negative: none). They are then cancelled and journaled as interrupted.
	Grace time.Duration
	// Interrupt, when closed, stops the run and cancels the rows in flight at once, Grace or
	// not (a second Ctrl-C). A checkpoint or verification mail already sent still gets its
	// answer (for at most a minute), so that the journal knows whether it went out.
	Interrupt <-chan struct{}
	// RateLimitPause is the pause after a rate limit whose answer had no Retry-After
	// (DefaultPause when 0).
	RateLimitPause time.Duration
	// MaxAttempts bounds the tries of a row that keeps being rate limited
	// (DefaultMaxAttempts when 0). Other failures are not retried within a run.
	MaxAttempts int
	// MaxFailures is how many failed or interrupted entries Summary.Failures keeps
	// (DefaultMaxFailures when 0; negative: none). The journal has them all.
	MaxFailures int
	// DryRun reads and checks the rows and matches them against the journal, without running
	// or journaling any: Summary.WouldRun counts those that would run. Client may be nil.
	DryRun bool

	now func() time.Time // the clock of entries (time.Now when nil); tests fix it

	onEntry func(Entry) // when set, the collector's: each entry, before Progress (Sweep counts states)
}

// outcomeWouldRun marks a dry run's row that would have run; it is never journaled.
const outcomeWouldRun Outcome = "would_run"

// Run runs rows until the sequence ends or ctx is done, and returns the summary (never nil).
//
// Once ctx is done it takes no more rows; rows in flight get Grace to finish. A malformed row
// (Row.Err) is journaled as failed without running. A row rate limited pauses every worker
// for the advised wait, then runs again. The error is nil when the sequence was run to its
// end, ctx's error when ctx ended the run, and otherwise what stopped it: the sequence's
// error, a journal that could not be written, or credentials the token endpoint refused
// (every row would fail the same way). Rows that failed are in the summary, not the error.
func (r *Runner) Run(ctx context.Context, rows iter.Seq2[Row, error]) (*Summary, error) {
	switch {
	case r.Client == nil && !r.DryRun:
		return &Summary{}, errors.New("batch: Runner.Client is nil")
	case rows == nil:
		return &Summary{}, errors.New("batch: Run: rows is nil")
	}
	ru := newRun(ctx, r)
	ru.wg.Add(1 + ru.cfg.Workers)
	go ru.produce(rows)
	for range ru.cfg.Workers {
		go ru.work()
	}
	collected := make(chan struct{})
	go ru.collect(collected)
	go ru.watchStop()
	ru.wg.Wait()
	close(ru.results)
	<-collected
	return ru.finish()
}

// run is the state of one Run.
type run struct {
	cfg     Runner // with defaults
	gate    *Gate
	journal *Journal
	start   time.Time

	intake     context.Context // done: take no more rows
	stopIntake context.CancelCauseFunc
	rowCtx     context.Context // rows run under it: cancelled Grace after intake stops
	cancelRows context.CancelFunc
	finished   chan struct{} // closed when every row is settled

	rows    chan Row
	results chan Entry
	wg      sync.WaitGroup // the producer and the workers
	keys    keyLocks

	read       int // the producer's, read after wg.Wait
	pauses     atomic.Int64
	pausedNano atomic.Int64
	sum        Summary // the collector's
}

func newRun(ctx context.Context, r *Runner) *run {
	cfg := *r
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Grace == 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.RateLimitPause <= 0 {
		cfg.RateLimitPause = DefaultPause
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MaxFailures == 0 {
		cfg.MaxFailures = DefaultMaxFailures
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	ru := &run{
		cfg:      cfg,
		gate:     cfg.Gate,
		journal:  cfg.Journal,
		start:    time.Now(),
		finished: make(chan struct{}),
		rows:     make(chan Row, cfg.Workers),
		results:  make(chan Entry, 2*cfg.Workers),
		keys:     keyLocks{busy: map[string]chan struct{}{}},
		sum:      Summary{Kinds: map[ErrorKind]int{}},
	}
	if ru.gate == nil {
		ru.gate = NewGate(nil)
	}
	ru.intake, ru.stopIntake = context.WithCancelCause(ctx)
	ru.rowCtx, ru.cancelRows = context.WithCancel(context.WithoutCancel(ctx))
	return ru
}

// watchStop cancels the rows in flight Grace after intake stops, or at once on Interrupt.
func (ru *run) watchStop() {
	select {
	case <-ru.finished:
		return
	case <-ru.cfg.Interrupt:
		ru.stopIntake(errInterrupted)
		ru.cancelRows()
		return
	case <-ru.intake.Done():
	}
	if ru.cfg.Grace < 0 {
		ru.cancelRows()
		return
	}
	t := time.NewTimer(ru.cfg.Grace)
	defer t.Stop()
	select {
	case <-ru.finished:
	case <-ru.cfg.Interrupt:
	case <-t.C:
	}
	ru.cancelRows()
}

// produce reads the rows and hands them out: malformed and skipped ones straight to the
// collector, the others to the workers.
func (ru *run) produce(rows iter.Seq2[Row, error]) {
	defer ru.wg.Done()
	defer close(ru.rows)
	for row, err := range rows {
		if ru.intake.Err() != nil {
			return
		}
		if err != nil {
			ru.stopIntake(err)
			return
		}
		ru.read++
		if row.Err == nil && row.Key == "" {
			row.Err = &plume.ValidationError{Field: "Row.Key", Reason: "must not be empty"}
		}
		switch {
		case row.Err != nil:
			e := ru.settle(entryOf(row), row.Err, ru.now())
			ru.journalEntry(e)
			ru.results <- e
		case ru.journal != nil && ru.journal.Done(row.Op, row.Key):
			e := entryOf(row)
			e.Outcome = OutcomeSkipped
			ru.results <- e
		default:
			select {
			case ru.rows <- row:
			case <-ru.intake.Done():
				return
			}
		}
	}
}

// work takes rows while intake is open, each once no pause is in force.
func (ru *run) work() {
	defer ru.wg.Done()
	for {
		var row Row
		select {
		case r, ok := <-ru.rows:
			if !ok {
				return
			}
			row = r
		case <-ru.intake.Done():
			return
		}
		if ru.gate.hold(ru.intake) != nil {
			return // intake stopped (during a pause): the row is not started
		}
		ru.results <- ru.process(row)
	}
}

// process runs one row to its entry and journals it, before the worker takes another row:
// with one worker, the journal's lines follow the requests in the order they were sent.
func (ru *run) process(row Row) Entry {
	start := ru.now()
	if ru.cfg.DryRun {
		e := entryOf(row)
		e.Outcome = outcomeWouldRun
		return e
	}
	if err := ru.keys.lock(ru.rowCtx, row.Op, row.Key); err != nil {
		e := ru.settle(entryOf(row), err, start)
		ru.journalEntry(e)
		return e
	}
	defer ru.keys.unlock(row.Op, row.Key)
	var steps stepStates
	if ru.journal != nil {
		steps = ru.journal.steps(row.Op, row.Key)
	}
	e, err := ru.attempt(row, &steps)
	e = ru.settle(e, err, start)
	ru.journalEntry(e) // under the key's lock: a second row of the key comes after this line
	return e
}

// now reads the run's clock.
func (ru *run) now() time.Time { return ru.cfg.now() }

// journalEntry records a row's entry; a journal that cannot be written stops the run.
func (ru *run) journalEntry(e Entry) {
	if ru.journal == nil || ru.cfg.DryRun {
		return
	}
	if err := ru.journal.Record(e); err != nil {
		ru.stopIntake(err)
	}
}

// attempt runs a row, again after a pause each time it is rate limited. Every rate limit
// pauses the other workers, the last one included.
func (ru *run) attempt(row Row, steps *stepStates) (Entry, error) {
	for n := 1; ; n++ {
		e, err := ru.execute(ru.rowCtx, row, steps)
		e.Attempts = n
		if !errors.Is(err, plume.ErrRateLimited) {
			return e, err
		}
		ru.pause(err)
		if n >= ru.cfg.MaxAttempts || ru.intake.Err() != nil {
			return e, err
		}
		if holdErr := ru.gate.hold(ru.rowCtx); holdErr != nil {
			return e, fmt.Errorf("batch: waiting out a rate-limit pause: %w (after: %w)", holdErr, err)
		}
	}
}

// pause holds every worker for the wait err advises, or RateLimitPause.
func (ru *run) pause(err error) {
	wait := ru.cfg.RateLimitPause
	var rl *plume.RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		wait = rl.RetryAfter
	}
	added, started := ru.gate.extend(wait)
	if started {
		ru.pauses.Add(1)
	}
	ru.pausedNano.Add(int64(added))
}

// settle sets the outcome, kind and timing of an entry. Credentials refused by the token
// endpoint stop the run.
func (ru *run) settle(e Entry, err error, start time.Time) Entry {
	e.Time = start.UTC()
	e.DurationMS = ru.now().Sub(start).Milliseconds()
	switch {
	case err == nil:
		e.Outcome = OutcomeDone
		return e
	case ru.rowCtx.Err() != nil && KindOf(err) == KindCanceled:
		e.Outcome = OutcomeInterrupted
	default:
		e.Outcome = OutcomeFailed
	}
	e.Kind, e.Error = KindOf(err), err.Error()
	var rowErr *RowError
	if errors.As(err, &rowErr) {
		e.Column = rowErr.Column
	}
	if errors.Is(err, plume.ErrAuth) && !errors.Is(err, plume.ErrServer) {
		ru.stopIntake(fmt.Errorf("batch: stopped: %w", err))
	}
	return e
}

// entryOf is a row's entry before it runs.
func entryOf(row Row) Entry {
	return Entry{
		Key: row.Key, Op: row.Op, Line: row.Line, AccountID: row.AccountID,
		ServiceID: row.ServiceID, CustomerID: row.CustomerID, LocationID: row.LocationID,
	}
}
