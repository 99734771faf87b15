package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"math"
	"os"
	"sync"
	"time"
)

// Outcome is how a row ended, or, for the lines of a row's steps, which line it is.
type Outcome string

// Outcomes.
const (
	OutcomeDone        Outcome = "done"        // the flow succeeded (or found its work already done)
	OutcomeFailed      Outcome = "failed"      // the flow failed; a rerun tries the row again
	OutcomeInterrupted Outcome = "interrupted" // cancelled in flight; a rerun tries it again
	OutcomeSkipped     Outcome = "skipped"     // done in an earlier run: counted, never journaled

	// OutcomeBegin is the line of a step whose effect the API cannot show afterwards (the
	// onboarding checkpoint, the verification mail), written and synced to stable storage
	// before its request is sent. A rerun never sends that request again, unless a line
	// OutcomeStep says the API refused it.
	OutcomeBegin Outcome = "begin"
	// OutcomeStep is the line written once such a step's request has its answer: no
	// error_kind when it succeeded; else the kind, and the API's refusal (a 4xx, a rate limit)
	// lets a rerun send it again while an unknown fate (a 5xx, no answer) does not.
	OutcomeStep Outcome = "step"
)

// Entry is one line of the journal: what became of one row, or (Outcome OutcomeBegin or
// OutcomeStep, see IsStep) one step of a row. It carries ids, never a WiFi key, token or
// secret; Error is the error's text, which the SDK redacts.
type Entry struct {
	Time       time.Time `json:"time"`
	Key        string    `json:"key"`
	Op         Operation `json:"op"`
	Line       int       `json:"line,omitempty"`
	Outcome    Outcome   `json:"outcome"`
	AccountID  string    `json:"account_id,omitempty"`
	CustomerID string    `json:"customer_id,omitempty"`
	LocationID string    `json:"location_id,omitempty"`
	ServiceID  string    `json:"service_id,omitempty"`
	// Serials are the nodes the row claimed (or found claimed) or unclaimed.
	Serials []string `json:"serials,omitempty"`
	// Resumed is set when Onboard continued a customer an earlier run had registered.
	Resumed bool `json:"resumed,omitempty"`
	// AlreadyUnclaimed is set when an RMA found its node unclaimed already.
	AlreadyUnclaimed bool `json:"already_unclaimed,omitempty"`
	// Step is the step at which Onboard stopped (plume.OnboardError.Step), or the step of a
	// step line (plume.StepCheckpoint, plume.StepEmail).
	Step string `json:"step,omitempty"`
	// Unconfirmed lists the steps (plume.StepCheckpoint, plume.StepEmail) that an earlier
	// run began and whose answer it never journaled: this run did not send them again, as
	// Plume may have acted on them, and cannot tell whether it did. Check those by hand.
	Unconfirmed []string `json:"unconfirmed,omitempty"`
	// Column is the CSV column at fault in a malformed row.
	Column     string    `json:"column,omitempty"`
	Kind       ErrorKind `json:"error_kind,omitempty"`
	Error      string    `json:"error,omitempty"`
	Attempts   int       `json:"attempts"`
	DurationMS int64     `json:"duration_ms"`

	// Health is what a sweep (OpHealth) found at the location: with it the entry is the
	// location's record. Nil for the other operations.
	Health *HealthRecord `json:"health,omitempty"`
}

// IsStep reports whether e is the line of a step (OutcomeBegin, OutcomeStep) rather than what
// became of a row.
func (e Entry) IsStep() bool { return e.Outcome == OutcomeBegin || e.Outcome == OutcomeStep }

