package batch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/batch"
)

func TestKindOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want batch.ErrorKind
	}{
		{nil, ""},
		{context.Canceled, batch.KindCanceled},
		{fmt.Errorf("plume: Nodes.Claim: %w", context.DeadlineExceeded), batch.KindCanceled},
		{&plume.RateLimitError{StatusCode: 403}, batch.KindRateLimited},
		{&plume.ValidationError{Field: "SSID", Reason: "too long"}, batch.KindInvalidInput},
		{&batch.RowError{Line: 3, Column: "email", Reason: "bad"}, batch.KindInvalidInput},
		{&plume.AuthError{StatusCode: 401, Code: "invalid_client"}, batch.KindAuth},
		{&plume.AuthError{StatusCode: 503}, batch.KindServer},
		{&plume.OnboardError{Step: "claim X", Err: plume.ErrNodeOwnedElsewhere}, batch.KindConflict},
		{plume.ErrClaimRejected, batch.KindValidation},
		{plume.ErrClaimIncomplete, batch.KindServer},
		{plume.ErrNodeNotClaimed, batch.KindBadRequest},
		{plume.ErrPartnerLocked, batch.KindForbidden},
		{plume.ErrUnauthorized, batch.KindAuth},
		{plume.ErrNotFound, batch.KindNotFound},
		{plume.ErrResponseTooLarge, batch.KindServer},
		{fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), batch.KindNetwork},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, batch.KindNetwork},
		{errors.New("something else"), batch.KindOther},
	} {
		assert.Equal(t, tc.want, batch.KindOf(tc.err), "%v", tc.err)
	}
}
