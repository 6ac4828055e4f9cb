package kms_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/filterpattern"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

// tamperEvent is a CloudTrail event of the KMS API by an identity:
// "user" (an IAM user), "pipeline" (a session of the exempt role), "other"
// (a session of another role), "service" (an AWS service). resources are
// the event's resources' ARNs.
func tamperEvent(name, who string, resources ...string) string {
	identity := map[string]string{
		"user":     `{"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/alice"}`,
		"pipeline": `{"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/deployer/ci-1234", "sessionContext": {"sessionIssuer": {"arn": "arn:aws:iam::123456789012:role/ci/deployer"}}}`,
		"other":    `{"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/deployer-not/ci", "sessionContext": {"sessionIssuer": {"arn": "arn:aws:iam::123456789012:role/deployer-not"}}}`,
		"service":  `{"type": "AWSService", "invokedBy": "ebs.amazonaws.com"}`,
	}[who]
	var rs []string
	for _, r := range resources {
		rs = append(rs, fmt.Sprintf(`{"accountId": "123456789012", "ARN": %q}`, r))
	}
	return fmt.Sprintf(`{"eventVersion": "1.08", "eventSource": "kms.amazonaws.com", "eventName": %q, "userIdentity": %s, "resources": [%s]}`,
		name, identity, strings.Join(rs, ", "))
}

// The tamper alarms (monitoring.tamper_alarms) fire on one event of each
// kind on this key, by anyone but the exempt pipeline role's sessions, and
// on nothing else.
func TestTamperAlarms(t *testing.T) {
	doc := monitoredKey(t, &kms.MonitoringConfig{CloudtrailLogGroupName: "aws-cloudtrail-logs", TamperAlarms: true,
		TamperExemptRoles: []string{"arn:aws:iam::123456789012:role/ci/deployer"}})
	alias := "arn:aws:kms:eu-west-1:123456789012:alias/orders"
	type ev struct {
		desc  string
		event string
		match bool
	}
	cases := map[string][]ev{
		"kms_policy_changed": {
			{"PutKeyPolicy by a user", tamperEvent("PutKeyPolicy", "user", thisKeyArn), true},
			{"PutKeyPolicy by another role", tamperEvent("PutKeyPolicy", "other", thisKeyArn), true},
			{"PutKeyPolicy by the pipeline", tamperEvent("PutKeyPolicy", "pipeline", thisKeyArn), false},
			{"PutKeyPolicy on another key", tamperEvent("PutKeyPolicy", "user", otherKeyArn), false},
			{"GetKeyPolicy", tamperEvent("GetKeyPolicy", "user", thisKeyArn), false},
		},
		"kms_grants_changed": {
			{"CreateGrant", tamperEvent("CreateGrant", "user", thisKeyArn), true},
			{"RevokeGrant", tamperEvent("RevokeGrant", "other", thisKeyArn), true},
			{"CreateGrant by a service", tamperEvent("CreateGrant", "service", thisKeyArn), true},
			{"CreateGrant by the pipeline", tamperEvent("CreateGrant", "pipeline", thisKeyArn), false},
			{"ListGrants", tamperEvent("ListGrants", "user", thisKeyArn), false},
		},
		"kms_alias_changed": {
			{"DeleteAlias (alias first)", tamperEvent("DeleteAlias", "user", alias, thisKeyArn), true},
			{"UpdateAlias (key first)", tamperEvent("UpdateAlias", "user", thisKeyArn, alias), true},
			{"UpdateAlias from this key to another", tamperEvent("UpdateAlias", "user", alias, otherKeyArn, thisKeyArn), true},
			{"UpdateAlias of another key's alias", tamperEvent("UpdateAlias", "user", alias, otherKeyArn), false},
			{"CreateAlias", tamperEvent("CreateAlias", "user", alias, thisKeyArn), false},
		},
		"kms_restored": {
			{"EnableKey", tamperEvent("EnableKey", "user", thisKeyArn), true},
			{"CancelKeyDeletion", tamperEvent("CancelKeyDeletion", "user", thisKeyArn), true},
			{"DisableKey", tamperEvent("DisableKey", "user", thisKeyArn), false},
		},
		"kms_primary_region_moved": {
			{"UpdatePrimaryRegion", tamperEvent("UpdatePrimaryRegion", "user", thisKeyArn), true},
			{"ReplicateKey", tamperEvent("ReplicateKey", "user", thisKeyArn), false},
		},
		"kms_key_material_deleted": {
			{"DeleteImportedKeyMaterial", tamperEvent("DeleteImportedKeyMaterial", "user", thisKeyArn), true},
			{"ImportKeyMaterial", tamperEvent("ImportKeyMaterial", "user", thisKeyArn), false},
		},
	}
	for name, events := range cases {
		f := doc.Resource(t, "aws_cloudwatch_log_metric_filter", name)
		raw := f["pattern"].(string)
		pattern, err := filterpattern.Parse(strings.ReplaceAll(raw, synthtest.Ref("aws_kms_key.kms", "arn"), thisKeyArn))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, raw)
		}
		for _, e := range events {
			if got, err := pattern.Matches(e.event); err != nil || got != e.match {
				t.Errorf("%s on %s: matches = %v (%v), want %v\npattern %s", name, e.desc, got, err, e.match, raw)
			}
		}
		a := doc.Resource(t, "aws_cloudwatch_metric_alarm", name+"_alarm")
		if a["threshold"] != 1.0 || a["comparison_operator"] != "GreaterThanOrEqualToThreshold" {
			t.Errorf("%s_alarm does not fire on one event: %v", name, a)
		}
	}
	if n := len(doc.Resources("aws_cloudwatch_metric_alarm")); n != 4+len(cases) {
		t.Errorf("%d alarms, want the 4 usual ones and %d tamper alarms", n, len(cases))
	}
	// Off by default: only the usual four.
	doc = monitoredKey(t, &kms.MonitoringConfig{CloudtrailLogGroupName: "aws-cloudtrail-logs"})
	if n := len(doc.Resources("aws_cloudwatch_metric_alarm")); n != 4 {
		t.Errorf("without tamper_alarms: %d alarms", n)
	}
	for _, c := range []struct {
		m    kms.MonitoringConfig
		want string
	}{
		{kms.MonitoringConfig{CloudtrailLogGroupName: "l", TamperExemptRoles: []string{"arn:aws:iam::123456789012:role/ci"}}, "Monitoring.TamperExemptRoles: only with tamper_alarms on"},
		{kms.MonitoringConfig{CloudtrailLogGroupName: "l", TamperAlarms: true, TamperExemptRoles: []string{"arn:aws:iam::123456789012:user/ci"}}, "must be a role ARN"},
		{kms.MonitoringConfig{CloudtrailLogGroupName: "l", TamperAlarms: true, TamperExemptRoles: []string{"arn:aws:iam::210987654321:role/ci"}}, "is in account 210987654321"},
	} {
		cfg := usageExample()
		cfg.Monitoring = &c.m
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.m, err, c.want)
		}
	}
}
