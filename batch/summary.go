package batch

import (
	"context"
	"time"
)

// Progress is the state of a run, as Runner.Progress receives it.
type Progress struct {
	Done        int
	Failed      int // failed rows, malformed ones included
	Interrupted int
	Skipped     int           // done in an earlier run
	Total       int           // Runner.Total: 0 when unknown
	Rate        float64       // rows run per second since the start (skipped rows not counted)
	Elapsed     time.Duration // since Run started
	PausedUntil time.Time     // the end of the rate-limit pause in force; zero when none
}

// Finished returns the number of rows dealt with: done, failed, interrupted or skipped.
func (p Progress) Finished() int { return p.Done + p.Failed + p.Interrupted + p.Skipped }

// Summary is what a Run did.
type Summary struct {
	Read        int // rows taken from the sequence
	Done        int
	Failed      int // malformed rows included
	Interrupted int
	Skipped     int // done in an earlier run, by the journal
	NotStarted  int // read but never started: the run stopped first
	// Unconfirmed counts the rows done with a step an earlier run began and never confirmed
	// (Entry.Unconfirmed): not sent again, to be checked by hand.
	Unconfirmed int
	WouldRun    int // DryRun: the rows that would have run
	// Kinds counts the failed rows by kind.
	Kinds map[ErrorKind]int
	// Failures are the first failed or interrupted entries (Runner.MaxFailures).
	Failures []Entry
	Pauses   int           // rate-limit pauses started
	Paused   time.Duration // time the workers were held by them
	Elapsed  time.Duration
}

// Rate returns the rows run per second.
func (s *Summary) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Done+s.Failed+s.Interrupted) / s.Elapsed.Seconds()
}

// OK reports whether every row read is done (now or in an earlier run).
func (s *Summary) OK() bool { return s.Failed == 0 && s.Interrupted == 0 && s.NotStarted == 0 }

// collect counts the entries (journaled by whoever made them) and reports progress.
func (ru *run) collect(collected chan<- struct{}) {
	defer close(collected)
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	for {
		select {
		case e, ok := <-ru.results:
			if !ok {
				ru.report()
				return
			}
			ru.record(e)
			if ru.cfg.onEntry != nil {
				ru.cfg.onEntry(e)
			}
			ru.report()
		case <-tick.C:
			ru.report()
		}
	}
}

func (ru *run) record(e Entry) {
	s := &ru.sum
	switch e.Outcome {
	case OutcomeSkipped:
		s.Skipped++
		return
	case outcomeWouldRun:
		s.WouldRun++
		return
	case OutcomeDone:
		s.Done++
		if len(e.Unconfirmed) > 0 {
			s.Unconfirmed++
		}
	case OutcomeFailed:
		s.Failed++
		s.Kinds[e.Kind]++
	case OutcomeInterrupted:
		s.Interrupted++
	}
	if e.Outcome != OutcomeDone && len(s.Failures) < ru.cfg.MaxFailures {
		s.Failures = append(s.Failures, e)
	}
}

func (ru *run) report() {
	if ru.cfg.Progress == nil {
		return
	}
	s := &ru.sum
	elapsed := time.Since(ru.start)
	p := Progress{
		Done: s.Done, Failed: s.Failed, Interrupted: s.Interrupted, Skipped: s.Skipped,
		Total: ru.cfg.Total, Elapsed: elapsed, PausedUntil: ru.gate.PausedUntil(),
	}
	if secs := elapsed.Seconds(); secs > 0 {
		p.Rate = float64(s.Done+s.Failed+s.Interrupted) / secs
	}
	ru.cfg.Progress(p)
}

// finish completes the summary, syncs the journal and says why the run stopped.
func (ru *run) finish() (*Summary, error) {
	close(ru.finished)
	ru.cancelRows()
	s := &ru.sum
	s.Read = ru.read
	s.NotStarted = s.Read - (s.Done + s.Failed + s.Interrupted + s.Skipped + s.WouldRun)
	s.Pauses = int(ru.pauses.Load())
	s.Paused = time.Duration(ru.pausedNano.Load())
	s.Elapsed = time.Since(ru.start)

	err := context.Cause(ru.intake) // nil when nothing stopped the run
	ru.stopIntake(nil)
	if ru.journal != nil && !ru.cfg.DryRun {
		if syncErr := ru.journal.Sync(); syncErr != nil && err == nil {
			err = syncErr
		}
	}
	return s, err
}
