package kms_test

import (
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

// The construct's state of a stack and of an app lives on their nodes (a
// child with the id cdktf-kms.state), not in the package: going back to a
// stack after working in others finds the names it holds there (a second
// key with a taken address and a taken alias is refused, naming the
// owner), a stack of another app starts afresh, and the state node is the
// only child the construct adds to the stack besides the key.
func TestStateLivesOnTheNodes(t *testing.T) {
	app := synthtest.NewApp()
	first := cdktf.NewTerraformStack(app, jsii.String("first"))
	second := cdktf.NewTerraformStack(app, jsii.String("second"))
	cfg := usageExample()
	cfg.Aliases = []string{"alias/orders"}
	mustKey(t, first, "kms", cfg)
	other := usageExample()
	other.Aliases = []string{"alias/other"}
	mustKey(t, second, "kms", other)
	// Back in the first stack, after the second.
	_, err := kms.NewKmsKey(first, "kms", usageExample())
	if err == nil || !strings.Contains(err.Error(), "aws_kms_key.kms is already the address of another key in stack first") {
		t.Errorf("a second key at the same address of the first stack: %v", err)
	}
	again := usageExample()
	again.Aliases, again.OutputPrefix = []string{"alias/orders"}, "again"
	if _, err := kms.NewKmsKey(second, "again", again); err == nil || !strings.Contains(err.Error(), "alias/orders") || !strings.Contains(err.Error(), "of stack first") {
		t.Errorf("the first stack's alias taken in the second: %v", err)
	}
	var ids []string
	for _, c := range *first.Node().Children() {
		ids = append(ids, *c.Node().Id())
	}
	if strings.Join(ids, ",") != "cdktf-kms.state,kms" {
		t.Errorf("children of the stack: %v", ids)
	}
	// Another app: the same alias is free there.
	elsewhere := cdktf.NewTerraformStack(synthtest.NewApp(), jsii.String("first"))
	mustKey(t, elsewhere, "kms", cfg)
}

// Found by trying to break the change: a stack whose every call was
// refused is still marked synthesized by the synth (a key added after it
// is refused, not silently left out), with and without the app's
// validations; a construct of the user's with the state node's id is an
// error that names it, not a panic.
func TestStateEdges(t *testing.T) {
	for _, skip := range []bool{false, true} {
		app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(t.TempDir()), SkipValidation: jsii.Bool(skip)})
		stack := cdktf.NewTerraformStack(app, jsii.String("s"))
		bad := usageExample()
		bad.AwsAccountId = "x"
		if _, err := kms.NewKmsKey(stack, "kms", bad); err == nil {
			t.Fatal("an invalid account was accepted")
		}
		if n := len(*stack.Node().Children()); n != 0 {
			t.Errorf("skip %v: the refused key left %d children", skip, n)
		}
		// Another stack in between, so that the lookup is not the last one.
		other := cdktf.NewTerraformStack(app, jsii.String("other"))
		provider.NewAwsProvider(other, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
		mustKey(t, other, "kms", usageExample())
		app.Synth()
		if _, err := kms.NewKmsKey(stack, "kms", usageExample()); err == nil || !strings.Contains(err.Error(), "already been synthesized") {
			t.Errorf("skip %v: a key after the synth in a stack whose calls were all refused: %v", skip, err)
		}
	}

	stack := synthtest.NewStack(t)
	constructs.NewConstruct(stack, jsii.String("cdktf-kms.state"))
	if err := kms.SetAwsProviderConstraint(stack, ">= 6.0.0, < 7.0.0"); err == nil || !strings.Contains(err.Error(), `has the construct id "cdktf-kms.state", which cdktf-kms keeps`) {
		t.Errorf("a user's construct with the state's id, constraint: %v", err)
	}
	if _, err := kms.NewKmsKey(stack, "kms", usageExample()); err == nil || !strings.Contains(err.Error(), `id: "kms": cannot be created in its stack:`) {
		t.Errorf("a user's construct with the state's id, key: %v", err)
	}
}
