package tests

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TestListReferencesSurviveTerraform lets the real terraform evaluate a key
// policy whose principal lists hold a whole Terraform list (the output of a
// terraform_data resource, as a list(string) variable or a data source's
// list attribute would be), mixed with literals and a string reference:
// the policy Terraform renders is JSON with every element of the list in
// place. The description takes one element, as the construct's error
// message advises for fields that take one string.
func TestListReferencesSurviveTerraform(t *testing.T) {
	terraformBinary(t)
	stack := synthtest.NewStack(t)
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	readers := []string{"arn:aws:iam::123456789012:role/reader-1", "arn:aws:iam::210987654321:role/reader-2"}
	trails := []string{"arn:aws:cloudtrail:eu-west-1:123456789012:trail/a", "arn:aws:cloudtrail:eu-west-1:123456789012:trail/b"}
	sources := map[string]any{
		"src_readers": map[string]any{"input": map[string]any{"v": readers}},
		"src_trails":  map[string]any{"input": map[string]any{"v": trails}},
		"src_app":     map[string]any{"input": map[string]any{"v": "arn:aws:iam::123456789012:role/app"}},
	}
	list := func(name string) string {
		input := sources[name].(map[string]any)["input"].(map[string]any)
		td := cdktf.NewDataResource(stack, jsii.String(name), &cdktf.DataConfig{Input: &input})
		return *(*cdktf.Token_AsList(cdktf.Fn_Lookup(td.Output(), jsii.String("v"), nil), nil))[0]
	}
	readersList, trailsList := list("src_readers"), list("src_trails")
	app := cdktf.NewDataResource(stack, jsii.String("src_app"), &cdktf.DataConfig{Input: &map[string]any{"v": "arn:aws:iam::123456789012:role/app"}})
	appArn := *cdktf.Token_AsString(cdktf.Fn_Lookup(app.Output(), jsii.String("v"), nil), nil)

	key, err := kms.NewKmsKey(stack, "lists", &kms.KmsKeyConfig{
		AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "lists", Environment: "test",
		Description:                 *cdktf.Token_AsString(cdktf.Fn_Element(&[]*string{&readersList}, jsii.Number(0)), nil),
		AdditionalPrincipals:        []string{"arn:aws:iam::123456789012:role/first", readersList},
		KeyUsers:                    []string{"arn:aws:iam::123456789012:role/user", appArn, readersList},
		KeyAdministrators:           []string{readersList},
		ServicePrincipals:           []string{"cloudtrail.amazonaws.com"},
		ServicePrincipalsSourceArns: []string{trailsList},
		TrustedAccountIds:           []string{"210987654321"},
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	k := doc.Resource(t, "aws_kms_key", "lists")
	got := terraformEvaluate(t, sources, map[string]string{"policy": k["policy"].(string), "description": k["description"].(string)})

	if got["description"] != readers[0] {
		t.Errorf("description: Terraform evaluated %q to %q, want %q", k["description"], got["description"], readers[0])
	}
	var policy struct {
		Statement []struct {
			Sid       string
			Principal map[string]any
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(got["policy"]), &policy); err != nil {
		t.Fatalf("the policy Terraform rendered is not JSON: %v\n%s", err, got["policy"])
	}
	// The statements in the construct's order: root, logs, one per
	// additional principal (the list is one), the service principals, the
	// administrators, the users.
	want := []struct {
		sid       string
		principal any
	}{
		{"", "arn:aws:iam::123456789012:root"},
		{"", nil},
		{"", "arn:aws:iam::123456789012:role/first"},
		{"", []any{readers[0], readers[1]}},
		{kms.SidServicePrincipals, nil},
		{kms.SidKeyAdministrators, []any{readers[0], readers[1]}},
		{kms.SidKeyUsers, []any{"arn:aws:iam::123456789012:role/user", "arn:aws:iam::123456789012:role/app", readers[0], readers[1]}},
	}
	if len(policy.Statement) != len(want) {
		t.Fatalf("%d statements, want %d:\n%s", len(policy.Statement), len(want), got["policy"])
	}
	for i, w := range want {
		s := policy.Statement[i]
		if s.Sid != w.sid || (w.principal != nil && !reflect.DeepEqual(s.Principal["AWS"], w.principal)) {
			t.Errorf("statement %d: Sid %q, principal %v; want %q, %v", i+1, s.Sid, s.Principal["AWS"], w.sid, w.principal)
		}
	}
	if arns := policy.Statement[4].Condition["ArnLike"]["aws:SourceArn"]; !reflect.DeepEqual(arns, []any{trails[0], trails[1]}) {
		t.Errorf("service principals' aws:SourceArn = %v, want %v", arns, trails)
	}
	if key.Policy().Statement[3].Principal["AWS"][0] != readersList {
		t.Errorf("KmsKey.Policy() does not show the list reference in the statement of the list")
	}
}
