package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// usageActions are what the original module gives an additional principal
// (kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*,
// kms:DescribeKey), with each wildcard written out as the documented KMS
// actions it matches.
var usageActions = []string{"kms:DescribeKey", "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
	"kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"}

type accessJSON struct {
	Format int    `json:"format"`
	Source string `json:"source"`
	Stacks []struct {
		Name string `json:"name"`
		Keys []struct {
			Address    string `json:"address"`
			Partition  string `json:"partition"`
			Principals []struct {
				ID    string `json:"id"`
				Cells []struct {
					Action string `json:"action"`
					Access string `json:"access"`
				} `json:"cells"`
			} `json:"principals"`
		} `json:"keys"`
	} `json:"stacks"`
}

// allowed returns the actions a principal of a stack's key is allowed
// without conditions.
func (r accessJSON) allowed(stack, principal string) []string {
	var out []string
	for _, s := range r.Stacks {
		for _, k := range s.Keys {
			for _, p := range k.Principals {
				if s.Name == stack && p.ID == principal {
					for _, c := range p.Cells {
						if c.Access == "allowed" {
							out = append(out, c.Action)
						}
					}
				}
			}
		}
	}
	return out
}

// TestAccessReportOfTheApp runs the built app with -access: a stable JSON
// report of every environment (or of one), from a synth into a temp folder
// that leaves nothing behind, without touching cdktf.out.
func TestAccessReportOfTheApp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the built app")
	}
	dir := projectDir(t, e2eEnvironments)
	app := builtApp(t)
	first := run(t, dir, app, "-access", "-format", "json")
	if first.code != 0 {
		t.Fatalf("exit %d\n%s", first.code, first.stderr)
	}
	var report accessJSON
	if err := json.Unmarshal([]byte(first.stdout), &report); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, first.stdout)
	}
	if report.Format != 1 || report.Source != "cdktf.json" || len(report.Stacks) != 2 || report.Stacks[0].Name != "kms-dev" || report.Stacks[1].Name != "kms-gov" {
		t.Fatalf("format %d, source %q, stacks %+v", report.Format, report.Source, report.Stacks)
	}
	if got := report.allowed("kms-dev", "arn:aws:iam::123456789012:role/example-role"); !slices.Equal(got, usageActions) {
		t.Errorf("example-role is allowed %v, want the module's usage actions %v", got, usageActions)
	}
	if p := report.Stacks[1].Keys[0].Partition; p != "aws-us-gov" {
		t.Errorf("kms-gov's key is in partition %q", p)
	}
	if _, err := os.Stat(filepath.Join(dir, "cdktf.out")); !os.IsNotExist(err) {
		t.Errorf("-access wrote cdktf.out (%v)", err)
	}
	if left, _ := os.ReadDir(first.tmp); len(left) > 0 {
		t.Errorf("-access left %d entries in its temp directory: %v", len(left), left)
	}
	for _, p := range []string{dir, first.tmp} {
		if strings.Contains(first.stdout, p) {
			t.Errorf("the report names the path %s", p)
		}
	}
	if again := run(t, dir, app, "-access", "-format", "json"); again.stdout != first.stdout {
		t.Error("two runs give different reports")
	}
	one := run(t, dir, app, "-access", "-env", "gov")
	if one.code != 0 || !strings.Contains(one.stdout, "kms-gov") || strings.Contains(one.stdout, "kms-dev") {
		t.Errorf("-env gov: exit %d\n%s\n%s", one.code, one.stdout, one.stderr)
	}
	if bad := run(t, dir, app, "-access", "-env", "qa"); bad.code == 0 || !strings.Contains(bad.stderr, `"qa" is not an environment; the environments are dev, gov`) {
		t.Errorf("-env qa: exit %d, %s", bad.code, bad.stderr)
	}
	if bad := run(t, dir, app, "-format", "json"); bad.code == 0 || !strings.Contains(bad.stderr, "go with -access") {
		t.Errorf("-format without -access: exit %d, %s", bad.code, bad.stderr)
	}
	ctx := runWith(t, dir, []string{`CDKTF_CONTEXT_JSON={"environments": {"qa": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "qa"}}}`}, app, "-access", "-format", "json")
	if ctx.code != 0 || !strings.Contains(ctx.stdout, `"source": "CDKTF_CONTEXT_JSON"`) || !strings.Contains(ctx.stdout, `"name": "kms-qa"`) {
		t.Errorf("with CDKTF_CONTEXT_JSON: exit %d\n%s", ctx.code, ctx.stderr)
	}
}

