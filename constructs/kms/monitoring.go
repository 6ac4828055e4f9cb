package kms

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
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
	// TamperAlarms adds the events a security team pages on, each as a
	// metric filter and an alarm on the same topic that fires on one
	// event: the key policy changed (PutKeyPolicy), grants made or revoked
	// (CreateGrant, RevokeGrant), an alias deleted or pointed elsewhere
	// (DeleteAlias, UpdateAlias), the key re-enabled or its deletion
	// cancelled (EnableKey, CancelKeyDeletion), the primary Region moved
	// (UpdatePrimaryRegion), imported key material deleted
	// (DeleteImportedKeyMaterial) (AWS KMS Developer Guide, "Logging AWS
	// KMS API calls with AWS CloudTrail": each is an event of the key).
	// AWS services that create grants for the resources they encrypt (EBS,
	// RDS, ...) make CreateGrant events too. Default: false.
	TamperAlarms bool `json:"tamper_alarms,omitempty"`
	// TamperExemptRoles are the IAM roles (ARNs, in the key's account) of
	// the pipeline that changes the key on purpose: their sessions' events
	// do not count for the tamper alarms. Only with TamperAlarms. Default:
	// none.
	TamperExemptRoles []string `json:"tamper_exempt_roles,omitempty"`
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
			a, msg := iam.ParseTopic(arn)
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
	fx := f.sub("TamperExemptRoles", "tamper_exempt_roles")
	if len(m.TamperExemptRoles) > 0 && !m.TamperAlarms {
		p.add(fx, nil, "only with tamper_alarms on")
	}
	validateEach(p, fx, m.TamperExemptRoles, literalsOnly, func(r string) string {
		pr, msg := iam.ParsePrincipal(r, partition)
		switch {
		case msg != "":
			return msg
		case pr.Kind != "role":
			return "must be a role ARN (arn:<partition>:iam::<account>:role/[path/]name): the filters exempt its sessions"
		case pr.Account() != c.AwsAccountId:
			return fmt.Sprintf("is in account %s; the key's CloudTrail events of account %s are filtered", pr.Account(), c.AwsAccountId)
		}
		return ""
	})
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

// alarms lists the watched key's alarms for a configuration.
func alarmsFor(m *MonitoringConfig, partition string) []alarm {
	out := []alarm{
		{"decrypt-volume", "Decrypt requests on the key above the threshold",
			`{ ` + filterPrefix + ` && ($.eventName = "Decrypt") }`, "GreaterThanThreshold", orDefault(m.DecryptThreshold, DefaultDecryptThreshold)},
		{"encrypt-volume", "Encrypt, GenerateDataKey* and ReEncrypt requests on the key above the threshold",
			`{ ` + filterPrefix + ` && (($.eventName = "Encrypt") || ($.eventName = "GenerateDataKey*") || ($.eventName = "ReEncrypt")) }`, "GreaterThanThreshold", orDefault(m.EncryptThreshold, DefaultEncryptThreshold)},
		{"unauthorized", "Requests on the key denied for lack of permission",
			`{ ` + filterPrefix + ` && (($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation")) }`, "GreaterThanOrEqualToThreshold", 1},
		{"disable-or-delete", "The key was disabled or scheduled for deletion (CIS AWS Foundations, customer-managed keys)",
			`{ ` + filterPrefix + ` && (($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion")) }`, "GreaterThanOrEqualToThreshold", 1},
	}
	if !m.TamperAlarms {
		return out
	}
	exempt := tamperExemption(m.TamperExemptRoles, partition)
	for _, t := range tamperEvents {
		prefix := filterPrefix
		if t.aliases {
			// Alias events name the alias and the key it pointed to.
			prefix = aliasFilterPrefix
		}
		var names []string
		for _, e := range t.events {
			names = append(names, fmt.Sprintf(`($.eventName = "%s")`, e))
		}
		out = append(out, alarm{t.suffix, t.description,
			`{ ` + prefix + ` && (` + strings.Join(names, " || ") + `)` + exempt + ` }`, "GreaterThanOrEqualToThreshold", 1})
	}
	return out
}

