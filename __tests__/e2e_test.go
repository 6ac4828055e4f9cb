package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	appBinary string
	buildErr  error
	buildDir  string
)

// builtApp builds the repository's app once per test binary.
func builtApp(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "cdktf-kms-e2e-")
		if buildErr != nil {
			return
		}
		appBinary = filepath.Join(buildDir, "cdktf-kms")
		out, err := exec.Command("go", "build", "-o", appBinary, "..").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err, string(out)}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return appBinary
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// projectDir writes a cdktf.json with the given environments into a new
// directory, with the app set to the built binary.
func projectDir(t *testing.T, environments string) string {
	t.Helper()
	dir := t.TempDir()
	writeConfig(t, dir, environments)
	return dir
}

// writeConfig writes the cdktf.json of a project folder.
func writeConfig(t *testing.T, dir, environments string) {
	t.Helper()
	cfg := `{"language": "go", "app": "` + builtApp(t) + `", "sendCrashReports": "false", "context": {"environments": ` + environments + `}}`
	if err := os.WriteFile(filepath.Join(dir, "cdktf.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
}

type runResult struct {
	code           int
	stdout, stderr string
	tmp            string // the TMPDIR the process ran with
}

// run runs a command in dir with a private TMPDIR (to see what it leaves
// there) and without any cdktf context of the caller.
func run(t *testing.T, dir string, name string, args ...string) runResult {
	t.Helper()
	return runWith(t, dir, nil, name, args...)
}

// runWith is run with extra environment variables.
func runWith(t *testing.T, dir string, env []string, name string, args ...string) runResult {
	t.Helper()
	tmp := t.TempDir()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = childEnv(t, tmp, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", name, err)
	}
	return runResult{code, stdout.String(), stderr.String(), tmp}
}

// childEnv is the environment of a program a test runs: the caller's,
// with TMPDIR set to tmp (to see what the program leaves there), no cdktf
// context of the caller (CDKTF_*), and what the programs the app and the
// cdktf CLI start (terraform, the jsii kernel) read from the machine made
// the same on every machine, so that their messages are not taken for the
// app's: terraform reads an empty CLI configuration of the test's (the
// caller's TF_CLI_CONFIG_FILE may name a missing file, which makes
// terraform warn on every call, or a file with a plugin cache or
// credentials), and the jsii kernel's Node.js version banner is off (its
// variable depends on the runtime version and the date: both are set).
// extra comes first and wins over both.
func childEnv(t *testing.T, tmp string, extra ...string) []string {
	t.Helper()
	rc := filepath.Join(t.TempDir(), "terraform.rc")
	if err := os.WriteFile(rc, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env := append([]string{"TMPDIR=" + tmp}, extra...)
	env = append(env, "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+rc,
		"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20")
	set := map[string]bool{}
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		set[name] = true
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "CDKTF_") && !set[name] {
			env = append(env, kv)
		}
	}
	return env
}

// errorLines returns the lines of a cdktf CLI's output that it tags
// [ERROR] (what the program it ran wrote to stderr, among others), without
// terminal colours, so that a failure names them.
func errorLines(output string) []string {
	var out []string
	for _, line := range strings.Split(ansi.ReplaceAllString(output, ""), "\n") {
		if strings.Contains(line, "[ERROR]") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// ansi matches terminal escape sequences (colours, cursor moves).
var ansi = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

func (r runResult) leftJsiiRuntime(t *testing.T) []string {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(r.tmp, "jsii-runtime.*"))
	return left
}

const e2eEnvironments = `{
	"dev":  {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev",
	         "additional_principals": ["arn:aws:iam::123456789012:role/example-role"]},
	"gov":  {"aws_account_id": "210987654321", "aws_region": "us-gov-west-1", "name_prefix": "gov", "environment": "production",
	         "backend": {"s3": {"bucket": "gov-state", "key": "kms/gov.tfstate", "dynamodb_table": "tf-locks"}}}
}`

func readStack(t *testing.T, dir, stack string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "cdktf.out", "stacks", stack, "cdk.tf.json"))
	if err != nil {
		t.Fatalf("stack %s was not synthesized: %v", stack, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestAppSynthesizesEveryEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	// A separate process: runs beside the in-process tests.
	t.Parallel()
	// An earlier synth had an environment since removed from cdktf.json:
	// the app removes the stack's synthesized file, as cdktf synth does.
	dir := projectDir(t, strings.Replace(e2eEnvironments, `"gov":`, `"old": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "old"}, "gov":`, 1))
	if res := run(t, dir, builtApp(t)); res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	orphan := filepath.Join(dir, "cdktf.out", "stacks", "kms-old")
	if _, err := os.Stat(filepath.Join(orphan, "cdk.tf.json")); err != nil {
		t.Fatal(err)
	}
	writeConfig(t, dir, e2eEnvironments)
	res := run(t, dir, builtApp(t))
	if res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	if left := res.leftJsiiRuntime(t); len(left) != 0 {
		t.Errorf("the app left %v in its temp directory; it must call jsii.Close", left)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("the output of a removed environment is still there: %v", err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "cdktf.out", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, stack := range []string{"kms-dev", "kms-gov"} {
		if !strings.Contains(string(manifest), `"`+stack+`"`) {
			t.Errorf("manifest.json does not list %s", stack)
		}
	}

	dev := readStack(t, dir, "kms-dev")
	backend := dev["terraform"].(map[string]any)["backend"].(map[string]any)
	local, ok := backend["local"].(map[string]any)
	// Relative to the stack's folder, where cdktf and terraform -chdir run:
	// the project folder's terraform.kms-dev.tfstate.
	if !ok || local["path"] != "../../../terraform.kms-dev.tfstate" ||
		filepath.Clean(filepath.Join(dir, "cdktf.out", "stacks", "kms-dev", local["path"].(string))) != filepath.Join(dir, "terraform.kms-dev.tfstate") {
		t.Errorf("kms-dev backend = %v, want local state in the project directory, by a relative path", backend)
	}

	gov := readStack(t, dir, "kms-gov")
	s3 := gov["terraform"].(map[string]any)["backend"].(map[string]any)["s3"]
	wantS3 := map[string]any{"bucket": "gov-state", "key": "kms/gov.tfstate", "region": "us-gov-west-1", "encrypt": true, "dynamodb_table": "tf-locks"}
	if !reflect.DeepEqual(s3, wantS3) {
		t.Errorf("kms-gov s3 backend = %v, want %v", s3, wantS3)
	}
	key := gov["resource"].(map[string]any)["aws_kms_key"].(map[string]any)["general_encryption_key"].(map[string]any)
	if tags := key["tags"].(map[string]any); tags["Environment"] != "production" || tags["Name"] != "gov-general-encryption-key" {
		t.Errorf("kms-gov tags = %v", tags)
	}
	if !strings.Contains(key["policy"].(string), `arn:aws-us-gov:iam::210987654321:root`) {
		t.Errorf("kms-gov policy does not name the GovCloud account root: %s", key["policy"])
	}
}

func TestAppRefusesABadConfigurationWithoutOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	// A separate process: runs beside the in-process tests.
	t.Parallel()
	dir := projectDir(t, `{
		"dev":  {"aws_account_id": "1234", "aws_region": "eu-west-1", "name_prefix": "dev"},
		"prod": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "prod",
		         "additional_principals": ["arn:aws:iam::123456789012:role/*"], "rotation": false}
	}`)
	res := run(t, dir, builtApp(t))
	if res.code == 0 {
		t.Fatalf("app exited 0 on a bad configuration:\n%s", res.stderr)
	}
	// Every problem in one run: a bad value, an unknown key, and the other
	// keys of that environment still validated.
	for _, want := range []string{
		`environment "dev": aws_account_id: "1234": must be exactly 12 digits`,
		`environment "prod": unknown key "rotation"`,
		`environment "prod": additional_principals[0]: "arn:aws:iam::123456789012:role/*": wildcards are not allowed`,
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
		}
	}
	if strings.Contains(res.stderr, "goroutine ") || strings.Contains(res.stderr, "panic:") {
		t.Errorf("stderr holds a Go panic trace:\n%s", res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "cdktf.out")); !os.IsNotExist(err) {
		t.Errorf("cdktf.out exists after a refused configuration")
	}
	if left := res.leftJsiiRuntime(t); len(left) != 0 {
		t.Errorf("the app left %v in its temp directory on the error path", left)
	}

	// Names that must be unique in AWS across the app's environments.
	dir = projectDir(t, `{
		"a": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "a", "aliases": ["shared"]},
		"b": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "b", "aliases": ["shared"]}
	}`)
	res = run(t, dir, builtApp(t))
	if res.code != 1 || !strings.Contains(res.stderr, `environment "b": aliases[0]: "alias/shared": alias alias/shared in account 123456789012, region eu-west-1 is already created by aws_kms_key.general_encryption_key of stack kms-a`) {
		t.Errorf("an alias shared by two environments: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "cdktf.out")); !os.IsNotExist(err) {
		t.Errorf("cdktf.out exists after a refused configuration")
	}

}

// cdktfCLI returns the pinned cdktf CLI from node_modules. Outside CI it
// skips the test with the reason when the npm packages are not installed;
// in CI (.ci/run installs them) their absence is a failure.
func cdktfCLI(t *testing.T) string {
	t.Helper()
	cli, err := filepath.Abs(filepath.Join("..", "node_modules", ".bin", "cdktf"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cli); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the cdktf CLI is not installed (%v); .ci/run must run npm ci", err)
		}
		t.Skipf("the cdktf CLI is not installed; run `npm ci` to include this test (%v)", err)
	}
	return cli
}

func TestCdktfSynthMatchesTheApp(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the cdktf CLI; skipped with -short")
	}
	// A separate process: runs beside the in-process tests.
	t.Parallel()
	cli := cdktfCLI(t)
	// With an environment that draws warnings: both paths say them, and
	// their output holds no stack traces with temp paths.
	environments := strings.Replace(e2eEnvironments, `"dev":`, `"warn": `+warningEnvironment+`, "dev":`, 1)
	viaCLI := projectDir(t, environments)
	res := run(t, viaCLI, cli, "synth")
	if res.code != 0 {
		t.Fatalf("cdktf synth exited %d:\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	const warning = "WARN [kms-warn/general_encryption_key]: is_enabled is false"
	if n := strings.Count(res.stdout+res.stderr, warning); n != 1 {
		t.Errorf("cdktf synth says %q %d times, want once (as the CLI prints it):\n%s\n%s", warning, n, res.stdout, res.stderr)
	}
	// The CLI tags what the app writes to stderr [ERROR]: after a good
	// synth the app leaves its warnings to the CLI and writes nothing.
	if lines := errorLines(res.stdout + res.stderr); len(lines) > 0 {
		t.Errorf("cdktf synth shows %d line(s) tagged [ERROR], want none after a good synth:\n  %s\nwhole output:\n%s\n%s", len(lines), strings.Join(lines, "\n  "), res.stdout, res.stderr)
	}
	direct := projectDir(t, environments)
	if res := run(t, direct, builtApp(t)); res.code != 0 || !strings.Contains(res.stderr, warning) {
		t.Fatalf("app exited %d, and must say %q:\n%s", res.code, warning, res.stderr)
	}
	// The same files, byte for byte, in two different folders.
	if diffs := compareTrees(t, filepath.Join(viaCLI, "cdktf.out"), filepath.Join(direct, "cdktf.out")); len(diffs) != 0 {
		t.Errorf("cdktf synth and the app run directly differ: %v", diffs)
	}
}

// TestSynthIsReproducibleAcrossCheckouts synthesizes the same configuration
// in two folders with different paths and compares the cdktf.out trees
// byte for byte: a pipeline that reviews or applies the JSON gets the same
// files whoever synthesized them.
func TestSynthIsReproducibleAcrossCheckouts(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end runs of the app binary; skipped with -short")
	}
	t.Parallel()
	var outs []string
	for _, sub := range []string{"checkout-one", "somewhere/else/checkout-two"} {
		dir := filepath.Join(t.TempDir(), sub)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		cfg, err := os.ReadFile(filepath.Join("..", "cdktf.json"))
		if err != nil {
			t.Fatal(err)
		}
		// The shipped environments and one that draws warnings (their
		// annotations go into manifest.json).
		cfg = bytes.Replace(cfg, []byte(`"environments": {`), []byte(`"environments": {"warn": `+warningEnvironment+`,`), 1)
		if err := os.WriteFile(filepath.Join(dir, "cdktf.json"), cfg, 0o644); err != nil {
			t.Fatal(err)
		}
		if res := run(t, dir, builtApp(t)); res.code != 0 {
			t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
		}
		outs = append(outs, filepath.Join(dir, "cdktf.out"))
	}
	if diffs := compareTrees(t, outs[0], outs[1]); len(diffs) != 0 {
		t.Errorf("two synths of the same configuration differ: %v", diffs)
	}
}

// compareTrees lists the files that differ between two folders.
func compareTrees(t *testing.T, a, b string) []string {
	t.Helper()
	files := func(root string) map[string][]byte {
		out := map[string][]byte{}
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			out[rel], err = os.ReadFile(path)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	fa, fb := files(a), files(b)
	var diffs []string
	for name, content := range fa {
		other, ok := fb[name]
		switch {
		case !ok:
			diffs = append(diffs, name+" only in the first")
		case !bytes.Equal(content, other):
			diffs = append(diffs, name+" differs")
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			diffs = append(diffs, name+" only in the second")
		}
	}
	if len(fa) == 0 {
		diffs = append(diffs, "no files were synthesized")
	}
	return diffs
}
