package synth

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TestMain is what RunTests documents for every package whose tests
// synthesize: the runtime's temp files are removed at the end.
func TestMain(m *testing.M) { os.Exit(RunTests(m)) }

// stackWith returns a build that adds a stack "s" with one output and lets
// extra change it.
func stackWith(extra func(stack cdktf.TerraformStack) error) Build {
	return func(ctx context.Context, app cdktf.App) error {
		stack := cdktf.NewTerraformStack(app, jsii.String("s"))
		cdktf.NewTerraformOutput(stack, jsii.String("o"), &cdktf.TerraformOutputConfig{Value: jsii.String("v")})
		if extra != nil {
			return extra(stack)
		}
		return nil
	}
}

// failingValidation makes the synth itself fail (cdktf throws on a failed
// validation), after the build succeeded.
type failingValidation struct{}

func (*failingValidation) Validate() *[]*string {
	return jsii.Strings("this stack cannot be synthesized")
}

// TestMainChangesTheOutputOnlyWhenEverythingSucceeds runs Main four times
// on one output folder: a good synth, then a build error, a failed synth,
// and warnings under Strict, none of which may change the folder; no
// staging folder is left beside it.
func TestMainChangesTheOutputOnlyWhenEverythingSucceeds(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "cdktf.out")
	var stderr bytes.Buffer
	if code := Main(Options{Outdir: out, Stderr: &stderr}, stackWith(nil)); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("a clean synth printed %q", stderr.String())
	}
	good := readTree(t, out)
	if _, ok := good["stacks/s/cdk.tf.json"]; !ok {
		t.Fatalf("no stack written: %v", good)
	}

	for name, c := range map[string]struct {
		opts  Options
		build Build
		code  int
		says  string
	}{
		"build error": {build: stackWith(func(cdktf.TerraformStack) error { return errors.New("key: bad config") }),
			code: ExitInvalid, says: "key: bad config"},
		"synth fails": {build: stackWith(func(s cdktf.TerraformStack) error { s.Node().AddValidation(&failingValidation{}); return nil }),
			code: ExitFailed, says: "this stack cannot be synthesized"},
		"warning under strict": {opts: Options{Strict: true},
			build: stackWith(func(s cdktf.TerraformStack) error {
				cdktf.Annotations_Of(s).AddWarning(jsii.String("risky"))
				return nil
			}),
			code: ExitInvalid, says: "WARN [s]: risky"},
		"error annotation": {build: stackWith(func(s cdktf.TerraformStack) error {
			cdktf.Annotations_Of(s).AddError(jsii.String("broken"))
			return nil
		}),
			code: ExitInvalid, says: "ERROR [s]: broken"},
	} {
		t.Run(name, func(t *testing.T) {
			var stderr bytes.Buffer
			c.opts.Outdir, c.opts.Stderr = out, &stderr
			if code := Main(c.opts, c.build); code != c.code {
				t.Errorf("exit %d, want %d: %s", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.says) {
				t.Errorf("stderr does not say %q:\n%s", c.says, stderr.String())
			}
			if after := readTree(t, out); !equalTrees(good, after) {
				t.Errorf("the output folder changed:\n%v\n%v", good, after)
			}
		})
	}

	var warn bytes.Buffer
	build := stackWith(func(s cdktf.TerraformStack) error {
		cdktf.Annotations_Of(s).AddWarning(jsii.String("risky"))
		return nil
	})
	if code := Main(Options{Outdir: out, Stderr: &warn}, build); code != 0 || warn.String() != "WARN [s]: risky\n" {
		t.Errorf("a warning without Strict: exit %d, stderr %q; want 0 and the warning", code, warn.String())
	}
	manifest, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(manifest, []byte("stacktrace")) || bytes.Contains(manifest, []byte(os.TempDir())) {
		t.Errorf("the manifest holds stack traces or temp paths, so two synths differ:\n%s", manifest)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "cdktf.out" {
			t.Errorf("%s was left beside the output folder", e.Name())
		}
	}
}

// TestACycleBetweenStacksIsExplained: two stacks that use a value of each
// other cannot be deployed; cdktf throws a JavaScript error with its stack,
// and Main prints the cause and what to do instead, with no JavaScript
// stack, and writes nothing.
func TestACycleBetweenStacksIsExplained(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cdktf.out")
	var stderr bytes.Buffer
	code := Main(Options{Outdir: out, Stderr: &stderr}, func(ctx context.Context, app cdktf.App) error {
		a := cdktf.NewTerraformStack(app, jsii.String("a"))
		b := cdktf.NewTerraformStack(app, jsii.String("b"))
		va := cdktf.NewTerraformVariable(a, jsii.String("va"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
		vb := cdktf.NewTerraformVariable(b, jsii.String("vb"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
		cdktf.NewTerraformOutput(a, jsii.String("from_b"), &cdktf.TerraformOutputConfig{Value: vb.StringValue()})
		cdktf.NewTerraformOutput(b, jsii.String("from_a"), &cdktf.TerraformOutputConfig{Value: va.StringValue()})
		return nil
	})
	msg := stderr.String()
	if code != ExitFailed {
		t.Fatalf("exit %d, want %d:\n%s", code, ExitFailed, msg)
	}
	for _, want := range []string{"circular dependency", "Two stacks refer to each other", "kms.FromKeyArn"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr does not say %q:\n%s", want, msg)
		}
	}
	for _, line := range strings.Split(msg, "\n") {
		if t2 := strings.TrimSpace(line); strings.HasPrefix(t2, "at ") || strings.HasSuffix(t2, "stack:") {
			t.Errorf("stderr holds a JavaScript stack line %q:\n%s", line, msg)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the output folder was written: %v", err)
	}
}
