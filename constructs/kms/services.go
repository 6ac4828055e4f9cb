package kms

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// ServiceConditionsChecked is the day the table of service conditions was
// checked against AWS's documentation.
const ServiceConditionsChecked = "2026-11-30"

// ServiceConditions is what AWS's documentation gives, for one service
// principal named in a key policy, about the confused-deputy conditions
// aws:SourceAccount and aws:SourceArn: whether the service sends them when
// it uses a customer managed key on a customer's behalf, so that a key
// policy may require them. A condition on a key the service does not send
// denies the service, so ServicePrincipalsSourceAccount and
// ServicePrincipalsSourceArns apply only to services of this table, or to
// services the configuration asserts (ServicePrincipalsConditionsAsserted).
type ServiceConditions struct {
	// Service is the principal's name before its domain: "events" for
	// events.amazonaws.com.
	Service string
	// SourceAccount and SourceArn say which keys the documentation gives.
	SourceAccount, SourceArn bool
	// ArnService is the service in the ARNs aws:SourceArn carries
	// (arn:<partition>:<ArnService>:...), and SourceArnForm their form.
	ArnService, SourceArnForm string
	// Source is the documentation page: guide, title and address.
	Source string
	// Caveat is where the documentation says the keys do not apply to a
	// use of the key a configuration cannot see (the construct prints it as
	// a warning when the conditions are used); uses it can tell apart are
	// in Source.
	Caveat string
}

// serviceConditions is the table (checked on ServiceConditionsChecked; the
// services a key for logs, alarms, events, queues, topics and storage
// meets). CloudWatch Logs (logs.<region>.amazonaws.com) is not in it: its
// documentation gives kms:EncryptionContext:aws:logs:arn instead
// (RestrictCloudWatchLogs).
var serviceConditions = []ServiceConditions{
	{"cloudtrail", true, true, "cloudtrail", "arn:<partition>:cloudtrail:<region>:<account>:trail/<name>",
		`AWS CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html (trails: aws:SourceArn recommended, aws:SourceAccount supported; CloudTrail Lake event data stores support neither)`, ""},
	{"delivery.logs", true, true, "logs", "arn:<partition>:logs:<region>:<account>:* (or :delivery-source:*)",
		`Amazon CloudWatch Logs User Guide, "Logs sent to Amazon S3" and "Enabling logging from AWS services", https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-S3.html (vended logs; CloudFront's legacy standard logs document no condition)`, ""},
	{"events", true, true, "events", "arn:<partition>:events:<region>:<account>:event-bus/<name> (or rule/<name>)",
		`Amazon EventBridge User Guide, "Authorizing EventBridge to use a customer managed key", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html`,
		`Amazon SNS documents aws:SourceAccount and aws:SourceArn as not supported for EventBridge publishing to a topic encrypted with the key (Amazon SNS Developer Guide, "Managing Amazon SNS encryption keys and costs", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html): leave the conditions off if EventBridge rules publish to such a topic`},
	{"sns", true, true, "sns", "arn:<partition>:sns:<region>:<account>:<topic>",
		`Amazon SQS Developer Guide, "Key management" (SNS subscriptions to encrypted queues), https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html`, ""},
	{"s3", true, true, "s3", "arn:<partition>:s3:::<bucket>",
		`Amazon SNS Developer Guide, "Managing Amazon SNS encryption keys and costs" (event sources), https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, and Amazon SQS Developer Guide, "Key management", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html`, ""},
	{"cloudwatch", true, true, "cloudwatch", "arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>",
		`Amazon SNS Developer Guide, "Managing Amazon SNS encryption keys and costs" (event sources), https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html`, ""},
	{"ses", true, true, "ses", "arn:<partition>:ses:<region>:<account>:receipt-rule-set/<set>:receipt-rule/<rule>",
		`Amazon SES Developer Guide, "Giving permissions to Amazon SES for email receiving", https://docs.aws.amazon.com/ses/latest/dg/receiving-email-permissions.html`, ""},
	{"dnssec-route53", true, true, "route53", "arn:<partition>:route53:::hostedzone/<id>",
		`Amazon Route 53 Developer Guide, "Using identity-based policies (IAM policies) for Amazon Route 53" (DNSSEC), https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/access-control-managing-permissions.html`, ""},
	{"config", true, true, "config", "arn:<partition>:config:<region>:<account>:*",
		`AWS Config Developer Guide, "Permissions for the KMS Key", https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html`, ""},
	{"guardduty", true, true, "guardduty", "arn:<partition>:guardduty:<region>:<account>:detector/<id>",
		`Amazon GuardDuty User Guide, "Exporting generated findings to Amazon S3", https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html`, ""},
	{"inspector2", true, true, "inspector2", "arn:<partition>:inspector2:<region>:<account>:report/*",
		`Amazon Inspector User Guide, "Exporting Amazon Inspector findings reports", https://docs.aws.amazon.com/inspector/latest/user/findings-managing-exporting-reports.html`, ""},
	{"macie", true, true, "macie2", "arn:<partition>:macie2:<region>:<account>:classification-job/*",
		`Amazon Macie User Guide, "Storing and retaining sensitive data discovery results", https://docs.aws.amazon.com/macie/latest/user/discovery-results-repository-s3.html`, ""},
	{"gamelift", false, true, "gamelift", "arn:<partition>:gamelift:<region>:<account>:matchmakingconfiguration/<name>",
		`Amazon GameLift FlexMatch Developer Guide, "Set up an SNS topic with server-side encryption", https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html (aws:SourceArn only)`, ""},
}

