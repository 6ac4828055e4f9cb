package kms_test

import (
	"path"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

// grantPatterns are the access levels as AWS CDK's grants define them,
// written out from the issue, not taken from the package.
var grantPatterns = map[kms.Access][]string{
	kms.AccessEncrypt:        {"kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"},
	kms.AccessDecrypt:        {"kms:Decrypt"},
	kms.AccessEncryptDecrypt: {"kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Decrypt", "kms:DescribeKey"},
}

// wantActions expands grantPatterns over the documented KMS action list:
// the explicit actions each access level must allow, no more, no less.
var wantActions = func() map[kms.Access][]any {
	out := map[kms.Access][]any{}
	for access, patterns := range grantPatterns {
		var list []any
		for _, p := range patterns {
			for _, a := range kmscat.Names() {
				if ok, _ := path.Match(p, a); ok {
					list = append(list, a)
				}
			}
		}
		out[access] = list
	}
	return out
}()

func sortedAny(v []any) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = x.(string)
	}
	sort.Strings(out)
	return out
}

func TestAccessActionsAreTheGrantsWrittenOut(t *testing.T) {
	for access, want := range wantActions {
		var got []any
		for _, a := range kms.AccessActions(access) {
			got = append(got, a)
			if strings.Contains(a, "*") {
				t.Errorf("%s has the wildcard %s; IAM policies must list actions", access, a)
			}
		}
		if !reflect.DeepEqual(sortedAny(got), sortedAny(want)) {
			t.Errorf("%s actions %v, want %v", access, got, want)
		}
	}
}

func actionsAsList(v any) []any {
	if s, ok := v.(string); ok {
		return []any{s}
	}
	return v.([]any)
}

func TestPredefinedRolesAreLeastPrivilege(t *testing.T) {
	cfg := usageExample()
	cfg.Roles = []kms.RoleSpec{
		{Service: "lambda", Access: kms.AccessDecrypt},
		{Service: "ecs-tasks"},
		{Service: "lambda", Access: kms.AccessEncrypt, Name: "ingest-encrypt", Path: "/apps/",
			PermissionsBoundary: "arn:aws:iam::123456789012:policy/boundary",
			ManagedPolicyArns:   []string{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
			Tags:                map[string]string{"Team": "ingest"}},
	}
	k, doc := synthKey(t, cfg)

	roles := doc.Resources("aws_iam_role")
	policies := doc.Resources("aws_iam_role_policy")
	cases := []struct {
		tf, name, service string
		access            kms.Access
		condition         any
	}{
		{"kms_role_dev-dev-lambda-kms", "dev-dev-lambda-kms", "lambda.amazonaws.com", kms.AccessDecrypt, nil},
		{"kms_role_dev-dev-ecs-tasks-kms", "dev-dev-ecs-tasks-kms", "ecs-tasks.amazonaws.com", kms.AccessEncryptDecrypt, map[string]any{
			"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:ecs:eu-west-1:123456789012:*"},
			"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"},
		}},
		{"kms_role_ingest-encrypt", "ingest-encrypt", "lambda.amazonaws.com", kms.AccessEncrypt, nil},
	}
	if len(roles) != len(cases) || len(policies) != len(cases) {
		t.Fatalf("%d roles and %d policies, want %d each: %v", len(roles), len(policies), len(cases), doc.Addresses())
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			role := doc.Resource(t, "aws_iam_role", tc.tf)
			if role["name"] != tc.name {
				t.Errorf("name = %v, want %s", role["name"], tc.name)
			}
			trust := synthtest.JSONArg(t, role, "assume_role_policy").(map[string]any)
			stmts := trust["Statement"].([]any)
			if len(stmts) != 1 {
				t.Fatalf("trust policy has %d statements, want 1", len(stmts))
			}
			want := map[string]any{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"Service": tc.service}}
			if tc.condition != nil {
				want["Condition"] = tc.condition
			}
			if !reflect.DeepEqual(stmts[0], want) {
				t.Errorf("trust statement:\n got %v\nwant %v", stmts[0], want)
			}

			policy := doc.Resource(t, "aws_iam_role_policy", tc.tf+"_kms")
			if policy["role"] != synthtest.Ref("aws_iam_role."+tc.tf, "id") {
				t.Errorf("policy is on %v, want the role", policy["role"])
			}
			doc := synthtest.JSONArg(t, policy, "policy").(map[string]any)
			pstmts := doc["Statement"].([]any)
			if len(pstmts) != 1 {
				t.Fatalf("key policy of the role has %d statements, want 1", len(pstmts))
			}
			s := pstmts[0].(map[string]any)
			if s["Effect"] != "Allow" || s["Resource"] != synthtest.Ref("aws_kms_key.kms", "arn") {
				t.Errorf("statement %v: want Allow on this key's ARN only", s)
			}
			if got := actionsAsList(s["Action"]); !reflect.DeepEqual(sortedAny(got), sortedAny(wantActions[tc.access])) {
				t.Errorf("actions %v, want %v", got, wantActions[tc.access])
			}
		})
	}

	ingest := doc.Resource(t, "aws_iam_role", "kms_role_ingest-encrypt")
	if ingest["path"] != "/apps/" || ingest["permissions_boundary"] != "arn:aws:iam::123456789012:policy/boundary" ||
		!reflect.DeepEqual(ingest["tags"], map[string]any{"Team": "ingest"}) {
		t.Errorf("ingest role options: %v", ingest)
	}
	att := doc.Resource(t, "aws_iam_role_policy_attachment", "kms_role_ingest-encrypt_attach_AWSLambdaBasicExecutionRole")
	if att["policy_arn"] != "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" || att["role"] != synthtest.Ref("aws_iam_role.kms_role_ingest-encrypt", "name") {
		t.Errorf("attachment: %v", att)
	}

	if len(k.Roles()) != 3 || k.Roles()[1].Name != "dev-dev-ecs-tasks-kms" || k.Roles()[1].Arn() == nil {
		t.Errorf("Roles() accessors: %+v", k.Roles())
	}
	names := doc.Output(t, "kms_role_names")["value"]
	arns := doc.Output(t, "kms_role_arns")["value"].(map[string]any)
	if len(names.([]any)) != 3 || arns["ingest-encrypt"] != synthtest.Ref("aws_iam_role.kms_role_ingest-encrypt", "arn") {
		t.Errorf("role outputs: names %v arns %v", names, arns)
	}
	// The key policy does not change: IAM policies work through the
	// account-root statement.
	if n := len(policyOf(t, doc)); n != 4 {
		t.Errorf("key policy has %d statements with roles, want the original 4", n)
	}
}

