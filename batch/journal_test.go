package batch_test

import (
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
