package access

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

const (
	acct  = "111122223333"
	other = "444455556666"
	key   = "aws_kms_key.k"
	root  = "arn:aws:iam::111122223333:root"
	app   = "arn:aws:iam::111122223333:role/app"
)

// stmt builds a policy statement.
func stmt(effect string, principal any, actions any, extra ...string) map[string]any {
	s := map[string]any{"Effect": effect, "Action": actions, "Resource": "*"}
	if principal != nil {
		s["Principal"] = principal
	}
	for i := 0; i+1 < len(extra); i += 2 {
		switch extra[i] {
		case "Sid":
			s["Sid"] = extra[i+1]
		case "Condition":
			var c any
			if err := json.Unmarshal([]byte(extra[i+1]), &c); err != nil {
				panic(err)
			}
			s["Condition"] = c
		case "Resource":
			s["Resource"] = extra[i+1]
		}
	}
	return s
}

func aws(v ...string) map[string]any { return map[string]any{"AWS": v} }

func policy(statements ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(b)
}

// stackOf is the Terraform JSON of a stack with key "k" and the given
// resources (type -> name -> arguments).
func stackOf(keyPolicy string, resources map[string]map[string]any) []byte {
	res := map[string]map[string]any{"aws_kms_key": {"k": map[string]any{"policy": keyPolicy}}}
	for typ, byName := range resources {
		if res[typ] == nil {
			res[typ] = map[string]any{}
		}
		for n, v := range byName {
			res[typ][n] = v
		}
	}
	b, _ := json.Marshal(map[string]any{
		"provider": map[string]any{"aws": []any{map[string]any{"region": "eu-west-1"}}},
		"resource": res,
	})
	return b
}

// evalKey builds the report of one stack and returns its key.
func evalKey(t *testing.T, raw []byte) Key {
	t.Helper()
	r, err := Build("test", map[string][]byte{"s": raw})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Stacks) != 1 || len(r.Stacks[0].Keys) != 1 {
		t.Fatalf("want one key, got %+v", r.Stacks)
	}
	return r.Stacks[0].Keys[0]
}

func principalOf(t *testing.T, k Key, id string) Principal {
	t.Helper()
	for _, p := range k.Principals {
		if p.ID == id {
			return p
		}
	}
	var ids []string
	for _, p := range k.Principals {
		ids = append(ids, p.ID)
	}
	t.Fatalf("no row %s; rows: %v", id, ids)
	return Principal{}
}

// want checks a cell's access and, for conditional cells, that its
// conditions read as given.
func want(t *testing.T, p Principal, action, access string, conditions ...string) {
	t.Helper()
	c := p.Cell(action)
	if c.Access != access {
		t.Errorf("%s %s: %s, want %s (%s)", p.ID, action, c.Access, access, c.how())
		return
	}
	for _, cond := range conditions {
		if !strings.Contains(c.how(), cond) {
			t.Errorf("%s %s: %q does not mention %q", p.ID, action, c.how(), cond)
		}
	}
}

func rolePolicy(role string, doc string) map[string]any {
	return map[string]any{"role": role, "policy": doc, "name": "p"}
}

// AWS KMS Developer Guide, "Default key policy": the account root
// statement lets IAM policies of the account allow access; an identity
// gets exactly what its IAM policy allows on the key.
func TestRootStatementDelegatesToIAMPolicies(t *testing.T) {
	k := evalKey(t, stackOf(policy(stmt("Allow", aws(root), "kms:*")), map[string]map[string]any{
		"aws_iam_role": {"app": map[string]any{"name": "app"}},
		"aws_iam_role_policy": {"app_kms": rolePolicy("${aws_iam_role.app.id}",
			policy(stmt("Allow", nil, []string{"kms:Decrypt"}, "Resource", "${aws_kms_key.k.arn}")))},
	}))
	p := principalOf(t, k, app)
	want(t, p, "kms:Decrypt", Allowed, "key policy statement 1 + aws_iam_role_policy.app_kms statement 1")
	want(t, p, "kms:Encrypt", Denied)
	account := principalOf(t, k, "account:"+acct)
	want(t, account, "kms:PutKeyPolicy", Conditional, "an IAM policy in account "+acct+" allows it")
}

