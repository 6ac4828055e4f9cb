package tests

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

var (
	compositionOnce sync.Once
	compositionBin  string
	compositionErr  error
)

// compositionApp builds __tests__/composition (the composition test app)
// once per test binary.
func compositionApp(t *testing.T) string {
	t.Helper()
	compositionOnce.Do(func() {
		dir, err := os.MkdirTemp("", "composition-bin-")
		if err != nil {
			compositionErr = err
			return
		}
		compositionBin = filepath.Join(dir, "composition")
		if out, err := exec.Command("go", "build", "-o", compositionBin, "./composition").CombinedOutput(); err != nil {
			compositionErr = &buildError{err, string(out)}
		}
	})
	if compositionErr != nil {
		t.Fatal(compositionErr)
	}
	return compositionBin
}

// synthComposition runs the composition app in a new folder, with the extra
// environment, and returns the folder.
func synthComposition(t *testing.T, env ...string) string {
	t.Helper()
	dir := t.TempDir()
	res := runWith(t, dir, env, compositionApp(t))
	if res.code != 0 {
		t.Fatalf("composition app exited %d:\n%s", res.code, res.stderr)
	}
	if left := res.leftJsiiRuntime(t); len(left) != 0 {
		t.Errorf("the composition app left %v in its temp directory", left)
	}
	return dir
}

