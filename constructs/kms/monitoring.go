package kms

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/awsarn"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchlogmetricfilter"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Monitoring defaults.
const (
	DefaultMetricNamespace   = "CdktfKms"
	DefaultDecryptThreshold  = 1000
	DefaultEncryptThreshold  = 1000
	DefaultPeriodSeconds     = 300
	DefaultEvaluationPeriods = 1
)

// SidCloudWatchAlarms is the Sid of the key policy statement that lets
// CloudWatch use the key for the alarm topic the construct creates.
const SidCloudWatchAlarms = "AllowCloudWatchAlarmsToUseTheKeyForTheTopic"

// MonitoringConfig turns on key-usage monitoring: CloudTrail metric filters
// on a log group, CloudWatch alarms on them, and an SNS topic for the
// alarms. A nil *MonitoringConfig (the default) creates nothing.
type MonitoringConfig struct {
	// CloudtrailLogGroupName is the existing CloudWatch Logs log group that
	// receives the account's CloudTrail events. Required; takes a reference.
	CloudtrailLogGroupName string `json:"cloudtrail_log_group_name"`
	// SnsTopicArn is an existing topic (same region as the key) for the
	// alarms; a topic in another account needs that account in
	// TrustedAccountIds. Do not encrypt it with this key: a disabled key (or
	// one pending deletion) cannot be used, so SNS could not deliver the
	// alarm about that very change (the construct warns when it sees the
	// topic in the app encrypted with this key). Takes a reference.
	// Default: unset, and the construct creates a topic encrypted with a
	// KMS key of its own, aws_kms_key.<name>_alarms_key, so that every
	// alarm, the key-state one first, arrives whatever state this key is in.
	SnsTopicArn string `json:"sns_topic_arn,omitempty"`
	// AlarmEmails are email addresses subscribed to the created topic (each
	// must confirm the subscription). Only without SnsTopicArn. Take
	// references. Default: none.
	AlarmEmails []string `json:"alarm_emails,omitempty"`
	// DecryptThreshold is the number of Decrypt requests per period above
	// which the decrypt alarm fires. Default: 1000.
	DecryptThreshold int `json:"decrypt_threshold,omitempty"`
	// EncryptThreshold is the number of Encrypt, GenerateDataKey* and
	// ReEncrypt requests per period above which the encrypt alarm fires.
	// Default: 1000.
	EncryptThreshold int `json:"encrypt_threshold,omitempty"`
	// PeriodSeconds is the alarms' period, a multiple of 60 up to 86400.
	// Default: 300.
	PeriodSeconds int `json:"period_seconds,omitempty"`
	// EvaluationPeriods is how many periods the volume alarms evaluate;
	// periods times evaluation periods is at most one day. Default: 1.
	EvaluationPeriods int `json:"evaluation_periods,omitempty"`
	// MetricNamespace is the CloudWatch namespace of the metrics. Default:
	// "CdktfKms".
	MetricNamespace string `json:"metric_namespace,omitempty"`
}

