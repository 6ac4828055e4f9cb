//go:build e2e

package emulator

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func requireEmulator(t *testing.T) {
	t.Helper()
	if _, err := Path(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// TestServerStartsAnswersAndStops: the server answers on its port and,
// once stopped, neither the process nor anything of its group is left.
func TestServerStartsAnswersAndStops(t *testing.T) {
	requireEmulator(t)
	s, err := Start(context.Background(), filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %s, want a loopback address", s.URL)
	}
	resp, err := http.Get(s.URL + "/moto-api/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// Through the proxy, a host name that resolves nowhere reaches the
	// server too (S3 Control's <account>.127.0.0.1).
	proxy, _ := url.Parse(s.ProxyURL)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
	port := s.URL[strings.LastIndex(s.URL, ":")+1:]
	resp, err = client.Get("http://" + AccountID + ".127.0.0.1:" + port + "/moto-api/")
	if err != nil {
		t.Fatalf("through the proxy: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("through the proxy: %s", resp.Status)
	}
	pid := s.Pid()
	if pgid, err := syscall.Getpgid(pid); err != nil || pgid != pid {
		t.Errorf("the server is not the leader of a process group of its own: pgid %d, %v", pgid, err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if s.Running() {
		t.Error("the server runs after Stop")
	}
	if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the server's process group still exists after Stop: %v", err)
	}
	if _, err := http.Get(s.URL + "/moto-api/"); err == nil {
		t.Error("the port still answers after Stop")
	}
	if _, err := http.Get(s.ProxyURL); err == nil {
		t.Error("the proxy still answers after Stop")
	}
	if err := s.Stop(); err != nil {
		t.Errorf("a second Stop: %v", err)
	}
	if !strings.Contains(s.Log(), "Running on http://127.0.0.1") {
		t.Errorf("the log does not show the server's start:\n%s", s.Log())
	}
}

// TestTwoServersGetTwoPorts: parallel tests each own a server.
func TestTwoServersGetTwoPorts(t *testing.T) {
	requireEmulator(t)
	dir := t.TempDir()
	a, err := Start(context.Background(), filepath.Join(dir, "a.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop()
	b, err := Start(context.Background(), filepath.Join(dir, "b.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Stop()
	if a.URL == b.URL {
		t.Errorf("both servers at %s", a.URL)
	}
}

// TestACancelledStartLeavesNothing: a start given up on (an interrupt)
// stops what it started.
func TestACancelledStartLeavesNothing(t *testing.T) {
	requireEmulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if s, err := Start(ctx, filepath.Join(t.TempDir(), "moto.log")); err == nil {
		s.Stop()
		t.Fatal("Start succeeded with a cancelled context")
	}
}
