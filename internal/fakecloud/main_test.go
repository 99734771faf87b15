package fakecloud

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives its tests, such as a stalled fault
// still waiting on a request.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