// Without a statement for the account, IAM policies give nothing (AWS KMS
// Developer Guide, "IAM policies": the key policy must allow it).
func TestIAMPolicyWithoutDelegationGivesNothing(t *testing.T) {
	k := evalKey(t, stackOf(policy(stmt("Allow", aws("arn:aws:iam::111122223333:role/admin"), "kms:*")), map[string]map[string]any{
		"aws_iam_role_policy": {"app_kms": rolePolicy("app", policy(stmt("Allow", nil, "kms:Decrypt", "Resource", "${aws_kms_key.k.arn}")))},
	}))
	// The key's account is unknown without a root statement: the role of
	// the IAM policy is in no known account, and gets nothing.
	want(t, principalOf(t, k, "arn:aws:iam:::role/app"), "kms:Decrypt", Denied)
	want(t, principalOf(t, k, "arn:aws:iam::111122223333:role/admin"), "kms:Decrypt", Allowed)
}

// A principal of the key's account named in the key policy needs no IAM
// policy; one of another account does (AWS KMS Developer Guide, "Allowing
// users in other accounts to use a KMS key").
func TestNamedPrincipalsSameAndOtherAccount(t *testing.T) {
	otherRole := "arn:aws:iam::444455556666:role/reader"
	k := evalKey(t, stackOf(policy(
		stmt("Allow", aws(root), "kms:*"),
		stmt("Allow", aws(app, otherRole), []string{"kms:Decrypt"}),
		stmt("Allow", aws("arn:aws:iam::444455556666:root"), "kms:DescribeKey"),
	), nil))
	want(t, principalOf(t, k, app), "kms:Decrypt", Allowed)
	want(t, principalOf(t, k, otherRole), "kms:Decrypt", Conditional, "an IAM policy in account "+other)
	want(t, principalOf(t, k, otherRole), "kms:DescribeKey", Conditional, "an IAM policy in account "+other)
	want(t, principalOf(t, k, "account:"+other), "kms:DescribeKey", Conditional, "an IAM policy in account "+other)
	want(t, principalOf(t, k, "account:"+other), "kms:Decrypt", Denied)
}

// A policy that names a role covers its sessions; one that names a
// session covers only that session.
func TestSessionsOfARole(t *testing.T) {
	session := "arn:aws:sts::111122223333:assumed-role/app/ci"
	k := evalKey(t, stackOf(policy(
		stmt("Allow", aws(app), "kms:Decrypt"),
		stmt("Allow", aws(session), "kms:Encrypt"),
	), nil))
	want(t, principalOf(t, k, session), "kms:Decrypt", Allowed)
	want(t, principalOf(t, k, session), "kms:Encrypt", Allowed)
	want(t, principalOf(t, k, app), "kms:Encrypt", Denied)
}

// An explicit Deny wins over every Allow and over grants; a conditional
// one makes the cell conditional.
func TestExplicitDenyWins(t *testing.T) {
	k := evalKey(t, stackOf(policy(
		stmt("Allow", aws(root), "kms:*"),
		stmt("Allow", aws(app), []string{"kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"}),
		stmt("Deny", aws(app), "kms:Decrypt", "Sid", "NoDecrypt"),
		stmt("Deny", "*", "kms:Encrypt", "Condition", `{"StringNotEquals":{"aws:PrincipalOrgID":"o-abcdef1234"}}`),
	), map[string]map[string]any{"aws_kms_grant": {"g": map[string]any{
		"key_id": "${aws_kms_key.k.key_id}", "grantee_principal": app, "operations": []string{"Decrypt"}}}}))
	p := principalOf(t, k, app)
	want(t, p, "kms:Decrypt", Denied, "denied by key policy statement 3 (NoDecrypt)")
	want(t, p, "kms:Encrypt", Conditional, "unless StringNotEquals aws:PrincipalOrgID o-abcdef1234")
	want(t, p, "kms:DescribeKey", Allowed)
}

