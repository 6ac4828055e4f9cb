package policylint

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var ctx = Context{Partition: "aws", Account: "123456789012"}

const rootStatement = `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}`

func doc(statements ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ",") + `]}`
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
			`statement 2: Principal AWS "*" in an Allow needs a condition that pins the caller`},
		{"aws wildcard principal", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`Principal AWS "*" in an Allow needs a condition`},
		{"partial wildcard principal", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app-*"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`wildcards are not allowed in principals`},
		{"short account", doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1234:root"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`account id "1234" must be exactly 12 digits`},
		{"other partition", doc(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}`), Context{Partition: "aws-cn", Account: "123456789012"},
			`is in partition "aws" but the key's region is in partition "aws-cn"`},
		{"bad service principal", doc(rootStatement, `{"Effect": "Allow", "Principal": {"Service": "s3"}, "Action": "kms:Decrypt", "Resource": "*"}`), ctx,
			`Principal Service "s3": must be an AWS service principal`},
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

// reachCases are the ways issue 12 found to hand the key to the wrong
// people, and variants; each must be found.
func TestWhoCanReachTheKey(t *testing.T) {
	const (
		otherRoot = `"arn:aws:iam::999999999999:root"`
		allow     = `{"Effect": "Allow", "Principal": %s, "Action": %s, "Resource": "*"%s}`
	)
	st := func(principal, action, condition string) string {
		if condition != "" {
			condition = `, "Condition": ` + condition
		}
		return fmt.Sprintf(allow, principal, action, condition)
	}
	refused := []struct {
		name, statement, want string
	}{
		{"wildcard under SecureTransport", st(`{"AWS": "*"}`, `"kms:*"`, `{"Bool": {"aws:SecureTransport": "true"}}`), `needs a condition that pins the caller`},
		{"wildcard under StringLike PrincipalArn *", st(`{"AWS": "*"}`, `"kms:Decrypt"`, `{"StringLike": {"aws:PrincipalArn": "*"}}`), `needs a condition that pins the caller`},
		{"wildcard under StringLike account", st(`"*"`, `"kms:Decrypt"`, `{"StringLike": {"aws:PrincipalAccount": "123456789012"}}`), `needs a condition that pins the caller`},
		{"wildcard under IfExists", st(`"*"`, `"kms:Decrypt"`, `{"StringEqualsIfExists": {"aws:PrincipalAccount": "123456789012"}}`), `needs a condition that pins the caller`},
		{"wildcard under a wildcard account", st(`"*"`, `"kms:Decrypt"`, `{"StringEquals": {"aws:PrincipalAccount": "12345678901*"}}`), `needs a condition that pins the caller`},
		{"wildcard under a reference", st(`"*"`, `"kms:Decrypt"`, `{"StringEquals": {"aws:PrincipalOrgID": "${TfToken[TOKEN.3]}"}}`), `needs a condition that pins the caller`},
		{"wildcard under ViaService alone", st(`"*"`, `"kms:Decrypt"`, `{"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}`), `needs a condition that pins the caller`},
		{"wildcard pinned to a stranger", st(`"*"`, `"kms:Decrypt"`, `{"StringEquals": {"aws:PrincipalAccount": "999999999999"}}`), `pinned to account 999999999999`},
		{"wildcard pinned to an org with kms:*", st(`"*"`, `"kms:*"`, `{"StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}`), `pinned only to an organization gets management actions`},
		// aws:SourceAccount is sent only by a service acting for the account:
		// it lets every AWS service in, which gets usage only.
		{"wildcard pinned by aws:SourceAccount with management", st(`"*"`, `["kms:CreateGrant", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"]`, `{"StringEquals": {"aws:SourceAccount": "123456789012"}}`), `pinned only by aws:SourceAccount reaches any AWS service acting for the account and gets management actions`},
		{"kms:* to another account's root", st(`{"AWS": `+otherRoot+`}`, `"kms:*"`, ``), `in account 999999999999 management actions`},
		{"admin actions to another account's role", st(`{"AWS": ["arn:aws:iam::999999999999:role/admin"]}`, `["kms:Put*", "kms:ScheduleKeyDeletion"]`, ``), `list 999999999999 in trusted_account_ids`},
		{"create grant to a bare account id", st(`{"AWS": "999999999999"}`, `"kms:CreateGrant"`, ``), `kms:CreateGrant`},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			var all []string
			for _, f := range Lint(doc(rootStatement, tc.statement), ctx) {
				all = append(all, f.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Errorf("findings %q do not include %q", all, tc.want)
			}
		})
	}
	accepted := map[string]string{
		"usage to another account (additional_principals)": st(`{"AWS": `+otherRoot+`}`, `["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]`, ``),
		"wildcard pinned to this account":                  st(`"*"`, `"kms:Decrypt"`, `{"StringEquals": {"aws:PrincipalAccount": "123456789012"}}`),
		"wildcard pinned by kms:CallerAccount and ViaService": st(`"*"`, `"kms:Decrypt"`,
			`{"StringEquals": {"kms:CallerAccount": "123456789012", "kms:ViaService": "ec2.eu-west-1.amazonaws.com"}}`),
		"wildcard pinned to an org for usage":            st(`"*"`, `"kms:Decrypt"`, `{"StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}`),
		"wildcard pinned to a trusted account":           st(`"*"`, `"kms:*"`, `{"StringEquals": {"aws:PrincipalAccount": ["123456789012", "210987654321"]}}`),
		"wildcard pinned by aws:SourceAccount for usage": st(`"*"`, `["kms:Decrypt", "kms:GenerateDataKey*"]`, `{"StringEquals": {"aws:SourceAccount": "123456789012"}}`),
		"management to a trusted account":                st(`{"AWS": "arn:aws:iam::210987654321:role/admin"}`, `["kms:Put*"]`, ``),
		"a reference is not checked":                     st(`{"AWS": "${TfToken[TOKEN.7]}"}`, `"kms:Decrypt"`, ``),
	}
	trusted := Context{Partition: "aws", Account: "123456789012", TrustedAccounts: []string{"210987654321"}}
	for name, statement := range accepted {
		if f := Lint(doc(rootStatement, statement), trusted); len(f) != 0 {
			t.Errorf("%s: unexpected findings %v", name, f)
		}
	}
}

func TestDenyStatementsThatMayLockEveryoneOut(t *testing.T) {
	deny := func(principal, action, condition string) string {
		s := `{"Effect": "Deny", "Principal": ` + principal + `, "Action": ` + action + `, "Resource": "*"`
		if condition != "" {
			s += `, "Condition": ` + condition
		}
		return s + "}"
	}
	locks := map[string]string{
		"Null PrincipalArn false (true for every signed request)": deny(`"*"`, `"kms:*"`, `{"Null": {"aws:PrincipalArn": "false"}}`),
		"MFA present false":                       deny(`"*"`, `"kms:PutKeyPolicy"`, `{"Bool": {"aws:MultiFactorAuthPresent": "false"}}`),
		"not via a service":                       deny(`{"AWS": "arn:aws:iam::123456789012:root"}`, `"kms:Put*"`, `{"StringNotEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}`),
		"exempting someone who cannot manage":     deny(`"*"`, `"kms:*"`, `{"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/app"}}`),
		"exemption through a reference":           deny(`"*"`, `"kms:*"`, `{"ArnNotEquals": {"aws:PrincipalArn": "${TfToken[TOKEN.1]}"}}`),
		"exemption in a ForAnyValue set operator": deny(`"*"`, `"kms:*"`, `{"ForAnyValue:StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:root"}}`),
		"denied to the account id":                deny(`{"AWS": "123456789012"}`, `"kms:PutKeyPolicy"`, `{"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}`),
	}
	for name, statement := range locks {
		var all []string
		for _, f := range Lint(doc(rootStatement, statement), ctx) {
			all = append(all, f.String())
		}
		if !strings.Contains(strings.Join(all, "\n"), "statement 2: denies kms:PutKeyPolicy") {
			t.Errorf("%s: not found as a lockout: %q", name, all)
		}
	}
	admin := `{"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/kms-admin"}, "Action": ["kms:Put*", "kms:Describe*"], "Resource": "*"}`
	safe := map[string]string{
		"root exempt by ARN":        deny(`"*"`, `"kms:*"`, `{"StringNotEquals": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/x"]}}`),
		"administrator exempt":      deny(`"*"`, `"kms:*"`, `{"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/kms-admin"}}`),
		"administrators by pattern": deny(`"*"`, `"kms:*"`, `{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/kms-*"}}`),
		"the whole account exempt":  deny(`"*"`, `"kms:*"`, `{"StringNotEquals": {"aws:PrincipalAccount": "123456789012"}}`),
		"only plain HTTP denied":    deny(`"*"`, `"kms:*"`, `{"Bool": {"aws:SecureTransport": "false"}}`),
		"PutKeyPolicy not denied":   deny(`"*"`, `["kms:ScheduleKeyDeletion", "kms:Disable*"]`, ``),
		"denied to someone else":    deny(`{"AWS": "arn:aws:iam::123456789012:role/app"}`, `"kms:*"`, ``),
	}
	for name, statement := range safe {
		if f := Lint(doc(rootStatement, admin, statement), ctx); len(f) != 0 {
			t.Errorf("%s: unexpected findings %v", name, f)
		}
	}
}

// IAM reads action names without regard to case (IAM User Guide, "IAM
// JSON policy elements: Action"): the linter reads them so, and then
// judges them by the same rules.
func TestActionsAreReadAsIAMReadsThem(t *testing.T) {
	accepted := doc(rootStatement,
		`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": ["KMS:CreateGrant", "kms:decrypt", "Kms:ReEncrypt*"], "Resource": "*"}`)
	if f := Lint(accepted, ctx); len(f) != 0 {
		t.Errorf("case variants of KMS actions: unexpected findings %v", f)
	}
	refused := doc(rootStatement,
		`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:role/a"}, "Action": ["KMS:PUTKEYPOLICY"], "Resource": "*"}`)
	want := "in account 999999999999 management actions (kms:PutKeyPolicy)"
	if f := fmt.Sprint(Lint(refused, ctx)); !strings.Contains(f, want) {
		t.Errorf("KMS:PUTKEYPOLICY to another account: findings %s do not include %q", f, want)
	}
	locked := doc(rootStatement, `{"Effect": "Deny", "Principal": "*", "Action": "KMS:put*", "Resource": "*"}`)
	if f := fmt.Sprint(Lint(locked, ctx)); !strings.Contains(f, "statement 2: denies kms:PutKeyPolicy to everyone") {
		t.Errorf("a Deny of KMS:put*: findings %s do not include the lockout", f)
	}
}

// A refusal lists only actions a key policy governs: kms:* given to
// another account names kms:PutKeyPolicy and the like, never kms:CreateKey
// or kms:CreateCustomKeyStore, whose resource is the account; an account
// action named on its own is refused for what it is.
func TestOnlyActionsAKeyPolicyGovernsAreListed(t *testing.T) {
	f := fmt.Sprint(Lint(doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "kms:Create*", "Resource": "*"}`), ctx))
	if !strings.Contains(f, "management actions (kms:CreateAlias, kms:CreateGrant)") {
		t.Errorf("kms:Create* to another account: %s", f)
	}
	if strings.Contains(f, "CreateKey") || strings.Contains(f, "CreateCustomKeyStore") {
		t.Errorf("the refusal lists account actions: %s", f)
	}
	f = fmt.Sprint(Lint(doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:CreateKey", "Resource": "*"}`), ctx))
	if !strings.Contains(f, `action "kms:CreateKey" acts on the account, not on a key`) {
		t.Errorf("kms:CreateKey in a key policy: %s", f)
	}
}

