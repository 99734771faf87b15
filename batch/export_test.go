package batch

import (
	"strings"
	"time"
)

// HookJournal puts write and sync in front of the journal's file: each gets the file's own
// function and decides what reaches it. Tests cut the journal short with it, as a crash does.
// Call it before the journal is used.
func HookJournal(j *Journal, write func(next func([]byte) (int, error), p []byte) (int, error), sync func(next func() error) error) {
	nextWrite, nextSync := j.write, j.sync
	j.write = func(p []byte) (int, error) { return write(nextWrite, p) }
	j.sync = func() error { return sync(nextSync) }
}

// SetClock sets the clock of r's entries and step lines, so that a test gets the same
// journal, byte for byte but for the ids, from every run.
func SetClock(r *Runner, now func() time.Time) { r.now = now }

// JournalSteps returns, as "checkpoint"/"email" lists joined by ",", the steps the journal
// had begun and confirmed for the row of op and key when it was opened.
func JournalSteps(j *Journal, op Operation, key string) (begun, confirmed string) {
	st := j.steps(op, key)
	return stepNames(st.begun), stepNames(st.confirmed)
}

func stepNames(s stepSet) string {
	var out []string
	if s&stepCheckpoint != 0 {
		out = append(out, "checkpoint")
	}
	if s&stepEmail != 0 {
		out = append(out, "email")
	}
	return strings.Join(out, ",")
}
