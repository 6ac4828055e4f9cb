package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWrongGranteeDoesNotCompile compiles a consumer's package against the
// construct: a grant to a string (the untyped grantee of 0.3.0) must not
// compile, and the typed forms must.
func TestAWrongGranteeDoesNotCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a module of its own")
	}
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	build := func(body string) (string, error) {
		dir := t.TempDir()
		mod := "module example.com/c\n\ngo 1.26.0\n\nrequire github.com/cdktf-kms/cdktf-kms v0.0.0\n\nreplace github.com/cdktf-kms/cdktf-kms => " + root + "\n"
		src := "package c\n\nimport (\n\t\"github.com/cdktf-kms/cdktf-kms/constructs/kms\"\n\t\"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole\"\n)\n\nvar _ iamrole.IamRole\n\n" + body + "\n"
		for name, content := range map[string]string{"go.mod": mod, "c.go": src} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cp, err := exec.Command("cp", filepath.Join(root, "go.sum"), filepath.Join(dir, "go.sum")).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %s", err, cp)
		}
		cmd := exec.Command("go", "build", "-mod=mod", "./...")
		cmd.Dir, cmd.Env = dir, childEnv(t, t.TempDir(), "GOFLAGS=", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := build(`func f(k kms.IKey, r iamrole.IamRole) { k.GrantDecrypt(kms.IamRoleGrantee(r)); k.GrantDecrypt(kms.RoleGrantee("reader")) }`); err != nil {
		t.Fatalf("the typed grantees do not compile: %v\n%s", err, out)
	}
	out, err := build(`func f(k *kms.KmsKey) { k.GrantDecrypt("reader") }`)
	if err == nil || !strings.Contains(out, `cannot use "reader"`) || !strings.Contains(out, "kms.Grantee") {
		t.Errorf("a string grantee compiled, or failed for another reason: %v\n%s", err, out)
	}
	t.Logf("a string grantee: %s", strings.TrimSpace(out))
}