// stepLine is the line of a step as written: an Entry without the row's fields.
type stepLine struct {
	Time       time.Time `json:"time"`
	Key        string    `json:"key"`
	Op         Operation `json:"op"`
	Outcome    Outcome   `json:"outcome"`
	Step       string    `json:"step"`
	CustomerID string    `json:"customer_id,omitempty"`
	LocationID string    `json:"location_id,omitempty"`
	Kind       ErrorKind `json:"error_kind,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// journalSyncInterval bounds how long a written line may stay out of stable storage while
// the run goes on; Sync and Close flush at once.
const journalSyncInterval = time.Second

// Journal is an append-only JSONL file of Entries, one per finished row plus the lines of the
// steps the API cannot show afterwards, and the index of the rows it has as done.
//
// Durability: every line is handed to the operating system by one write(2) as it is
// recorded, so a process that dies (killed, crashed) loses none; a begin line (OutcomeBegin)
// is also synced to stable storage (fsync) before Record's caller sends the request it
// announces, so that not even a power cut can lose it once that request may have left; every
// other line reaches stable storage within journalSyncInterval (one second), at Sync, and at
// Close. Concurrent syncs are shared: one fsync covers every line written before it.
//
// The index keeps 16 bytes per done row, a 128-bit hash of operation and key, not the rows,
// and the begun steps of the rows not done (a few: those in flight when a run stopped). A
// line cut short by a crash, at any byte, is ignored on open and the next line starts on its
// own.
type Journal struct {
	path string

	done    map[[2]uint64]struct{}   // read-only after OpenJournal
	pending map[[2]uint64]stepStates // read-only after OpenJournal
	seeds   [2]maphash.Seed

	mu       sync.Mutex
	f        *os.File
	write    func([]byte) (int, error) // f.Write; tests cut it short
	sync     func() error              // f.Sync
	cutTail  bool                      // the file does not end with '\n': close its last line with cutMark first
	written  uint64                    // lines written since opening
	lastSync time.Time
	err      error // the first write error (or closed): the journal refuses lines after it
	closed   bool
	lines    int // lines read on open
	damaged  int // of which unreadable

	syncMu sync.Mutex // held across an fsync, without mu; taken before mu
	synced uint64     // lines known to be on stable storage
}

// OpenJournal opens the journal at path for appending, creating it (mode 0600) when it does
// not exist, and indexes the rows it has as done.
func OpenJournal(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("batch: journal: %w", err)
	}
	j := &Journal{
		path:     path,
		f:        f,
		write:    f.Write,
		sync:     f.Sync,
		done:     map[[2]uint64]struct{}{},
		pending:  map[[2]uint64]stepStates{},
		seeds:    [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		lastSync: time.Now(),
	}
	if err := j.index(); err != nil {
		f.Close()
		return nil, fmt.Errorf("batch: journal %s: %w", path, err)
	}
	return j, nil
}

// index reads the existing lines and notes whether the last one lacks its '\n'.
func (j *Journal) index() error {
	sc, cut := scanLines(j.f)
	for sc.Scan() {
		switch {
		case *cut: // the write of the last line never finished: its step or row did not either
			j.lines++
			j.damaged++
		case len(sc.Bytes()) > 0:
			j.indexLine(sc.Bytes())
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	for h := range j.pending {
		if _, done := j.done[h]; done {
			delete(j.pending, h)
		}
	}
	info, err := j.f.Stat()
	if err != nil || info.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := j.f.ReadAt(last, info.Size()-1); err != nil {
		return err
	}
	j.cutTail = last[0] != '\n'
	return nil
}

// maxJournalLine is far above any entry: a longer line means the file is not a journal.
const maxJournalLine = 1 << 20

// cutMark ends a line a crash cut short, when the journal is opened again for writing: the
// line becomes one that never reads as an entry, even if its bytes were a whole entry
// without the line end (the write of a begin line whose request never left). Without it the
// next line's write would complete the cut line, and a later run would read it as written.
const cutMark = " !cut short by a crash\n"

// cutShort reports whether a line was closed by cutMark.
func cutShort(line []byte) bool { return bytes.HasSuffix(line, []byte(cutMark[:len(cutMark)-1])) }

// scanLines returns a scanner of the lines of r, and a flag it sets when the line scanned
// last lacks its '\n'. Each line is written with its '\n' in one write, so such a line was
// cut short by a crash: even when it reads as a whole entry, what it records may not have
// happened (a begin line not yet synced, whose request never left) and it must be ignored.
func scanLines(r io.Reader) (*bufio.Scanner, *bool) {
	cut := new(bool)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxJournalLine)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			*cut = true
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	return sc, cut
}

func (j *Journal) indexLine(line []byte) {
	var e struct {
		Key     string    `json:"key"`
		Op      Operation `json:"op"`
		Outcome Outcome   `json:"outcome"`
		Step    string    `json:"step"`
		Kind    ErrorKind `json:"error_kind"`
	}
	j.lines++
	if cutShort(line) || json.Unmarshal(line, &e) != nil || e.Key == "" {
		j.damaged++
		return
	}
	h := j.hash(e.Op, e.Key)
	switch e.Outcome {
	case OutcomeDone:
		j.done[h] = struct{}{}
		delete(j.pending, h)
	case OutcomeBegin, OutcomeStep:
		bit := stepBit(e.Step)
		if bit == 0 {
			return // a step this version does not know
		}
		st := j.pending[h]
		st.note(bit, e.Outcome, e.Kind)
		j.pending[h] = st
	}
}

func (j *Journal) hash(op Operation, key string) [2]uint64 {
	var sum [2]uint64
	var h maphash.Hash
	for i, seed := range j.seeds {
		h.SetSeed(seed)
		h.WriteString(string(op))
		h.WriteByte(0)
		h.WriteString(key)
		sum[i] = h.Sum64()
	}
	return sum
}

// Path returns the file's path.
func (j *Journal) Path() string { return j.path }

// Lines returns how many lines the file had when it was opened, and how many of those could
// not be read (cut short by a crash, or not entries).
func (j *Journal) Lines() (lines, damaged int) { return j.lines, j.damaged }

// Done reports whether the journal had the row of op and key as done when it was opened.
// (The rows recorded since do not join the index, which keeps its size that of the earlier
// runs.)
func (j *Journal) Done(op Operation, key string) bool {
	_, ok := j.done[j.hash(op, key)]
	return ok
}

// steps returns what the journal had, when it was opened, of the steps of a row not done.
func (j *Journal) steps(op Operation, key string) stepStates {
	return j.pending[j.hash(op, key)]
}

// Record appends e as one line.
func (j *Journal) Record(e Entry) error { return j.append(e, false) }

// recordStep appends a step line; durable returns only once the line is on stable storage.
func (j *Journal) recordStep(l stepLine, durable bool) error { return j.append(l, durable) }

func (j *Journal) append(v any, durable bool) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("batch: journal: %w", err)
	}
	data = append(data, '\n')
	j.mu.Lock()
	if j.err != nil {
		err := j.err
		j.mu.Unlock()
		return err
	}
	if j.cutTail {
		data = append([]byte(cutMark), data...)
	}
	if _, err := j.write(data); err != nil {
		j.err = fmt.Errorf("batch: journal %s: %w", j.path, err)
		j.mu.Unlock()
		return j.err
	}
	j.cutTail = false
	j.written++
	seq := j.written
	due := time.Since(j.lastSync) >= journalSyncInterval
	j.mu.Unlock()
	if durable || due {
		return j.syncTo(seq)
	}
	return nil
}

// Sync commits the recorded lines to stable storage.
func (j *Journal) Sync() error { return j.syncTo(math.MaxUint64) }

// syncTo returns once the first seq lines written are on stable storage: at once when an
// fsync since covered them, else after an fsync of its own (which covers the lines of the
// writers waiting behind it).
func (j *Journal) syncTo(seq uint64) error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	j.mu.Lock()
	err, target := j.err, j.written
	if err == nil && j.synced < seq {
		j.lastSync = time.Now()
	}
	j.mu.Unlock()
	if err != nil || j.synced >= seq {
		return err
	}
	if err := j.sync(); err != nil {
		j.mu.Lock()
		defer j.mu.Unlock()
		if j.err == nil {
			j.err = fmt.Errorf("batch: journal %s: %w", j.path, err)
		}
		return j.err
	}
	j.synced = target
	return nil
}

// Close syncs and closes the file. Closing it again does nothing.
func (j *Journal) Close() error {
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	err := j.err
	if err == nil {
		if serr := j.sync(); serr != nil {
			err = fmt.Errorf("batch: journal %s: %w", j.path, serr)
		}
	}
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("batch: journal %s: %w", j.path, cerr)
	}
	if j.err == nil {
		j.err = fmt.Errorf("batch: journal %s: closed", j.path)
	}
	return err
}

// ReadJournal reads the entries of a journal as a stream, step lines included (Entry.IsStep).
// A line that is not an entry is yielded as an error that names its number, and reading goes
// on; a last line without its line end, cut short by a crash, is an error too (wrapping
// io.ErrUnexpectedEOF), even when it reads as an entry.
func ReadJournal(r io.Reader) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		sc, cut := scanLines(r)
		for n := 1; sc.Scan(); n++ {
			if *cut || cutShort(sc.Bytes()) {
				if !yield(Entry{}, fmt.Errorf("batch: journal line %d: cut short by a crash: %w", n, io.ErrUnexpectedEOF)) {
					return
				}
				continue
			}
			if len(sc.Bytes()) == 0 {
				continue
			}
			var e Entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				if !yield(Entry{}, fmt.Errorf("batch: journal line %d: %w", n, err)) {
					return
				}
				continue
			}
			if !yield(e, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(Entry{}, fmt.Errorf("batch: journal: %w", err))
		}
	}
}
