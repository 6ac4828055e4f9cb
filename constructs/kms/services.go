package kms

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/awsarn"
)

// sourceConditionServices are the services that AWS documents as sending
// aws:SourceAccount and aws:SourceArn to KMS when they use a key on a
// customer's behalf, so that a key policy can name the source (the
// confused-deputy protection). A condition on a key the service does not
// send would deny it, so the construct refuses the options for any other
// service. Checked 2026-11-27; the value is the source.
var sourceConditionServices = map[string]string{
	"cloudtrail": "AWS CloudTrail User Guide, \"Configure AWS KMS key policies for CloudTrail\": aws:SourceArn (the trail) recommended, aws:SourceAccount supported",
	"delivery.logs": "Amazon CloudWatch Logs User Guide, \"Enable logging from AWS services\" (logs sent to Amazon S3 and Firehose with SSE-KMS): " +
		"aws:SourceAccount and aws:SourceArn arn:<partition>:logs:<region>:<account>:*",
}

// SourceConditionServices returns the services (principal names before
// the domain, like "cloudtrail") that ServicePrincipalsSourceAccount and
// ServicePrincipalsSourceArns accept, sorted.
func SourceConditionServices() []string { return slices.Sorted(maps.Keys(sourceConditionServices)) }

// serviceName returns the name of a service principal before its domain:
// "delivery.logs" for delivery.logs.amazonaws.com.
func serviceName(sp string) string {
	for _, suffix := range []string{".amazonaws.com.cn", ".amazonaws.com", ".c2s.ic.gov", ".sc2s.sgov.gov"} {
		if name, ok := strings.CutSuffix(sp, suffix); ok {
			return name
		}
	}
	return sp
}

// validateSourceConditions checks the confused-deputy options.
func (c *KmsKeyConfig) validateSourceConditions(p *problems, partition string) {
	fArns := field{"ServicePrincipalsSourceArns", "service_principals_source_arns"}
	fAccount := field{"ServicePrincipalsSourceAccount", "service_principals_source_account"}
	if !c.ServicePrincipalsSourceAccount && len(c.ServicePrincipalsSourceArns) == 0 {
		return
	}
	f := fAccount
	if !c.ServicePrincipalsSourceAccount {
		f = fArns
	}
	if len(c.ServicePrincipals) == 0 {
		p.add(f, nil, "limits the service_principals statement, but there are no service_principals")
	}
	for i, sp := range c.ServicePrincipals {
		if _, ok := sourceConditionServices[serviceName(sp)]; !ok {
			p.add(fServicePrincipals.index(i), sp, "AWS does not document %s as sending aws:SourceAccount and aws:SourceArn to KMS, so a condition on them would deny it; these options apply to %s (leave them off, or list this service in an extra statement)",
				sp, strings.Join(SourceConditionServices(), ", "))
		}
	}
	validateEach(p, fArns, c.ServicePrincipalsSourceArns, true, func(s string) string {
		a, ok := awsarn.Parse(s)
		switch {
		case !ok:
			return "must be an ARN (wildcards allowed), like arn:aws:cloudtrail:eu-west-1:123456789012:trail/main"
		case partition != "" && a.Partition != partition:
			return fmt.Sprintf("is in partition %q but the key is in %q", a.Partition, partition)
		}
		return ""
	})
}

// servicePrincipalConditions are the conditions of the service principals
// statement: none unless the confused-deputy options are set.
func (c *KmsKeyConfig) servicePrincipalConditions() map[string]map[string]any {
	cond := map[string]map[string]any{}
	if c.ServicePrincipalsSourceAccount {
		cond["StringEquals"] = map[string]any{"aws:SourceAccount": c.AwsAccountId}
	}
	if arns := c.ServicePrincipalsSourceArns; len(arns) > 0 {
		var v any = arns[0]
		if len(arns) > 1 {
			v = append([]string(nil), arns...)
		}
		cond["ArnLike"] = map[string]any{"aws:SourceArn": v}
	}
	if len(cond) == 0 {
		return nil
	}
	return cond
}
