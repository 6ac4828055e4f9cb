package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportGatesOnSeverityAndExceptions(t *testing.T) {
	ex := func() []*exception {
		return []*exception{
			{Scanner: "kics", Check: "m1", Resource: "aws_kms_key.k", Reason: "reviewed: outside this project"},
			{Scanner: "kics", Check: "h1", Resource: "(stack)", Severity: "HIGH", Reason: "reviewed: required by the spec"},
			{Scanner: "kics", Check: "h2", Resource: "(stack)", Reason: "no severity stated, so it cannot accept a HIGH"},
			{Scanner: "tfsec", Check: "unused", Resource: "aws_kms_key.k", Reason: "matches nothing in this run"},
		}
	}
	cases := []struct {
		name     string
		findings []finding
		code     int
		says     []string
	}{
		{"clean", nil, 0, []string{"0 failing"}},
		{"low and info pass", []finding{{"kics", "x", "t", "LOW", "kms-dev", "aws_kms_key.k"}, {"kics", "y", "t", "INFO", "kms-dev", "(stack)"}}, 0, []string{"2 low/info"}},
		{"medium without exception fails", []finding{{"kics", "m2", "t", "MEDIUM", "kms-dev", "aws_kms_key.k"}}, 1, []string{"not in the exceptions file", "1 failing"}},
		{"medium with exception passes", []finding{{"kics", "m1", "t", "MEDIUM", "kms-dev", "aws_kms_key.k"}}, 0, []string{"accepted: reviewed: outside this project"}},
		{"exception names the resource", []finding{{"kics", "m1", "t", "MEDIUM", "kms-dev", "aws_kms_key.other"}}, 1, []string{"1 failing"}},
		{"high without exception fails", []finding{{"tfsec", "h9", "t", "HIGH", "kms-dev", "aws_kms_key.k"}}, 1, []string{"1 failing"}},
		{"high with a stated severity passes", []finding{{"kics", "h1", "t", "HIGH", "kms-prod", "(stack)"}}, 0, []string{"accepted"}},
		{"high with an exception that states none fails", []finding{{"kics", "h2", "t", "HIGH", "kms-prod", "(stack)"}}, 1, []string{`states "severity": "HIGH"`}},
		{"critical needs its own severity", []finding{{"kics", "h1", "t", "CRITICAL", "kms-prod", "(stack)"}}, 1, []string{`"severity": "CRITICAL"`}},
		{"linter findings fail", []finding{{"policylint", "key-policy", "statement 2: ...", "HIGH", "kms-dev", "aws_kms_key.k"}}, 1, []string{"1 failing"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			code := report(&out, tc.findings, ex(), []string{"kms-dev"}, true, true, false)
			if code != tc.code {
				t.Errorf("exit %d, want %d:\n%s", code, tc.code, out.String())
			}
			for _, s := range tc.says {
				if !strings.Contains(out.String(), s) {
					t.Errorf("report does not say %q:\n%s", s, out.String())
				}
			}
		})
	}
}

func TestUnusedExceptionsAreNoted(t *testing.T) {
	var out bytes.Buffer
	report(&out, nil, []*exception{{Scanner: "tfsec", Check: "gone", Resource: "aws_kms_key.k", Reason: "once needed, now stale"}}, nil, true, false, false)
	if !strings.Contains(out.String(), "exception tfsec gone on aws_kms_key.k matched nothing") {
		t.Errorf("no note on the stale exception:\n%s", out.String())
	}
}

func TestKicsResource(t *testing.T) {
	cases := map[string]string{
		"aws_kms_key[general_encryption_key].policy":            "aws_kms_key.general_encryption_key",
		"aws_sns_topic[general_encryption_key_alarms]":          "aws_sns_topic.general_encryption_key_alarms",
		"resource.aws_kms_alias.general_encryption_key_alias_x": "aws_kms_alias.general_encryption_key_alias_x",
		"resource": "(stack)",
	}
	for key, want := range cases {
		if got := kicsResource("", "", key); got != want {
			t.Errorf("kicsResource(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestExceptionsFileIsReviewed(t *testing.T) {
	list, err := loadExceptions(filepath.Join("..", "..", "security", "exceptions.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.Severity == "CRITICAL" || e.Severity == "HIGH" {
			if len(e.Reason) < 100 {
				t.Errorf("the %s exception %s needs a full justification", e.Severity, e.Check)
			}
		}
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "x.json")
	os.WriteFile(bad, []byte(`[{"scanner": "kics", "check": "c", "resource": "r", "reason": "short"}]`), 0o644)
	if _, err := loadExceptions(bad); err == nil {
		t.Error("an exception without a real reason was accepted")
	}
	os.WriteFile(bad, []byte(`[{"scanner": "kics", "check": "c", "resource": "r", "reason": "a reason that is long enough", "why": "x"}]`), 0o644)
	if _, err := loadExceptions(bad); err == nil {
		t.Error("an exception with an unknown key was accepted")
	}
}

// TestLintStackChecksKeysAndReplicas: the linter runs on the key policy of
// every key and replica, on the policy as Terraform renders it ("$${" is a
// literal "${"), with references as unknown values.
func TestLintStackChecksKeysAndReplicas(t *testing.T) {
	good := `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},` +
		`{\"Sid\":\"Ref\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"${aws_iam_role.app.arn}\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:EncryptionContext:path\":\"$${literal}\"}}}]}`
	open := `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},` +
		`{\"Sid\":\"Open\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}`
	stack := func(key, replica string) []byte {
		return []byte(`{"provider":{"aws":[{"region":"eu-west-1"},{"region":"us-east-1","alias":"us_east_1"}]},"resource":{` +
			`"aws_kms_key":{"k":{"policy":"` + key + `"}},` +
			`"aws_kms_replica_key":{"k_replica_us_east_1":{"policy":"` + replica + `"}}}}`)
	}
	found, err := lintStack("kms-dev", stack(good, good), trust{})
	if err != nil || len(found) != 0 {
		t.Fatalf("clean key and replica: %v, %v", found, err)
	}
	found, err = lintStack("kms-dev", stack(good, open), trust{})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Resource != "aws_kms_replica_key.k_replica_us_east_1" || !strings.Contains(found[0].Title, `Principal AWS "*"`) {
		t.Errorf("open replica policy: %+v", found)
	}
	found, err = lintStack("kms-dev", stack(open, good), trust{})
	if err != nil || len(found) != 1 || found[0].Resource != "aws_kms_key.k" {
		t.Errorf("open key policy: %+v, %v", found, err)
	}
	// Management actions to another account pass only when the
	// environment trusts it, as in the construct.
	audit := `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},` +
		`{\"Sid\":\"Audit\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::210987654321:role/auditor\"},\"Action\":\"kms:GetKeyPolicy\",\"Resource\":\"*\"}]}`
	found, err = lintStack("kms-dev", stack(audit, good), trust{})
	if err != nil || len(found) != 1 || !strings.Contains(found[0].Title, "trusted_account_ids") {
		t.Errorf("untrusted account: %+v, %v", found, err)
	}
	found, err = lintStack("kms-dev", stack(audit, good), trust{Accounts: []string{"210987654321"}})
	if err != nil || len(found) != 0 {
		t.Errorf("trusted account: %+v, %v", found, err)
	}
	if _, err := lintStack("kms-dev", []byte(`{"resource":{}}`), trust{}); err == nil || !strings.Contains(err.Error(), "no aws provider") {
		t.Errorf("stack without provider: %v", err)
	}
}
