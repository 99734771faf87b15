// Command plume-portal is a technician service portal on top of plume-go: the web pages an
// ISP's field technicians and support desk use to find a subscriber, read the health of the
// home network (the mesh drawn as a picture, problems first), reboot, locate and speed-test
// nodes, upgrade firmware, suspend and resume service, onboard a new subscriber and unclaim
// a node for an RMA.
//
//	go run ./cmd/plume-portal                        # the built-in fake Plume Cloud, demo account
//	go run ./cmd/plume-portal --users techs.txt      # technician accounts from a file
//	PLUME_API_URL=... go run ./cmd/plume-portal --users techs.txt --tls-cert c.pem --tls-key k.pem
//
// With no PLUME_* variables set it serves against a fake Plume Cloud (plumetest) seeded with
// a few subscribers, nodes and devices, and, when no --users file is given, prints a demo
// technician account. Against the real cloud a --users file is required.
//
// The users file has one technician a line, "name:bcrypt-hash" (htpasswd -nB -C 12 writes it, and
// so does `plume-portal --hash-password`); lines starting with # are comments.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/plumecloud/plume-go"
	"github.com/plumecloud/plume-go/plumetest"
)

// Demo technician of the built-in fake, when no --users file is given.
const (
	demoUser     = "demo"
	demoPassword = "portal-demo"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "plume-portal:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plume-portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	usersFile := fs.String("users", "", "technician accounts: one \"name:bcrypt-hash\" a line (required against the real cloud)")
	tlsCert := fs.String("tls-cert", "", "TLS certificate file (PEM); serve HTTPS when given with --tls-key")
	tlsKey := fs.String("tls-key", "", "TLS private key file (PEM)")
	hashPassword := fs.Bool("hash-password", false, "read a password from standard input, print its bcrypt hash for the users file, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *hashPassword {
		return printHash(stdin, stdout)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}

	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	var (
		client *plume.Client
		fake   *plumetest.Server
		err    error
	)
	if plume.EnvConfigured() {
		client, err = plume.NewClientFromEnv(ClientOptions()...)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Using the Plume Cloud at %s\n", os.Getenv(plume.EnvAPIURL))
	} else {
		fake, err = plumetest.Start()
		if err != nil {
			return fmt.Errorf("starting the fake Plume Cloud: %w", err)
		}
		defer fake.Close()
		client = fake.Client(ClientOptions()...)
		if err := seedDemo(ctx, fake, client); err != nil {
			return fmt.Errorf("seeding the fake Plume Cloud: %w", err)
		}
		fmt.Fprintf(stdout, "Using the built-in fake Plume Cloud at %s (set the PLUME_* variables to use a real one)\n", fake.URL)
	}

	var users *Users
	switch {
	case *usersFile != "":
		if users, err = LoadUsers(*usersFile); err != nil {
			return err
		}
	case fake != nil:
		if users, err = DemoUsers(demoUser, demoPassword); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Demo technician (fake cloud only): user %q, password %q\n", demoUser, demoPassword)
	default:
		return errors.New("--users is required against the real Plume Cloud")
	}

	portal, err := New(Config{Client: client, Users: users, Logger: logger, Fake: fake != nil})
	if err != nil {
		return err
	}
	defer portal.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	tls := *tlsCert != ""
	if !tls && !isLoopback(ln.Addr()) {
		logger.Warn("serving plain HTTP on a non-loopback address: the session cookie is Secure, so browsers will only keep it behind a TLS-terminating proxy", "addr", ln.Addr().String())
	}
	srv := &http.Server{
		Handler:           portal,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "Service portal on %s://%s/\n", scheme, ln.Addr())

	errc := make(chan error, 1)
	go func() {
		if tls {
			errc <- srv.ServeTLS(ln, *tlsCert, *tlsKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// printHash reads one password line from r and prints its bcrypt hash.
func printHash(r io.Reader, w io.Writer) error {
	b, err := io.ReadAll(io.LimitReader(r, 1024))
	if err != nil {
		return err
	}
	password := strings.TrimRight(string(b), "\r\n")
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(hash))
	return err
}