// AWS KMS accepts only TLS, so aws:SecureTransport is true in every
// request and the usual plain-HTTP Deny never applies.
func TestPlainHTTPDenyNeverApplies(t *testing.T) {
	k := evalKey(t, stackOf(policy(
		stmt("Allow", aws(app), "kms:Decrypt"),
		stmt("Deny", "*", "kms:*", "Condition", `{"Bool":{"aws:SecureTransport":"false"}}`),
	), nil))
	want(t, principalOf(t, k, app), "kms:Decrypt", Allowed)
	if !slices.ContainsFunc(k.Notes, func(n string) bool {
		return strings.Contains(n, "key policy statement 2 is a Deny that applies to no request")
	}) {
		t.Errorf("no note says the plain-HTTP Deny never applies: %v", k.Notes)
	}
}

// A principal named only in a Deny has a row that shows the Deny, with
// its conditions, and never access through a wildcard statement the Deny
// overrides.
func TestPrincipalNamedOnlyInADeny(t *testing.T) {
	banned := "arn:aws:iam::111122223333:role/banned"
	watched := "arn:aws:iam::444455556666:role/watched"
	k := evalKey(t, stackOf(policy(
		stmt("Allow", aws(root), "kms:*"),
		stmt("Allow", "*", "kms:Decrypt", "Condition", `{"StringEquals":{"aws:PrincipalOrgID":"o-abcdef1234"}}`),
		stmt("Deny", aws(banned), "kms:*", "Sid", "Banned"),
		stmt("Deny", aws(watched), "kms:Decrypt", "Sid", "Watched", "Condition", `{"Bool":{"aws:ViaAWSService":"false"}}`),
	), nil))
	b := principalOf(t, k, banned)
	if !slices.Contains(b.Roles, "named in a Deny") {
		t.Errorf("%s roles %v, want \"named in a Deny\"", banned, b.Roles)
	}
	want(t, b, "kms:Decrypt", Denied, "denied by key policy statement 3 (Banned)")
	want(t, b, "kms:PutKeyPolicy", Denied, "denied by key policy statement 3 (Banned)")
	w := principalOf(t, k, watched)
	// Nothing allows it without the org condition; the Deny shows with
	// its condition.
	want(t, w, "kms:Decrypt", Conditional, "aws:PrincipalOrgID", "unless Bool aws:ViaAWSService false")
	want(t, w, "kms:Encrypt", Denied)
	if c := w.Cell("kms:Encrypt"); len(c.Paths) != 0 {
		t.Errorf("%s kms:Encrypt: the Deny is only on Decrypt, but the cell names %v", watched, c.Paths)
	}
	k = evalKey(t, stackOf(policy(
		stmt("Allow", aws(root), "kms:*"),
		stmt("Deny", aws(watched), "kms:Decrypt", "Sid", "Watched", "Condition", `{"Bool":{"aws:ViaAWSService":"false"}}`),
	), nil))
	want(t, principalOf(t, k, watched), "kms:Decrypt", Denied, "denied by key policy statement 2 (Watched) if Bool aws:ViaAWSService false")
}

// The CloudWatch Logs statement's encryption context condition: a
// DescribeKey request never carries an encryption context (the Service
// Authorization Reference lists none for it), so the statement cannot
// allow it; Encrypt is allowed under the condition.
func TestConditionOnAKeyTheActionNeverCarries(t *testing.T) {
	logs := map[string]any{"Service": "logs.eu-west-1.amazonaws.com"}
	k := evalKey(t, stackOf(policy(
		stmt("Allow", logs, []string{"kms:Encrypt", "kms:DescribeKey"}, "Condition", `{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:eu-west-1:111122223333:log-group:*"}}`),
		stmt("Allow", aws(app), []string{"kms:DescribeKey", "kms:ListGrants", "kms:Decrypt"}, "Condition",
			`{"StringNotEquals":{"kms:EncryptionContext:Team":"x"},"Null":{"kms:GrantIsForAWSResource":"true"}}`),
	), nil))
	p := principalOf(t, k, "logs.eu-west-1.amazonaws.com")
	want(t, p, "kms:DescribeKey", Denied)
	want(t, p, "kms:Encrypt", Conditional, "ArnLike kms:EncryptionContext:aws:logs:arn")
	if !slices.ContainsFunc(k.Notes, func(n string) bool { return strings.Contains(n, "kms:DescribeKey") }) {
		t.Errorf("no note says why the statement does not allow kms:DescribeKey: %v", k.Notes)
	}
	// Negated operators and Null true hold for an absent key: DescribeKey
	// has neither key, ListGrants has GrantIsForAWSResource (so Null
	// depends), Decrypt has the encryption context (so the negation
	// depends).
	a := principalOf(t, k, app)
	want(t, a, "kms:DescribeKey", Allowed)
	want(t, a, "kms:ListGrants", Conditional, "Null kms:GrantIsForAWSResource true")
	want(t, a, "kms:Decrypt", Conditional, "StringNotEquals kms:EncryptionContext:Team x")
}

