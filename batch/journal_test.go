package batch_test

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/plumecloud/plume-go/batch"
)

func TestJournalIndexesDoneRowsByOperationAndKey(t *testing.T) {
	t.Parallel()
	path := journalPath(t)
	j, err := batch.OpenJournal(path)
	require.NoError(t, err)
	for _, e := range []batch.Entry{
		{Key: "a", Op: batch.OpOnboard, Outcome: batch.OutcomeDone},
		{Key: "b", Op: batch.OpOnboard, Outcome: batch.OutcomeFailed, Kind: batch.KindServer},
		{Key: "c", Op: batch.OpOnboard, Outcome: batch.OutcomeInterrupted},
		{Key: "a", Op: batch.OpUnclaimForRMA, Outcome: batch.OutcomeFailed},
	} {
		require.NoError(t, j.Record(e))
	}
	assert.False(t, j.Done(batch.OpOnboard, "a"), "rows recorded since opening do not join the index")
	require.NoError(t, j.Close())
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	j = openJournal(t, path)
	assert.True(t, j.Done(batch.OpOnboard, "a"))
	assert.False(t, j.Done(batch.OpUnclaimForRMA, "a"), "keyed by operation too")
	assert.False(t, j.Done(batch.OpOnboard, "b"), "failed rows are run again")
	assert.False(t, j.Done(batch.OpOnboard, "c"), "interrupted rows are run again")
	lines, damaged := j.Lines()
	assert.Equal(t, 4, lines)
	assert.Zero(t, damaged)
}

// TestJournalAfterACrash opens a journal whose last line was cut short: the line is ignored
// and the next entry starts on a line of its own.
func TestJournalAfterACrash(t *testing.T) {
	t.Parallel()
	path := journalPath(t)
	good := `{"time":"2025-01-02T03:04:05Z","key":"k1","op":"onboard","outcome":"done","attempts":1,"duration_ms":3}` + "\n"
	require.NoError(t, os.WriteFile(path, []byte(good+`{"time":"2025-01-02T03:04:06Z","key":"k2","op":"onb`), 0o600))

	j, err := batch.OpenJournal(path)
	require.NoError(t, err)
	lines, damaged := j.Lines()
	assert.Equal(t, 2, lines)
	assert.Equal(t, 1, damaged)
	assert.True(t, j.Done(batch.OpOnboard, "k1"))
	require.NoError(t, j.Record(batch.Entry{Time: time.Now(), Key: "k2", Op: batch.OpOnboard, Outcome: batch.OutcomeDone, Attempts: 1}))
	require.NoError(t, j.Close())

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var keys []string
	var errs int
	for e, err := range batch.ReadJournal(f) {
		if err != nil {
			errs++
			assert.ErrorContains(t, err, "journal line 2")
			continue
		}
		keys = append(keys, e.Key)
	}
	assert.Equal(t, []string{"k1", "k2"}, keys)
	assert.Equal(t, 1, errs)
}

func TestJournalRefusesAFileThatIsNotOne(t *testing.T) {
	t.Parallel()
	path := journalPath(t)
	require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("x", 2<<20)), 0o600))
	_, err := batch.OpenJournal(path)
	require.Error(t, err)
}

// TestJournalIndexesTheStepsOfRowsNotDone reads step lines: a begin line marks its step as
// possibly sent, a step line without error confirms it, a refusal clears it, an unknown fate
// (a 5xx, no answer) leaves it begun; a done line forgets the row's steps.
func TestJournalIndexesTheStepsOfRowsNotDone(t *testing.T) {
	t.Parallel()
	path := journalPath(t)
	lines := []string{
		`{"key":"sent","op":"onboard","outcome":"begin","step":"checkpoint"}`,
		`{"key":"sent","op":"onboard","outcome":"step","step":"checkpoint"}`,
		`{"key":"unknown","op":"onboard","outcome":"begin","step":"email"}`,
		`{"key":"5xx","op":"onboard","outcome":"begin","step":"email"}`,
		`{"key":"5xx","op":"onboard","outcome":"step","step":"email","error_kind":"server"}`,
		`{"key":"refused","op":"onboard","outcome":"begin","step":"checkpoint"}`,
		`{"key":"refused","op":"onboard","outcome":"step","step":"checkpoint","error_kind":"validation"}`,
		`{"key":"done","op":"onboard","outcome":"begin","step":"checkpoint"}`,
		`{"key":"done","op":"onboard","outcome":"done"}`,
		`{"key":"future","op":"onboard","outcome":"begin","step":"a-step-of-a-later-version"}`,
	}
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	j := openJournal(t, path)
	for key, want := range map[string][2]bool{ // begun, confirmed
		"sent": {true, true}, "unknown": {true, false}, "5xx": {true, false},
		"refused": {false, false}, "done": {false, false}, "future": {false, false}, "never": {false, false},
	} {
		begun, confirmed := batch.JournalSteps(j, batch.OpOnboard, key)
		assert.Equal(t, want, [2]bool{begun != "", confirmed != ""}, key)
	}
	assert.True(t, j.Done(batch.OpOnboard, "done"))
	lines2, damaged := j.Lines()
	assert.Equal(t, len(lines), lines2)
	assert.Zero(t, damaged)
}