// tamperEvents are the tamper alarms (TamperAlarms).
var tamperEvents = []struct {
	suffix, description string
	events              []string
	aliases             bool
}{
	{"policy-changed", "The key policy was changed (PutKeyPolicy)", []string{"PutKeyPolicy"}, false},
	{"grants-changed", "A grant on the key was created or revoked (CreateGrant, RevokeGrant)", []string{"CreateGrant", "RevokeGrant"}, false},
	{"alias-changed", "An alias of the key was deleted or pointed at another key (DeleteAlias, UpdateAlias)", []string{"DeleteAlias", "UpdateAlias"}, true},
	{"restored", "The key was enabled again or its deletion cancelled (EnableKey, CancelKeyDeletion)", []string{"EnableKey", "CancelKeyDeletion"}, false},
	{"primary-region-moved", "The key's primary Region was moved (UpdatePrimaryRegion)", []string{"UpdatePrimaryRegion"}, false},
	{"key-material-deleted", "The key's imported key material was deleted (DeleteImportedKeyMaterial)", []string{"DeleteImportedKeyMaterial"}, false},
}

// aliasFilterPrefix is filterPrefix for alias events, whose resources list
// the alias and the keys it pointed to and points to.
const aliasFilterPrefix = `($.eventSource = "kms.amazonaws.com") && (($.resources[0].ARN = "%[1]s") || ($.resources[1].ARN = "%[1]s") || ($.resources[2].ARN = "%[1]s"))`

