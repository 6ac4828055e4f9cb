package tfworkspace

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	goversion "github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestCLIConfigInstallsOnlyTheAWSProviderFromTheMirror(t *testing.T) {
	mirror := `/home/x/.cache/cdktf-kms/tools/terraform-provider-aws-v1 "quoted" \ dir`
	src := CLIConfig(mirror)
	f, diags := hclsyntax.ParseConfig([]byte(src), "terraform.rc", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("not HCL: %v\n%s", diags, src)
	}
	body := f.Body.(*hclsyntax.Body)
	if len(body.Blocks) != 1 || body.Blocks[0].Type != "provider_installation" {
		t.Fatalf("want one provider_installation block:\n%s", src)
	}
	inner := body.Blocks[0].Body
	if len(inner.Blocks) != 1 || inner.Blocks[0].Type != "filesystem_mirror" {
		t.Fatalf("want only a filesystem_mirror (no direct installation):\n%s", src)
	}
	path, diags := inner.Blocks[0].Body.Attributes["path"].Expr.Value(nil)
	if diags.HasErrors() || path.AsString() != mirror {
		t.Errorf("path = %#v, want %q", path, mirror)
	}
}

// The provider the end-to-end tests apply with is one the product lists as
// tested, and the stacks' default constraint admits it: the tests apply
// the product's own JSON, with no override.
func TestTheBuiltProviderIsTheTestedOne(t *testing.T) {
	if !slices.Contains(kms.TestedAwsProviderVersions(), ProviderVersion) {
		t.Errorf("the end-to-end tests build the AWS provider %s, which kms.TestedAwsProviderVersions (%v) does not list", ProviderVersion, kms.TestedAwsProviderVersions())
	}
	c, err := goversion.NewConstraint(kms.DefaultAwsProviderConstraint)
	if err != nil || !c.Check(goversion.Must(goversion.NewVersion(ProviderVersion))) {
		t.Errorf("the default constraint %q does not admit %s (%v)", kms.DefaultAwsProviderConstraint, ProviderVersion, err)
	}
}

func TestEnvPointsEverythingAtTheEmulator(t *testing.T) {
	t.Setenv("AWS_PROFILE", "someone")
	t.Setenv("TF_PLUGIN_CACHE_DIR", "/somewhere")
	env := Settings{Endpoint: "http://127.0.0.1:1234", CLIConfig: "/t/terraform.rc"}.Env()
	for k, want := range map[string]string{
		"AWS_ENDPOINT_URL": "http://127.0.0.1:1234", "TF_CLI_CONFIG_FILE": "/t/terraform.rc",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_REGION": "eu-west-1",
	} {
		if env[k] != want {
			t.Errorf("%s = %q, want %q", k, env[k], want)
		}
	}
	for _, k := range []string{"AWS_PROFILE", "TF_PLUGIN_CACHE_DIR"} {
		if _, ok := env[k]; ok {
			t.Errorf("the caller's %s reaches the processes", k)
		}
	}
}

func TestProviderMirrorSaysHowToBuildIt(t *testing.T) {
	t.Setenv(MirrorEnv, t.TempDir())
	_, err := ProviderMirror()
	if err == nil || !strings.Contains(err.Error(), ".ci/build-provider.sh") {
		t.Errorf("err = %v", err)
	}
	mirror := t.TempDir()
	bin := ProviderBinary(mirror)
	os.MkdirAll(filepath.Dir(bin), 0o755)
	os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
	t.Setenv(MirrorEnv, mirror)
	if got, err := ProviderMirror(); err != nil || got != mirror {
		t.Errorf("ProviderMirror() = %q, %v", got, err)
	}
}
