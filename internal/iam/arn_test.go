package iam

import (
	"strings"
	"testing"
)

func TestParsePrincipal(t *testing.T) {
	good := map[string]string{
		"arn:aws:iam::123456789012:root":                          "root",
		"arn:aws:iam::123456789012:role/app":                      "role",
		"arn:aws:iam::123456789012:role/service-role/a+b=c,d.e@f": "role",
		"arn:aws-cn:iam::123456789012:user/team/${x}/alice":       "user",
		"arn:aws:sts::123456789012:assumed-role/deployer/ci-run":  "assumed-role",
	}
	for s, kind := range good {
		p, msg := ParsePrincipal(s, "")
		if msg != "" || p.Kind != kind {
			t.Errorf("ParsePrincipal(%q) = %+v, %q; want a %s", s, p, msg, kind)
		}
	}
	bad := map[string]string{
		"*":                                         "wildcards",
		"arn:aws:iam::123456789012:role/app*":       "wildcards",
		"arn:aws:iam::1234:root":                    "12 digits",
		"arn:aws:iam::123456789012:group/g":         "IAM or STS ARN",
		"arn:aws:iam:eu-west-1:123456789012:role/r": "IAM or STS ARN",
		"arn:aws:sts::123456789012:role/r":          "IAM or STS ARN",
		"arn:aws:s3:::bucket":                       "IAM or STS ARN",
		"role/app":                                  "IAM or STS ARN",
	}
	for s, want := range bad {
		if _, msg := ParsePrincipal(s, ""); !strings.Contains(msg, want) {
			t.Errorf("ParsePrincipal(%q) = %q, want %q", s, msg, want)
		}
	}
	if _, msg := ParsePrincipal("arn:aws:iam::123456789012:root", "aws-cn"); !strings.Contains(msg, `partition "aws"`) {
		t.Errorf("partition check: %q", msg)
	}
}

// FuzzParsePrincipal checks that principal parsing never panics and that
// what it accepts is a well-formed principal of the partition asked for.
func FuzzParsePrincipal(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/a/b/c", "arn:aws:sts::123456789012:assumed-role/r/s",
		"arn:aws:iam::123456789012:user/${x}", "arn::iam::123456789012:root", "arn:aws:iam::123456789012:role//x", "arn:aws:iam::123456789012:role/"} {
		f.Add(s, "aws")
	}
	f.Fuzz(func(t *testing.T, s, partition string) {
		p, msg := ParsePrincipal(s, partition)
		if msg != "" {
			return
		}
		switch {
		case !IsAccountID(p.Account()):
			t.Fatalf("accepted %q with account %q", s, p.Account())
		case partition != "" && p.ARN.Partition != partition:
			t.Fatalf("accepted %q in partition %q, asked for %q", s, p.ARN.Partition, partition)
		case p.Kind != "root" && !ValidIAMName(p.Name):
			t.Fatalf("accepted %q with name %q", s, p.Name)
		case strings.ContainsAny(s, "*?"):
			t.Fatalf("accepted a wildcard: %q", s)
		}
		if p.Path != "" && PathProblem(p.Path) != "" {
			t.Fatalf("accepted %q with path %q", s, p.Path)
		}
	})
}

// TestAShortSessionNameSaysSo: the refusal names the session name's rule,
// not the general forms.
func TestAShortSessionNameSaysSo(t *testing.T) {
	if _, msg := ParsePrincipal("arn:aws:sts::999999999999:assumed-role/r/s", "aws"); !strings.Contains(msg, "session name after the role must be 2 to 64") {
		t.Errorf("got %q", msg)
	}
}
