package batch

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
)

// ExportSweep writes the record of each location of a sweep's journal to w, one JSON line
// (an Entry with Health) per location, in the journal's order, and counts them by state: the
// whole sweep, over every run that wrote to the journal.
//
// A location's record is its last done entry, else (its report could never be made) its last
// failed or interrupted one, which gets the Health {"state":"error"} when it has none (a
// malformed row); it counts among Errors. Lines cut short by a crash, lines of other
// operations and step lines are left out. The journal is read twice, as a stream; memory
// holds 24 bytes per location, never a record.
func ExportSweep(journal io.ReadSeeker, w io.Writer) (SweepCounts, error) {
	var counts SweepCounts
	seeds := [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	hash := func(key string) [2]uint64 {
		return [2]uint64{maphash.String(seeds[0], key), maphash.String(seeds[1], key)}
	}
	type pick struct {
		index uint32 // the ordinal of the entry in ReadJournal's sequence
		done  bool
	}
	best := map[[2]uint64]pick{}
	var i uint32
	for e, err := range ReadJournal(journal) {
		i++
		if err != nil || e.Op != OpHealth || e.IsStep() {
			continue
		}
		h, done := hash(e.Key), e.Outcome == OutcomeDone
		if cur, ok := best[h]; !ok || done || !cur.done {
			best[h] = pick{index: i, done: done}
		}
	}
	if _, err := journal.Seek(0, io.SeekStart); err != nil {
		return counts, fmt.Errorf("batch: export: %w", err)
	}
	bw := bufio.NewWriter(w)
	i = 0
	for e, err := range ReadJournal(journal) {
		i++
		if err != nil || e.Op != OpHealth || e.IsStep() || best[hash(e.Key)].index != i {
			continue
		}
		if e.Outcome != OutcomeDone && e.Health == nil {
			e.Health = &HealthRecord{State: StateError}
		}
		if e.Outcome == OutcomeInterrupted {
			counts.Errors++
		} else {
			counts.add(e)
		}
		line, err := json.Marshal(e)
		if err != nil {
			return counts, fmt.Errorf("batch: export: %w", err)
		}
		bw.Write(line)
		if err := bw.WriteByte('\n'); err != nil {
			return counts, fmt.Errorf("batch: export: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return counts, fmt.Errorf("batch: export: %w", err)
	}
	return counts, nil
}