func orDefault(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

// createsTopic says whether the construct creates the alarm topic.
func (m *MonitoringConfig) createsTopic() bool { return m != nil && m.SnsTopicArn == "" }

func (m *MonitoringConfig) namespace() string {
	if m.MetricNamespace == "" {
		return DefaultMetricNamespace
	}
	return m.MetricNamespace
}

var (
	logGroupNamePattern = regexp.MustCompile(`^[A-Za-z0-9._/#-]{1,512}$`)
	emailPattern        = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`)
	namespacePattern    = regexp.MustCompile(`^[A-Za-z0-9._/#-][A-Za-z0-9._/# -]{0,254}$`)
)

// Limits of the alarm settings (CloudWatch PutMetricAlarm): a period is a
// multiple of 60 s up to a day, and periods times evaluation periods is at
// most a day.
const (
	maxPeriodSeconds = 86400
	maxThreshold     = 1 << 40
)

// validateMonitoring checks the monitoring options.
func (c *KmsKeyConfig) validateMonitoring(p *problems, partition string) {
	m := c.Monitoring
	if m == nil {
		return
	}
	f := field{"Monitoring", "monitoring"}
	fl := f.sub("CloudtrailLogGroupName", "cloudtrail_log_group_name")
	if m.CloudtrailLogGroupName == "" {
		p.add(fl, "", "required: the log group that receives the account's CloudTrail events")
	} else {
		validateReference(p, fl, m.CloudtrailLogGroupName, func(name string) string {
			if !logGroupNamePattern.MatchString(name) {
				return "must be a log group name: 1 to 512 letters, digits and . _ / # -"
			}
			return ""
		})
	}
	if m.SnsTopicArn != "" {
		validateReference(p, f.sub("SnsTopicArn", "sns_topic_arn"), m.SnsTopicArn, func(arn string) string {
			a, msg := awsarn.ParseTopic(arn)
			switch {
			case msg != "":
				return msg
			case strings.HasSuffix(a.Resource, ".fifo"):
				return "is a FIFO topic; CloudWatch alarms notify standard topics only"
			case partition != "" && a.Partition != partition:
				return fmt.Sprintf("is in partition %q; the key's region is in %q", a.Partition, partition)
			case a.Region != c.AwsRegion:
				return fmt.Sprintf("is in region %s; CloudWatch alarms in %s notify topics of their own region", a.Region, c.AwsRegion)
			case !c.trusted(a.AccountID):
				return untrustedMessage(a.AccountID, "receive the key's alarms")
			}
			return ""
		})
		if len(m.AlarmEmails) > 0 {
			p.add(f.sub("AlarmEmails", "alarm_emails"), nil, "only with a topic the construct creates; subscribe to %s yourself, or drop sns_topic_arn", quoteCut(m.SnsTopicArn))
		}
	}
	seen := map[string]bool{}
	for i, e := range m.AlarmEmails {
		fe := f.sub("AlarmEmails", "alarm_emails").index(i)
		switch {
		case tftemplate.IsUnresolved(e) || tftemplate.HasComplexMarker(e):
			validateReference(p, fe, e, nil)
		case !emailPattern.MatchString(e):
			p.add(fe, e, "must be an email address like security@example.com")
		case seen[strings.ToLower(e)]:
			p.add(fe, e, "is listed twice")
		default:
			validateLiteral(p, fe, e)
		}
		seen[strings.ToLower(e)] = true
	}
	for _, t := range []struct {
		f    field
		v, d int
	}{
		{f.sub("DecryptThreshold", "decrypt_threshold"), m.DecryptThreshold, DefaultDecryptThreshold},
		{f.sub("EncryptThreshold", "encrypt_threshold"), m.EncryptThreshold, DefaultEncryptThreshold},
	} {
		if t.v < 0 || t.v > maxThreshold {
			p.add(t.f, t.v, "must be 1 to %d requests per period (unset: %d)", maxThreshold, t.d)
		}
	}
	period := orDefault(m.PeriodSeconds, DefaultPeriodSeconds)
	periodOK := m.PeriodSeconds >= 0 && period%60 == 0 && period <= maxPeriodSeconds
	if !periodOK {
		p.add(f.sub("PeriodSeconds", "period_seconds"), m.PeriodSeconds, "must be a multiple of 60 from 60 to 86400 (metrics from log filters have 1-minute resolution)")
	}
	evals := orDefault(m.EvaluationPeriods, DefaultEvaluationPeriods)
	switch {
	case m.EvaluationPeriods < 0:
		p.add(f.sub("EvaluationPeriods", "evaluation_periods"), m.EvaluationPeriods, "must be 1 or more")
	// Compared by division: evals * period could overflow.
	case periodOK && evals > maxPeriodSeconds/period:
		p.add(f.sub("EvaluationPeriods", "evaluation_periods"), m.EvaluationPeriods, "%d periods of %d s are more than one day, CloudWatch's limit (at most %d periods)", evals, period, maxPeriodSeconds/period)
	}
	if m.MetricNamespace != "" && (!namespacePattern.MatchString(m.MetricNamespace) || strings.HasPrefix(m.MetricNamespace, "AWS/")) {
		p.add(f.sub("MetricNamespace", "metric_namespace"), m.MetricNamespace, "must be a CloudWatch namespace that metric filters accept: 1 to 255 letters, digits, spaces and . _ / # - (no colon), not starting with AWS/")
	}
}

// cloudWatchStatement lets CloudWatch use the alarm topic's key to publish
// to the topic (Amazon SNS Developer Guide, "Configure AWS KMS permissions
// for AWS services": CloudWatch needs kms:Decrypt and kms:GenerateDataKey*
// on the key of an encrypted topic it publishes to).
func cloudWatchStatement() PolicyStatement {
	return PolicyStatement{
		Sid:       SidCloudWatchAlarms,
		Effect:    "Allow",
		Principal: map[string]OneOrMany{"Service": {"cloudwatch.amazonaws.com"}},
		Action:    OneOrMany{"kms:Decrypt", "kms:GenerateDataKey*"},
		Resource:  OneOrMany{"*"},
	}
}

// alarm describes one of the key's alarms.
type alarm struct {
	suffix      string // of the Terraform name, metric and alarm name
	description string
	pattern     string // with %s for the key ARN
	comparison  string
	threshold   int
}

// filterPrefix limits every filter to KMS events on this key: KMS events
// carry the key's ARN in resources[0].ARN, whatever the caller passed as
// keyId (an alias or a bare id).
const filterPrefix = `($.eventSource = "kms.amazonaws.com") && ($.resources[0].ARN = "%s")`

func (k *KmsKey) alarms() []alarm {
	m := k.config.Monitoring
	return []alarm{
		{"decrypt-volume", "Decrypt requests on the key above the threshold",
			`{ ` + filterPrefix + ` && ($.eventName = "Decrypt") }`, "GreaterThanThreshold", orDefault(m.DecryptThreshold, DefaultDecryptThreshold)},
		{"encrypt-volume", "Encrypt, GenerateDataKey* and ReEncrypt requests on the key above the threshold",
			`{ ` + filterPrefix + ` && (($.eventName = "Encrypt") || ($.eventName = "GenerateDataKey*") || ($.eventName = "ReEncrypt")) }`, "GreaterThanThreshold", orDefault(m.EncryptThreshold, DefaultEncryptThreshold)},
		{"unauthorized", "Requests on the key denied for lack of permission",
			`{ ` + filterPrefix + ` && (($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation")) }`, "GreaterThanOrEqualToThreshold", 1},
		{"disable-or-delete", "The key was disabled or scheduled for deletion (CIS AWS Foundations, customer-managed keys)",
			`{ ` + filterPrefix + ` && (($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) }`, "GreaterThanOrEqualToThreshold", 1},
	}
}

// monitoringResourceNames lists the Terraform resources monitoring
// creates, as [type, name] pairs.
func monitoringResourceNames(keyName string, m *MonitoringConfig) [][2]string {
	var out [][2]string
	if m.createsTopic() {
		out = append(out, [2]string{"aws_kms_key", keyName + alarmKeySuffix},
			[2]string{"aws_sns_topic", keyName + "_alarms"}, [2]string{"aws_sns_topic_policy", keyName + "_alarms_policy"})
		for i := range m.AlarmEmails {
			out = append(out, [2]string{"aws_sns_topic_subscription", fmt.Sprintf("%s_alarms_email_%d", keyName, i)})
		}
	}
	for _, suffix := range alarmSuffixes {
		tf := keyName + "_" + strings.ReplaceAll(suffix, "-", "_")
		out = append(out, [2]string{"aws_cloudwatch_log_metric_filter", tf}, [2]string{"aws_cloudwatch_metric_alarm", tf + "_alarm"})
	}
	return out
}

// alarmSuffixes name the key's alarms, in the order of alarms().
var alarmSuffixes = []string{"decrypt-volume", "encrypt-volume", "unauthorized", "disable-or-delete"}

// monitoringName starts the names of the monitoring resources in AWS:
// unique per key, stack and environment.
func (k *KmsKey) monitoringName() string {
	return fmt.Sprintf("%s-%s-%s", k.config.NamePrefix, k.config.Environment, strings.ReplaceAll(k.name, "_", "-"))
}

// addMonitoring creates the topic (unless one is given), the metric
// filters and the alarms.
func (k *KmsKey) addMonitoring() {
	m := k.config.Monitoring
	if m == nil {
		return
	}
	base := k.monitoringName()
	topicArn := k.lit(m.SnsTopicArn)
	if m.createsTopic() {
		alarmKey := k.addAlarmKey()
		topic := snstopic.NewSnsTopic(k.node, jsii.String(k.name+"_alarms"), &snstopic.SnsTopicConfig{
			Name:           jsii.String(truncateName(base+"-kms-alarms", 256)),
			KmsMasterKeyId: alarmKey.Arn(),
		})
		k.pin(topic, k.name+"_alarms")
		topicArn = topic.Arn()
		policy := snstopicpolicy.NewSnsTopicPolicy(k.node, jsii.String(k.name+"_alarms_policy"), &snstopicpolicy.SnsTopicPolicyConfig{
			Arn:    topic.Arn(),
			Policy: k.lit(k.topicPolicy(*topic.Arn())),
		})
		k.pin(policy, k.name+"_alarms_policy")
		for i, email := range m.AlarmEmails {
			id := fmt.Sprintf("%s_alarms_email_%d", k.name, i)
			sub := snstopicsubscription.NewSnsTopicSubscription(k.node, jsii.String(id), &snstopicsubscription.SnsTopicSubscriptionConfig{
				TopicArn: topic.Arn(),
				Protocol: jsii.String("email"),
				Endpoint: k.lit(email),
			})
			k.pin(sub, id)
		}
	}
	k.alarmTopicArn = topicArn

	period := orDefault(m.PeriodSeconds, DefaultPeriodSeconds)
	evals := orDefault(m.EvaluationPeriods, DefaultEvaluationPeriods)
	for _, a := range k.alarms() {
		tf := k.name + "_" + strings.ReplaceAll(a.suffix, "-", "_")
		metric := truncateName(base+"-"+a.suffix, 255)
		filter := cloudwatchlogmetricfilter.NewCloudwatchLogMetricFilter(k.node, jsii.String(tf), &cloudwatchlogmetricfilter.CloudwatchLogMetricFilterConfig{
			Name:         jsii.String(truncateName(base+"-"+a.suffix, 512)),
			LogGroupName: k.lit(m.CloudtrailLogGroupName),
			Pattern:      k.lit(fmt.Sprintf(a.pattern, *k.key.Arn())),
			MetricTransformation: &cloudwatchlogmetricfilter.CloudwatchLogMetricFilterMetricTransformation{
				Name:      jsii.String(metric),
				Namespace: jsii.String(m.namespace()),
				Value:     jsii.String("1"),
			},
		})
		k.pin(filter, tf)
		name := truncateName(base+"-"+a.suffix, 255)
		al := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(k.node, jsii.String(tf+"_alarm"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			AlarmName:          jsii.String(name),
			AlarmDescription:   k.lit(a.description + " (" + k.Address() + ")."),
			Namespace:          jsii.String(m.namespace()),
			MetricName:         jsii.String(metric),
			Statistic:          jsii.String("Sum"),
			Period:             jsii.Number(period),
			EvaluationPeriods:  jsii.Number(evals),
			Threshold:          jsii.Number(a.threshold),
			ComparisonOperator: jsii.String(a.comparison),
			TreatMissingData:   jsii.String("notBreaching"),
			AlarmActions:       &[]*string{topicArn},
			OkActions:          &[]*string{topicArn},
		})
		k.pin(al, tf+"_alarm")
		k.alarmNames = append(k.alarmNames, name)
	}
}

// alarmKeySuffix ends the Terraform name of the alarm topic's key.
const alarmKeySuffix = "_alarms_key"

// addAlarmKey creates the KMS key of the alarm topic. The topic is not
// encrypted with the watched key: a disabled key, or one pending deletion,
// cannot be used for any cryptographic operation, so SNS could not deliver
// the alarm about that very change (and with is_enabled false, any alarm).
// The alarm key has rotation on, the watched key's deletion window and
// prevent_destroy, never its enabled flag, and a policy of the account root
// and CloudWatch (to publish to the topic) only.
func (k *KmsKey) addAlarmKey() kmskey.KmsKey {
	c := &k.config
	shared := c.sharedKeyArguments()
	name := k.name + alarmKeySuffix
	key := kmskey.NewKmsKey(k.node, jsii.String(name), &kmskey.KmsKeyConfig{
		Description:          k.lit("Encrypts the alarm topic of " + k.Address() + ", apart from that key, so that alarms about its state arrive whatever its state"),
		EnableKeyRotation:    jsii.Bool(true),
		Policy:               k.lit(k.alarmKeyPolicy()),
		DeletionWindowInDays: shared.deletionWindow,
		Lifecycle:            shared.lifecycle,
		Tags: &map[string]*string{
			"Name":        jsii.String(fmt.Sprintf("%s-kms-alarms-key", c.NamePrefix)),
			"Environment": jsii.String(c.Environment),
		},
	})
	k.pin(key, name)
	k.alarmKey = key
	return key
}

// alarmKeyPolicy is the alarm topic key's policy: AWS's default statement
// for the account root (kms:*, which delegates to IAM) and CloudWatch's
// statement for encrypted topics.
func (k *KmsKey) alarmKeyPolicy() string {
	return PolicyDocument{
		Version: PolicyVersion,
		Statement: []PolicyStatement{{
			Effect:    "Allow",
			Principal: map[string]OneOrMany{"AWS": {awsarn.RootArn(k.partition, k.config.AwsAccountId)}},
			Action:    OneOrMany{actionAllKMS},
			Resource:  OneOrMany{"*"},
		}, cloudWatchStatement()},
	}.render()
}

// AlarmKey returns the KMS key of the alarm topic the construct creates,
// or nil (no monitoring, or a topic of your own).
func (k *KmsKey) AlarmKey() kmskey.KmsKey { return k.alarmKey }

// topicPolicy lets CloudWatch alarms of this account publish to the topic.
func (k *KmsKey) topicPolicy(topicArn string) string {
	c := k.config
	return mustJSON(PolicyDocument{
		Version: PolicyVersion,
		Statement: []PolicyStatement{{
			Sid:       "AllowCloudWatchAlarmsOfThisAccountToPublish",
			Effect:    "Allow",
			Principal: map[string]OneOrMany{"Service": {"cloudwatch.amazonaws.com"}},
			Action:    OneOrMany{"sns:Publish"},
			Resource:  OneOrMany{topicArn},
			Condition: map[string]map[string]any{
				"StringEquals": {"aws:SourceAccount": c.AwsAccountId},
				"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", k.partition, c.AwsRegion, c.AwsAccountId)},
			},
		}},
	})
}

