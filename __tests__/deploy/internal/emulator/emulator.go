// Package emulator runs moto_server, the AWS API emulator the end-to-end
// tests deploy to, as a child process its caller owns: started on a free
// loopback port in a process group of its own, waited for until it answers
// HTTP, its output kept in a log file, and stopped (SIGTERM to the group,
// SIGKILL after a grace period) by Stop on every path. The kernel also kills
// it with SIGKILL when the process that started it dies (Pdeathsig), so a
// test binary killed by a timeout does not leave it running.
//
// One moto_server serves KMS, IAM, STS, CloudWatch, CloudWatch Logs, SNS and
// S3 of every region on one port, for the account AccountID.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// AccountID is the account moto_server answers for (STS GetCallerIdentity,
// the ARNs it makes).
const AccountID = "123456789012"

// Command is the emulator's executable, looked up on PATH.
const Command = "moto_server"

// Version is the moto release the tests and the documented gaps are about.
const Version = "5.2.1"

// Timeouts of Start and Stop.
const (
	startTimeout = 60 * time.Second
	stopGrace    = 10 * time.Second
)

// Server is a running moto_server.
type Server struct {
	// URL is the endpoint, http://127.0.0.1:<port>, for AWS_ENDPOINT_URL.
	URL string
	// LogPath is the file that holds the server's output.
	LogPath string
	// ProxyURL is an HTTP proxy (for HTTP_PROXY) that forwards every
	// request to the server, for the host names an SDK derives from the
	// endpoint and no resolver maps to the loopback address: S3 Control
	// puts the account id in front of the endpoint's host
	// (123456789012.127.0.0.1). Requests to the endpoint itself, a loopback
	// address, bypass proxies.
	ProxyURL string

	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	logFile *os.File
	stop    sync.Once
	stopErr error
	proxy   *http.Server
}

// Path returns the path of moto_server, or an error that says how to get it.
func Path() (string, error) {
	p, err := exec.LookPath(Command)
	if err != nil {
		return "", fmt.Errorf("%s is not on PATH (pip install 'moto[server]==%s'): %w", Command, Version, err)
	}
	return p, nil
}

// Start starts moto_server on a free port of 127.0.0.1, writes its output
// to logPath and returns once it answers HTTP. When the server does not come
// up (the port was taken in between, it crashed) it retries on another port
// a few times. ctx bounds the start only: cancelling it later does not stop
// the server; Stop does.
func Start(ctx context.Context, logPath string) (*Server, error) {
	bin, err := Path()
	if err != nil {
		return nil, err
	}
	var errs []error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := start(ctx, bin, logPath)
		if err == nil {
			return s, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

func start(ctx context.Context, bin, logPath string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(),
		// The AWS managed policies (arn:aws:iam::aws:policy/...), which
		// role attachments name.
		"MOTO_IAM_LOAD_MANAGED_POLICIES=true",
		"PYTHONUNBUFFERED=1",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// A group of its own: Stop signals the server and anything it
		// started, and a terminal's Ctrl-C reaches the test, which then
		// stops the server itself.
		Setpgid: true,
		// Killed with the process that started it, whatever the path.
		Pdeathsig: syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	s := &Server{
		URL:     "http://127.0.0.1:" + strconv.Itoa(port),
		LogPath: logPath,
		cmd:     cmd,
		exited:  make(chan struct{}),
		logFile: logFile,
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%s on port %d: %w\n%s", Command, port, err, s.Log())
	}
	if err := s.startProxy(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// startProxy starts the forwarding proxy of ProxyURL in this process.
func (s *Server) startProxy() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	target, _ := url.Parse(s.URL)
	s.proxy = &http.Server{Handler: &httputil.ReverseProxy{
		// The request keeps its Host header (the server routes by the
		// signed service and the path, not by the host).
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = target.Scheme, target.Host
		},
	}}
	s.ProxyURL = "http://" + l.Addr().String()
	go s.proxy.Serve(l)
	return nil
}

// freePort asks the kernel for a free port of 127.0.0.1. Another process
// may take it before moto_server binds it; Start then retries.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls the server's own API until it answers, the process
// exits, or the start times out.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("exited before it answered: %v", s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("no answer: %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Pid returns the server's process id (and process group id).
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Running says whether the server process has not exited.
func (s *Server) Running() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// Stop stops the server and everything in its process group: SIGTERM, then
// SIGKILL when it has not exited after a grace period. It waits for the
// process and is safe to call more than once and from several goroutines.
func (s *Server) Stop() error {
	s.stop.Do(func() {
		defer s.logFile.Close()
		if s.proxy != nil {
			s.proxy.Close()
		}
		pgid := s.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(stopGrace):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.exited
			s.stopErr = fmt.Errorf("%s did not stop within %s of SIGTERM; killed", Command, stopGrace)
		}
		// Whatever the server started and left in its group.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	})
	return s.stopErr
}

// Log returns the server's output so far (its last 64 KiB).
func (s *Server) Log() string {
	raw, err := os.ReadFile(s.LogPath)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	const max = 64 << 10
	if len(raw) > max {
		raw = append([]byte("...\n"), raw[len(raw)-max:]...)
	}
	return strings.TrimRight(string(raw), "\n")
}