// tamperExemption is the part of a tamper filter that leaves out the
// events of the exempt roles' sessions: an event of another kind of
// identity (a user, a service) has no assumed-role ARN, and counts.
func tamperExemption(roles []string, partition string) string {
	var out string
	for _, r := range roles {
		p, msg := iam.ParsePrincipal(r, partition)
		if msg != "" || p.Kind != "role" {
			continue // refused by validateMonitoring
		}
		session := fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/*", p.ARN.Partition, p.Account(), p.Name)
		out += fmt.Sprintf(` && (($.userIdentity.type != "AssumedRole") || ($.userIdentity.arn != "%s"))`, session)
	}
	return out
}

// monitoringResourceNames lists the Terraform resources monitoring
// creates, as [type, name] pairs, for alarms whose names start with name.
func monitoringResourceNames(name string, m *MonitoringConfig) [][2]string {
	var out [][2]string
	if m.createsTopic() {
		out = append(out, [2]string{"aws_kms_key", name + alarmKeySuffix},
			[2]string{"aws_sns_topic", name + "_alarms"}, [2]string{"aws_sns_topic_policy", name + "_alarms_policy"})
		for i := range m.AlarmEmails {
			out = append(out, [2]string{"aws_sns_topic_subscription", fmt.Sprintf("%s_alarms_email_%d", name, i)})
		}
	}
	for _, al := range alarmsFor(m, "") {
		tf := name + "_" + strings.ReplaceAll(al.suffix, "-", "_")
		out = append(out, [2]string{"aws_cloudwatch_log_metric_filter", tf}, [2]string{"aws_cloudwatch_metric_alarm", tf + "_alarm"})
	}
	return out
}

// KeyAlarms watches one key's use: CloudTrail metric filters on the
// account's CloudTrail log group, a CloudWatch alarm on each (request
// volume, denied requests, the key disabled or scheduled for deletion), and
// the SNS topic they notify. The Monitoring field of KmsKeyConfig (the
// monitoring block of cdktf.json) creates one inside the key; NewKeyAlarms
// creates one of its own. Like AWS CDK's constructs, it is a node in the
// construct tree and takes the key it watches.
type KeyAlarms struct {
	node   constructs.Construct // the parent of its resources
	name   string               // starts the Terraform names of its resources
	key    *KmsKey
	config MonitoringConfig
	st     *stackState
	// pin gives a resource its Terraform name (and, in a key, records it
	// with the key's resources for MovedFrom).
	pin func(res cdktf.TerraformResource, name string)
	// warn adds a warning annotation where the alarms belong.
	warn     func(msg string)
	alarmKey kmskey.KmsKey
	topicArn *string
	names    []string
	// dependenciesChecked: warnMonitoringDependencies has run.
	dependenciesChecked bool
}

// NewKeyAlarms adds alarms on key's use to scope under id, configured as
// the Monitoring field of KmsKeyConfig (and checked the same way, against
// the key's account, region and trusted accounts). Its resources are named
// <name>_alarms, <name>_<alarm>, ..., where <name> is the construct path
// below the stack, as for a key (see TerraformName); the names of the
// alarms in AWS start with the key's name prefix and environment. On error
// it returns every problem and adds nothing. The Monitoring field is the
// same construct made inside the key, with the key's own names.
func NewKeyAlarms(scope constructs.Construct, id string, key *KmsKey, config *MonitoringConfig) (*KeyAlarms, error) {
	f := field{"Monitoring", "monitoring"}
	switch {
	case key == nil || key.node == nil:
		return nil, &FieldError{Field: "key", Key: "key", Rule: "is required: the *KmsKey to watch"}
	case config == nil:
		return nil, &FieldError{Field: f.goName, Key: f.key, Rule: "is required: at least cloudtrail_log_group_name"}
	}
	cfg := key.config.clone()
	m := *config
	m.AlarmEmails = cloneList(m.AlarmEmails)
	m.TamperExemptRoles = cloneList(m.TamperExemptRoles)
	cfg.Monitoring = &m
	var p problems
	cfg.validateMonitoring(&p, key.partition)
	if err := p.err(); err != nil {
		return nil, err
	}
	name, stack, err := terraformName(scope, id)
	if err != nil {
		return nil, err
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	st, err := stateOf(stack)
	if err != nil {
		return nil, stateError(id, err)
	}
	if err := st.afterSynth(field{"id", "id"}, id); err != nil {
		return nil, err
	}
	c := &claims{st: st, owner: "alarms " + name}
	for _, r := range monitoringResourceNames(name, &m) {
		c.resource(r[0], r[1], f, nil)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := c.checkChildren(""); err != nil {
		return nil, err
	}
	a := &KeyAlarms{name: name, key: key, config: m, st: st}
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				if a.node != nil {
					scope.Node().TryRemoveChild(jsii.String(id))
				}
				c.release()
				err = constructError(id, r)
			}
		}()
		c.commit()
		a.node = constructs.NewConstruct(scope, jsii.String(id))
		st.own(a.node)
		a.pin = func(res cdktf.TerraformResource, name string) {
			st.own(res)
			res.OverrideLogicalId(jsii.String(name))
		}
		a.warn = func(msg string) { cdktf.Annotations_Of(a.node).AddWarning(jsii.String(msg)) }
		a.create()
		return nil
	}()
	if err != nil {
		return nil, err
	}
	st.alarms = append(st.alarms, a)
	return a, nil
}

// monitoringName starts the names of the monitoring resources in AWS:
// unique per key, stack and environment.
func (a *KeyAlarms) monitoringName() string {
	c := &a.key.config
	return fmt.Sprintf("%s-%s-%s", c.NamePrefix, c.Environment, strings.ReplaceAll(a.name, "_", "-"))
}

// lit returns a literal argument as the key writes it.
func (a *KeyAlarms) lit(s string) *string { return a.key.lit(s) }

// addMonitoring creates the key's alarms of its Monitoring field, in the
// key's own node and with its names (their addresses are the key's).
func (k *KmsKey) addMonitoring() {
	if k.config.Monitoring == nil {
		return
	}
	k.alarms = &KeyAlarms{node: k.node, name: k.name, key: k, config: *k.config.Monitoring, st: k.stack, pin: k.pin,
		warn: func(msg string) { k.dependencyWarnings = append(k.dependencyWarnings, msg) }}
	k.alarms.create()
	k.stack.alarms = append(k.stack.alarms, k.alarms)
}

// create adds the topic (unless one is given), the metric filters and the
// alarms.
func (a *KeyAlarms) create() {
	m := &a.config
	base := a.monitoringName()
	topicArn := a.lit(m.SnsTopicArn)
	if m.createsTopic() {
		alarmKey := a.addAlarmKey()
		topic := snstopic.NewSnsTopic(a.node, jsii.String(a.name+"_alarms"), &snstopic.SnsTopicConfig{
			Name:           jsii.String(truncateName(base+"-kms-alarms", 256)),
			KmsMasterKeyId: alarmKey.Arn(),
		})
		a.pin(topic, a.name+"_alarms")
		topicArn = topic.Arn()
		policy := snstopicpolicy.NewSnsTopicPolicy(a.node, jsii.String(a.name+"_alarms_policy"), &snstopicpolicy.SnsTopicPolicyConfig{
			Arn:    topic.Arn(),
			Policy: a.lit(a.topicPolicy(*topic.Arn())),
		})
		a.pin(policy, a.name+"_alarms_policy")
		for i, email := range m.AlarmEmails {
			id := fmt.Sprintf("%s_alarms_email_%d", a.name, i)
			sub := snstopicsubscription.NewSnsTopicSubscription(a.node, jsii.String(id), &snstopicsubscription.SnsTopicSubscriptionConfig{
				TopicArn: topic.Arn(),
				Protocol: jsii.String("email"),
				Endpoint: a.lit(email),
			})
			a.pin(sub, id)
		}
	}
	a.topicArn = topicArn

	period := orDefault(m.PeriodSeconds, DefaultPeriodSeconds)
	evals := orDefault(m.EvaluationPeriods, DefaultEvaluationPeriods)
	keyArn := *a.key.key.Arn()
	for _, al := range alarmsFor(m, a.key.partition) {
		tf := a.name + "_" + strings.ReplaceAll(al.suffix, "-", "_")
		metric := truncateName(base+"-"+al.suffix, 255)
		filter := cloudwatchlogmetricfilter.NewCloudwatchLogMetricFilter(a.node, jsii.String(tf), &cloudwatchlogmetricfilter.CloudwatchLogMetricFilterConfig{
			Name:         jsii.String(truncateName(base+"-"+al.suffix, 512)),
			LogGroupName: a.lit(m.CloudtrailLogGroupName),
			Pattern:      a.lit(fmt.Sprintf(al.pattern, keyArn)),
			MetricTransformation: &cloudwatchlogmetricfilter.CloudwatchLogMetricFilterMetricTransformation{
				Name:      jsii.String(metric),
				Namespace: jsii.String(m.namespace()),
				Value:     jsii.String("1"),
			},
		})
		a.pin(filter, tf)
		name := truncateName(base+"-"+al.suffix, 255)
		res := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(a.node, jsii.String(tf+"_alarm"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			AlarmName:          jsii.String(name),
			AlarmDescription:   a.lit(al.description + " (" + a.key.Address() + ")."),
			Namespace:          jsii.String(m.namespace()),
			MetricName:         jsii.String(metric),
			Statistic:          jsii.String("Sum"),
			Period:             jsii.Number(period),
			EvaluationPeriods:  jsii.Number(evals),
			Threshold:          jsii.Number(al.threshold),
			ComparisonOperator: jsii.String(al.comparison),
			TreatMissingData:   jsii.String("notBreaching"),
			AlarmActions:       &[]*string{topicArn},
			OkActions:          &[]*string{topicArn},
		})
		a.pin(res, tf+"_alarm")
		a.names = append(a.names, name)
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
func (a *KeyAlarms) addAlarmKey() kmskey.KmsKey {
	k := a.key
	c := &k.config
	shared := c.sharedKeyArguments()
	name := a.name + alarmKeySuffix
	key := kmskey.NewKmsKey(a.node, jsii.String(name), &kmskey.KmsKeyConfig{
		Description:          a.lit("Encrypts the alarm topic of " + k.Address() + ", apart from that key, so that alarms about its state arrive whatever its state"),
		EnableKeyRotation:    jsii.Bool(true),
		Policy:               a.lit(k.alarmKeyPolicy()),
		DeletionWindowInDays: shared.deletionWindow,
		Lifecycle:            shared.lifecycle,
		Tags: &map[string]*string{
			"Name":        jsii.String(fmt.Sprintf("%s-kms-alarms-key", c.NamePrefix)),
			"Environment": jsii.String(c.Environment),
		},
	})
	a.pin(key, name)
	a.alarmKey = key
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
			Principal: map[string]OneOrMany{"AWS": {iam.RootArn(k.partition, k.config.AwsAccountId)}},
			Action:    OneOrMany{actionAllKMS},
			Resource:  OneOrMany{"*"},
		}, cloudWatchStatement()},
	}.render()
}

// topicPolicy lets CloudWatch alarms of the key's account publish to the
// topic.
func (a *KeyAlarms) topicPolicy(topicArn string) string {
	c := a.key.config
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
				"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:%s:cloudwatch:%s:%s:alarm:*", a.key.partition, c.AwsRegion, c.AwsAccountId)},
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

// Construct returns the alarms' node: the key's own for the Monitoring
// field, a node of their own for NewKeyAlarms.
func (a *KeyAlarms) Construct() constructs.Construct { return a.node }

// Key returns the key the alarms watch.
func (a *KeyAlarms) Key() *KmsKey { return a.key }

// AlarmKey returns the KMS key of the alarm topic the alarms created, or
// nil (a topic of your own).
func (a *KeyAlarms) AlarmKey() kmskey.KmsKey { return a.alarmKey }

// TopicArn returns the ARN (a token for a created topic) of the topic the
// alarms notify.
func (a *KeyAlarms) TopicArn() *string { return a.topicArn }

// AlarmNames returns the names of the alarms in AWS.
func (a *KeyAlarms) AlarmNames() []string { return append([]string(nil), a.names...) }

// Alarms returns the alarms of the key's Monitoring field, or nil.
func (k *KmsKey) Alarms() *KeyAlarms { return k.alarms }

// AlarmKey returns the KMS key of the alarm topic of the key's Monitoring
// field, or nil (no monitoring, or a topic of your own).
func (k *KmsKey) AlarmKey() kmskey.KmsKey {
	if k.alarms == nil {
		return nil
	}
	return k.alarms.alarmKey
}

// AlarmTopicArn returns the ARN (a token for a created topic) of the topic
// the key's Monitoring alarms notify, or nil without monitoring.
func (k *KmsKey) AlarmTopicArn() *string {
	if k.alarms == nil {
		return nil
	}
	return k.alarms.topicArn
}

// AlarmNames returns the names of the key's Monitoring alarms (none
// without monitoring).
func (k *KmsKey) AlarmNames() []string {
	if k.alarms == nil {
		return nil
	}
	return k.alarms.AlarmNames()
}

// warnMonitoringDependencies warns, once per set of alarms, about what the
// alarms need that the watched key itself would stop when it is disabled or
// pending deletion (registryMu held): the CloudTrail log group, when the
// app encrypts it with the key (CloudWatch Logs could not write the events
// the alarms count), and a topic of the user's own encrypted with the key
// (SNS could not deliver the alarms, the key-state one first). It runs at
// synth, when the user's resources exist; they are matched by name or
// reference.
func (st *stackState) warnMonitoringDependencies(all []constructs.IConstruct) {
	for _, a := range st.alarms {
		if a.dependenciesChecked {
			continue
		}
		a.dependenciesChecked = true
		m, k := &a.config, a.key
		var found []string
		for _, c := range all {
			if st.owned[c] {
				continue
			}
			switch r := c.(type) {
			case cloudwatchloggroup.CloudwatchLogGroup:
				if st.sameValue(m.CloudtrailLogGroupName, r.NameInput(), "aws_cloudwatch_log_group", r, "name") && k.refersToKey(st, r.KmsKeyIdInput()) {
					found = append(found, fmt.Sprintf(
						"monitoring.cloudtrail_log_group_name: the log group %s (%s) is encrypted with this key: while the key is disabled or pending deletion CloudWatch Logs cannot write CloudTrail's events, so no alarm fires; encrypt the log group with another key",
						quoteCut(m.CloudtrailLogGroupName), *r.Node().Path()))
				}
			case snstopic.SnsTopic:
				if m.SnsTopicArn != "" && st.sameValue(m.SnsTopicArn, nil, "aws_sns_topic", r, "arn") && k.refersToKey(st, r.KmsMasterKeyIdInput()) {
					found = append(found, fmt.Sprintf(
						"monitoring.sns_topic_arn: the topic %s is encrypted with this key: while the key is disabled or pending deletion SNS cannot deliver the alarms, the one about that very change first; encrypt the topic with another key, or leave sns_topic_arn out (the construct's topic has a key of its own)",
						*r.Node().Path()))
				}
			}
		}
		for _, w := range found {
			a.warn(w)
		}
		if a == k.alarms {
			// The key's own alarms: their warnings are the key's.
			for _, w := range found {
				cdktf.Annotations_Of(k.node).AddWarning(jsii.String(w))
			}
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
	if strings.Contains(expr, k.Address()+".") {
		return true
	}
	for _, a := range k.config.Aliases {
		if strings.Contains(expr, "aws_kms_alias."+k.aliasTfName(a)+".") {
			return true
		}
		if isReference(a) && st.resolve(a) == expr { // the alias's own reference
			return true
		}
	}
	return false
}
