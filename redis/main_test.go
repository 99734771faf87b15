package redis_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	goredis "github.com/redis/go-redis/v9"
)

// sharedRedis serves the tests that leave Redis running; each uses keys of its own.
var sharedRedis *redisServer

// TestMain starts a real redis-server for the package and stops it afterwards. Without
// redis-server it fails: a Redis integration that skips its tests proves nothing. Started with
// fleetHelperEnv set, the binary is one replica of TestFleet instead.
func TestMain(m *testing.M) {
	if os.Getenv(fleetHelperEnv) != "" {
		os.Exit(fleetHelper())
	}
	// The failure tests stop Redis on purpose; go-redis's own log of each failed dial is noise.
	goredis.SetLogger(quietLogger{})
	s, err := startRedisServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: plume-go/redis tests:", err)
		os.Exit(1)
	}
	sharedRedis = s
	code := m.Run()
	s.Close()
	os.Exit(code)
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// newClient returns a go-redis client of addr, closed when the test ends.
func newClient(t *testing.T, addr string) *goredis.Client {
	t.Helper()
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// sharedClient is newClient of the package's Redis.
func sharedClient(t *testing.T) *goredis.Client { return newClient(t, sharedRedis.Addr) }

// uniquePrefix keeps a test's keys apart from every other test's.
func uniquePrefix() string { return "test-" + strings.ToLower(rand.Text()[:10]) + ":" }

// logBuffer collects slog records, safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLogger returns a JSON logger at debug level writing into a new logBuffer.
func newLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}
