package tests

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TestLiteralsSurviveTerraform lets the real terraform evaluate what the
// construct synthesizes: every literal with template syntax ("${", "%{",
// "$${", a "$" just before a reference) comes out as written, references
// come out as their values, and the key policy Terraform sends to AWS is,
// byte for byte, the policy the construct linted (KmsKey.Policy).
func TestLiteralsSurviveTerraform(t *testing.T) {
	terraformBinary(t)
	stack := synthtest.NewStack(t)
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	// References: values of terraform_data resources, which Terraform can
	// evaluate without a provider.
	values := map[string]string{
		"role":  "arn:aws:iam::123456789012:role/app",
		"trail": "aws-cloudtrail-logs-123456789012",
		"arn":   "arn:aws:cloudtrail:eu-west-1:123456789012:trail/main",
	}
	sources := map[string]any{}
	tokens := map[string]string{} // token -> value
	ref := func(name string) string {
		td := cdktf.NewDataResource(stack, jsii.String("src_"+name), &cdktf.DataConfig{Input: &map[string]any{"v": values[name]}})
		tok := *cdktf.Token_AsString(cdktf.Fn_Lookup(td.Output(), jsii.String("v"), nil), nil)
		tokens[tok] = values[name]
		sources["src_"+name] = map[string]any{"input": map[string]any{"v": values[name]}}
		return tok
	}
	role, trail, trailArn := ref("role"), ref("trail"), ref("arn")

	literals := map[string]string{
		"description": `desc ${upper("x")} %{ if true }y%{ endif } $${z} %%{w} ends with $`,
		"principal":   "arn:aws:iam::123456789012:role/${terraform.workspace}/%{x}/r",
		"path":        "/team${x}/%{y}/",
		"boundary":    "arn:aws:iam::123456789012:policy/${b}/boundary",
		"email":       "sec${x}%{y}@example.com",
		"condition":   "${aws:username}",
		"context":     "${ctx} %{ctx}",
	}
	cfg := &kms.KmsKeyConfig{
		AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "lit", Environment: "test",
		Description: literals["description"],
		// A literal "$" right before a reference, and template syntax
		// around one: the hardest case for cdktf's own escape handling.
		AdditionalPrincipals: []string{role, literals["principal"], "arn:aws:iam::123456789012:role/a$" + role},
		ServicePrincipals:    []string{"cloudtrail.amazonaws.com"}, ServicePrincipalsSourceArns: []string{trailArn},
		Roles: []kms.RoleSpec{{Service: "lambda", Path: literals["path"], PermissionsBoundary: literals["boundary"]}},
		Monitoring: &kms.MonitoringConfig{
			CloudtrailLogGroupName: trail,
			AlarmEmails:            []string{literals["email"]},
		},
		ExtraPolicyStatements: mustStatementsT(t,
			`{"Sid": "Tagged", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/tagged"}, "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringEquals": {"kms:EncryptionContext:user": "${aws:username}"}}}`),
		KmsGrants: []kms.KmsGrantSpec{{Name: "ctx", GranteePrincipal: role, Operations: []string{"Decrypt"},
			EncryptionContextEquals: map[string]string{"purpose": literals["context"]}}},
	}
	key, err := kms.NewKmsKey(stack, "lit", cfg)
	if err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	k := doc.Resource(t, "aws_kms_key", "lit")
	r := doc.Resource(t, "aws_iam_role", "lit_role_lit-test-lambda-kms")
	sub := doc.Resource(t, "aws_sns_topic_subscription", "lit_alarms_email_0")
	filter := doc.Resource(t, "aws_cloudwatch_log_metric_filter", "lit_decrypt_volume")
	grant := doc.Resource(t, "aws_kms_grant", "lit_kms_grant_ctx")
	constraint := grant["constraints"].([]any)[0].(map[string]any)["encryption_context_equals"].(map[string]any)

	inputs := map[string]string{
		"description": k["description"].(string),
		"policy":      k["policy"].(string),
		"path":        r["path"].(string),
		"boundary":    r["permissions_boundary"].(string),
		"email":       sub["endpoint"].(string),
		"log_group":   filter["log_group_name"].(string),
		"context":     constraint["purpose"].(string),
	}
	got := terraformEvaluate(t, sources, inputs)

	resolve := func(s string) string {
		for tok, v := range tokens {
			s = strings.ReplaceAll(s, tok, v)
		}
		return s
	}
	want := map[string]string{
		"description": literals["description"],
		"policy":      resolve(key.Policy().Render()),
		"path":        literals["path"],
		"boundary":    literals["boundary"],
		"email":       literals["email"],
		"log_group":   values["trail"],
		"context":     literals["context"],
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: Terraform evaluated\n  %q\nto\n  %q\nwant\n  %q", name, inputs[name], got[name], w)
		}
	}
	for _, lit := range []string{literals["principal"], "arn:aws:iam::123456789012:role/a$" + values["role"], "${aws:username}", values["arn"]} {
		if !strings.Contains(got["policy"], lit) {
			t.Errorf("the policy Terraform evaluated does not hold %q:\n%s", lit, got["policy"])
		}
	}
}

// mustStatementsT parses key policy statements written as JSON.
func mustStatementsT(t *testing.T, raw ...string) []kms.PolicyStatement {
	t.Helper()
	var out []kms.PolicyStatement
	for _, r := range raw {
		s, err := kms.ParsePolicyStatement(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
