// Package fakedynamo runs dynalite, a DynamoDB-compatible server (the npm
// package of that name, run by the machine's Node.js), on the loopback
// interface for tests that drive the real AWS SDK over HTTP.
//
// scripts/test-deps.sh installs it into .cache/node at the repository root
// (`npm install --prefix .cache/node dynalite`); GLUELENS_DYNALITE may name
// another copy of the package folder, and a copy in the user's cache folder
// (~/.cache/gluelens/node, shared by the git worktrees of one machine) is
// used when the repository has none. A test that needs it fails, never
// skips, when it is missing: CI installs it.
package fakedynamo

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// EnvVar names the dynalite package folder when it is not in .cache/node.
const EnvVar = "GLUELENS_DYNALITE"

// Server is a running dynalite.
type Server struct {
	URL string // http://127.0.0.1:PORT
}

// script starts dynalite on an ephemeral loopback port and prints the port;
// tables become ACTIVE at once. It ends when its standard input closes, so
// the server never outlives the test process.
const script = `
const dynalite = require(process.argv[1]);
const server = dynalite({createTableMs: 0, deleteTableMs: 0, updateTableMs: 0});
server.listen(0, '127.0.0.1', () => { console.log('PORT ' + server.address().port); });
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`

// Dir returns the dynalite package folder: $GLUELENS_DYNALITE, else
// .cache/node/node_modules/dynalite in the repository above the working
// directory, else gluelens/node/node_modules/dynalite in the user's cache
// folder.
func Dir() (string, error) {
	if d := os.Getenv(EnvVar); d != "" {
		if _, err := os.Stat(filepath.Join(d, "package.json")); err != nil {
			return "", fmt.Errorf("%s=%s: not a dynalite package folder: %w", EnvVar, d, err)
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, ".cache", "node", "node_modules", "dynalite")
			if _, err := os.Stat(filepath.Join(d, "package.json")); err == nil {
				return d, nil
			}
			if uc, err := os.UserCacheDir(); err == nil {
				shared := filepath.Join(uc, "gluelens", "node", "node_modules", "dynalite")
				if _, err := os.Stat(filepath.Join(shared, "package.json")); err == nil {
					return shared, nil
				}
			}
			return "", fmt.Errorf("dynalite is not installed in %s: run scripts/test-deps.sh (npm install --prefix .cache/node dynalite) or set %s", d, EnvVar)
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no go.mod above %s to find .cache/node/node_modules/dynalite; set %s", wd, EnvVar)
		}
	}
}

// Start runs dynalite for the test and stops it when the test ends. It
// fails the test when Node.js or dynalite is missing.
func Start(t testing.TB) *Server {
	t.Helper()
	dir, err := Dir()
	if err != nil {
		t.Fatalf("starting dynalite: %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("starting dynalite: Node.js is not installed (scripts/test-deps.sh installs it): %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, "-e", script, dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting dynalite: %v", err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cancel()
			<-done
		}
		cancel()
	})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "PORT "); ok {
				port <- p
				return
			}
		}
		close(port)
	}()
	select {
	case p, ok := <-port:
		if !ok {
			t.Fatalf("starting dynalite from %s: it exited before listening: %s", dir, stderr.String())
		}
		return &Server{URL: "http://127.0.0.1:" + p}
	case <-time.After(30 * time.Second):
		t.Fatalf("starting dynalite from %s: no port after 30 s: %s", dir, stderr.String())
	}
	return nil
}