// TestJournalIgnoresALastLineWithoutItsLineEnd: a crash can stop a write after the bytes of
// an entry and before its '\n'. Such a line reads as JSON, but what it records may not have
// happened (the begin line of a request that never left); it is ignored, and stays ignored
// once later lines follow it.
func TestJournalIgnoresALastLineWithoutItsLineEnd(t *testing.T) {
	t.Parallel()
	path := journalPath(t)
	done := `{"key":"k1","op":"onboard","outcome":"done","attempts":1,"duration_ms":3}` + "\n"
	begin := `{"key":"k2","op":"onboard","outcome":"begin","step":"checkpoint"}`
	require.NoError(t, os.WriteFile(path, []byte(done+begin), 0o600))

	j, err := batch.OpenJournal(path)
	require.NoError(t, err)
	lines, damaged := j.Lines()
	assert.Equal(t, [2]int{2, 1}, [2]int{lines, damaged})
	begun, _ := batch.JournalSteps(j, batch.OpOnboard, "k2")
	assert.Empty(t, begun, "a line without its line end is not an entry")
	require.NoError(t, j.Record(batch.Entry{Key: "k2", Op: batch.OpOnboard, Outcome: batch.OutcomeDone, Attempts: 1}))
	require.NoError(t, j.Close())

	// Reopened: the cut line is still not an entry, now that a line follows it.
	j = openJournal(t, path)
	lines, damaged = j.Lines()
	assert.Equal(t, [2]int{3, 1}, [2]int{lines, damaged})
	assert.True(t, j.Done(batch.OpOnboard, "k2"))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var keys []string
	for e, err := range batch.ReadJournal(f) {
		if err != nil {
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.ErrorContains(t, err, "journal line 2: cut short by a crash")
			continue
		}
		keys = append(keys, e.Key)
	}
	assert.Equal(t, []string{"k1", "k2"}, keys)

	// ReadJournal on a file still ending with the cut line.
	var errs int
	for _, err := range batch.ReadJournal(strings.NewReader(done + begin)) {
		if err != nil {
			errs++
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		}
	}
	assert.Equal(t, 1, errs)
}

// TestJournalOfAnEarlierVersionResumes: a journal of row lines only (before step lines) is
// read as before: its done rows are skipped, the others run.
func TestJournalOfAnEarlierVersionResumes(t *testing.T) {
	t.Parallel()
	srv := newFake(t, 3)
	client := fastClient(srv)
	path := journalPath(t)
	// Row 1 done by an earlier version; row 2 failed there.
	_, err := (&batch.Runner{Client: client}).Run(t.Context(), onboardRows(csvText(1)))
	require.NoError(t, err)
	old := `{"time":"2025-01-02T03:04:05Z","key":"acct-000001","op":"onboard","line":2,"outcome":"done","account_id":"acct-000001","attempts":1,"duration_ms":40}` + "\n" +
		`{"time":"2025-01-02T03:04:06Z","key":"acct-000002","op":"onboard","line":3,"outcome":"failed","error_kind":"server","error":"boom","attempts":1,"duration_ms":40}` + "\n"
	require.NoError(t, os.WriteFile(path, []byte(old), 0o600))

	sum, err := (&batch.Runner{Client: client, Journal: openJournal(t, path)}).Run(t.Context(), onboardRows(csvText(3)))
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Skipped)
	assert.Equal(t, 2, sum.Done)
	assertOnboarded(t, srv, 3)
}