func TestDefaultRoleNamesFitIAMsLimit(t *testing.T) {
	cfg := usageExample()
	cfg.NamePrefix = strings.Repeat("p", 40)
	cfg.Environment = strings.Repeat("e", 30)
	cfg.Roles = []kms.RoleSpec{{Service: "ecs-tasks"}, {Service: "lambda"}}
	k, _ := synthKey(t, cfg)
	seen := map[string]bool{}
	for _, r := range k.Roles() {
		if len(r.Name) > 64 {
			t.Errorf("default role name %q is %d characters, over 64", r.Name, len(r.Name))
		}
		if !strings.HasPrefix(r.Name, strings.Repeat("p", 40)+"-") {
			t.Errorf("default role name %q does not start with the prefix", r.Name)
		}
		if seen[r.Name] {
			t.Errorf("two roles named %q", r.Name)
		}
		seen[r.Name] = true
	}
}

func TestRoleErrors(t *testing.T) {
	cases := []struct {
		name  string
		roles []kms.RoleSpec
		want  string
	}{
		{"unknown service", []kms.RoleSpec{{Service: "ec2"}}, `Roles[0].Service: "ec2": must be one of ecs-tasks, lambda`},
		{"empty service", []kms.RoleSpec{{}}, `Roles[0].Service: empty value: must be one of`},
		{"unknown access", []kms.RoleSpec{{Service: "lambda", Access: "superuser"}}, `Roles[0].Access: "superuser": must be one of admin, decrypt, derive_shared_secret, encrypt, encrypt_decrypt, generate_mac, sign, sign_verify, verify, verify_mac`},
		{"access that does not fit the key", []kms.RoleSpec{{Service: "lambda", Access: kms.AccessSign}}, `Roles[0].Access: "sign": does not fit the key: sign is for SIGN_VERIFY keys`},
		{"name too long", []kms.RoleSpec{{Service: "lambda", Name: strings.Repeat("r", 65)}}, "Roles[0].Name"},
		{"name with space", []kms.RoleSpec{{Service: "lambda", Name: "my role"}}, `Roles[0].Name: "my role": IAM role names may hold`},
		{"same default name", []kms.RoleSpec{{Service: "lambda"}, {Service: "lambda", Access: kms.AccessDecrypt}}, `Roles[1].Name: "dev-dev-lambda-kms": roles[0] has the same name`},
		{"bad path", []kms.RoleSpec{{Service: "lambda", Path: "apps"}}, `Roles[0].Path: "apps"`},
		{"bad boundary", []kms.RoleSpec{{Service: "lambda", PermissionsBoundary: "boundary"}}, `Roles[0].PermissionsBoundary: "boundary": must be a managed policy ARN`},
		{"boundary in another partition", []kms.RoleSpec{{Service: "lambda", PermissionsBoundary: "arn:aws-cn:iam::aws:policy/x"}}, `partition "aws-cn"`},
		{"bad managed policy", []kms.RoleSpec{{Service: "lambda", ManagedPolicyArns: []string{"arn:aws:iam::123456789012:role/x"}}}, `Roles[0].ManagedPolicyArns[0]`},
		{"wildcard managed policy", []kms.RoleSpec{{Service: "lambda", ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/*"}}}, `wildcards`},
		{"duplicate managed policy", []kms.RoleSpec{{Service: "lambda", ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}}, `Roles[0].ManagedPolicyArns[1]`},
		{"reserved tag", []kms.RoleSpec{{Service: "lambda", Tags: map[string]string{"aws:x": "y"}}}, `Roles[0].Tags.aws:x`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := usageExample()
			cfg.Roles = tc.roles
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestGrantsOnExistingRoles(t *testing.T) {
	stack := synthtest.NewStack(t)
	cfg := usageExample()
	cfg.Aliases = []string{"granted"}
	k := mustKey(t, stack, "kms", cfg)
	if _, err := k.GrantEncrypt(kms.RoleGrantee("app-writer")); err != nil {
		t.Fatal(err)
	}
	if _, err := k.GrantDecrypt(kms.RoleGrantee("arn:aws:iam::123456789012:role/service-role/app-reader")); err != nil {
		t.Fatal(err)
	}
	if _, err := k.GrantEncryptDecrypt(kms.RoleGrantee("app-both")); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	cases := map[string]struct {
		role   string
		access kms.Access
	}{
		"kms_grant_app-writer_encrypt":       {"app-writer", kms.AccessEncrypt},
		"kms_grant_app-reader_decrypt":       {"app-reader", kms.AccessDecrypt},
		"kms_grant_app-both_encrypt_decrypt": {"app-both", kms.AccessEncryptDecrypt},
	}
	for tf, want := range cases {
		p := doc.Resource(t, "aws_iam_role_policy", tf)
		if p["role"] != want.role {
			t.Errorf("%s is on role %v, want %s", tf, p["role"], want.role)
		}
		s := synthtest.JSONArg(t, p, "policy").(map[string]any)["Statement"].([]any)[0].(map[string]any)
		if s["Resource"] != synthtest.Ref("aws_kms_key.kms", "arn") || !reflect.DeepEqual(sortedAny(actionsAsList(s["Action"])), sortedAny(wantActions[want.access])) {
			t.Errorf("%s statement %v", tf, s)
		}
	}
}

func TestGrantErrors(t *testing.T) {
	stack := synthtest.NewStack(t)
	k := mustKey(t, stack, "kms", usageExample())
	cases := map[string]string{
		"":                                   "must be a role name",
		"a b":                                "must be a role name",
		"*":                                  "wildcards",
		strings.Repeat("r", 65):              "at most 64",
		"arn:aws:s3:::bucket":                "must be a role, user or group name, or an ARN",
		"arn:aws:iam::123456789012:policy/p": "must be a role, user or group name, or an ARN",
		"arn:aws-cn:iam::123456789012:role/other": `partition "aws-cn"`,
		"arn:aws:iam::210987654321:group/admins":  "key policies cannot name groups",
	}
	for role, want := range cases {
		grantee := kms.RoleGrantee(role)
		if strings.HasPrefix(role, "arn:") {
			grantee = kms.ArnGrantee(role)
		}
		if _, err := k.GrantDecrypt(grantee); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("GrantDecrypt(%q) = %v, want an error with %q", role, err, want)
		}
	}
	if _, err := k.Grant(kms.RoleGrantee("app"), "superuser"); err == nil || !strings.Contains(err.Error(), `access: "superuser": must be one of`) {
		t.Errorf("Grant with access superuser: %v", err)
	}
	if _, err := k.Grant(kms.RoleGrantee("app"), kms.AccessSign); err == nil || !strings.Contains(err.Error(), `access: "sign": does not fit the key`) {
		t.Errorf("Grant sign on a symmetric key: %v", err)
	}
	if _, err := k.GrantAdmin(kms.RoleGrantee("arn:aws:iam::210987654321:role/ops")); err == nil || !strings.Contains(err.Error(), "trusted_account_ids") {
		t.Errorf("admin grant to another account without trust: %v", err)
	}
	if _, err := k.GrantActions(kms.RoleGrantee("app"), "kms:Decrypt", "kms:Re*"); err == nil || !strings.Contains(err.Error(), `actions[1]: "kms:Re*": wildcards are not allowed`) {
		t.Errorf("explicit actions with a wildcard: %v", err)
	}
	if _, err := k.GrantActions(kms.RoleGrantee("app"), "kms:Decrpyt"); err == nil || !strings.Contains(err.Error(), "not a documented KMS action") {
		t.Errorf("explicit misspelt action: %v", err)
	}
	if _, err := k.GrantDecrypt(kms.RoleGrantee("app")); err != nil {
		t.Fatal(err)
	}
	// One message for the one cause (not one per name the grant takes).
	want := `grantee: "app": IAM role app already has decrypt access on this key (aws_iam_role_policy.kms_grant_app_decrypt, inline policy kms-` + *stack.Node().Id() + `-kms-decrypt); grant it once`
	if _, err := k.GrantDecrypt(kms.RoleGrantee("app")); err == nil || err.Error() != want {
		t.Errorf("second identical grant: %v\nwant %s", err, want)
	}
	if got := synthtest.Synth(t, stack).Resources("aws_iam_role_policy"); len(got) != 1 {
		t.Errorf("refused grants added policies: %v", got)
	}
	if n := len(k.Policy().Statement); n != 4 {
		t.Errorf("refused grants changed the key policy: %d statements", n)
	}
}