// ServiceConditionTable returns the table of services whose documentation
// gives aws:SourceAccount or aws:SourceArn for key policies, sorted by
// service (a fresh copy each call).
func ServiceConditionTable() []ServiceConditions {
	out := slices.Clone(serviceConditions)
	slices.SortFunc(out, func(a, b ServiceConditions) int { return strings.Compare(a.Service, b.Service) })
	return out
}

// SourceConditionServices returns the services (principal names before
// the domain, like "cloudtrail") of the table, sorted.
func SourceConditionServices() []string {
	var out []string
	for _, s := range ServiceConditionTable() {
		out = append(out, s.Service)
	}
	return out
}

// conditionsOf returns the table's row of a service principal.
func conditionsOf(sp string) (ServiceConditions, bool) {
	name := serviceName(sp)
	for _, s := range serviceConditions {
		if s.Service == name {
			return s, true
		}
	}
	return ServiceConditions{}, false
}

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

var (
	fSourceArns          = field{"ServicePrincipalsSourceArns", "service_principals_source_arns"}
	fSourceAccount       = field{"ServicePrincipalsSourceAccount", "service_principals_source_account"}
	fConditionsAsserted  = field{"ServicePrincipalsConditionsAsserted", "service_principals_conditions_asserted"}
	tableForConditions   = "the table of services whose AWS documentation gives aws:SourceAccount or aws:SourceArn for key policies (checked " + ServiceConditionsChecked + "; docs/configuration.md lists it)"
	assertConditionsHint = "if AWS documents the condition for this service, list it in service_principals_conditions_asserted (ServicePrincipalsConditionsAsserted)"
)

