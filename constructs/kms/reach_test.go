package kms_test

import (
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
)

// TestEveryAccessPathPassesTheSameReachRules: management and grant-making
// powers go to the key's account, trusted accounts and named services
// only, whether a key policy statement (of any origin, replicas included)
// or a native grant gives them; usage goes to anyone named.
func TestEveryAccessPathPassesTheSameReachRules(t *testing.T) {
	const other = "arn:aws:iam::999999999999:root"
	grant := func(grantee string, ops ...string) func(*kms.KmsKeyConfig) {
		return func(c *kms.KmsKeyConfig) {
			c.KmsGrants = []kms.KmsGrantSpec{{Name: "g", GranteePrincipal: grantee, Operations: ops}}
		}
	}
	statement := func(js string) func(*kms.KmsKeyConfig) {
		return func(c *kms.KmsKeyConfig) { c.ExtraPolicyStatements = mustStatements(js) }
	}
	trustAccount := func(c *kms.KmsKeyConfig) { c.TrustedAccountIds = []string{"999999999999"} }
	trustService := func(c *kms.KmsKeyConfig) { c.TrustedServicePrincipals = []string{"dnssec-route53.amazonaws.com"} }
	for _, tc := range []struct {
		name    string
		mutate  []func(*kms.KmsKeyConfig)
		refused string // the field and what the error says; "" when accepted
	}{
		{"native grant with CreateGrant to another account", []func(*kms.KmsKeyConfig){grant(other, "CreateGrant", "Decrypt")},
			"KmsGrants[0].GranteePrincipal: \"" + other + "\": gives " + other + " in account 999999999999 management actions (kms:CreateGrant)"},
		{"native grant with RetireGrant to another account", []func(*kms.KmsKeyConfig){grant(other, "RetireGrant")},
			"KmsGrants[0].GranteePrincipal"},
		{"native grant of usage to another account", []func(*kms.KmsKeyConfig){grant(other, "Decrypt", "Encrypt")}, ""},
		{"native grant with CreateGrant to a trusted account", []func(*kms.KmsKeyConfig){grant(other, "CreateGrant", "Decrypt"), trustAccount}, ""},
		{"native grant with CreateGrant in the key's account", []func(*kms.KmsKeyConfig){grant("arn:aws:iam::123456789012:role/ops", "CreateGrant", "Decrypt")}, ""},
		{"retiring principal in another account", []func(*kms.KmsKeyConfig){func(c *kms.KmsKeyConfig) {
			c.KmsGrants = []kms.KmsGrantSpec{{Name: "g", GranteePrincipal: "arn:aws:iam::123456789012:role/app", RetiringPrincipal: other, Operations: []string{"Decrypt"}}}
		}}, "KmsGrants[0].RetiringPrincipal: \"" + other + "\": gives " + other + " in account 999999999999 management actions (kms:RetireGrant)"},
		{"native grant with CreateGrant to a service", []func(*kms.KmsKeyConfig){grant("dnssec-route53.amazonaws.com", "CreateGrant", "DescribeKey")},
			"KmsGrants[0].GranteePrincipal: \"dnssec-route53.amazonaws.com\": gives the service principal dnssec-route53.amazonaws.com management actions (kms:CreateGrant)"},
		{"native grant with CreateGrant to a trusted service", []func(*kms.KmsKeyConfig){grant("dnssec-route53.amazonaws.com", "CreateGrant", "DescribeKey"), trustService}, ""},
		{"extra statement giving a service the key policy", []func(*kms.KmsKeyConfig){statement(`{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": ["kms:Decrypt", "kms:PutKeyPolicy"], "Resource": "*"}`)},
			"ExtraPolicyStatements[0]: statement 5: gives the service principal s3.amazonaws.com management actions (kms:PutKeyPolicy)"},
		{"extra statement letting a service schedule deletion", []func(*kms.KmsKeyConfig){statement(`{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "kms:*", "Resource": "*"}`)},
			"gives the service principal events.amazonaws.com management actions"},
		{"extra statement of usage for a service", []func(*kms.KmsKeyConfig){statement(`{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}`)}, ""},
		{"extra statement with grants for a named service", []func(*kms.KmsKeyConfig){statement(`{"Effect": "Allow", "Principal": {"Service": "dnssec-route53.amazonaws.com"}, "Action": "kms:CreateGrant", "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}`), trustService}, ""},
		{"wildcard pinned by aws:SourceAccount: any service, with management", []func(*kms.KmsKeyConfig){statement(`{"Sid": "S", "Effect": "Allow", "Principal": "*", "Action": ["kms:CreateGrant", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"], "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}`)},
			"pinned only by aws:SourceAccount reaches any AWS service acting for the account"},
		{"wildcard pinned by aws:SourceAccount: any service, usage", []func(*kms.KmsKeyConfig){statement(`{"Sid": "S", "Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}`)}, ""},
		{"extra statement with CreateGrant to another account", []func(*kms.KmsKeyConfig){statement(`{"Effect": "Allow", "Principal": {"AWS": "` + other + `"}, "Action": "kms:CreateGrant", "Resource": "*"}`)},
			"ExtraPolicyStatements[0]"},
		{"replica policies follow the same rule", []func(*kms.KmsKeyConfig){func(c *kms.KmsKeyConfig) {
			c.MultiRegion, c.ReplicaRegions = true, []string{"eu-central-1"}
		}, statement(`{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "kms:DisableKey", "Resource": "*"}`)},
			"gives the service principal s3.amazonaws.com management actions (kms:DisableKey)"},
		{"trusted service that is not a service principal", []func(*kms.KmsKeyConfig){func(c *kms.KmsKeyConfig) { c.TrustedServicePrincipals = []string{"s3"} }},
			"TrustedServicePrincipals[0]: \"s3\": must be an AWS service principal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := usageExample()
			for _, m := range tc.mutate {
				m(cfg)
			}
			err := cfg.Validate()
			switch {
			case tc.refused == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)):
				t.Errorf("got %v\nwant an error with %q", err, tc.refused)
			}
		})
	}
}