// A pin whose value is not an id says so, instead of saying there is no
// pin; a value of a type IAM does not take names the type.
func TestPinValuesOfTheWrongForm(t *testing.T) {
	cases := map[string]string{
		`{"StringEquals": {"aws:PrincipalAccount": 12345678901}}`:            `condition StringEquals aws:PrincipalAccount: "12345678901" is not an account ID (12 digits, written as a string) (it is written as a JSON number or boolean`,
		`{"StringEquals": {"aws:PrincipalAccount": ["123456789012", "12"]}}`: `"12" is not an account ID`,
		`{"StringEquals": {"aws:PrincipalOrgID": "123456789012"}}`:           `"123456789012" is not an organization ID`,
		`{"StringEquals": {"aws:PrincipalAccount": {"id": "123456789012"}}}`: `Condition: StringEquals aws:PrincipalAccount: values must be strings, booleans or numbers, not an object`,
		`{"StringEquals": {"kms:CallerAccount": true}}`:                      `"true" is not an account ID`,
	}
	for condition, want := range cases {
		policy := doc(rootStatement, `{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": `+condition+`}`)
		if f := fmt.Sprint(Lint(policy, ctx)); !strings.Contains(f, want) {
			t.Errorf("%s: findings %s do not include %q", condition, f, want)
		}
	}
	// A JSON number that is an account id pins as its string does.
	pinned := doc(rootStatement, `{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": 123456789012}}}`)
	if f := Lint(pinned, ctx); len(f) != 0 {
		t.Errorf("an account id written as a number: unexpected findings %v", f)
	}
}

