package kms_test

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TestWholeListReferencesAreAccepted: a Terraform list(string) given as a
// whole (a variable's ListValue, an element of cdktf.Token_AsList) is
// accepted in every list of principals, mixed with literals and string
// references, and reaches the policy as jsonencode(...) of its elements,
// never as a list inside a string template (which Terraform refuses).
// Grants to a list are made once per element.
func TestWholeListReferencesAreAccepted(t *testing.T) {
	stack := synthtest.NewStack(t)
	readers := cdktf.NewTerraformVariable(stack, jsii.String("reader_arns"), &cdktf.TerraformVariableConfig{Type: jsii.String("list(string)")})
	list := *(*readers.ListValue())[0]
	asList := *(*cdktf.Token_AsList(readers.Value(), nil))[0]
	role := iamrole.NewIamRole(stack, jsii.String("app"), &iamrole.IamRoleConfig{AssumeRolePolicy: jsii.String("{}")})
	cfg := usageExample()
	cfg.AdditionalPrincipals = []string{"arn:aws:iam::123456789012:role/a", list}
	cfg.KeyUsers = []string{"arn:aws:iam::123456789012:role/b", *role.Arn(), asList}
	cfg.KeyAdministrators = []string{list}
	cfg.KmsGrants = []kms.KmsGrantSpec{{Name: "readers", GranteePrincipal: list, Operations: []string{"Decrypt"}}}
	key := mustKey(t, stack, "kms", cfg)
	if _, err := key.GrantDecrypt(kms.RoleGrantee(list)); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	policy := doc.Resource(t, "aws_kms_key", "kms")["policy"].(string)
	for _, want := range []string{
		// one statement for the whole list among the additional principals
		`"Principal":{"AWS":${jsonencode(var.reader_arns)}}`,
		// literals and references first, in order, then the list
		`"Principal":{"AWS":${jsonencode(concat(["arn:aws:iam::123456789012:role/b", aws_iam_role.app.arn], var.reader_arns))}}`,
		`"Principal":{"AWS":"arn:aws:iam::123456789012:role/a"}`,
	} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy does not hold %s:\n%s", want, policy)
		}
	}
	if strings.Contains(policy, `"${var.reader_arns}"`) || strings.Contains(policy, "TfToken") {
		t.Errorf("the list is put into a string template, or a marker is left:\n%s", policy)
	}
	// A statement that names only the list gets a precondition: AWS
	// refuses a statement without principals, the plan says which field.
	lc, _ := doc.Resource(t, "aws_kms_key", "kms")["lifecycle"].(map[string]any)
	pre, _ := lc["precondition"].([]any)
	var conditions []string
	for _, p := range pre {
		m := p.(map[string]any)
		conditions = append(conditions, m["condition"].(string)+" "+m["error_message"].(string))
	}
	// The reach checks of the references follow (TestReferencesMeetTheReachRulesAtPlan).
	for i, c := range conditions {
		if strings.Contains(c, "names principals of statement") {
			conditions = conditions[:i]
			break
		}
	}
	if len(conditions) != 2 || !strings.HasPrefix(conditions[0], "${(length(var.reader_arns) >= 1)} additional_principals[1]: the list reference") ||
		!strings.HasPrefix(conditions[1], "${(length(var.reader_arns) >= 1)} key_administrators: the list reference") {
		t.Errorf("preconditions %q; want one for additional_principals[1] and one for key_administrators", conditions)
	}
	grant := doc.Resource(t, "aws_kms_grant", "kms_kms_grant_readers")
	if grant["for_each"] != "${toset(var.reader_arns)}" && grant["for_each"] != "${var.reader_arns}" || grant["grantee_principal"] != "${each.value}" {
		t.Errorf("native grant to a list: for_each %v, grantee %v", grant["for_each"], grant["grantee_principal"])
	}
	var inline map[string]any
	for name, r := range doc.Resources("aws_iam_role_policy") {
		if strings.HasPrefix(name, "kms_grant_ref_") {
			inline = r
		}
	}
	if inline == nil || inline["role"] != `${regex("[^/]+$", each.value)}` {
		t.Errorf("grant to a list of roles: %v", inline)
	}
}

// TestListReferencesWhereOneStringIsTaken: a whole list where one string
// is taken is refused with advice that gives one element.
func TestListReferencesWhereOneStringIsTaken(t *testing.T) {
	stack := synthtest.NewStack(t)
	readers := cdktf.NewTerraformVariable(stack, jsii.String("names"), &cdktf.TerraformVariableConfig{Type: jsii.String("list(string)")})
	list := *(*readers.ListValue())[0]
	cfg := usageExample()
	cfg.Description = list
	cfg.Monitoring = &kms.MonitoringConfig{CloudtrailLogGroupName: list, AlarmEmails: []string{list}}
	cfg.Roles = []kms.RoleSpec{{Service: "lambda", ManagedPolicyArns: []string{list}}}
	err := cfg.Validate()
	for _, want := range []string{
		"Monitoring.AlarmEmails[0]: " + `"` + list + `": holds a cdktf list token (a whole list) where one string is taken`,
		"Roles[0].ManagedPolicyArns[0]: " + `"` + list + `": holds a cdktf list token (a whole list) where one string is taken`,
		"Description: " + `"` + list + `": holds a cdktf list token (a whole list) where one string is taken; give one element, for example cdktf.Token_AsString(cdktf.Fn_Element(list, jsii.Number(0)), nil)`,
		"Monitoring.CloudtrailLogGroupName",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v\nwant %q", err, want)
		}
	}
}
