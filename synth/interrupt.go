package synth

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/aws/jsii-runtime-go"

	"github.com/cdktf-kms/cdktf-kms/internal/procs"
)

// interrupts turns every signal that would end the program (SIGINT,
// SIGTERM, SIGHUP when the terminal closes, SIGQUIT, ...: Terminating)
// into a cancelled context, as terraform does: the first signal cancels the
// run and stops the jsii kernel process (the node child whose call the
// program is waiting for), so that the program returns and its cleanup
// runs; later signals wait for that cleanup (it is short: the kernel is
// killed, two folders removed). SIGPIPE (stdout or stderr closed) ends
// nothing: the write fails with an error the program handles, and the
// cleanup runs as on every path. SIGKILL cannot be handled: see
// RunDirPrefix for what the next run does about it.
type interrupts struct {
	ctx      context.Context
	cancel   context.CancelFunc
	ch       chan os.Signal
	done     chan struct{}
	stopOnce sync.Once

	mu  sync.Mutex
	sig os.Signal
	// runtimeDir is the private temp folder of the jsii runtime: the
	// kernel process is the child whose command line names it.
	runtimeDir string
	// installing: the output is being moved into place; a signal now is
	// recorded and waits for the moves to end.
	installing bool
}

// The program is watched from its start: a signal before Main or Run
// begins (the bindings have prepared the runtime's folder at init) closes
// the runtime, which removes that folder, and ends the program as the
// signal would. Main and Run take over from it.
var (
	early     = make(chan os.Signal, 1)
	earlyStop = make(chan struct{})
	earlyOnce sync.Once
)

// brokenPipe receives SIGPIPE, so that a write to a closed stdout or
// stderr returns an error instead of killing the program before its
// cleanup; the signal itself is dropped.
var brokenPipe = make(chan os.Signal, 1)

func init() {
	signal.Notify(early, Terminating...)
	signal.Notify(brokenPipe, syscall.SIGPIPE)
	go func() {
		for range brokenPipe {
		}
	}()
	go func() {
		select {
		case s := <-early:
			jsii.Close()
			os.Exit(exitCode(s))
		case <-earlyStop:
		}
	}()
}

// stopEarly ends the start-up watch (once).
func stopEarly() {
	earlyOnce.Do(func() {
		signal.Stop(early)
		close(earlyStop)
	})
}

func watchInterrupts(signals bool) *interrupts {
	ctx, cancel := context.WithCancel(context.Background())
	in := &interrupts{ctx: ctx, cancel: cancel, ch: make(chan os.Signal, 1), done: make(chan struct{})}
	if signals {
		// Watch first, then end the start-up watch: no signal falls between.
		signal.Notify(in.ch, Terminating...)
	}
	stopEarly()
	go in.loop()
	return in
}

// setRuntimeDir names the runtime's private folder, once it is made.
func (in *interrupts) setRuntimeDir(dir string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.runtimeDir = dir
}

func (in *interrupts) loop() {
	for {
		select {
		case s := <-in.ch:
			in.mu.Lock()
			first := in.sig == nil
			if first {
				in.sig = s
			}
			installing, dir := in.installing, in.runtimeDir
			in.mu.Unlock()
			if !first || installing {
				continue // the run is stopping already, or ends its moves first
			}
			in.cancel()
			stopRuntime(dir)
		case <-in.done:
			return
		}
	}
}

// install marks the start of the moves into the output folder; it returns
// false when a signal came first.
func (in *interrupts) install() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.installing = true
	return in.sig == nil
}

// signal returns the signal that interrupted the run, or nil.
func (in *interrupts) signal() os.Signal {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.sig
}

// stop ends the watch and restores the default handling of the signals.
func (in *interrupts) stop() {
	in.stopOnce.Do(func() {
		signal.Stop(in.ch)
		close(in.done)
		in.cancel()
	})
}

// exitCode is the conventional status of a program ended by a signal:
// 128 plus the signal's number (130 for SIGINT, 143 for SIGTERM).
func exitCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 1
}

// stopRuntime ends the jsii kernel: the processes whose command line names
// the runtime's private folder (the program's node child and its own). The call the
// program is waiting for then fails at once instead of running to its end.
// Where /proc is missing (not Linux) it does nothing: a Ctrl-C in a
// terminal reaches the kernel anyway, and the run stops at its next step.
func stopRuntime(runtimeDir string) {
	if runtimeDir == "" {
		return
	}
	// The runtime reports the end of its process on os.Stderr ("Runtime
	// process exited abnormally"); the program's own messages go to the
	// writer Main was given.
	if devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stderr = devnull
	}
	// The kernel is node running the runtime's wrapper, which starts the
	// real kernel as a child of its own: both name the private folder.
	for _, pid := range procs.Naming(runtimeDir + string(os.PathSeparator)) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}
