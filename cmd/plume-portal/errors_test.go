package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/plumecloud/plume-go"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&plume.RateLimitError{StatusCode: 429, RetryAfter: 40 * time.Second}, "spent: retry in 40 s."},
		{&plume.RateLimitError{StatusCode: 403}, "spent: retry in a minute."},
		{&plume.RateLimitError{StatusCode: 429, RetryAfter: 5 * time.Minute}, "retry in 5 min."},
		{fmt.Errorf("claim: %w", plume.ErrNodeOwnedElsewhere), "This node belongs to another customer."},
		{plume.ErrClaimRejected, "pod quota is used up or it is in monitor mode"},
		{plume.ErrDuplicateAccount, "already registered"},
		{plume.ErrNotFound, "Not found"},
		{&plume.ValidationError{Field: "EncryptionKey", Reason: "must be 8 to 63 characters"}, "Check the form: EncryptionKey must be 8 to 63 characters."},
		{&plume.UnexpectedResponseError{StatusCode: 200, Reason: "empty body"}, "may have taken effect"},
		{plume.ErrServer, "internal error"},
		{plume.ErrAuth, "refused the portal's credentials"},
		{context.DeadlineExceeded, "did not answer in time"},
		{&plume.OnboardError{Step: "claim GW-1", Err: plume.ErrNodeOwnedElsewhere}, `Onboarding stopped at step "claim GW-1": This node belongs to another customer.`},
		{errors.New("boom: goroutine 1 [running]"), "for a reason the portal does not know"},
		{&formError{"Type it."}, "Type it."},
	} {
		got := explain(tc.err)
		if !strings.Contains(got, tc.want) {
			t.Errorf("explain(%v) = %q, want %q in it", tc.err, got, tc.want)
		}
		if strings.Contains(got, "goroutine") {
			t.Errorf("explain(%v) quotes the error", tc.err)
		}
	}
}
