package tfworkspace

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// ProviderServer is one AWS provider process in debug mode that terraform
// attaches to (TF_REATTACH_PROVIDERS, tfexec.Reattach) instead of starting
// the provider itself, as the provider's own acceptance tests do. Every
// terraform command otherwise starts the 905 MB provider three or four
// times, verifies its checksum and builds its schema of some 1,500 resource
// types: about 7 s of CPU a command on these machines, half of which a
// running server saves. A server serves one provider configuration: a stack
// with aliased providers (replicas in other regions) needs terraform's own
// provider processes, one per configuration.
type ProviderServer struct {
	// Reattach attaches a terraform command to the server.
	Reattach tfexec.ReattachInfo
	// ReattachJSON is the same as TF_REATTACH_PROVIDERS takes it.
	ReattachJSON string

	cmd     *exec.Cmd
	socket  string
	exited  chan struct{}
	stop    sync.Once
	stopErr error
}

// reattachLine is where the provider prints its reattach configuration in
// debug mode.
var reattachLine = regexp.MustCompile(`TF_REATTACH_PROVIDERS='(.*)'`)

// providerLogsOff silences the provider's logs, which debug mode writes at
// the trace level (and which cost CPU to format).
var providerLogsOff = []string{
	"TF_LOG=off", "TF_LOG_PROVIDER=off", "TF_LOG_SDK=off", "TF_LOG_SDK_PROTO=off",
	"TF_LOG_SDK_HELPER_SCHEMA=off", "TF_LOG_SDK_MUX=off", "TF_LOG_SDK_FRAMEWORK=off",
}

// StartProvider starts the provider of a mirror in debug mode with the
// settings' environment (the provider reads the endpoint and credentials
// from its own environment, not terraform's) and returns once it printed
// its reattach configuration. log gets the provider's output.
func StartProvider(ctx context.Context, mirror string, s Settings, log io.Writer) (*ProviderServer, error) {
	cmd := exec.Command(ProviderBinary(mirror), "-debug")
	cmd.Env = append(s.EnvList(), providerLogsOff...)
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	// A group of its own, killed with the process that started it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &ProviderServer{cmd: cmd, exited: make(chan struct{})}
	found := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(log, line)
			if m := reattachLine.FindStringSubmatch(line); m != nil && !sent {
				found <- p.parse(m[1])
				sent = true
			}
		}
		if !sent {
			found <- errors.New("the provider exited without printing its reattach configuration")
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		cmd.Wait()
		close(p.exited)
	}()
	select {
	case err = <-found:
	case <-ctx.Done():
		err = ctx.Err()
	case <-time.After(2 * time.Minute):
		err = errors.New("the provider printed no reattach configuration within 2 minutes")
	}
	if err != nil {
		p.Stop()
		return nil, fmt.Errorf("starting the AWS provider in debug mode: %w", err)
	}
	return p, nil
}

// parse reads the reattach configuration.
func (p *ProviderServer) parse(raw string) error {
	var info map[string]struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            struct{ Network, String string }
	}
	if err := json.Unmarshal([]byte(raw), &info); err != nil {
		return fmt.Errorf("reattach configuration %q: %w", raw, err)
	}
	p.ReattachJSON = raw
	p.Reattach = tfexec.ReattachInfo{}
	for addr, c := range info {
		p.Reattach[addr] = tfexec.ReattachConfig{
			Protocol: c.Protocol, ProtocolVersion: c.ProtocolVersion, Pid: c.Pid, Test: c.Test,
			Addr: tfexec.ReattachConfigAddr{Network: c.Addr.Network, String: c.Addr.String},
		}
		if c.Addr.Network == "unix" {
			p.socket = c.Addr.String
		}
	}
	if len(p.Reattach) == 0 {
		return fmt.Errorf("reattach configuration %q names no provider", raw)
	}
	return nil
}

// Stop stops the server (SIGINT, as debug mode expects; SIGKILL to its
// group after a grace period) and removes its socket if it is left. Safe to
// call more than once.
func (p *ProviderServer) Stop() error {
	p.stop.Do(func() {
		pgid := p.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGINT)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.exited
			p.stopErr = errors.New("the AWS provider did not stop within 10 s of SIGINT; killed")
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		// The socket this server made, if it did not remove it.
		if p.socket != "" {
			if err := os.Remove(p.socket); err != nil && !errors.Is(err, os.ErrNotExist) {
				p.stopErr = errors.Join(p.stopErr, err)
			}
		}
	})
	return p.stopErr
}
