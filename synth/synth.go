// Package synth runs a CDKTF Go program so that it loses nothing, leaves
// nothing behind and says what it found, on every path:
//
//   - The stacks are synthesized into a staging folder beside the output
//     folder and moved into it under a journal only when the whole synth
//     has succeeded: the output folder is always wholly the previous synth
//     or wholly the new one (a failed move puts back what was moved; a run
//     killed while it moves files in is undone by the next one; see
//     install.go).
//   - A synth removes only files an earlier synth wrote, never Terraform's
//     working files or state, and refuses an output folder that holds
//     anything else.
//   - The jsii runtime and its node kernel keep their temporary files in a
//     private folder that is removed on every path; every signal that would
//     end the program (Terminating) stops the kernel, removes that folder
//     and the staging folder, and ends the program with 128 plus the
//     signal's number (130 for SIGINT); what SIGKILL leaves is removed by
//     the next run (RunDirPrefix).
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
	"io/fs"
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
	// HCL writes cdk.tf instead of cdk.tf.json (Main sets
	// SYNTH_HCL_OUTPUT for the jsii kernel as cdktf 0.20 needs it).
	// Default: false, unless SYNTH_HCL_OUTPUT asks for HCL as cdktf reads
	// it (HCLRequested: cdktf synth --hcl sets it).
	HCL bool
	// Strict makes the constructs' warnings errors: Main prints them,
	// writes nothing and returns 1. Default: false.
	Strict bool
	// Stderr receives warnings and errors. Default: os.Stderr.
	Stderr io.Writer

	// cli: the cdktf CLI runs the program (Main finds out).
	cli bool
}

// startedUnderCLI says whether the cdktf CLI started the program: it names
// the output folder and asks for error annotations in the manifest. Read
// when the program starts, before Run and RunTests set either for the
// runtime.
var startedUnderCLI = os.Getenv(OutdirEnv) != "" && os.Getenv("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS") != ""

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
// or 128 + the signal's number when a signal (Terminating) interrupted it. It
// prints every problem to Options.Stderr. Call it once per program, from
// main, and pass its result to os.Exit.
func Main(opts Options, build Build) int {
	stderr := opts.Stderr
	if stderr == nil {
		stderr = os.Stderr
	}
	opts.cli = startedUnderCLI
	opts.HCL = opts.HCL || HCLRequested()
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
	fail := func(format string, args ...any) (int, bool) {
		fmt.Fprintf(stderr, "error: "+format+"\n", args...)
		return ExitFailed, false
	}
	dir, parent, err := resolveOutdir(outdir)
	if err != nil {
		return fail("%v", err)
	}
	// One synth at a time per output folder: from reading what is there to
	// moving the new files in.
	unlock, err := lockFolder(ctx, parent, func() {
		fmt.Fprintf(stderr, "waiting for another synth into %s to finish (it holds the lock on %s; Ctrl-C stops waiting)\n", outdir, parent)
	})
	if err != nil {
		if ctx.Err() != nil {
			return ExitFailed, false // run reports the interrupt
		}
		return fail("output folder %s: locking %s: %v", outdir, parent, err)
	}
	defer unlock()
	recovered, err := recoverInstalls(parent, dir)
	if err != nil {
		return fail("%v", err)
	}
	if recovered.Restored {
		fmt.Fprintf(stderr, "note: an earlier synth into %s was interrupted while it moved files in; its files were put back, so %s was again the synth before it\n", outdir, outdir)
	}
	prev, err := inspectOutdir(dir)
	if err != nil {
		return fail("%v", named(err, outdir, dir))
	}
	staging, err := stagingFolder(parent, dir)
	if err != nil {
		return fail("cannot write beside the output folder %s: %v. A synth writes into a new folder in %s and moves the files in only when it succeeded, so that folder must be writable: make it so, or choose an output folder elsewhere (CDKTF_OUTDIR, or \"output\" in cdktf.json)", outdir, err, parent)
	}
	keep := false
	defer func() {
		if !keep {
			os.RemoveAll(staging)
		}
	}()

	// cdktf 0.20 reads SYNTH_HCL_OUTPUT in the node kernel (the app's
	// hclOutput option alone names the file cdk.tf but writes JSON, and a
	// value set but not "true" turns HCL off for the app and on for stacks
	// with "1"); the kernel starts below, with this environment.
	hcl := ""
	if opts.HCL {
		hcl = "true"
	}
	restore, err := setenv(map[string]string{hclEnv: hcl})
	defer restore()
	if err != nil {
		return fail("%v", err)
	}
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
		return fail("synth failed, nothing was written: %v", explainSynthError(err))
	}

	next, ok, err := readManifest(staging)
	if err == nil && !ok {
		err = errors.New("the app wrote no manifest.json")
	}
	if err != nil {
		return fail("synth failed, nothing was written: %v", err)
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
	if err := formatHCL(staging, next); err != nil {
		return fail("synth failed, nothing was written: %v", err)
	}
	if err := checkRemovedStacks(dir, prev, next); err != nil {
		return fail("%v", named(err, outdir, dir))
	}
	// From here the run completes: an interrupt waits for the moves.
	if !in.install() {
		return ExitFailed, false
	}
	if keep, err = install(staging, dir, prev, next); err != nil {
		var ie *InstallError
		if errors.As(err, &ie) {
			ie.Outdir = outdir
		}
		return fail("%v", err)
	}
	return 0, true
}

