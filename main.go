// Command cdktf-kms is the CDKTF app of this repository: it builds one stack
// per environment of cdktf.json (kms-dev, kms-stage, kms-prod, ...) and
// synthesizes them into cdktf.out. Run it with `cdktf synth` or `go run .`.
//
// With -hcl (or SYNTH_HCL_OUTPUT=true, which `cdktf synth --hcl` sets) it
// writes each stack as HCL (cdk.tf) instead of JSON (cdk.tf.json), using
// cdktf's own HCL output. With -strict (or CDKTF_KMS_STRICT=true) warnings
// are errors. With -atlantis FILE it then writes Atlantis's configuration of
// the stacks to FILE (see package pipeline).
//
// The output folder ($CDKTF_OUTDIR or cdktf.out) changes only when the
// whole synth succeeds, and only in the files a synth writes (see package
// synth); an interrupt leaves it as it was.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/access"
	"github.com/cdktf-kms/cdktf-kms/pipeline"
	"github.com/cdktf-kms/cdktf-kms/stacks"
	"github.com/cdktf-kms/cdktf-kms/synth"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	// Most of the app's Go heap is the short-lived garbage of the jsii
	// requests; collecting at half the live heap (Go's default: all of it)
	// keeps the process about 8 MB smaller at 1,000 environments, in the
	// same time (paired runs; docs/performance.md). GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	os.Exit(run(os.Args[1:], os.Stderr))
}

// strictEnv turns warnings into errors where no flag can be passed (the
// cdktf CLI runs the app of cdktf.json as it is).
const strictEnv = "CDKTF_KMS_STRICT"

// run synthesizes every environment and returns the exit code. It validates
// every environment before the jsii runtime starts, so a bad configuration
// writes nothing; synth.Main does the rest (the output folder, interrupts,
// warnings, the runtime's temp files).
func run(args []string, stderr io.Writer) int {
	// The runtime prepared its temp folder when the bindings initialized;
	// paths that end before synth.Main remove it here.
	defer jsii.Close()
	flags := flag.NewFlagSet("cdktf-kms", flag.ContinueOnError)
	flags.SetOutput(stderr)
	hcl := flags.Bool("hcl", false, "write HCL (cdk.tf) instead of JSON (cdk.tf.json); SYNTH_HCL_OUTPUT=true does the same")
	strictDefault := false
	if v := os.Getenv(strictEnv); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fmt.Fprintf(stderr, "error: %s=%q: want true or false\n", strictEnv, v)
			return 2
		}
		strictDefault = b
	}
	strict := flags.Bool("strict", strictDefault, "treat warnings as errors: print them and write nothing ("+strictEnv+"=true does the same under cdktf synth)")
	atlantisFile := flags.String("atlantis", "", "after the synth, write Atlantis's configuration of the stacks to this file (atlantis.yaml: one project per stack, dependencies in order); every environment needs an S3 backend")
	accessOpts := access.RegisterFlags(flags)
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "error: unexpected arguments %q\n", flags.Args())
		return 2
	}
	if accessOpts.Requested() {
		if *atlantisFile != "" {
			fmt.Fprintln(stderr, "error: -atlantis writes the configuration of a synth, and -access synthesizes nothing: run them apart")
			return 2
		}
		return accessOpts.Run(stderr)
	}

	envs, err := stacks.LoadEnvironments("cdktf.json")
	if err != nil {
		printInvalid(stderr, err)
		return 1
	}

	// The output folder: the CLI's (CDKTF_OUTDIR), else cdktf.json's
	// "output" (as the CLI would pass it), else cdktf.out. The local state
	// stays in the project folder wherever the stacks' folders are.
	outdir := os.Getenv(synth.OutdirEnv)
	if outdir == "" {
		if outdir, err = stacks.ConfigOutdir("cdktf.json"); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 1
		}
	}
	if outdir == "" {
		outdir = synth.DefaultOutdir
	}
	for i := range envs {
		if envs[i].LocalStatePath, err = stacks.LocalStatePathIn(outdir, envs[i].Name); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 2
		}
	}
	var atlantis atlantisTarget
	if *atlantisFile != "" {
		if atlantis, err = atlantisTargetOf(*atlantisFile); err == nil {
			err = pipelineReady(envs)
		}
		if err != nil {
			fmt.Fprintf(stderr, "error: -atlantis: %v; nothing was synthesized\n", err)
			return 1
		}
	}
	opts := synth.Options{Outdir: outdir, HCL: *hcl, Strict: *strict, Stderr: stderr}
	code := synth.Main(opts, func(ctx context.Context, app cdktf.App) error {
		var errs []error
		for _, env := range envs {
			if _, err := stacks.NewEnvironmentStack(app, env); err != nil {
				// A name shared across environments (an alias or role name in
				// the same account): report every one, synthesize nothing.
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			return invalidError{errors.Join(errs...)}
		}
		return nil
	})
	if code != 0 || *atlantisFile == "" {
		return code
	}
	if err := writeAtlantis(atlantis, outdir); err != nil {
		fmt.Fprintf(stderr, "error: -atlantis: %v; the synth is complete, %s was not written\n", err, *atlantisFile)
		return 1
	}
	return 0
}

