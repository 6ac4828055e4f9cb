package iam

import (
	"strings"
	"testing"
)

const (
	keyAccount   = "111122223333"
	otherAccount = "444455556666"
	keyARN       = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000"
)

func doc(t *testing.T, s string) *Document {
	t.Helper()
	d, err := ParseDocument([]byte(s))
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return d
}

func role(account, name string) Requester {
	return Requester{Kind: PrincipalRole, ARN: "arn:aws:iam::" + account + ":role/" + name, Account: account}
}

func iamContext(p Requester) Context {
	var c Context
	c.Set("aws:SecureTransport", "true")
	c.Set("aws:PrincipalAccount", p.Account)
	c.Set("aws:PrincipalArn", p.ARN)
	c.SetAbsent("aws:SourceAccount", "aws:SourceArn")
	return c
}

func TestDecisions(t *testing.T) {
	rootAll := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}`
	app := role(keyAccount, "app")
	other := role(otherAccount, "ext")
	allowAll := doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`)
	cases := []struct {
		name   string
		key    string
		p      Requester
		action string
		pol    Policies
		want   Result
	}{
		{"root delegation without IAM policy", rootAll, app, "kms:Decrypt", Policies{}, NotAllowed},
		{"root delegation with IAM policy", rootAll, app, "kms:Decrypt", Policies{Identity: []Named{{"p", allowAll}}}, Allowed},
		{"named directly, action in another case", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"KMS:decrypt","Resource":"*"}`, app, "kms:Decrypt", Policies{}, Allowed},
		{"NotAction excludes", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"NotAction":"kms:Decrypt","Resource":"*"}`, app, "kms:Decrypt", Policies{}, NotAllowed},
		{"NotAction includes others", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"NotAction":"kms:Decrypt","Resource":"*"}`, app, "kms:PutKeyPolicy", Policies{}, Allowed},
		{"explicit deny wins", rootAll + `,{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:*","Resource":"*"}`, app, "kms:Decrypt", Policies{Identity: []Named{{"p", allowAll}}}, Denied},
		{"cross account needs both sides", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/ext"},"Action":"kms:Decrypt","Resource":"*"}`, other, "kms:Decrypt", Policies{}, NotAllowed},
		{"cross account with its IAM policy", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/ext"},"Action":"kms:Decrypt","Resource":"*"}`, other, "kms:Decrypt", Policies{Identity: []Named{{"p", allowAll}}}, Allowed},
		{"cross account unknown IAM", `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"kms:Decrypt","Resource":"*"}`, other, "kms:Decrypt", Policies{UnknownIdentity: true}, Conditional},
		{"a pinned wildcard", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`, other, "kms:Decrypt", Policies{UnknownIdentity: true}, NotAllowed},
		{"an unknown boundary", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt","Resource":"*"}`, app, "kms:Decrypt", Policies{BoundaryExternal: "arn:aws:iam::111122223333:policy/b"}, Conditional},
		{"a boundary that does not allow", rootAll, app, "kms:Decrypt", Policies{Identity: []Named{{"p", allowAll}}, Boundary: &Named{"b", doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}}, NotAllowed},
		// AWS KMS permissions, "Cross-account use": the key's management
		// stays in its account whatever both policies say.
		{"cross account management refused", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:*","Resource":"*"}`, other, "kms:PutKeyPolicy", Policies{Identity: []Named{{"p", allowAll}}}, NotAllowed},
		{"cross account deletion refused, named directly", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/ext"},"Action":"kms:*","Resource":"*"}`, other, "KMS:scheduleKeyDeletion", Policies{Identity: []Named{{"p", allowAll}}}, NotAllowed},
		{"cross account GetKeyRotationStatus allowed", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:*","Resource":"*"}`, other, "kms:GetKeyRotationStatus", Policies{Identity: []Named{{"p", allowAll}}}, Allowed},
		{"cross account RevokeGrant allowed", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:*","Resource":"*"}`, other, "kms:RevokeGrant", Policies{Identity: []Named{{"p", allowAll}}}, Allowed},
		{"same account management allowed", rootAll, app, "kms:PutKeyPolicy", Policies{Identity: []Named{{"p", allowAll}}}, Allowed},
		{"a service and an org pin", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}`, Requester{Kind: PrincipalService, ARN: "s3.amazonaws.com"}, "kms:Decrypt", Policies{}, NotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pol := c.pol
			pol.Key = doc(t, `{"Version":"2012-10-17","Statement":[`+c.key+`]}`)
			pol.KeyARN, pol.KeyAccount = keyARN, keyAccount
			ctx := iamContext(c.p)
			if c.p.IsService() {
				ctx = Context{}
				ctx.Set("aws:PrincipalIsAWSService", "true")
				ctx.SetAbsent("aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn")
			}
			d := Decide(Request{Principal: c.p, Action: c.action, Context: ctx}, pol)
			if d.Result != c.want {
				t.Errorf("got %s, want %s: %+v", d.Result, c.want, d)
			}
			refused := strings.HasSuffix(c.name, "refused") || strings.Contains(c.name, "refused,")
			if d.CrossAccountRefused != refused {
				t.Errorf("CrossAccountRefused = %v, want %v", d.CrossAccountRefused, refused)
			}
		})
	}
}

func TestRefusedAcrossAccounts(t *testing.T) {
	cases := []struct {
		action, principal, key string
		want                   bool
	}{
		{"kms:PutKeyPolicy", otherAccount, keyAccount, true},
		{"kms:putkeypolicy", otherAccount, keyAccount, true},
		{"kms:PutKeyPolicy", keyAccount, keyAccount, false},
		{"kms:PutKeyPolicy", "", keyAccount, false}, // unknown account: the policies decide
		{"kms:PutKeyPolicy", otherAccount, "", false},
		{"kms:Decrypt", otherAccount, keyAccount, false},
		{"kms:CreateKey", otherAccount, keyAccount, false}, // not a key action
		{"s3:GetObject", otherAccount, keyAccount, false},
	}
	for _, c := range cases {
		if got := RefusedAcrossAccounts(c.action, c.principal, c.key); got != c.want {
			t.Errorf("RefusedAcrossAccounts(%q, %q, %q) = %v, want %v", c.action, c.principal, c.key, got, c.want)
		}
	}
}

func TestConditions(t *testing.T) {
	var ctx Context
	ctx.Set("aws:PrincipalAccount", "111122223333")
	ctx.Set("aws:TagKeys", "a", "b")
	ctx.SetAbsent("aws:SourceAccount", "kms:EncryptionContext:")
	for _, c := range []struct {
		op, key string
		values  []string
		want    Truth
	}{
		{"StringEquals", "aws:PrincipalAccount", []string{"111122223333"}, Holds},
		{"stringequals", "AWS:principalaccount", []string{"x", "111122223333"}, Holds},
		{"StringNotEquals", "aws:PrincipalAccount", []string{"111122223333"}, Fails},
		{"StringEquals", "aws:SourceAccount", []string{"111122223333"}, Fails},
		{"StringNotEquals", "aws:SourceAccount", []string{"111122223333"}, Holds},
		{"StringEqualsIfExists", "aws:SourceAccount", []string{"x"}, Holds},
		{"Null", "aws:SourceAccount", []string{"true"}, Holds},
		{"Null", "aws:PrincipalAccount", []string{"true"}, Fails},
		{"ForAnyValue:StringEquals", "aws:TagKeys", []string{"b"}, Holds},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"b"}, Fails},
		{"ForAllValues:StringEquals", "kms:EncryptionContext:x", []string{"b"}, Holds},
		{"ForAnyValue:StringEquals", "kms:EncryptionContext:x", []string{"b"}, Fails},
		{"StringEquals", "aws:TagKeys", []string{"a"}, Fails},
		{"StringLike", "aws:PrincipalAccount", []string{"1111*"}, Holds},
		{"StringEquals", "aws:PrincipalOrgID", []string{"o-x"}, Depends},
		{"StringEquals", "aws:PrincipalAccount", []string{"${aws:username}"}, Depends},
		{"NoSuchOperator", "aws:PrincipalAccount", []string{"x"}, Depends},
		{"NumericLessThan", "aws:PrincipalAccount", []string{"2e11"}, Holds},
	} {
		got := Condition{Operator: c.op, Key: c.key, Values: c.values}.Evaluate(ctx)
		if got != c.want {
			t.Errorf("%s %s %v: %s, want %s", c.op, c.key, c.values, got, c.want)
		}
	}
}

func TestMatching(t *testing.T) {
	for _, c := range []struct {
		pattern, action string
		want            bool
	}{{"kms:*", "kms:Decrypt", true}, {"KMS:DECRYPT", "kms:Decrypt", true}, {"kms:Re*", "kms:ReEncryptTo", true},
		{"kms:?ecrypt", "kms:Decrypt", true}, {"kms:Decrypt*", "kms:Decrypt", true}, {"s3:*", "kms:Decrypt", false}, {"*", "kms:Decrypt", true}} {
		if got := ActionMatches(c.pattern, c.action); got != c.want {
			t.Errorf("ActionMatches(%q, %q) = %v", c.pattern, c.action, got)
		}
	}
	for _, c := range []struct {
		pattern string
		want    bool
	}{{"*", true}, {keyARN, true}, {"arn:aws:kms:*:111122223333:key/*", true}, {"arn:aws:kms:eu-west-1:444455556666:key/*", false},
		{"arn:aws:kms:eu-west-1:111122223333:alias/*", false}, {"arn:aws:kms:*", false}} {
		if got := ResourceMatches(c.pattern, keyARN); got != c.want {
			t.Errorf("ResourceMatches(%q) = %v", c.pattern, got)
		}
	}
	if op := ParseOperator("ForAnyValue:stringlikeifexists"); !strings.Contains(op.Base, "StringLike") || !op.IfExists || op.Set != "ForAnyValue" {
		t.Errorf("operator parse: %+v", op)
	}
}