// hclEnv is the variable through which cdktf (and `cdktf synth --hcl`)
// turns on HCL output.
const hclEnv = "SYNTH_HCL_OUTPUT"

// HCLRequested says whether the environment asks for HCL output as cdktf
// reads it (SYNTH_HCL_OUTPUT "true", or "1" for its stacks).
func HCLRequested() bool {
	v := os.Getenv(hclEnv)
	return v == "true" || v == "1"
}

// resolveOutdir returns the folder a synth writes (the output folder with
// symbolic links resolved, so that the staging folder beside it is on its
// file system) and the folder that holds it (made when missing).
func resolveOutdir(outdir string) (dir, parent string, err error) {
	abs, err := filepath.Abs(outdir)
	if err != nil {
		return "", "", err
	}
	fi, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		parent = filepath.Dir(abs)
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return "", "", fmt.Errorf("output folder %s: making the folder that holds it: %v", outdir, err)
		}
		return abs, parent, nil
	case err != nil:
		return "", "", fmt.Errorf("output folder %s: %v", outdir, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		target, _ := os.Readlink(abs)
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return "", "", fmt.Errorf("output folder %s is a symbolic link to %s, which does not exist (%v): make that folder, or remove the link so that a synth makes a folder there", outdir, target, err)
		}
		if rfi, err := os.Stat(real); err != nil || !rfi.IsDir() {
			return "", "", fmt.Errorf("output folder %s is a symbolic link to %s, which is not a folder: point it at a folder, or remove it", outdir, real)
		}
		return real, filepath.Dir(real), nil
	case !fi.IsDir():
		return "", "", fmt.Errorf("output folder %s is a file, not a folder: move it away, or choose another output folder (CDKTF_OUTDIR, or \"output\" in cdktf.json)", outdir)
	}
	return abs, filepath.Dir(abs), nil
}

// named puts the output folder's name as the user gave it into the errors
// about the folder a synth resolved it to.
func named(err error, outdir, dir string) error {
	var oe *OutdirError
	var se *StateError
	switch {
	case errors.As(err, &oe):
		oe.Outdir = outdir
	case errors.As(err, &se):
		se.Outdir = outdir
	}
	if outdir != dir {
		return fmt.Errorf("%w (%s is %s)", err, outdir, dir)
	}
	return err
}

// Interrupted is the error of a run that a signal (Terminating) stopped.
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
// becomes an error, and a signal (Terminating) cancels ctx and stops the kernel
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

