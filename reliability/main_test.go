package reliability_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives its tests: a proxy link, a toxic or a
// client connection left running. One toxiproxy goroutine is known to stay: a slicer toxic
// interrupted while the next toxic of its chain (reset_peer) has closed the link blocks for
// ever sending the rest of its chunk (toxics/slicer.go, the send after <-stub.Interrupt).
// It belongs to the proxy, not to the SDK.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/Shopify/toxiproxy/v2/toxics.(*SlicerToxic).Pipe"))
}
