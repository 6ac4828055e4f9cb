package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// terraformBinary returns the terraform binary. Where it is absent the test
// is skipped with the reason, except in CI, where .ci/run installs it and
// its absence is a failure.
func terraformBinary(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("terraform is not on PATH (%v); .ci/run must install it", err)
		}
		t.Skipf("terraform is not on PATH, so this test cannot let Terraform evaluate the output; install terraform 1.11, or build it with .ci/build-terraform.sh and put the folder it prints on PATH, to run it (%v)", err)
	}
	return bin
}

// terraform runs terraform in dir, offline and quietly: no CLI
// configuration file (the machine's may not exist), no checkpoint calls.
func terraform(t *testing.T, dir string, args ...string) (stdout string, err error) {
	t.Helper()
	rc := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(rc, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(terraformBinary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return out.String(), &terraformError{args, err, stderr.String() + out.String()}
	}
	return out.String(), nil
}

type terraformError struct {
	args   []string
	err    error
	output string
}

func (e *terraformError) Error() string {
	return "terraform " + e.args[0] + ": " + e.err.Error() + "\n" + e.output
}

// terraformEvaluate applies a throwaway configuration of terraform_data
// resources (no provider needed): inputs maps a name to the string a
// synthesized argument holds, and sources are terraform_data resources that
// the strings may reference. It returns what Terraform evaluated each input
// to.
func terraformEvaluate(t *testing.T, sources map[string]any, inputs map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	resources := map[string]any{}
	for name, src := range sources {
		resources[name] = src
	}
	outputs := map[string]any{}
	for name, in := range inputs {
		resources["v_"+name] = map[string]any{"input": in}
		outputs[name] = map[string]any{"value": "${terraform_data.v_" + name + ".output}"}
	}
	config, err := json.MarshalIndent(map[string]any{"resource": map[string]any{"terraform_data": resources}, "output": outputs}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-backend=false"}, {"apply", "-auto-approve", "-lock=false"}} {
		if _, err := terraform(t, dir, args...); err != nil {
			t.Fatalf("%v\nconfiguration:\n%s", err, config)
		}
	}
	raw, err := terraform(t, dir, "output", "-json")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("terraform output -json: %v\n%s", err, raw)
	}
	out := map[string]string{}
	for name, v := range got {
		out[name] = v.Value
	}
	return out
}
