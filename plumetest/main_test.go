package plumetest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives its tests, such as a Server left open.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
