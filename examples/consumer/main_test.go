package main

import (
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/synth"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TestMain runs the tests inside synth.RunTests: the jsii runtime, its node
// kernel and cdktf's Testing apps keep their files in a private temp folder
// that is removed at the end (without it each run leaves about 2 MB of
// folders in the temp directory), and Ctrl-C stops the kernel.
func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }

// TestTheLogGroupIsEncryptedWithTheKey is a unit test of the stack in the
// style of cdktf's Testing helpers.
func TestTheLogGroupIsEncryptedWithTheKey(t *testing.T) {
	stack, err := newLogsStack(cdktf.Testing_App(nil), "orders-logs")
	if err != nil {
		t.Fatal(err)
	}
	synthesized := cdktf.Testing_Synth(stack, nil)
	want := map[string]any{"name": "/orders/prod", "kms_key_id": "${aws_kms_key.logs_key.arn}"}
	if !*cdktf.Testing_ToHaveResourceWithProperties(synthesized, jsii.String("aws_cloudwatch_log_group"), &want) {
		t.Errorf("no log group encrypted with the key in\n%s", *synthesized)
	}
	if !*cdktf.Testing_ToHaveResource(synthesized, jsii.String("aws_kms_alias")) {
		t.Errorf("no alias in\n%s", *synthesized)
	}
}
