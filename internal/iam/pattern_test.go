package iam

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// principalCorpus makes principals of every form, and mutations of them
// (wildcards, groups, other services, short accounts, regions, spaces,
// other partitions), from a fixed seed.
func principalCorpus(n int) []string {
	r := rand.New(rand.NewPCG(7, 11))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	var out []string
	for range n {
		part := pick("aws", "aws-cn", "aws-us-gov", "AWS", "aw")
		acct := pick("123456789012", "210987654321", "12345678901", "1234567890123", "12345678901a", "*")
		name := pick("app", "a", "role-1", "x*", "a?b", strings.Repeat("n", 64), strings.Repeat("n", 65), "a b", "a/b", "é")
		path := pick("", "", "team/", "a/b/", "a*/", "a b/", "/", "a//")
		s := pick(
			"arn:"+part+":iam::"+acct+":root",
			"arn:"+part+":iam::"+acct+":role/"+path+name,
			"arn:"+part+":iam::"+acct+":user/"+path+name,
			"arn:"+part+":iam::"+acct+":group/"+path+name,
			"arn:"+part+":sts::"+acct+":assumed-role/"+name+"/"+pick("session", "s", "a b", "x*"),
			"arn:"+part+":sts::"+acct+":federated-user/"+name,
			"arn:"+part+":iam:eu-west-1:"+acct+":role/"+name,
			"arn:"+part+":s3:::"+name,
			acct, "*", name, "",
		)
		out = append(out, s)
	}
	return out
}

// TestPrincipalPatternAgreesWithTheParser: a value matches the pattern
// exactly when ParsePrincipal accepts it (in the partition, in one of the
// accounts).
func TestPrincipalPatternAgreesWithTheParser(t *testing.T) {
	for _, c := range []struct {
		partition string
		accounts  []string
		ids       bool
	}{{"aws", nil, true}, {"aws", []string{"123456789012"}, true}, {"", nil, false}, {"aws-cn", []string{"123456789012", "210987654321"}, false}} {
		re := regexp.MustCompile(PrincipalPattern(c.partition, c.accounts, c.ids))
		accepted := 0
		defer func() {
			if accepted < 100 {
				t.Errorf("only %d of the corpus match %s: the corpus tests little", accepted, re)
			}
		}()
		for _, s := range principalCorpus(20000) {
			p, msg := ParsePrincipal(s, c.partition)
			want := msg == "" && (len(c.accounts) == 0 || slices.Contains(c.accounts, p.Account()))
			if IsAccountID(s) {
				want = c.ids && (len(c.accounts) == 0 || slices.Contains(c.accounts, s))
			}
			if want {
				accepted++
			}
			if got := re.MatchString(s); got != want {
				t.Fatalf("%q (partition %q, accounts %v, ids %v): pattern says %v, parser %v (%s)", s, c.partition, c.accounts, c.ids, got, want, msg)
			}
		}
	}
}

// TestIdentityPatternAgreesWithTheParser: a value matches when it is a
// valid name, or an ARN ParseIdentity accepts of that kind and account.
func TestIdentityPatternAgreesWithTheParser(t *testing.T) {
	for _, kind := range []string{"role", "user", "group"} {
		re := regexp.MustCompile(IdentityPattern(kind, "aws", []string{"123456789012"}))
		for _, s := range principalCorpus(20000) {
			id, msg := ParseIdentity(s, "aws")
			want := ValidIAMName(s) || msg == "" && id.Kind == kind && id.ARN.AccountID == "123456789012"
			if got := re.MatchString(s); got != want {
				t.Fatalf("%s %q: pattern says %v, parser %v (%s)", kind, s, got, want, msg)
			}
		}
	}
}
