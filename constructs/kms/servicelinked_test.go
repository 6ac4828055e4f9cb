package kms_test

import (
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

const autoscalingSLR = "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"

// TestServiceLinkedRolesTheKeyNames: AWS refuses a key policy naming a
// principal that does not exist, and a service-linked role exists only
// once its service made it. Without create_service_linked_roles the key
// warns; with it, the stack creates the role and the key waits for it.
func TestServiceLinkedRolesTheKeyNames(t *testing.T) {
	cfg := &kms.KmsKeyConfig{AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "ebs", Environment: "ebs",
		KeyServiceRolesForAutoscaling: []string{autoscalingSLR}}
	_, doc := synthKey(t, cfg)
	if len(doc.Resources("aws_iam_service_linked_role")) != 0 {
		t.Errorf("a service-linked role was created without create_service_linked_roles")
	}
	if w := strings.Join(cfg.Warnings(), "\n"); !strings.Contains(w, "key_service_roles_for_autoscaling[0] names the service-linked role "+autoscalingSLR+": AWS refuses a key policy or grant that names a principal that does not exist") ||
		!strings.Contains(w, "set create_service_linked_roles") {
		t.Errorf("no warning about the service-linked role: %q", w)
	}

	cfg.CreateServiceLinkedRoles = true
	cfg.KeyUsers = []string{"arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_ebs",
		"arn:aws:iam::210987654321:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"}
	k, doc := synthKey(t, cfg)
	slrs := doc.Resources("aws_iam_service_linked_role")
	plain, suffixed := slrs["kms_slr_AWSServiceRoleForAutoScaling"], slrs["kms_slr_AWSServiceRoleForAutoScaling_ebs"]
	if len(slrs) != 2 || plain["aws_service_name"] != "autoscaling.amazonaws.com" || plain["custom_suffix"] != nil ||
		suffixed["aws_service_name"] != "autoscaling.amazonaws.com" || suffixed["custom_suffix"] != "ebs" {
		t.Fatalf("service-linked roles: %v", slrs)
	}
	deps := doc.Resource(t, "aws_kms_key", "kms")["depends_on"]
	if !strings.Contains(strings.Join(toStrings(deps), ","), "aws_iam_service_linked_role.kms_slr_AWSServiceRoleForAutoScaling") {
		t.Errorf("the key does not wait for the roles: depends_on %v", deps)
	}
	if w := strings.Join(k.Warnings(), "\n"); !strings.Contains(w, "of account 210987654321") || strings.Contains(w, "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling:") {
		t.Errorf("warnings %q; want one for the other account's role only", w)
	}

	bad := &kms.KmsKeyConfig{AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "x", Environment: "x", CreateServiceLinkedRoles: true,
		KeyUsers: []string{"arn:aws:iam::123456789012:role/aws-service-role/elasticbeanstalk.amazonaws.com/custom-name"}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "KeyUsers[0]") || !strings.Contains(err.Error(), "cannot create it") {
		t.Errorf("a service-linked role the construct cannot create: %v", err)
	}
}

func toStrings(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// TestServiceLinkedRolesOfGrantsAndAddedStatements: a native grant may name
// a service-linked role (it is an IAM role, not a service principal), and a
// statement added after construction that names one creates it too, or
// draws the warning.
func TestServiceLinkedRolesOfGrantsAndAddedStatements(t *testing.T) {
	cfg := &kms.KmsKeyConfig{AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "ebs", Environment: "ebs",
		KmsGrants: []kms.KmsGrantSpec{{Name: "asg", GranteePrincipal: autoscalingSLR, RetiringPrincipal: "arn:aws:iam::123456789012:user/bob.amazonaws.com", Operations: []string{"Decrypt"}}}}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("a grant to a service-linked role (and a user whose name ends in .amazonaws.com): %v", err)
	}
	if w := strings.Join(cfg.Warnings(), "\n"); !strings.Contains(w, "kms_grants[0].grantee_principal names the service-linked role") {
		t.Errorf("no warning for the grant's service-linked role: %q", w)
	}

	cfg = &kms.KmsKeyConfig{AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "x", Environment: "x", CreateServiceLinkedRoles: true}
	stack := synthtest.NewStack(t)
	key := mustKey(t, stack, "kms", cfg)
	suffixed := autoscalingSLR + "_custom"
	if err := key.AddToResourcePolicy(kms.PolicyStatement{Effect: "Allow", Principal: map[string]kms.OneOrMany{"AWS": {suffixed}},
		Action: kms.OneOrMany{"kms:Decrypt"}, Resource: kms.OneOrMany{"*"}}); err != nil {
		t.Fatal(err)
	}
	other := "arn:aws:iam::999999999999:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	if _, err := key.GrantDecrypt(kms.RoleGrantee(other)); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	slr := doc.Resource(t, "aws_iam_service_linked_role", "kms_slr_AWSServiceRoleForAutoScaling_custom")
	if slr["custom_suffix"] != "custom" {
		t.Errorf("service-linked role of the added statement: %v", slr)
	}
	if deps := strings.Join(toStrings(doc.Resource(t, "aws_kms_key", "kms")["depends_on"]), ","); !strings.Contains(deps, "aws_iam_service_linked_role.kms_slr_AWSServiceRoleForAutoScaling_custom") {
		t.Errorf("the key does not wait for it: %s", deps)
	}
	if w := strings.Join(key.Warnings(), "\n"); !strings.Contains(w, "names the service-linked role "+other+" of account 999999999999") {
		t.Errorf("no warning for the other account's role of a grant: %q", w)
	}
}