// truncateName keeps a name within an AWS limit.
func truncateName(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return s[:max]
}

// AlarmTopicArn returns the ARN (a token for a created topic) of the topic
// the alarms notify, or nil without monitoring.
func (k *KmsKey) AlarmTopicArn() *string { return k.alarmTopicArn }

// AlarmNames returns the names of the key's alarms (none without
// monitoring).
func (k *KmsKey) AlarmNames() []string { return append([]string(nil), k.alarmNames...) }

// warnMonitoringDependencies warns, once per key, about what the key's
// monitoring needs that the key itself would stop when it is disabled or
// pending deletion (registryMu held): the CloudTrail log group, when the
// app encrypts it with the key (CloudWatch Logs could not write the events
// the alarms count), and a topic of the user's own encrypted with the key
// (SNS could not deliver the alarms, the key-state one first). It runs at
// synth, when the user's resources exist; they are matched by name or
// reference.
func (st *stackState) warnMonitoringDependencies(all []constructs.IConstruct) {
	for _, k := range st.keys {
		m := k.config.Monitoring
		if m == nil || k.dependenciesChecked {
			continue
		}
		k.dependenciesChecked = true
		for _, c := range all {
			if st.owned[c] {
				continue
			}
			switch r := c.(type) {
			case cloudwatchloggroup.CloudwatchLogGroup:
				if st.sameValue(m.CloudtrailLogGroupName, r.NameInput(), "aws_cloudwatch_log_group", r, "name") && k.refersToKey(st, r.KmsKeyIdInput()) {
					k.dependencyWarnings = append(k.dependencyWarnings, fmt.Sprintf(
						"monitoring.cloudtrail_log_group_name: the log group %s (%s) is encrypted with this key: while the key is disabled or pending deletion CloudWatch Logs cannot write CloudTrail's events, so no alarm fires; encrypt the log group with another key",
						quoteCut(m.CloudtrailLogGroupName), *r.Node().Path()))
				}
			case snstopic.SnsTopic:
				if m.SnsTopicArn != "" && st.sameValue(m.SnsTopicArn, nil, "aws_sns_topic", r, "arn") && k.refersToKey(st, r.KmsMasterKeyIdInput()) {
					k.dependencyWarnings = append(k.dependencyWarnings, fmt.Sprintf(
						"monitoring.sns_topic_arn: the topic %s is encrypted with this key: while the key is disabled or pending deletion SNS cannot deliver the alarms, the one about that very change first; encrypt the topic with another key, or leave sns_topic_arn out (the construct's topic has a key of its own)",
						*r.Node().Path()))
				}
			}
		}
		for _, w := range k.dependencyWarnings {
			cdktf.Annotations_Of(k.node).AddWarning(jsii.String(w))
		}
	}
}

// sameValue says whether v, a value of the configuration, names the
// resource r: it is a reference to r's attr, or equals r's literal input.
func (st *stackState) sameValue(v string, input *string, typ string, r cdktf.TerraformResource, attr string) bool {
	if tftemplate.IsUnresolved(v) {
		return st.resolve(v) == "${"+typ+"."+*r.FriendlyUniqueId()+"."+attr+"}"
	}
	return input != nil && *input == v
}

// refersToKey says whether a resource argument (a KMS key id, ARN or
// alias, literal or reference) names this key.
func (k *KmsKey) refersToKey(st *stackState, arg *string) bool {
	if arg == nil {
		return false
	}
	v := *arg
	if !tftemplate.IsUnresolved(v) {
		return slices.Contains(k.config.Aliases, v)
	}
	expr := st.resolve(v)
	if strings.Contains(expr, "aws_kms_key."+k.name+".") {
		return true
	}
	for _, a := range k.config.Aliases {
		if strings.Contains(expr, "aws_kms_alias."+aliasResourceName(k.name, a)+".") {
			return true
		}
	}
	return false
}