// FuzzLint checks that the linter never panics on any document and that
// every finding names a statement of the document (or the document).
func FuzzLint(f *testing.F) {
	f.Add(doc(rootStatement))
	f.Add(doc(rootStatement, `{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"Null": {"aws:PrincipalArn": "false"}}}`))
	f.Add(doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Put*"], "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-abcdef1234"]}}}`))
	f.Add(`{"Version": "2012-10-17", "Statement": [1, "x", null, {}]}`)
	f.Add(`{`)
	f.Fuzz(func(t *testing.T, policy string) {
		var parsed struct {
			Statement []any `json:"Statement"`
		}
		n := -1
		if json.Unmarshal([]byte(policy), &parsed) == nil {
			n = len(parsed.Statement)
		}
		for _, finding := range Lint(policy, ctx) {
			if finding.Problem == "" {
				t.Fatalf("a finding without a problem: %+v", finding)
			}
			if finding.Statement < 0 || (n >= 0 && finding.Statement > n) {
				t.Fatalf("finding %+v names statement %d of %d", finding, finding.Statement, n)
			}
		}
	})
}

// The pattern of a partition's service principals takes what
// ServicePrincipalProblem accepts for it.
func TestServicePrincipalPatternFor(t *testing.T) {
	for _, partition := range []string{"aws", "aws-cn", "aws-iso", "aws-us-gov", ""} {
		re := regexp.MustCompile(ServicePrincipalPatternFor(partition))
		for _, sp := range []string{"s3.amazonaws.com", "logs.eu-west-1.amazonaws.com", "s3.amazonaws.com.cn", "ec2.c2s.ic.gov", "ec2.sc2s.sgov.gov",
			"s3", "S3.amazonaws.com", "*.amazonaws.com", "s3.amazonaws.com.", "a..amazonaws.com", "s3.amazonaws.co", "-a.amazonaws.com"} {
			if got, want := re.MatchString(sp), ServicePrincipalProblem(sp, partition) == ""; got != want {
				t.Errorf("partition %q, %q: pattern %v, ServicePrincipalProblem accepts %v", partition, sp, got, want)
			}
		}
	}
}

// TestLintCacheReturnsWhatLintingReturns holds the cache to the linter: a
// document checked again, in the same or another context, gets the
// findings a fresh lint gives, and a caller that changes its findings
// changes no one else's.
func TestLintCacheReturnsWhatLintingReturns(t *testing.T) {
	bad := doc(rootStatement, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "kms:PutKeyPolicy", "Resource": "*"}`)
	trusted := Context{Partition: "aws", Account: "123456789012", TrustedAccounts: []string{"210987654321"}}
	for round := 0; round < 2; round++ {
		for _, tc := range []struct {
			ctx   Context
			wantN int
		}{{ctx, 1}, {trusted, 0}} {
			got := Lint(bad, tc.ctx)
			if want := lint(bad, tc.ctx); fmt.Sprint(got) != fmt.Sprint(want) || len(got) != tc.wantN {
				t.Fatalf("round %d, context %+v: Lint = %v, a fresh lint = %v (want %d findings)", round, tc.ctx, got, want, tc.wantN)
			}
			for i := range got {
				got[i].Problem = "changed by a caller"
			}
		}
	}
}

func TestLintCacheIsBounded(t *testing.T) {
	for i := 0; i <= lintCacheSize; i++ {
		Lint(doc(fmt.Sprintf(`{"Sid": "S%d", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}`, i)), ctx)
	}
	lintCache.mu.Lock()
	n := len(lintCache.m)
	lintCache.mu.Unlock()
	if n > lintCacheSize {
		t.Fatalf("the cache holds %d documents, more than %d", n, lintCacheSize)
	}
}
