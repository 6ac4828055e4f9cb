package kms

import (
	"strings"
	"testing"
)

// The AWS provider (5.84.0 as pinned, and 6.x) refuses some values at
// terraform validate that the construct accepted, so a configuration that
// synthesized failed only at plan (found by the end-to-end tests against
// the real provider). The construct refuses them first, naming the field.

func TestGrantServicePrincipalsFollowTheProvidersRule(t *testing.T) {
	// aws_kms_grant's grantee_principal and retiring_principal take an ARN
	// or a service principal matching ^([0-9a-z-]+\.){1,4}(amazonaws|amazon)\.com$.
	for _, tc := range []struct {
		region, principal string
		ok                bool
	}{
		{"eu-west-1", "s3.amazonaws.com", true},
		{"eu-west-1", "delivery.logs.amazonaws.com", true},
		{"eu-west-1", "logs.eu-west-1.amazonaws.com", true},
		{"eu-west-1", "a.b.c.d.e.amazonaws.com", false},
		{"cn-north-1", "logs.cn-north-1.amazonaws.com.cn", false},
		{"cn-north-1", "ec2.amazonaws.com.cn", false},
		{"us-iso-east-1", "logs.us-iso-east-1.c2s.ic.gov", false},
		{"us-isob-east-1", "logs.us-isob-east-1.sc2s.sgov.gov", false},
	} {
		for _, field := range []string{"grantee_principal", "retiring_principal"} {
			c := validConfig()
			c.AwsRegion = tc.region
			c.AdditionalPrincipals = nil
			g := KmsGrantSpec{Name: "g", GranteePrincipal: "s3.amazonaws.com", Operations: []string{"Decrypt"}}
			if field == "grantee_principal" {
				g.GranteePrincipal = tc.principal
			} else {
				// Retiring a grant is more than key usage: the reach
				// rule wants the service named as trusted.
				g.RetiringPrincipal = tc.principal
				c.TrustedServicePrincipals = []string{tc.principal}
			}
			c.KmsGrants = []KmsGrantSpec{g}
			err := c.Validate()
			var mine []*FieldError
			for _, fe := range FieldErrors(err) {
				if fe.Key == "kms_grants[0]."+field {
					mine = append(mine, fe)
				}
			}
			switch {
			case tc.ok && err != nil:
				t.Errorf("%s %s in %s: refused: %v", field, tc.principal, tc.region, err)
			case !tc.ok && len(mine) != 1:
				t.Errorf("%s %s in %s: want one error about kms_grants[0].%s, got %v", field, tc.principal, tc.region, field, err)
			case !tc.ok && !strings.Contains(mine[0].Rule, "AWS provider"):
				t.Errorf("%s %s: the message does not say that the provider refuses it: %v", field, tc.principal, mine[0])
			}
		}
	}
}

func TestMetricNamespaceFollowsTheProvidersRule(t *testing.T) {
	// aws_cloudwatch_log_metric_filter's metric_transformation.namespace
	// must not contain a colon, an asterisk or a dollar sign (CloudWatch
	// Logs PutMetricFilter; the provider checks it at validate).
	for ns, ok := range map[string]bool{
		"CdktfKms": true, "Team/Kms": true, "team.kms-1_x #2": true,
		"Team:Kms": false, ":Kms": false, "AWS/KMS": false,
	} {
		c := validConfig()
		c.Monitoring = &MonitoringConfig{CloudtrailLogGroupName: "trail", MetricNamespace: ns}
		err := c.Validate()
		if ok != (err == nil) {
			t.Errorf("namespace %q: err = %v, want accepted %v", ns, err, ok)
		}
	}
}
