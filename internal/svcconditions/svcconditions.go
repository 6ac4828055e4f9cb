// Package svcconditions is the table of AWS services whose own
// documentation gives the confused-deputy condition keys aws:SourceAccount
// and aws:SourceArn for key policies: the construct allows
// service_principals_source_account and service_principals_source_arns only
// for them (a condition on a key a service does not send denies it), and
// docs/configuration.md lists them with their sources.
package svcconditions

import (
	"slices"
	"strings"
)

// Checked is the day the table was checked against AWS's documentation.
const Checked = "2026-11-30"

// Row is what AWS's documentation gives, for one service
// principal named in a key policy, about the confused-deputy conditions
// aws:SourceAccount and aws:SourceArn: whether the service sends them when
// it uses a customer managed key on a customer's behalf, so that a key
// policy may require them. A condition on a key the service does not send
// denies the service, so ServicePrincipalsSourceAccount and
// ServicePrincipalsSourceArns apply only to services of this table, or to
// services the configuration asserts (ServicePrincipalsConditionsAsserted).
type Row struct {
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

// rows are the table (checked on Checked; the
// services a key for logs, alarms, events, queues, topics and storage
// meets). CloudWatch Logs (logs.<region>.amazonaws.com) is not in it: its
// documentation gives kms:EncryptionContext:aws:logs:arn instead
// (RestrictCloudWatchLogs).
var rows = []Row{
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

// Table returns the rows, sorted by service (a fresh copy each call).
func Table() []Row {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b Row) int { return strings.Compare(a.Service, b.Service) })
	return out
}
