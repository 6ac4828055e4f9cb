package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// environment parses one environment of cdktf.json.
func environment(t *testing.T, name, body string) Environment {
	t.Helper()
	envs, err := ParseEnvironments([]byte(`{"` + name + `": ` + body + `}`))
	if err != nil {
		t.Fatal(err)
	}
	return envs[0]
}

const devBody = `{"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev"}`

// NewEnvironmentStack tells the key what the stack holds, so the key looks
// up none of its names; that knowledge must not outlive the key: a key the
// user adds later, beside an output of the user's, is checked against the
// stack's children again.
func TestAKeyAddedToAnEnvironmentStackChecksItsChildren(t *testing.T) {
	app := cdktf.NewApp(nil)
	es, err := NewEnvironmentStack(app, environment(t, "dev", devBody))
	if err != nil {
		t.Fatal(err)
	}
	cdktf.NewTerraformOutput(es.Stack, jsii.String("second_key_arn"), &cdktf.TerraformOutputConfig{Value: jsii.String("x")})
	_, err = kms.NewKmsKey(es.Stack, "second", &kms.KmsKeyConfig{
		AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "second", Environment: "dev", OutputPrefix: "second",
	})
	if err == nil || !strings.Contains(err.Error(), "output second_key_arn is already used by kms-dev/second_key_arn") {
		t.Fatalf("a second key whose output a construct of the user's has: %v", err)
	}
}

// The environment stacks of an app share one check at synth: it finds an
// output of the user's with the key's output name in any of them (behind a
// stack nested in it too), and marks every one synthesized (a later change
// is refused, not lost).
func TestEnvironmentStacksAreCheckedAtSynth(t *testing.T) {
	twoEnvironments := func() (cdktf.App, []*EnvironmentStack) {
		app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(t.TempDir())})
		var out []*EnvironmentStack
		for _, name := range []string{"dev", "prod"} {
			es, err := NewEnvironmentStack(app, environment(t, name, `{"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "`+name+`", "aliases": ["alias/`+name+`"]}`))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, es)
		}
		return app, out
	}

	app, envs := twoEnvironments()
	// A stack nested in the second one comes before the clash in the
	// app's walk: the clash is still the second stack's.
	cdktf.NewTerraformStack(envs[1].Stack, jsii.String("inner"))
	cdktf.NewTerraformOutput(envs[1].Stack, jsii.String("kms_key_arn"), &cdktf.TerraformOutputConfig{Value: jsii.String("x")})
	msg := func() (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		app.Synth()
		return ""
	}()
	if !strings.Contains(msg, "output kms_key_arn of kms-prod/kms_key_arn (cdktf.TerraformOutput) is also created by") {
		t.Fatalf("synth with a clash in the second stack: %q", msg)
	}

	app, envs = twoEnvironments()
	app.Synth()
	for _, es := range envs {
		if _, err := es.Key.AddAlias("alias/late"); err == nil || !strings.Contains(err.Error(), "has already been synthesized") {
			t.Errorf("an alias added to %s after the synth: %v", *es.Stack.Node().Id(), err)
		}
	}
}

// A name of the key that is a child NewEnvironmentStack made (the AWS
// provider's construct id) is still looked up and refused.
func TestAnEnvironmentKeyCannotTakeTheProvidersName(t *testing.T) {
	app := cdktf.NewApp(nil)
	env := environment(t, "dev", `{"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "origin": "EXTERNAL", "key_material_variable": "aws"}`)
	_, err := NewEnvironmentStack(app, env)
	if err == nil || !strings.Contains(err.Error(), `kms-dev/aws (provider.AwsProvider) already has the construct id "aws"`) {
		t.Fatalf("a key material variable named like the provider: %v", err)
	}
}

// An environment stack's state is kept by its app: a key added to the
// first of two environment stacks finds the names of the first's key.
func TestAKeyAddedToAnEarlierEnvironmentStackFindsItsState(t *testing.T) {
	app := cdktf.NewApp(nil)
	first, err := NewEnvironmentStack(app, environment(t, "dev", devBody))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewEnvironmentStack(app, environment(t, "prod", `{"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "prod"}`)); err != nil {
		t.Fatal(err)
	}
	_, err = kms.NewKmsKey(first.Stack, "second", &kms.KmsKeyConfig{AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "second", Environment: "dev"})
	if err == nil || !strings.Contains(err.Error(), "output kms_key_arn is already created by aws_kms_key.general_encryption_key in stack kms-dev") {
		t.Fatalf("a second key with the first's output names in kms-dev: %v", err)
	}
}