// Conditions on who the principal is are decided for known principals.
func TestPrincipalConditionsAreDecided(t *testing.T) {
	k := evalKey(t, stackOf(policy(
		stmt("Allow", aws(root), "kms:*"),
		stmt("Allow", "*", "kms:Decrypt", "Condition", fmt.Sprintf(`{"StringEquals":{"aws:PrincipalAccount":["%s","%s"]}}`, acct, other)),
		stmt("Allow", "*", "kms:Encrypt", "Condition", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/a*"}}`),
	), nil))
	want(t, principalOf(t, k, "*"), "kms:Decrypt", Allowed)
	want(t, principalOf(t, k, "*"), "kms:Encrypt", Conditional, "ArnLike aws:PrincipalArn")
	want(t, principalOf(t, k, "account:"+other), "kms:Decrypt", Conditional, "an IAM policy in account "+other)
	// An identity of another account could not match the pattern, but the
	// report does not know that account's identities' ARNs: it keeps the
	// condition.
	want(t, principalOf(t, k, "account:"+other), "kms:Encrypt", Conditional, "ArnLike aws:PrincipalArn")
}

// Native grants: the grantee gets the operations, the encryption context
// constraint on those that take one (AWS KMS API Reference,
// GrantConstraints), the retiring principal may retire that grant.
func TestGrantCells(t *testing.T) {
	retirer := "arn:aws:iam::111122223333:role/retirer"
	k := evalKey(t, stackOf(policy(stmt("Allow", aws(root), "kms:*")), map[string]map[string]any{"aws_kms_grant": {"g": map[string]any{
		"key_id": "${aws_kms_key.k.key_id}", "grantee_principal": app, "retiring_principal": retirer,
		"operations":  []string{"Decrypt", "DescribeKey", "CreateGrant"},
		"constraints": []any{map[string]any{"encryption_context_subset": map[string]any{"Team": "orders"}}},
	}}}))
	p := principalOf(t, k, app)
	want(t, p, "kms:Decrypt", Conditional, "the encryption context includes Team=orders (aws_kms_grant.g)")
	want(t, p, "kms:DescribeKey", Allowed, "aws_kms_grant.g")
	want(t, p, "kms:CreateGrant", Conditional, "at least as strict")
	want(t, p, "kms:Encrypt", Denied)
	want(t, principalOf(t, k, retirer), "kms:RetireGrant", Conditional, "if only that grant (aws_kms_grant.g)")
}

// A reference the report cannot resolve stays a reference; one to a role
// of the stack with a literal name is that role.
func TestReferences(t *testing.T) {
	k := evalKey(t, stackOf(policy(
		stmt("Allow", aws(root), "kms:*"),
		stmt("Allow", aws("${aws_iam_role.r.arn}", "${data.aws_iam_role.x.arn}"), "kms:Decrypt"),
		stmt("Allow", aws(app), "kms:Encrypt", "Condition", `{"StringEquals":{"aws:SourceArn":"${aws_s3_bucket.b.arn}"}}`),
	), map[string]map[string]any{"aws_iam_role": {"r": map[string]any{"name": "orders", "path": "/apps/"}}}))
	want(t, principalOf(t, k, "arn:aws:iam::111122223333:role/apps/orders"), "kms:Decrypt", Allowed)
	want(t, principalOf(t, k, "reference:${data.aws_iam_role.x.arn}"), "kms:Decrypt", Allowed)
	want(t, principalOf(t, k, app), "kms:Encrypt", Conditional, "reference: ${aws_s3_bucket.b.arn}")
}

// Every KMS action a key policy governs is in exactly one column, no
// column names anything else, and the actions of a column share its
// access level.
func TestEveryKeyActionHasOneCapability(t *testing.T) {
	keyActions := kmscat.KeyActions()
	got := Actions()
	for _, a := range keyActions {
		if n := countOf(got, a); n != 1 {
			t.Errorf("%s is in %d columns, want 1", a, n)
		}
	}
	for _, a := range got {
		if !slices.Contains(keyActions, a) {
			t.Errorf("column action %s is not an action on a key", a)
		}
	}
	for _, c := range Capabilities() {
		for _, a := range c.Actions {
			if k, _ := kmscat.Lookup(a); k.Level() != c.Level {
				t.Errorf("column %s is %s, but its action %s is %s", c.Name, c.Level, a, k.Level())
			}
		}
	}
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// The JSON form is the same for the same input and holds no paths.
func TestJSONIsStable(t *testing.T) {
	raw := stackOf(policy(stmt("Allow", aws(root), "kms:*"), stmt("Allow", aws(app), "kms:Decrypt")), nil)
	a, err := Build("x", map[string][]byte{"s2": raw, "s1": raw})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Build("x", map[string][]byte{"s1": raw, "s2": raw})
	ja, _ := a.JSON()
	jb, _ := b.JSON()
	if string(ja) != string(jb) {
		t.Error("two builds of the same stacks differ")
	}
	var doc struct {
		Format int
		Stacks []struct{ Name string }
	}
	if err := json.Unmarshal(ja, &doc); err != nil || doc.Format != 1 || len(doc.Stacks) != 2 || doc.Stacks[0].Name != "s1" {
		t.Errorf("format %d, stacks %+v, err %v; want format 1 and stacks sorted", doc.Format, doc.Stacks, err)
	}
}

// Diff names what a principal gains and loses.
func TestDiff(t *testing.T) {
	before, _ := Build("old", map[string][]byte{"s": stackOf(policy(stmt("Allow", aws(root), "kms:*"), stmt("Allow", aws(app), []string{"kms:Decrypt", "kms:Encrypt"})), nil)})
	after, _ := Build("new", map[string][]byte{"s": stackOf(policy(
		stmt("Allow", aws(root), "kms:*"),
		stmt("Allow", aws(app), []string{"kms:Decrypt"}),
		stmt("Allow", aws("arn:aws:iam::111122223333:role/new"), "kms:Decrypt", "Condition", `{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}`),
	), nil)})
	changes := Diff(before, after)
	var got []string
	for _, c := range changes {
		got = append(got, c.Principal+" "+c.Kind+" "+c.Action+" "+c.After)
	}
	wantChanges := []string{
		"arn:aws:iam::111122223333:role/app loses kms:Encrypt denied",
		"arn:aws:iam::111122223333:role/new gains kms:Decrypt conditional",
	}
	if !slices.Equal(got, wantChanges) {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantChanges, "\n"))
	}
	var b strings.Builder
	if err := WriteDiffText(&b, "HEAD", changes); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "role/new (arn:aws:iam::111122223333:role/new) gains kms:Decrypt on s: if StringEquals kms:ViaService s3.eu-west-1.amazonaws.com (key policy statement 3)") {
		t.Errorf("the text does not say who gains what:\n%s", b.String())
	}
}

// A key policy written as aws_kms_key_policy (key_policy_resource) is the
// key's policy for the report.
func TestKeyPolicyResourceIsTheKeysPolicy(t *testing.T) {
	raw := stackOf("", map[string]map[string]any{"aws_kms_key_policy": {"k_policy": map[string]any{
		"key_id": "${aws_kms_key.k.key_id}",
		"policy": policy(stmt("Allow", aws(root), "kms:*"), stmt("Allow", aws(app), "kms:Decrypt")),
	}}})
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc["resource"].(map[string]any)["aws_kms_key"].(map[string]any)["k"].(map[string]any), "policy")
	raw, _ = json.Marshal(doc)
	k := evalKey(t, raw)
	want(t, principalOf(t, k, app), "kms:Decrypt", Allowed, "key policy statement 2")
}
