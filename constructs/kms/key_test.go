package kms_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf-kms/cdktf-kms/synth"
)

func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }

// mustKey creates a key and stops the test when NewKmsKey refuses it.
func mustKey(t testing.TB, scope constructs.Construct, id string, cfg *kms.KmsKeyConfig) *kms.KmsKey {
	t.Helper()
	k, err := kms.NewKmsKey(scope, id, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var usageActions = []any{
	"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey*", "kms:DescribeKey",
}

// specPolicy is the original module's key policy
// (__tests__/testdata/original-module/main.tf), written out by hand from the
// module (not from the construct's output).
func specPolicy(partition, account, region string, principals ...string) any {
	return specPolicyWithLogs(partition, account, "logs."+region+".amazonaws.com", principals...)
}

// specPolicyWithLogs is specPolicy with the CloudWatch Logs principal of a
// partition whose principals take another DNS suffix.
func specPolicyWithLogs(partition, account, logs string, principals ...string) any {
	statements := []any{
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:" + partition + ":iam::" + account + ":root"}, "Action": "kms:*", "Resource": "*"},
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": logs}, "Action": usageActions, "Resource": "*"},
	}
	for _, p := range principals {
		statements = append(statements, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": p}, "Action": usageActions, "Resource": "*"})
	}
	return map[string]any{"Version": "2012-10-17", "Statement": statements}
}

func usageExample() *kms.KmsKeyConfig {
	return &kms.KmsKeyConfig{
		AwsAccountId: "123456789012",
		AwsRegion:    "eu-west-1",
		NamePrefix:   "dev",
		Environment:  "dev",
		AdditionalPrincipals: []string{
			"arn:aws:iam::123456789012:role/example-role",
			"arn:aws:iam::123456789012:role/another-role",
		},
	}
}

func TestDefaultsReproduceTheOriginalModule(t *testing.T) {
	stack := synthtest.NewStack(t)
	if _, err := kms.NewKmsKey(stack, "kms", usageExample()); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)

	if got := doc.Addresses(); !reflect.DeepEqual(got, []string{"aws_kms_key.kms"}) {
		t.Fatalf("resources = %v, want only aws_kms_key.kms", got)
	}
	key := doc.Resource(t, "aws_kms_key", "kms")
	policy := synthtest.JSONArg(t, key, "policy")
	delete(key, "policy")
	want := map[string]any{
		"description":         "General KMS key for encrypting CloudWatch logs, S3 buckets, and other resources",
		"enable_key_rotation": true,
		"tags":                map[string]any{"Name": "dev-general-encryption-key", "Environment": "dev"},
	}
	if !reflect.DeepEqual(key, want) {
		t.Errorf("key arguments:\n got %v\nwant %v", key, want)
	}
	wantPolicy := specPolicy("aws", "123456789012", "eu-west-1",
		"arn:aws:iam::123456789012:role/example-role", "arn:aws:iam::123456789012:role/another-role")
	if !reflect.DeepEqual(policy, wantPolicy) {
		t.Errorf("policy:\n got %v\nwant %v", policy, wantPolicy)
	}
	outputs := doc.Outputs()
	if len(outputs) != 1 || outputs["kms_key_arn"]["value"] != synthtest.Ref("aws_kms_key.kms", "arn") {
		t.Errorf("outputs = %v, want only kms_key_arn = ${aws_kms_key.kms.arn}", outputs)
	}
}

func TestPolicyIsCompactJSONInJsonencodeKeyOrder(t *testing.T) {
	stack := synthtest.NewStack(t)
	cfg := usageExample()
	cfg.AdditionalPrincipals = nil
	if _, err := kms.NewKmsKey(stack, "kms", cfg); err != nil {
		t.Fatal(err)
	}
	got := synthtest.Synth(t, stack).Resource(t, "aws_kms_key", "kms")["policy"]
	// Terraform's jsonencode sorts object keys and writes no spaces; the same
	// bytes mean no policy diff even before the provider normalizes JSON.
	want := `{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Resource":"*"},` +
		`{"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncryptFrom","kms:ReEncryptTo","kms:GenerateDataKey*","kms:DescribeKey"],` +
		`"Effect":"Allow","Principal":{"Service":"logs.eu-west-1.amazonaws.com"},"Resource":"*"}],"Version":"2012-10-17"}`
	if got != want {
		t.Errorf("policy bytes:\n got %s\nwant %s", got, want)
	}
}

// TestPartitionFollowsTheRegion covers every partition: the ARNs take the
// region's partition, and the CloudWatch Logs principal takes the
// partition's DNS suffix where AWS's table (the AWS provider's
// aws_service_principal, from the CDK's region facts) says so: aws-cn,
// aws-iso and aws-iso-b. The expectations are written out from that table.
func TestPartitionFollowsTheRegion(t *testing.T) {
	cases := []struct{ region, partition, logs string }{
		{"us-east-1", "aws", "logs.us-east-1.amazonaws.com"},
		{"cn-north-1", "aws-cn", "logs.cn-north-1.amazonaws.com.cn"},
		{"cn-northwest-1", "aws-cn", "logs.cn-northwest-1.amazonaws.com.cn"},
		{"us-gov-west-1", "aws-us-gov", "logs.us-gov-west-1.amazonaws.com"},
		{"us-iso-east-1", "aws-iso", "logs.us-iso-east-1.c2s.ic.gov"},
		{"us-isob-east-1", "aws-iso-b", "logs.us-isob-east-1.sc2s.sgov.gov"},
		{"eu-isoe-west-1", "aws-iso-e", "logs.eu-isoe-west-1.amazonaws.com"},
		{"us-isof-south-1", "aws-iso-f", "logs.us-isof-south-1.amazonaws.com"},
		{"eusc-de-east-1", "aws-eusc", "logs.eusc-de-east-1.amazonaws.com"},
	}
	for _, tc := range cases {
		t.Run(tc.region, func(t *testing.T) {
			stack := synthtest.NewStack(t)
			principal := "arn:" + tc.partition + ":iam::123456789012:user/ops"
			k, err := kms.NewKmsKey(stack, "kms", &kms.KmsKeyConfig{
				AwsAccountId: "123456789012", AwsRegion: tc.region, NamePrefix: "p", Environment: "e",
				AdditionalPrincipals: []string{principal},
			})
			if err != nil {
				t.Fatal(err)
			}
			if k.Partition() != tc.partition {
				t.Errorf("Partition() = %q, want %q", k.Partition(), tc.partition)
			}
			key := synthtest.Synth(t, stack).Resource(t, "aws_kms_key", "kms")
			got := synthtest.JSONArg(t, key, "policy")
			if want := specPolicyWithLogs(tc.partition, "123456789012", tc.logs, principal); !reflect.DeepEqual(got, want) {
				t.Errorf("policy:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestKeyAddressIsThePathBelowTheStack(t *testing.T) {
	stack := synthtest.NewStack(t)
	direct := mustKey(t, stack, "general_encryption_key", usageExample())
	platform := constructs.NewConstruct(stack, jsii.String("platform"))
	team := constructs.NewConstruct(platform, jsii.String("team-a"))
	cfg := usageExample()
	cfg.OutputPrefix = "team_a"
	nested := mustKey(t, team, "logs", cfg)
	// These addresses are state: changing them destroys and recreates real
	// keys. Update this test only with a migration (moved blocks) in place.
	if got, want := direct.Address(), "aws_kms_key.general_encryption_key"; got != want {
		t.Errorf("direct key at %s, want %s", got, want)
	}
	if got, want := nested.Address(), "aws_kms_key.platform_team-a_logs"; got != want {
		t.Errorf("nested key at %s, want %s", got, want)
	}
	got := synthtest.Synth(t, stack).Addresses()
	want := []string{"aws_kms_key.general_encryption_key", "aws_kms_key.platform_team-a_logs"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("synthesized addresses %v, want %v", got, want)
	}
}

func TestArnOutputCanBeRenamedOrSkipped(t *testing.T) {
	stack := synthtest.NewStack(t)
	first := mustKey(t, stack, "logs", usageExample())
	second := usageExample()
	second.OutputPrefix = "data"
	if _, err := kms.NewKmsKey(stack, "data", second); err != nil {
		t.Fatal(err)
	}
	third := usageExample()
	third.SkipOutputs = true
	skipped := mustKey(t, stack, "scratch", third)
	if first.ArnOutput() == nil || skipped.ArnOutput() != nil {
		t.Errorf("ArnOutput(): want an output for the first key and nil for the skipped one")
	}
	outputs := synthtest.Synth(t, stack).Outputs()
	want := map[string]string{
		"kms_key_arn":  synthtest.Ref("aws_kms_key.logs", "arn"),
		"data_key_arn": synthtest.Ref("aws_kms_key.data", "arn"),
	}
	if len(outputs) != len(want) {
		t.Errorf("outputs %v, want %v", outputs, want)
	}
	for name, ref := range want {
		if outputs[name]["value"] != ref {
			t.Errorf("output %s = %v, want %s", name, outputs[name]["value"], ref)
		}
	}
}

func TestInvalidConfigurationAddsNothing(t *testing.T) {
	stack := synthtest.NewStack(t)
	cfg := usageExample()
	cfg.AwsAccountId = "not-an-account"
	k, err := kms.NewKmsKey(stack, "kms", cfg)
	if err == nil || k != nil {
		t.Fatalf("NewKmsKey = %v, %v; want nil and an error", k, err)
	}
	if n := len(*stack.Node().Children()); n != 0 {
		t.Errorf("the stack has %d children after a refused configuration, want 0", n)
	}
}

func TestInvalidConstructIdIsRefused(t *testing.T) {
	stack := synthtest.NewStack(t)
	_, err := kms.NewKmsKey(stack, "my key", usageExample())
	if err == nil || !strings.Contains(err.Error(), `"my key"`) {
		t.Fatalf("NewKmsKey with id %q = %v, want an error naming the id", "my key", err)
	}
	if n := len(*stack.Node().Children()); n != 0 {
		t.Errorf("the stack has %d children after a refused id, want 0", n)
	}
}

func TestScopeOutsideAStackIsRefused(t *testing.T) {
	root := constructs.NewRootConstruct(jsii.String("root"))
	if _, err := kms.NewKmsKey(root, "kms", usageExample()); err == nil {
		t.Fatal("NewKmsKey outside a stack succeeded, want an error")
	}
	if _, err := kms.NewKmsKey(nil, "kms", usageExample()); err == nil {
		t.Fatal("NewKmsKey with a nil scope succeeded, want an error")
	}
}

func TestConfigIsCopied(t *testing.T) {
	stack := synthtest.NewStack(t)
	cfg := usageExample()
	k := mustKey(t, stack, "kms", cfg)
	cfg.AdditionalPrincipals[0] = "changed"
	if got := k.Policy().Statement[2].Principal["AWS"][0]; got != "arn:aws:iam::123456789012:role/example-role" {
		t.Errorf("changing the caller's slice changed the key's policy: %s", got)
	}
}

func TestAccessorsReturnTokens(t *testing.T) {
	stack := synthtest.NewStack(t)
	k := mustKey(t, stack, "kms", usageExample())
	for name, tok := range map[string]*string{"KeyArn": k.KeyArn(), "KeyId": k.KeyId()} {
		if tok == nil || !strings.HasPrefix(*tok, "${TfToken[") {
			t.Errorf("%s() = %v, want a cdktf token", name, tok)
		}
	}
	if k.Key() == nil || *k.Key().TerraformResourceType() != "aws_kms_key" {
		t.Errorf("Key() is not the aws_kms_key resource")
	}
}

// mustStatements parses key policy statements written as JSON.
func mustStatements(raw ...string) []kms.PolicyStatement {
	out := make([]kms.PolicyStatement, len(raw))
	for i, r := range raw {
		s, err := kms.ParsePolicyStatement(r)
		if err != nil {
			panic(err)
		}
		out[i] = s
	}
	return out
}
