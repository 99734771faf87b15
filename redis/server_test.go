package redis_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// redisServer is a real redis-server on a free loopback port, without persistence, in a
// directory of its own. The tests start one for the package (TestMain) and one for each test
// that stops, pauses or restarts Redis.
type redisServer struct {
	Addr string
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// errNoRedisServer is what the tests report, loudly, on a machine without redis-server.
var errNoRedisServer = errors.New("redis-server not found: these tests need a real Redis " +
	"(Debian/Ubuntu: apt-get install -y redis-server; or set PLUME_TEST_REDIS_SERVER to its path)")

// redisServerBinary is PLUME_TEST_REDIS_SERVER, else redis-server on PATH, else the Debian path.
func redisServerBinary() (string, error) {
	if p := os.Getenv("PLUME_TEST_REDIS_SERVER"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/redis-server"); err == nil {
		return "/usr/bin/redis-server", nil
	}
	return "", errNoRedisServer
}

// startRedisServer starts redis-server on a free port and waits until it answers PING.
func startRedisServer() (*redisServer, error) {
	bin, err := redisServerBinary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "plume-redis-test-")
	if err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // the free port may be taken between our probe and redis-server's bind
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s := &redisServer{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), bin: bin, port: port, dir: dir}
		if lastErr = s.start(); lastErr == nil {
			return s, nil
		}
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

func (s *redisServer) start() error {
	logPath := filepath.Join(s.dir, "redis.log")
	s.cmd = exec.Command(s.bin,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no",
		"--dir", s.dir, "--logfile", logPath, "--loglevel", "warning",
	)
	s.cmd.SysProcAttr = childProcAttr() // dies with the test binary, however it ends
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", s.bin, err)
	}
	s.done = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.done) }()

	rdb := goredis.NewClient(&goredis.Options{Addr: s.Addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("redis-server on port %d exited: %s", s.port, log)
		default:
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("redis-server on port %d does not answer PING: %w", s.port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server, as a crash or a network cut would look to its clients.
func (s *redisServer) Stop() { s.kill() }

// Restart starts the server again on the same port, empty.
func (s *redisServer) Restart() error { return s.start() }

// Pause freezes the server (SIGSTOP): connections stay open and nothing answers.
func (s *redisServer) Pause() error { return s.cmd.Process.Signal(syscall.SIGSTOP) }

// Resume undoes Pause.
func (s *redisServer) Resume() error { return s.cmd.Process.Signal(syscall.SIGCONT) }

// Close kills the server and removes its directory.
func (s *redisServer) Close() {
	s.kill()
	os.RemoveAll(s.dir)
}

func (s *redisServer) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // a paused server cannot exit
	_ = s.cmd.Process.Kill()
	<-s.done
}

// newRedisServer starts a server of the test's own, closed when the test ends.
func newRedisServer(t *testing.T) *redisServer {
	t.Helper()
	s, err := startRedisServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