// TestAccessDiffAgainstARevision makes a git repository from a copy of
// this one, changes cdktf.json and asks what the change grants and takes
// away against HEAD: the revision is synthesized by its own app, and
// nothing is left behind.
func TestAccessDiffAgainstARevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a copy of the app")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	repo := t.TempDir()
	files, err := exec.Command("git", "-C", "..", "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		raw, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			continue // deleted in the working tree
		}
		target := filepath.Join(repo, f)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	// The base revision's app refuses to run with AWS credentials in its
	// environment: -diff must run it without the caller's.
	mainGo := filepath.Join(repo, "main.go")
	src, err := os.ReadFile(mainGo)
	if err != nil {
		t.Fatal(err)
	}
	src = bytes.Replace(src, []byte("func main() {\n"), []byte("func main() {\n\tif os.Getenv(\"AWS_SECRET_ACCESS_KEY\") != \"\" || os.Getenv(\"AWS_PROFILE\") != \"\" {\n\t\tfmt.Fprintln(os.Stderr, \"the revision's app saw the caller's AWS credentials\")\n\t\tos.Exit(9)\n\t}\n"), 1)
	if err := os.WriteFile(mainGo, src, 0o644); err != nil {
		t.Fatal(err)
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "base")

	raw, err := os.ReadFile(filepath.Join(repo, "cdktf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	envs := cfg["context"].(map[string]any)["environments"].(map[string]any)
	prod := envs["prod"].(map[string]any)
	prod["additional_principals"] = append(prod["additional_principals"].([]any), "arn:aws:iam::123456789012:role/new-reader")
	dev := envs["dev"].(map[string]any)
	dev["additional_principals"] = []any{"arn:aws:iam::123456789012:role/example-role"}
	changed, _ := json.MarshalIndent(cfg, "", "  ")
	if err := os.WriteFile(filepath.Join(repo, "cdktf.json"), changed, 0o644); err != nil {
		t.Fatal(err)
	}

	res := runWith(t, repo, []string{"AWS_SECRET_ACCESS_KEY=secret", "AWS_PROFILE=prod-admin"}, builtApp(t), "-access", "-diff", "HEAD", "-format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	var diff struct {
		Format  int    `json:"format"`
		Against string `json:"against"`
		Changes []struct {
			Stack, Key, Principal, Action, Kind, After string
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &diff); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, res.stdout)
	}
	var got, want []string
	for _, c := range diff.Changes {
		got = append(got, strings.Join([]string{c.Stack, c.Key, c.Principal, c.Kind, c.Action, c.After}, " "))
	}
	for _, a := range usageActions {
		want = append(want, "kms-dev aws_kms_key.general_encryption_key arn:aws:iam::123456789012:role/another-role loses "+a+" denied")
	}
	for _, a := range usageActions {
		want = append(want, "kms-prod aws_kms_key.general_encryption_key arn:aws:iam::123456789012:role/new-reader gains "+a+" allowed")
	}
	if diff.Format != 1 || diff.Against != "HEAD" || !slices.Equal(got, want) {
		t.Errorf("format %d, against %q, changes:\n%s\nwant:\n%s", diff.Format, diff.Against, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	text := run(t, repo, builtApp(t), "-access", "-diff", "HEAD", "-env", "prod")
	if text.code != 0 || !strings.Contains(text.stdout, "role/new-reader (arn:aws:iam::123456789012:role/new-reader) gains kms:DescribeKey, kms:Encrypt, kms:Decrypt") || strings.Contains(text.stdout, "kms-dev") {
		t.Errorf("-diff HEAD -env prod: exit %d\n%s\n%s", text.code, text.stdout, text.stderr)
	}
	if bad := run(t, repo, builtApp(t), "-access", "-diff", "no-such-revision"); bad.code == 0 || !strings.Contains(bad.stderr, "not a commit of this repository") {
		t.Errorf("-diff no-such-revision: exit %d, %s", bad.code, bad.stderr)
	}
	for _, r := range []runResult{res, text} {
		if left, _ := os.ReadDir(r.tmp); len(left) > 0 {
			t.Errorf("-diff left %d entries in its temp directory: %v", len(left), left)
		}
	}
	if status := git("status", "--porcelain"); strings.TrimSpace(status) != "M cdktf.json" {
		t.Errorf("-diff changed the repository: %q", status)
	}
	if wt := git("worktree", "list"); strings.Count(wt, "\n") != 1 {
		t.Errorf("-diff left worktrees: %s", wt)
	}
}