// pipelineReady refuses environments whose state a pipeline server would
// lose (local state), before anything is synthesized.
func pipelineReady(envs []stacks.Environment) error {
	var local []string
	for _, e := range envs {
		if e.Backend == nil || e.Backend.S3 == nil {
			local = append(local, e.Name)
		}
	}
	if len(local) > 0 {
		return fmt.Errorf("environments %s keep their state in a local file, which a pipeline server does not keep between runs: give each a backend.s3 in cdktf.json (state and lock in S3)", strings.Join(local, ", "))
	}
	return nil
}

// atlantisTarget is where -atlantis writes: the file as named (its folder
// is the repository root the projects' folders are relative to), the file
// the name resolves to (through a symbolic link), and its mode.
type atlantisTarget struct {
	named, resolved string
	mode            os.FileMode
}

// atlantisTargetOf checks the file -atlantis writes before anything is
// synthesized: a new file, or one an earlier -atlantis wrote (its first line
// says so) that may be written; never a file of someone else's.
func atlantisTargetOf(file string) (atlantisTarget, error) {
	t := atlantisTarget{named: file, resolved: file, mode: 0o644}
	if _, err := os.Lstat(file); errors.Is(err, os.ErrNotExist) {
		return t, nil
	}
	resolved, err := filepath.EvalSymlinks(file)
	if err != nil {
		return t, err
	}
	info, err := os.Stat(resolved)
	if err != nil {
		return t, err
	}
	switch {
	case !info.Mode().IsRegular():
		return t, fmt.Errorf("%s is not a file", file)
	case info.Mode().Perm()&0o200 == 0:
		return t, fmt.Errorf("%s is read-only", file)
	}
	head, err := os.ReadFile(resolved)
	if err != nil {
		return t, err
	}
	if !strings.HasPrefix(string(head), pipeline.Header) {
		return t, fmt.Errorf("%s exists and was not written by -atlantis (its first line does not start with %q): move it away or name another file", file, pipeline.Header)
	}
	t.resolved, t.mode = resolved, info.Mode().Perm()
	return t, nil
}

// writeAtlantis writes Atlantis's configuration of the output folder's
// stacks, whole or not at all; the project folders are relative to the
// named file's folder (the repository root).
func writeAtlantis(t atlantisTarget, outdir string) error {
	root, err := filepath.Abs(filepath.Dir(t.named))
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(outdir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return err
	}
	stackList, err := pipeline.ReadStacks(outdir, rel)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(t.resolved), ".atlantis-*.yaml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a failure; gone after the rename
	if err := tmp.Chmod(t.mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(pipeline.Atlantis(stackList, filepath.ToSlash(filepath.Join(rel, "manifest.json")))); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), t.resolved)
}

// invalidError prints as the list of configuration problems.
type invalidError struct{ err error }

func (e invalidError) Error() string {
	var b strings.Builder
	printInvalid(&b, e.err)
	return strings.TrimSuffix(b.String(), "\n")
}

// printInvalid prints every problem of a configuration, one per line.
func printInvalid(w io.Writer, err error) {
	fmt.Fprintln(w, "error: invalid configuration, nothing was synthesized:")
	for _, line := range stacks.ErrorLines(err) {
		fmt.Fprintln(w, "  "+line)
	}
}
