// Package synth runs a CDKTF Go program so that it loses nothing, leaves
// nothing behind and says what it found, on every path:
//
//   - The stacks are synthesized into a staging folder beside the output
//     folder and moved into it file by file (each move atomic) only when the
//     whole synth has succeeded: a failed synth, whatever the cause (an
//     error, a panic of the jsii runtime, a full disk, an interrupt), leaves
//     the previous output as it was.
//   - A synth removes only files an earlier synth wrote (the ones its
//     manifest.json lists), never Terraform's working files or state, and
//     refuses an output folder that holds anything else.
//   - The jsii runtime and its node kernel keep their temporary files in a
//     private folder that is removed on every path; SIGINT and SIGTERM stop
//     the kernel, remove that folder and the staging folder, and end the
//     program with the conventional status (130, 143).
//   - Warnings the constructs raise (cdktf annotations) are printed as cdktf
//     synth prints them; with Strict they are errors and nothing is written.
//
// Use it as the whole of main:
//
//	func main() {
//		os.Exit(synth.Main(synth.Options{}, func(ctx context.Context, app cdktf.App) error {
//			stack := cdktf.NewTerraformStack(app, jsii.String("orders"))
//			// ... constructs; return an error to stop before anything is written
//			return nil
//		}))
//	}
package synth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// OutdirEnv is the variable through which the cdktf CLI names the output
// folder.
const OutdirEnv = "CDKTF_OUTDIR"

// DefaultOutdir is the output folder when neither Options.Outdir nor
// CDKTF_OUTDIR names one.
const DefaultOutdir = "cdktf.out"

// Options configure Main. The zero value writes JSON into $CDKTF_OUTDIR or
// cdktf.out and prints to os.Stderr.
type Options struct {
	// Outdir is the output folder. Default: $CDKTF_OUTDIR (the cdktf CLI
	// sets it), else "cdktf.out".
	Outdir string
	// HCL writes cdk.tf instead of cdk.tf.json. cdktf 0.20 also needs
	// SYNTH_HCL_OUTPUT=true in the environment the program starts with
	// (cdktf synth --hcl sets it). Default: false.
	HCL bool
	// Strict makes the constructs' warnings errors: Main prints them,
	// writes nothing and returns 1. Default: false.
	Strict bool
	// Stderr receives warnings and errors. Default: os.Stderr.
	Stderr io.Writer

	// cli: the cdktf CLI runs the program (Main finds out).
	cli bool
}

// underCLI says whether the cdktf CLI runs the program: it names the
// output folder and asks for error annotations in the manifest (the
// environment the program started with, before run sets the latter).
func (o Options) underCLI() bool { return o.cli }

// Exit codes of Main besides 0 and the signal codes (128 + signal).
const (
	// ExitInvalid: build returned an error, or a construct raised an error
	// (or, with Strict, a warning).
	ExitInvalid = 1
	// ExitFailed: the output folder is not one a synth may replace, or the
	// synth itself failed.
	ExitFailed = 2
)

// Build adds the program's stacks to app. An error stops the run: nothing
// is synthesized or written. ctx is cancelled when the program is
// interrupted.
type Build func(ctx context.Context, app cdktf.App) error

// Main runs build, synthesizes app and installs the result in the output
// folder, and returns the program's exit code: 0, ExitInvalid, ExitFailed,
// or 128 + the signal's number when SIGINT or SIGTERM interrupted it. It
// prints every problem to Options.Stderr. Call it once per program, from
// main, and pass its result to os.Exit.
func Main(opts Options, build Build) int {
	stderr := opts.Stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	opts.cli = os.Getenv(OutdirEnv) != "" && os.Getenv("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS") != ""
	outdir := opts.Outdir
	if outdir == "" {
		outdir = os.Getenv(OutdirEnv)
	}
	if outdir == "" {
		outdir = DefaultOutdir
	}
	code := ExitFailed
	installed := false
	err := run(true, func(ctx context.Context, in *interrupts) error {
		code, installed = synthesize(ctx, in, opts, build, outdir, stderr)
		return nil
	})
	var stopped *Interrupted
	switch {
	case errors.As(err, &stopped) && installed:
		fmt.Fprintf(stderr, "interrupted (%v) as the new output was written to %s; it is complete\n", stopped.Signal, outdir)
		return stopped.ExitCode()
	case errors.As(err, &stopped):
		fmt.Fprintf(stderr, "interrupted (%v): nothing was written; %s is as it was\n", stopped.Signal, outdir)
		return stopped.ExitCode()
	case err != nil:
		fmt.Fprintf(stderr, "error: %v\n", err)
		return ExitFailed
	}
	return code
}