// validateSourceConditions checks the confused-deputy options against the
// table (or the services the configuration asserts).
func (c *KmsKeyConfig) validateSourceConditions(p *problems, partition string) {
	validateEach(p, fConditionsAsserted, c.ServicePrincipalsConditionsAsserted, literalsOnly, func(sp string) string {
		switch {
		case !slices.Contains(c.ServicePrincipals, sp):
			return "is not one of service_principals"
		default:
			if _, listed := conditionsOf(sp); listed {
				return "is in " + tableForConditions + " already; leave it out here"
			}
		}
		return ""
	})
	if !c.ServicePrincipalsSourceAccount && len(c.ServicePrincipalsSourceArns) == 0 {
		return
	}
	f := fSourceAccount
	if !c.ServicePrincipalsSourceAccount {
		f = fSourceArns
	}
	if len(c.ServicePrincipals) == 0 {
		p.add(f, nil, "limits the service_principals statement, but there are no service_principals")
	}
	arnServices := map[string]bool{}
	concrete := true
	for _, s := range c.ServicePrincipalsSourceArns {
		if tftemplate.IsReference(s) {
			concrete = false
			continue
		}
		if a, ok := iam.Parse(s); ok {
			arnServices[a.Service] = true
			if a.Service == "*" || strings.ContainsAny(a.Service, "*?") {
				concrete = false
			}
		}
	}
	for i, sp := range c.ServicePrincipals {
		fi := fServicePrincipals.index(i)
		row, listed := conditionsOf(sp)
		asserted := slices.Contains(c.ServicePrincipalsConditionsAsserted, sp)
		switch {
		case asserted:
		case !listed && strings.HasPrefix(sp, "logs."):
			p.add(fi, sp, "CloudWatch Logs is documented with the condition kms:EncryptionContext:aws:logs:arn, not aws:SourceAccount or aws:SourceArn: it is the original statement's principal already (restrict_cloudwatch_logs limits it to the account's log groups), so leave it out of service_principals")
		case !listed:
			p.add(fi, sp, "is not in %s, so a condition on a key it may not send could deny it; %s", tableForConditions, assertConditionsHint)
		case c.ServicePrincipalsSourceAccount && !row.SourceAccount:
			p.add(fi, sp, "its documentation (%s) gives aws:SourceArn only, not aws:SourceAccount; leave service_principals_source_account off and use service_principals_source_arns", row.Source)
		case len(c.ServicePrincipalsSourceArns) > 0 && !row.SourceArn:
			p.add(fi, sp, "its documentation (%s) gives aws:SourceAccount only, not aws:SourceArn", row.Source)
		case len(c.ServicePrincipalsSourceArns) > 0 && concrete && !arnServices[row.ArnService]:
			// The statement's condition applies to every service principal
			// in it: one whose resources are not among the ARNs is denied.
			p.add(fi, sp, "sends aws:SourceArn of its own resources (%s), and no entry of service_principals_source_arns is an ARN of %s, so the condition would deny it", row.SourceArnForm, row.ArnService)
		}
	}
	validateEach(p, fSourceArns, c.ServicePrincipalsSourceArns, listRefs, func(s string) string {
		a, ok := iam.Parse(s)
		switch {
		case !ok:
			return "must be an ARN (wildcards allowed), like arn:aws:cloudtrail:eu-west-1:123456789012:trail/main"
		case partition != "" && a.Partition != partition:
			return fmt.Sprintf("is in partition %q but the key is in %q", a.Partition, partition)
		}
		return ""
	})
}

// sourceConditionWarnings are the caveats of the table's rows, and the
// services the configuration asserts, when the conditions are used.
func (c *KmsKeyConfig) sourceConditionWarnings() []string {
	if !c.ServicePrincipalsSourceAccount && len(c.ServicePrincipalsSourceArns) == 0 {
		return nil
	}
	var out []string
	for _, sp := range c.ServicePrincipals {
		if slices.Contains(c.ServicePrincipalsConditionsAsserted, sp) {
			out = append(out, fmt.Sprintf("service_principals_conditions_asserted: %s is not in %s; the conditions are added on your word that AWS documents them for it: if it does not send them, the key policy denies it", sp, tableForConditions))
			continue
		}
		if row, ok := conditionsOf(sp); ok && row.Caveat != "" {
			out = append(out, fmt.Sprintf("service_principals: %s: %s", sp, row.Caveat))
		}
	}
	return out
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
