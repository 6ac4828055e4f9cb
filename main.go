// Command cdktf-kms is the CDKTF app of this repository: it builds one stack
// per environment of cdktf.json (kms-dev, kms-stage, kms-prod, ...) and
// synthesizes them into cdktf.out. Run it with `cdktf synth` or `go run .`.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/stacks"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	os.Exit(run(os.Stderr))
}

// run synthesizes every environment and returns the exit code. It validates
// every environment before it creates anything, so a bad configuration
// writes no output, and it closes the jsii runtime on every path.
func run(stderr io.Writer) (code int) {
	defer jsii.Close()
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "error: synth failed: %v\n", r)
			code = 2
		}
	}()

	// An empty CDKTF_OUTDIR would make cdktf write to ''; treat it as unset.
	if dir, set := os.LookupEnv("CDKTF_OUTDIR"); set && dir == "" {
		os.Unsetenv("CDKTF_OUTDIR")
	}

	envs, err := stacks.LoadEnvironments("cdktf.json")
	if err != nil {
		fmt.Fprintln(stderr, "error: invalid configuration, nothing was synthesized:")
		for _, line := range stacks.ErrorLines(err) {
			fmt.Fprintln(stderr, "  "+line)
		}
		return 1
	}

	app := cdktf.NewApp(nil)
	for _, env := range envs {
		if _, err := stacks.NewEnvironmentStack(app, env); err != nil {
			fmt.Fprintf(stderr, "error: %v\n", err)
			return 2
		}
	}
	app.Synth()
	return 0
}
