// Package examples_test runs every example program against the built-in fake, in the guides'
// answer shapes and in the reference's (PLUME_FAKE_SHAPES=reference).
package examples_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestExamplesRunInBothShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example")
	}
	t.Parallel()
	dirs, err := filepath.Glob("*/main.go")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	bin := t.TempDir()
	for _, mainFile := range dirs {
		name := filepath.Dir(mainFile)
		if _, err := os.Stat(filepath.Join(name, "go.mod")); err == nil {
			continue // a module of its own (examples/otel), tested there
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			exe := filepath.Join(bin, name)
			build := exec.Command("go", "build", "-o", exe, "./"+name)
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("build: %v\n%s", err, out)
			}
			for _, shapes := range []string{"guides", "reference"} {
				cmd := exec.Command(exe)
				cmd.Env = fakeEnv(shapes)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Errorf("%s shapes: %v\n%s", shapes, err, out)
					continue
				}
				if !strings.Contains(string(out), "built-in fake") {
					t.Errorf("%s shapes: did not run against the built-in fake:\n%s", shapes, out)
				}
			}
		})
	}
}

// fakeEnv is the environment without any PLUME_* variable, plus the shapes to answer in.
func fakeEnv(shapes string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PLUME_") {
			env = append(env, kv)
		}
	}
	return append(env, "PLUME_FAKE_SHAPES="+shapes)
}