// RunTests runs a test binary's tests inside Run, so that they leave
// nothing behind: the jsii runtime, its node kernel and everything the
// tests write to the temp directory (t.TempDir, cdktf's Testing apps) are
// in a private folder removed at the end, and Ctrl-C stops the kernel. An
// app without an output folder of its own writes into that folder too
// (CDKTF_OUTDIR, when it is not set already), not into cdktf.out beside
// the tests.
// Use it as the whole of TestMain in every package whose tests synthesize:
//
//	func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }
//
// It returns m.Run's code, or 128 + the signal's number when a signal
// interrupted the tests, or 1 when the runtime failed. A fuzzing worker
// (-test.fuzzworker) gets no signal handling: the fuzzing coordinator
// stops its workers with SIGINT and expects them to end as the testing
// package does.
func RunTests(m interface{ Run() int }) int {
	code := 0
	runner := Run
	if fuzzWorker() {
		runner = RunWithoutSignals
	}
	err := runner(func(context.Context) error {
		// An app a test makes without an output folder (cdktf.NewApp(nil),
		// as examples do) would make cdktf.out in the package's folder.
		if os.Getenv(OutdirEnv) == "" {
			restore, err := setenv(map[string]string{OutdirEnv: filepath.Join(os.TempDir(), DefaultOutdir)})
			defer restore()
			if err != nil {
				return err
			}
		}
		code = m.Run()
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		var stopped *Interrupted
		if errors.As(err, &stopped) {
			return stopped.ExitCode()
		}
		return 1
	}
	return code
}

// fuzzWorker says whether the program runs as a Go fuzzing worker.
func fuzzWorker() bool {
	for _, a := range os.Args[1:] {
		if a == "-test.fuzzworker" || a == "-test.fuzzworker=true" || a == "--test.fuzzworker" {
			return true
		}
	}
	return false
}

func run(signals bool, f func(ctx context.Context, in *interrupts) error) (err error) {
	// From here to the end every terminating signal is handled, the
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
	sweepRunDirs(os.TempDir())
	private, release, err := newRunDir(os.TempDir())
	if err != nil {
		return err
	}
	defer release()
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

// setenv sets variables for the runtime started next ("" unsets one) and
// returns what restores them.
func setenv(vars map[string]string) (func(), error) {
	var undo []func()
	restore := func() {
		for _, u := range undo {
			u()
		}
	}
	for k, v := range vars {
		old, had := os.LookupEnv(k)
		set := func() error { return os.Setenv(k, v) }
		if v == "" {
			set = func() error { return os.Unsetenv(k) }
		}
		if err := set(); err != nil {
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

// explainSynthError turns an error the jsii runtime raised during the synth
// (a JavaScript exception of cdktf, with its stack) into a message: the
// JavaScript stack is left out, and for the errors cdktf gives for a
// configuration (not a bug) the advice says what to do.
func explainSynthError(err error) error {
	msg := err.Error()
	var lines []string
	for _, line := range strings.Split(msg, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "at ") || t == "" || t == "." || t == "Object creation stack:" {
			continue
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	msg = strings.Join(lines, "\n")
	for _, a := range synthAdvice {
		if strings.Contains(msg, a.says) {
			return fmt.Errorf("%s\n%s", msg, a.advice)
		}
	}
	return errors.New(msg)
}

// synthAdvice is what to do about the errors cdktf raises for a
// configuration, by a part of its message.
var synthAdvice = []struct{ says, advice string }{
	{"circular dependency", "Two stacks refer to each other (each uses a value of the other), which Terraform cannot deploy in any order. " +
		"With a KMS key: a principal of another stack named in the key's policy (KeyUsers, KeyAdministrators, ... given *role.Arn()) makes the key's stack use that stack; " +
		"when that stack also uses the key, grant with key.Grant*(role) instead (the policy then lives in the role's stack), name the principal by its ARN as a literal, " +
		"or refer to the key in the other stack with kms.FromKeyArn(stack, id, arn) (the ARN as a literal, a variable or a remote state output)."},
}