// synthesize is Main inside the runtime's lifetime; it returns the exit
// code and whether the output was moved into place.
func synthesize(ctx context.Context, in *interrupts, opts Options, build Build, outdir string, stderr io.Writer) (int, bool) {
	parent, err := outdirParent(outdir)
	if err != nil {
		fmt.Fprintf(stderr, "error: output folder %s: %v\n", outdir, err)
		return ExitFailed, false
	}
	// One synth at a time per output folder: from reading what is there to
	// moving the new files in.
	unlock, err := lockFolder(parent)
	if err != nil {
		fmt.Fprintf(stderr, "error: output folder %s: %v\n", outdir, err)
		return ExitFailed, false
	}
	defer unlock()
	removeStaleStaging(parent, outdir)
	prev, err := inspectOutdir(outdir)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return ExitFailed, false
	}
	staging, err := stagingFolder(parent, outdir)
	if err != nil {
		fmt.Fprintf(stderr, "error: output folder %s: %v\n", outdir, err)
		return ExitFailed, false
	}
	defer os.RemoveAll(staging)

	err = protect(func() error {
		app := cdktf.NewApp(&cdktf.AppConfig{
			Outdir:    jsii.String(staging),
			HclOutput: jsii.Bool(opts.HCL),
			// Stack traces in annotations name the runtime's temp folders:
			// two synths of one commit would differ.
			StackTraces: jsii.Bool(false),
		})
		if err := build(ctx, app); err != nil {
			return &buildError{err}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		app.Synth()
		return nil
	})
	if ctx.Err() != nil {
		return ExitFailed, false // run reports the interrupt
	}
	var be *buildError
	switch {
	case errors.As(err, &be):
		fmt.Fprintln(stderr, be.err)
		return ExitInvalid, false
	case err != nil:
		fmt.Fprintf(stderr, "error: synth failed, nothing was written: %v\n", err)
		return ExitFailed, false
	}

	next, ok, err := readManifest(staging)
	if err == nil && !ok {
		err = errors.New("the app wrote no manifest.json")
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: synth failed, nothing was written: %v\n", err)
		return ExitFailed, false
	}
	// The constructs' messages: the cdktf CLI prints them itself from the
	// manifest after a good synth (it would show ours as errors), so under
	// it they are printed only when the run fails because of them.
	var messages bytes.Buffer
	warnings, failures := report(&messages, next)
	if !opts.underCLI() || failures > 0 || opts.Strict && warnings > 0 {
		stderr.Write(messages.Bytes())
	}
	switch {
	case failures > 0:
		fmt.Fprintf(stderr, "error: %d error annotation(s); nothing was written\n", failures)
		return ExitInvalid, false
	case opts.Strict && warnings > 0:
		fmt.Fprintf(stderr, "error: strict: %d warning(s) are errors; nothing was written\n", warnings)
		return ExitInvalid, false
	}
	if err := checkRemovedStacks(outdir, prev, next); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return ExitFailed, false
	}
	// From here the run completes: an interrupt waits for the moves.
	if !in.install() {
		return ExitFailed, false
	}
	if err := install(staging, outdir, prev, next); err != nil {
		fmt.Fprintf(stderr, "error: writing %s: %v\n", outdir, err)
		return ExitFailed, true
	}
	return 0, true
}

// Interrupted is the error of a run that SIGINT or SIGTERM stopped.
type Interrupted struct {
	Signal os.Signal
}

func (e *Interrupted) Error() string { return fmt.Sprintf("interrupted (%v)", e.Signal) }

// ExitCode is the conventional status of a program ended by the signal:
// 128 plus its number (130 for SIGINT, 143 for SIGTERM).
func (e *Interrupted) ExitCode() int { return exitCode(e.Signal) }

// Run runs f, a program's use of the jsii runtime, so that it leaves
// nothing behind: the runtime and its node kernel keep their temporary files
// in a private folder that Run removes on every path, a panic of the runtime
// becomes an error, and SIGINT or SIGTERM cancels ctx and stops the kernel
// (the call f is waiting for fails at once), after which Run returns an
// *Interrupted. Programs that synthesize into an output folder use Main;
// tools that only read what they synthesize use Run.
func Run(f func(ctx context.Context) error) error {
	return run(true, func(ctx context.Context, _ *interrupts) error { return f(ctx) })
}

