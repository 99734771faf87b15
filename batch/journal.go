package batch

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"os"
	"sync"
	"time"
)

// Outcome is how a row ended.
type Outcome string

// Outcomes.
const (
	OutcomeDone        Outcome = "done"        // the flow succeeded (or found its work already done)
	OutcomeFailed      Outcome = "failed"      // the flow failed; a rerun tries the row again
	OutcomeInterrupted Outcome = "interrupted" // cancelled in flight; a rerun tries it again
	OutcomeSkipped     Outcome = "skipped"     // done in an earlier run: counted, never journaled
)

// Entry is one line of the journal: what became of one row. It carries ids, never a WiFi
// key, token or secret; Error is the error's text, which the SDK redacts.
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
	// Step is the step at which Onboard stopped (plume.OnboardError.Step).
	Step string `json:"step,omitempty"`
	// Column is the CSV column at fault in a malformed row.
	Column     string    `json:"column,omitempty"`
	Kind       ErrorKind `json:"error_kind,omitempty"`
	Error      string    `json:"error,omitempty"`
	Attempts   int       `json:"attempts"`
	DurationMS int64     `json:"duration_ms"`
}

// journalSyncInterval bounds how long a written line may stay out of stable storage while
// the run goes on; Sync and Close flush at once.
const journalSyncInterval = time.Second

// Journal is an append-only JSONL file of Entries, one per finished row, and the index of
// the rows it has as done. Each line is handed to the operating system as it is recorded,
// so a killed process loses none; Sync (every second, and on Close) puts them on disk.
//
// The index keeps 16 bytes per done row, a 128-bit hash of operation and key, not the rows.
// A line cut short by a crash is ignored on open and the next line starts on its own.
type Journal struct {
	path string

	done  map[[2]uint64]struct{} // read-only after OpenJournal
	seeds [2]maphash.Seed

	mu       sync.Mutex
	f        *os.File
	newline  bool // the file does not end with '\n': write one first
	lastSync time.Time
	err      error // the first write error (or closed): the journal refuses lines after it
	closed   bool
	lines    int // lines read on open
	damaged  int // of which unreadable
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
		done:     map[[2]uint64]struct{}{},
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
	sc := bufio.NewScanner(j.f)
	sc.Buffer(make([]byte, 64<<10), maxJournalLine)
	for sc.Scan() {
		if len(sc.Bytes()) > 0 {
			j.indexLine(sc.Bytes())
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	info, err := j.f.Stat()
	if err != nil || info.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := j.f.ReadAt(last, info.Size()-1); err != nil {
		return err
	}
	j.newline = last[0] != '\n'
	return nil
}

// maxJournalLine is far above any entry: a longer line means the file is not a journal.
const maxJournalLine = 1 << 20

func (j *Journal) indexLine(line []byte) {
	var e struct {
		Key     string    `json:"key"`
		Op      Operation `json:"op"`
		Outcome Outcome   `json:"outcome"`
	}
	j.lines++
	if json.Unmarshal(line, &e) != nil || e.Key == "" {
		j.damaged++
		return
	}
	if e.Outcome == OutcomeDone {
		j.done[j.hash(e.Op, e.Key)] = struct{}{}
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

// Record appends e as one line.
func (j *Journal) Record(e Entry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("batch: journal: %w", err)
	}
	if j.newline {
		data = append([]byte{'\n'}, data...)
	}
	data = append(data, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	if _, err := j.f.Write(data); err != nil {
		j.err = fmt.Errorf("batch: journal %s: %w", j.path, err)
		return j.err
	}
	j.newline = false
	if time.Since(j.lastSync) >= journalSyncInterval {
		return j.syncLocked()
	}
	return nil
}

// Sync commits the recorded lines to stable storage.
func (j *Journal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.syncLocked()
}

func (j *Journal) syncLocked() error {
	if j.err != nil {
		return j.err
	}
	j.lastSync = time.Now()
	if err := j.f.Sync(); err != nil {
		j.err = fmt.Errorf("batch: journal %s: %w", j.path, err)
		return j.err
	}
	return nil
}

// Close syncs and closes the file. Closing it again does nothing.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	err := j.syncLocked()
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("batch: journal %s: %w", j.path, cerr)
	}
	if err == nil {
		j.err = fmt.Errorf("batch: journal %s: closed", j.path)
	}
	return err
}

// ReadJournal reads the entries of a journal as a stream. A line that is not an entry is
// yielded as an error that names its number, and reading goes on.
func ReadJournal(r io.Reader) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), maxJournalLine)
		for n := 1; sc.Scan(); n++ {
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
