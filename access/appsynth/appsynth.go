// Package appsynth synthesizes environments with the app's own code path
// (stacks.NewEnvironmentStack in one cdktf app, app.Synth) into a folder
// and returns each stack's Terraform JSON, for the access report
// (go run . -access, make docs and the report's tests). Plain synth does
// not use it.
package appsynth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/stacks"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Synth builds one stack per environment in a new app that writes to
// outdir, synthesizes it and returns each stack's cdk.tf.json by stack
// name. The caller owns outdir (a temp folder) and removes it. A panic of
// the bindings is returned as an error.
func Synth(envs []stacks.Environment, outdir string) (out map[string][]byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("synth failed: %v", r)
		}
	}()
	if os.Getenv("SYNTH_HCL_OUTPUT") == "true" {
		return nil, errors.New("the access report reads the JSON output; unset SYNTH_HCL_OUTPUT (or drop -hcl)")
	}
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	var errs []error
	for _, env := range envs {
		if _, err := stacks.NewEnvironmentStack(app, env); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	app.Synth()
	out = map[string][]byte{}
	for _, env := range envs {
		name := stacks.StackName(env.Name)
		raw, err := os.ReadFile(filepath.Join(outdir, "stacks", name, "cdk.tf.json"))
		if err != nil {
			return nil, fmt.Errorf("reading the synthesized stack %s: %w", name, err)
		}
		out[name] = raw
	}
	return out, nil
}

// LoadFile reads the environments of a cdktf.json, ignoring
// CDKTF_CONTEXT_JSON (which describes the app's own cdktf.json only).
func LoadFile(path string) ([]stacks.Environment, error) {
	if v, ok := os.LookupEnv(stacks.ContextEnv); ok {
		os.Unsetenv(stacks.ContextEnv)
		defer os.Setenv(stacks.ContextEnv, v)
	}
	return stacks.LoadEnvironments(path)
}

// ParseEnvironment reads one environment from its JSON object (like
// security/all-features.json), named name.
func ParseEnvironment(name string, raw []byte) ([]stacks.Environment, error) {
	return stacks.ParseEnvironments([]byte(fmt.Sprintf("{%q: %s}", name, raw)))
}