// RunWithoutSignals is Run for a process whose parent stops it with
// SIGINT and expects the default handling (a Go fuzzing worker): the
// runtime's temp files are private and removed, but signals are left alone.
func RunWithoutSignals(f func(ctx context.Context) error) error {
	return run(false, func(ctx context.Context, _ *interrupts) error { return f(ctx) })
}

func run(signals bool, f func(ctx context.Context, in *interrupts) error) (err error) {
	// From here to the end every SIGINT and SIGTERM is handled, the
	// cleanup below included; the default handling comes back last.
	in := watchInterrupts(signals)
	defer func() {
		in.stop()
		if s := in.signal(); s != nil {
			err = &Interrupted{Signal: s}
		}
	}()
	// The runtime prepared its folder in the shared temp directory when the
	// bindings initialized; close it (the kernel has not started yet) and
	// let the next call start one whose files, and the node kernel's, are
	// in a private folder.
	jsii.Close()
	private, err := os.MkdirTemp("", "cdktf-kms-run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(private)
	in.setRuntimeDir(private)
	// Error annotations go into the manifest on every path (the cdktf CLI
	// sets this too), so that Main reports them the same way under cdktf
	// synth and go run.
	restore, err := setenv(map[string]string{"TMPDIR": private, "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS": "true"})
	defer restore()
	if err != nil {
		return err
	}
	defer jsii.Close()
	return protect(func() error { return f(in.ctx, in) })
}

// setenv sets variables for the runtime started next and returns what
// restores them.
func setenv(vars map[string]string) (func(), error) {
	var undo []func()
	restore := func() {
		for _, u := range undo {
			u()
		}
	}
	for k, v := range vars {
		old, had := os.LookupEnv(k)
		if err := os.Setenv(k, v); err != nil {
			return restore, err
		}
		undo = append(undo, func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		})
	}
	return restore, nil
}

// buildError is an error of the program's build function.
type buildError struct{ err error }

func (e *buildError) Error() string { return e.err.Error() }

// protect runs f and turns a panic (the jsii runtime panics on errors in
// the node kernel) into an error.
func protect(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return f()
}

// outdirParent returns the folder that holds the output folder (made when
// missing).
func outdirParent(outdir string) (string, error) {
	abs, err := filepath.Abs(outdir)
	if err != nil {
		return "", err
	}
	parent := filepath.Dir(abs)
	return parent, os.MkdirAll(parent, 0o755)
}

// stagingMarker is a file in every staging folder, so that a later synth
// can tell a staging folder a killed run left behind (SIGKILL, a power cut)
// from a folder of the user's, and remove it.
const stagingMarker = ".cdktf-kms-staging"

// stagingPrefix starts the names of the staging folders of an output
// folder: .<name>.synth-.
func stagingPrefix(outdir string) string {
	return "." + filepath.Base(filepath.Clean(outdir)) + ".synth-"
}

// stagingFolder makes the folder a synth writes into: beside the output
// folder, so that moving files into it is a rename on one file system.
func stagingFolder(parent, outdir string) (string, error) {
	dir, err := os.MkdirTemp(parent, stagingPrefix(outdir))
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, stagingMarker), nil, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// removeStaleStaging removes the staging folders of the output folder that
// a killed synth left behind: only folders with the staging prefix that
// hold the marker (the caller holds the lock, so none is in use).
func removeStaleStaging(parent, outdir string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	prefix := stagingPrefix(outdir)
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		if _, err := os.Stat(filepath.Join(dir, stagingMarker)); err == nil {
			os.RemoveAll(dir)
		}
	}
}

// report prints the annotations of a synth as cdktf synth does ("WARN
// [stack/construct]: message") and counts the warnings and errors.
func report(w io.Writer, m Manifest) (warnings, failures int) {
	names := make([]string, 0, len(m.Stacks))
	for name := range m.Stacks {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, a := range m.Stacks[name].Annotations {
			level := strings.ToUpper(strings.TrimPrefix(a.Level, "@cdktf/"))
			switch a.Level {
			case LevelWarn:
				warnings++
			case LevelError:
				failures++
			}
			fmt.Fprintf(w, "%s [%s]: %s\n", level, a.ConstructPath, a.Message)
		}
	}
	return warnings, failures
}
