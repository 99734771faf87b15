package limit

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives its tests, such as a waiter whose
// timer was not stopped.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
