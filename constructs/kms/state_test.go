package kms_test

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
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