// stackDocs reads every synthesized stack of an output folder, keyed by
// stack name.
func stackDocs(t *testing.T, dir string) map[string]*synthtest.Doc {
	t.Helper()
	stacks, err := os.ReadDir(filepath.Join(dir, "cdktf.out", "stacks"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*synthtest.Doc{}
	for _, s := range stacks {
		raw, err := os.ReadFile(filepath.Join(dir, "cdktf.out", "stacks", s.Name(), "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		out[s.Name()] = synthtest.Parse(t, string(raw))
	}
	return out
}

// withoutMetadata removes cdktf's "//" metadata (construct paths, the cdktf
// version), which the golden files leave out.
func withoutMetadata(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if k != "//" {
				out[k] = withoutMetadata(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutMetadata(e)
		}
		return out
	}
	return v
}

// TestCompositionGoldenFiles compares the composition app's stacks with
// testdata/golden/composition. After an intended change, rewrite them with
//
//	go test ./__tests__/ -run TestCompositionGoldenFiles -update
//
// and review the diff.
func TestCompositionGoldenFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the composition app; skipped with -short")
	}
	t.Parallel()
	docs := stackDocs(t, synthComposition(t))
	want := []string{"composition-app", "composition-consumer", "composition-env-a", "composition-env-b"}
	var got []string
	for name := range docs {
		got = append(got, name)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("stacks %v, want %v", got, want)
	}
	for _, name := range want {
		path := filepath.Join("testdata", "golden", "composition", name+".tf.json")
		b, err := json.MarshalIndent(withoutMetadata(docs[name].Tree()), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, '\n')
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		golden, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (create it with -update and review it)", err)
		}
		if !bytes.Equal(golden, b) {
			t.Errorf("%s differs from %s; if the change is intended, run\n  go test ./__tests__/ -run TestCompositionGoldenFiles -update\nand review the diff. Got:\n%s", name, path, b)
		}
	}
}

// TestCompositionWiresReferences checks, independently of the golden
// files, that what the app composes is wired as a user would expect.
func TestCompositionWiresReferences(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the composition app; skipped with -short")
	}
	t.Parallel()
	docs := stackDocs(t, synthComposition(t))
	app := docs["composition-app"]

	key := app.Resource(t, "aws_kms_key", "main")
	policy := synthtest.JSONArg(t, key, "policy").(map[string]any)["Statement"].([]any)
	if p := policy[2].(map[string]any)["Principal"]; !jsonEqual(p, map[string]any{"AWS": synthtest.Ref("aws_iam_role.app", "arn")}) {
		t.Errorf("the role reference is not the third statement's principal: %v", p)
	}
	// JSONArg evaluates the template as Terraform does: the literal must
	// come out as written, although the policy also holds a reference.
	if p := policy[3].(map[string]any)["Principal"]; !jsonEqual(p, map[string]any{"AWS": "arn:aws:iam::123456789012:role/${team}/%{legacy}/reader"}) {
		t.Errorf("a literal principal with template syntax does not survive next to a reference: %v", p)
	}
	if d := key["description"]; d != "Orders data: $${not_a_reference} and %%{ if x }not a directive%%{ endif }" {
		t.Errorf("description = %q: literal ${ and %%{ are not escaped", d)
	}
	keyArn := synthtest.Ref("aws_kms_key.main", "arn")
	if got := app.Resource(t, "aws_cloudwatch_log_group", "app_logs")["kms_key_id"]; got != keyArn {
		t.Errorf("log group kms_key_id = %v, want %s", got, keyArn)
	}
	filter := app.Resource(t, "aws_cloudwatch_log_metric_filter", "main_decrypt_volume")
	if got := filter["log_group_name"]; got != synthtest.Ref("aws_cloudwatch_log_group.trail", "name") {
		t.Errorf("metric filter log group = %v, want the trail log group's reference", got)
	}
	alarm := app.Resource(t, "aws_cloudwatch_metric_alarm", "main_unauthorized_alarm")
	if !jsonEqual(alarm["alarm_actions"], []any{synthtest.Ref("aws_sns_topic.alerts", "arn")}) {
		t.Errorf("alarm actions = %v, want the user's topic", alarm["alarm_actions"])
	}
	for name, role := range map[string]string{
		"main_grant_aws_iam_role_app_decrypt":   synthtest.Ref("aws_iam_role.app", "name"),
		"main_grant_aws_iam_role_app_encrypt":   synthtest.Ref("aws_iam_role.app", "name"),
		"legacy_grant_aws_iam_role_app_decrypt": synthtest.Ref("aws_iam_role.app", "name"),
	} {
		if got := app.Resource(t, "aws_iam_role_policy", name)["role"]; got != role {
			t.Errorf("%s is on %v, want %s (a reference orders the policy after the role)", name, got, role)
		}
	}
	legacy := app.Resource(t, "aws_iam_role_policy", "legacy_grant_aws_iam_role_app_decrypt")
	if !strings.Contains(legacy["policy"].(string), synthtest.Ref("data.aws_kms_alias.legacy", "target_key_arn")) {
		t.Errorf("the grant on a key looked up by alias does not name its target: %v", legacy["policy"])
	}
	app.Resource(t, "aws_kms_key", "platform_kms")
	app.Resource(t, "aws_kms_key", "audit")
	app.Resource(t, "aws_kms_alias", "audit_alias_orders-audit-v2")
	if _, ok := app.Outputs()["kms_key_id"]; !ok {
		t.Errorf("KeyIdOutput gave no kms_key_id output")
	}

	consumer := docs["composition-consumer"]
	sse := consumer.Resource(t, "aws_s3_bucket_server_side_encryption_configuration", "reports_sse")
	if !strings.Contains(mustJSON(t, sse), "data.terraform_remote_state.cross-stack-reference-input-composition-app.outputs.") {
		t.Errorf("the second stack does not read the key's ARN from the first one's state: %v", sse)
	}

	names := map[string]bool{}
	for _, env := range []string{"composition-env-a", "composition-env-b"} {
		p := docs[env].Resource(t, "aws_iam_role_policy", "general_encryption_key_grant_shared-reader_decrypt")
		if p["role"] != "shared-reader" {
			t.Errorf("%s grant is on %v", env, p["role"])
		}
		names[p["name"].(string)] = true
	}
	if len(names) != 2 {
		t.Errorf("two environment stacks give the shared role policies of the same name %v: they would overwrite each other", names)
	}
}

func jsonEqual(a, b any) bool { return mustMarshal(a) == mustMarshal(b) }

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
