// Command cdktf-kms is the CDKTF app of this repository: it builds one stack
// per environment of cdktf.json (kms-dev, kms-stage, kms-prod, ...) and
// synthesizes them into cdktf.out. Run it with `cdktf synth` or `go run .`.
//
// With -hcl (or SYNTH_HCL_OUTPUT=true, which `cdktf synth --hcl` sets) it
// writes each stack as HCL (cdk.tf) instead of JSON (cdk.tf.json), using
// cdktf's own HCL output.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/stacks"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// hclEnv is the variable through which cdktf (and `cdktf synth --hcl`)
// turns on HCL output.
const hclEnv = "SYNTH_HCL_OUTPUT"

// reexecForHCL runs the app again with SYNTH_HCL_OUTPUT=true. cdktf 0.20
// reads that variable in the node kernel when each stack is created (the
// hclOutput app option alone names the file cdk.tf but writes JSON into it),
// and the jsii runtime fixes the kernel's environment when the Go packages
// initialize, before main can set anything: so the variable must be in the
// environment the process starts with.
func reexecForHCL(stderr io.Writer) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "error: -hcl: %v\n", err)
		return 2
	}
	// Close the not-yet-started runtime first: it removes the temp folder
	// the runtime prepared at start-up, which exec would leave behind.
	jsii.Close()
	env := append(os.Environ(), hclEnv+"=true")
	err = syscall.Exec(self, os.Args, env)
	fmt.Fprintf(stderr, "error: -hcl: re-running with %s=true: %v\n", hclEnv, err)
	return 2
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run synthesizes every environment and returns the exit code. It validates
// every environment before it creates anything, so a bad configuration
// writes no output, and it closes the jsii runtime on every path.
func run(args []string, stderr io.Writer) (code int) {
	defer jsii.Close()
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "error: synth failed: %v\n", r)
			code = 2
		}
	}()

	flags := flag.NewFlagSet("cdktf-kms", flag.ContinueOnError)
	flags.SetOutput(stderr)
	hcl := flags.Bool("hcl", false, "write HCL (cdk.tf) instead of JSON (cdk.tf.json); SYNTH_HCL_OUTPUT=true does the same")
	accessOpts := accessFlags(flags)
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if accessOpts.requested() {
		return runAccess(accessOpts, stderr)
	}

	envs, err := stacks.LoadEnvironments("cdktf.json")
	if err != nil {
		fmt.Fprintln(stderr, "error: invalid configuration, nothing was synthesized:")
		for _, line := range stacks.ErrorLines(err) {
			fmt.Fprintln(stderr, "  "+line)
		}
		return 1
	}

	if *hcl && os.Getenv(hclEnv) != "true" {
		return reexecForHCL(stderr)
	}

	config := &cdktf.AppConfig{HclOutput: jsii.Bool(*hcl)}
	// The cdktf CLI passes the output folder in CDKTF_OUTDIR; an empty value
	// would make cdktf write to '', so name the default explicitly.
	outdir := os.Getenv("CDKTF_OUTDIR")
	if outdir == "" {
		outdir = "cdktf.out"
		config.Outdir = jsii.String(outdir)
	}
	_, statErr := os.Stat(outdir)
	createsOutdir := os.IsNotExist(statErr)
	app := cdktf.NewApp(config)
	names := map[string]bool{}
	var errs []error
	for _, env := range envs {
		if _, err := stacks.NewEnvironmentStack(app, env); err != nil {
			// A name shared across environments (an alias or role name in
			// the same account): report every one, synthesize nothing.
			errs = append(errs, err)
		}
		names[stacks.StackName(env.Name)] = true
	}
	if len(errs) > 0 {
		if createsOutdir {
			// cdktf made the output folder when the app was created.
			os.RemoveAll(outdir)
		}
		fmt.Fprintln(stderr, "error: invalid configuration, nothing was synthesized:")
		for _, line := range stacks.ErrorLines(errors.Join(errs...)) {
			fmt.Fprintln(stderr, "  "+line)
		}
		return 1
	}
	app.Synth()
	if err := removeOrphanedStacks(*app.Outdir(), names); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 2
	}
	return 0
}

// removeOrphanedStacks deletes the output folders of stacks that are no
// longer in cdktf.json, as `cdktf synth` does after a synth, so that `go
// run .` leaves the same cdktf.out and no stale stack looks current. State
// is not there: the local backend keeps it in the project directory.
func removeOrphanedStacks(outdir string, current map[string]bool) error {
	dirs, err := os.ReadDir(filepath.Join(outdir, "stacks"))
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if d.IsDir() && !current[d.Name()] {
			if err := os.RemoveAll(filepath.Join(outdir, "stacks", d.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
