package policylint

import (
	"sort"
	"strings"
	"testing"
)

var ctx = Context{Partition: "aws", Account: "123456789012"}

const rootStatement = `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}`

func doc(statements ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ",") + `]}`
}

func TestActionListHasNoDuplicatesAndIsSorted(t *testing.T) {
	for name, list := range map[string][]string{"kms_actions.txt": KMSActions(), "kms_condition_keys.txt": KMSConditionKeys()} {
		seen := map[string]bool{}
		for _, a := range list {
			if seen[strings.ToLower(a)] {
				t.Errorf("%s lists %s twice", name, a)
			}
			seen[strings.ToLower(a)] = true
		}
		if !sort.StringsAreSorted(list) {
			t.Errorf("%s is not sorted", name)
		}
		if len(list) < 30 {
			t.Errorf("%s has only %d entries", name, len(list))
		}
	}
}

func TestCleanPoliciesHaveNoFindings(t *testing.T) {
	cases := map[string]string{
		"original module": doc(rootStatement,
			`{"Effect": "Allow", "Principal": {"Service": "logs.eu-west-1.amazonaws.com"}, "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"}`,
			`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"}, "Action": ["kms:Decrypt"], "Resource": "*"}`),
		"administrators instead of root": doc(
			`{"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:role/kms-admin"]}, "Action": ["kms:Create*", "kms:Put*", "kms:Describe*"], "Resource": "*"}`),
		"conditions": doc(rootStatement,
			`{"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`,
			`{"Sid": "ViaS3", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
			  "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": "123456789012"},
			                "ForAnyValue:StringLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b/*"},
			                "StringEqualsIfExists": {"aws:PrincipalTag/team": "a"}}}`),
		"unconditioned deny for everyone": doc(rootStatement, `{"Effect": "Deny", "Principal": "*", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}`),
		"bare account id":                 doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "210987654321"}, "Action": "kms:Decrypt", "Resource": "*"}`),
	}
	for name, policy := range cases {
		if f := Lint(policy, ctx); len(f) != 0 {
			t.Errorf("%s: unexpected findings %v", name, f)
		}
	}
}

func TestEachRuleFindsItsProblem(t *testing.T) {
	cases := []struct {
		name   string
		policy string
		ctx    Context
		want   string
	}{
		{"misspelt action", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Decrpyt", "Resource": "*"}`), ctx,
			`statement 2: action "kms:Decrpyt" is not a KMS action`},
		{"wildcard matching nothing", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Frobnicate*", "Resource": "*"}`), ctx,
			`action "kms:Frobnicate*" matches no KMS action`},
		{"other service action", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "s3:GetObject", "Resource": "*"}`), ctx,
			`action "s3:GetObject" is not a KMS action`},
		{"wildcard principal", doc(rootStatement, `{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`statement 2: Principal AWS "*" without a Condition allows everyone`},
		{"aws wildcard principal", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`Principal AWS "*" without a Condition`},
		{"partial wildcard principal", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app-*"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`wildcards are not allowed in principals`},
		{"short account", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1234:root"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`not an IAM or STS ARN with a 12-digit account`},
		{"other partition", doc(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}`), Context{"aws-cn", "123456789012"},
			`is in partition "aws", not the key's "aws-cn"`},
		{"bad service principal", doc(rootStatement, `{"Effect": "Allow", "Principal": {"Service": "s3"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`Principal Service "s3" is not a service principal ending in .amazonaws.com`},
		{"unknown operator", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEqual": {"kms:ViaService": "x"}}}`), ctx,
			`condition operator "StringEqual" is not an IAM condition operator`},
		{"unknown kms key", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaServices": "x"}}}`), ctx,
			`condition key "kms:ViaServices" is not a known`},
		{"unknown global key", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAcount": "x"}}}`), ctx,
			`condition key "aws:SourceAcount"`},
		{"duplicate sid", doc(`{"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}`,
			`{"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`statement 2 (Sid "A"): duplicates the Sid of statement 1`},
		{"too large", doc(rootStatement, `{"Sid": "`+strings.Repeat("a", MaxBytes)+`", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`over AWS's limit of 32768`},
		{"lockout", doc(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`no statement keeps the key manageable`},
		{"root of another account only", doc(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "kms:*", "Resource": "*"}`), ctx,
			`no statement keeps the key manageable`},
		{"conditioned root only", doc(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}`), ctx,
			`no statement keeps the key manageable`},
		{"deny lockout", doc(rootStatement, `{"Effect": "Deny", "Principal": "*", "Action": "kms:Put*", "Resource": "*"}`), ctx,
			`statement 2: denies kms:PutKeyPolicy to everyone`},
		{"other resource", doc(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "arn:aws:kms:eu-west-1:123456789012:key/x"}`), ctx,
			`statement 1: Resource [arn:aws:kms:eu-west-1:123456789012:key/x] must be "*"`},
		{"bad effect", doc(`{"Effect": "allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}`), ctx,
			`Effect "allow" must be Allow or Deny`},
		{"not principal", doc(rootStatement, `{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}`), ctx,
			`element NotPrincipal is not supported`},
		{"no version", `{"Statement": [` + rootStatement + `]}`, ctx, `Version "" must be 2012-10-17`},
		{"not json", `{`, ctx, `not a JSON policy document`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := Lint(tc.policy, tc.ctx)
			var all []string
			for _, f := range findings {
				all = append(all, f.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Errorf("findings %q do not include %q", all, tc.want)
			}
		})
	}
}
