// Package batch runs the plume flows over many rows: onboarding, RMA unclaims, service
// cancellations, suspensions and resumptions of thousands of subscribers, at the API's full
// rate budget, resumably.
//
// A Runner reads its rows as a stream (an iter.Seq2, so memory stays flat whatever their
// number) and hands them to N workers that share one *plume.Client, and so one token and one
// rate limiter. Each finished row is one JSON line in a Journal. A rerun with the same
// journal skips the rows already done and resumes the others without repeating a side
// effect, wherever the journal was cut (a crash at any byte): an onboarding runs
// plume.Client.OnboardWithHooks, which reads back what the API shows (the customer, the
// location's service id, static IPv4, WiFi network and claimed nodes, the customer's
// emailVerified) before doing it again, and its hook journals the two steps the API cannot
// show afterwards, the onboarding checkpoint and the verification mail: a begin line synced
// to disk before the request, then a line with its answer. A step begun
// is never sent again; when its answer never reached the journal, the resumed row's entry
// lists it as Unconfirmed. The other flows read the state they change, or set it to a
// value, and are safe to repeat. When the run's context ends the Runner stops taking rows,
// lets the rows in flight finish (for a grace period, after which they are cancelled and
// journaled as interrupted) and syncs the journal. A row answered ErrRateLimited pauses
// every worker through a shared Gate for the server's Retry-After (or a default wait) and is
// then tried again.
//
// ReadCSV and RowsOf turn the CSV files of cmd/plumectl into rows:
//
//	f, _ := os.Open("customers.csv")
//	journal, _ := batch.OpenJournal("customers.journal.jsonl")
//	defer journal.Close()
//	gate, _ := batch.NewRateGate(plume.DefaultRateLimit, plume.DefaultBurst)
//	client, _ := plume.NewClientFromEnv(plume.WithRateLimiter(gate))
//	runner := &batch.Runner{Client: client, Gate: gate, Journal: journal}
//	summary, err := runner.Run(ctx, batch.RowsOf(batch.ReadCSV(f), batch.OpOnboard, batch.RowOptions{}))
package batch
