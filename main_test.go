package plume_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives its tests: a connection reader left
// behind by a client or server that was not closed, a retry sleep that ignored its context.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
