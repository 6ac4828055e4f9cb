package kms_test

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/filterpattern"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

const (
	thisKeyArn  = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	otherKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab"
)

// cloudTrailEvent is a KMS CloudTrail record with the fields the filters
// read; keyId is what the caller passed, which may be an alias.
func cloudTrailEvent(source, name, keyArn, errorCode string) string {
	e := fmt.Sprintf(`{"eventVersion": "1.08", "eventSource": %q, "eventName": %q, "awsRegion": "eu-west-1",
		"requestParameters": {"keyId": "alias/dev-general-encryption-key"},
		"resources": [{"accountId": "123456789012", "type": "AWS::KMS::Key", "ARN": %q}]`, source, name, keyArn)
	if errorCode != "" {
		e += fmt.Sprintf(`, "errorCode": %q, "errorMessage": "denied"`, errorCode)
	}
	return e + "}"
}

func monitoredKey(t *testing.T, m *kms.MonitoringConfig) *synthtest.Doc {
	t.Helper()
	cfg := usageExample()
	cfg.Monitoring = m
	_, doc := synthKey(t, cfg)
	return doc
}

func TestMetricFiltersMatchThisKeysEventsAndNothingBroader(t *testing.T) {
	doc := monitoredKey(t, &kms.MonitoringConfig{CloudtrailLogGroupName: "aws-cloudtrail-logs"})
	kmsSource := "kms.amazonaws.com"
	type ev struct {
		desc  string
		event string
		match bool
	}
	cases := map[string][]ev{
		"kms_decrypt_volume": {
			{"Decrypt on this key", cloudTrailEvent(kmsSource, "Decrypt", thisKeyArn, ""), true},
			{"Decrypt on another key", cloudTrailEvent(kmsSource, "Decrypt", otherKeyArn, ""), false},
			{"Encrypt on this key", cloudTrailEvent(kmsSource, "Encrypt", thisKeyArn, ""), false},
			{"Decrypt from another service", cloudTrailEvent("s3.amazonaws.com", "Decrypt", thisKeyArn, ""), false},
		},
		"kms_encrypt_volume": {
			{"Encrypt", cloudTrailEvent(kmsSource, "Encrypt", thisKeyArn, ""), true},
			{"GenerateDataKey", cloudTrailEvent(kmsSource, "GenerateDataKey", thisKeyArn, ""), true},
			{"GenerateDataKeyWithoutPlaintext", cloudTrailEvent(kmsSource, "GenerateDataKeyWithoutPlaintext", thisKeyArn, ""), true},
			{"ReEncrypt", cloudTrailEvent(kmsSource, "ReEncrypt", thisKeyArn, ""), true},
			{"Decrypt", cloudTrailEvent(kmsSource, "Decrypt", thisKeyArn, ""), false},
			{"Encrypt on another key", cloudTrailEvent(kmsSource, "Encrypt", otherKeyArn, ""), false},
			{"EncryptionContext-like name", cloudTrailEvent(kmsSource, "EncryptSomething", thisKeyArn, ""), false},
		},
		"kms_unauthorized": {
			{"AccessDenied", cloudTrailEvent(kmsSource, "Decrypt", thisKeyArn, "AccessDenied"), true},
			{"AccessDeniedException", cloudTrailEvent(kmsSource, "GenerateDataKey", thisKeyArn, "AccessDeniedException"), true},
			{"UnauthorizedOperation", cloudTrailEvent(kmsSource, "DescribeKey", thisKeyArn, "Client.UnauthorizedOperation"), true},
			{"success", cloudTrailEvent(kmsSource, "Decrypt", thisKeyArn, ""), false},
			{"other error", cloudTrailEvent(kmsSource, "Decrypt", thisKeyArn, "InvalidCiphertextException"), false},
			{"denied on another key", cloudTrailEvent(kmsSource, "Decrypt", otherKeyArn, "AccessDenied"), false},
		},
		"kms_disable_or_delete": {
			{"DisableKey", cloudTrailEvent(kmsSource, "DisableKey", thisKeyArn, ""), true},
			{"ScheduleKeyDeletion", cloudTrailEvent(kmsSource, "ScheduleKeyDeletion", thisKeyArn, ""), true},
			{"DisableKeyRotation", cloudTrailEvent(kmsSource, "DisableKeyRotation", thisKeyArn, ""), false},
			{"EnableKey", cloudTrailEvent(kmsSource, "EnableKey", thisKeyArn, ""), false},
			{"another key deleted", cloudTrailEvent(kmsSource, "ScheduleKeyDeletion", otherKeyArn, ""), false},
		},
	}
	filters := doc.Resources("aws_cloudwatch_log_metric_filter")
	if len(filters) != len(cases) {
		t.Fatalf("%d metric filters, want %d: %v", len(filters), len(cases), doc.Addresses())
	}
	for name, events := range cases {
		f := doc.Resource(t, "aws_cloudwatch_log_metric_filter", name)
		if f["log_group_name"] != "aws-cloudtrail-logs" {
			t.Errorf("%s reads %v", name, f["log_group_name"])
		}
		raw := f["pattern"].(string)
		if !strings.Contains(raw, synthtest.Ref("aws_kms_key.kms", "arn")) {
			t.Errorf("%s is not scoped to the key's ARN: %s", name, raw)
		}
		pattern, err := filterpattern.Parse(strings.ReplaceAll(raw, synthtest.Ref("aws_kms_key.kms", "arn"), thisKeyArn))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, raw)
		}
		for _, e := range events {
			if got, err := pattern.Matches(e.event); err != nil || got != e.match {
				t.Errorf("%s on %s: matches = %v (%v), want %v\npattern %s", name, e.desc, got, err, e.match, raw)
			}
		}
	}
}

func TestAlarmsNotifyTheCreatedTopic(t *testing.T) {
	doc := monitoredKey(t, &kms.MonitoringConfig{
		CloudtrailLogGroupName: "aws-cloudtrail-logs",
		AlarmEmails:            []string{"security@example.com", "oncall@example.com"},
		DecryptThreshold:       50, PeriodSeconds: 600, EvaluationPeriods: 3,
	})
	topicRef := synthtest.Ref("aws_sns_topic.kms_alarms", "arn")
	want := map[string]struct {
		threshold  float64
		comparison string
	}{
		"kms_decrypt_volume_alarm":    {50, "GreaterThanThreshold"},
		"kms_encrypt_volume_alarm":    {1000, "GreaterThanThreshold"},
		"kms_unauthorized_alarm":      {1, "GreaterThanOrEqualToThreshold"},
		"kms_disable_or_delete_alarm": {1, "GreaterThanOrEqualToThreshold"},
	}
	alarms := doc.Resources("aws_cloudwatch_metric_alarm")
	if len(alarms) != len(want) {
		t.Fatalf("%d alarms, want %d", len(alarms), len(want))
	}
	for name, w := range want {
		a := doc.Resource(t, "aws_cloudwatch_metric_alarm", name)
		filter := doc.Resource(t, "aws_cloudwatch_log_metric_filter", strings.TrimSuffix(name, "_alarm"))
		mt := filter["metric_transformation"].(map[string]any)
		checks := map[string][2]any{
			"threshold":           {a["threshold"], w.threshold},
			"comparison_operator": {a["comparison_operator"], w.comparison},
			"alarm_actions":       {a["alarm_actions"], []any{topicRef}},
			"ok_actions":          {a["ok_actions"], []any{topicRef}},
			"treat_missing_data":  {a["treat_missing_data"], "notBreaching"},
			"statistic":           {a["statistic"], "Sum"},
			"period":              {a["period"], 600.0},
			"evaluation_periods":  {a["evaluation_periods"], 3.0},
			"namespace":           {a["namespace"], "CdktfKms"},
			"filter namespace":    {mt["namespace"], "CdktfKms"},
			"metric_name":         {a["metric_name"], mt["name"]},
			"metric value":        {mt["value"], "1"},
		}
		for what, gw := range checks {
			if !reflect.DeepEqual(gw[0], gw[1]) {
				t.Errorf("%s %s = %v, want %v", name, what, gw[0], gw[1])
			}
		}
	}

	topic := doc.Resource(t, "aws_sns_topic", "kms_alarms")
	if topic["kms_master_key_id"] != synthtest.Ref("aws_kms_key.kms_alarms_key", "arn") {
		t.Errorf("topic is not encrypted with the alarm key of its own: %v", topic)
	}
	tp := synthtest.JSONArg(t, doc.Resource(t, "aws_sns_topic_policy", "kms_alarms_policy"), "policy").(map[string]any)
	stmt := tp["Statement"].([]any)[0].(map[string]any)
	wantStmt := map[string]any{
		"Sid": "AllowCloudWatchAlarmsOfThisAccountToPublish", "Effect": "Allow", "Action": "sns:Publish", "Resource": topicRef,
		"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
		"Condition": map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"},
			"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*"},
		},
	}
	if !reflect.DeepEqual(stmt, wantStmt) {
		t.Errorf("topic policy:\n got %v\nwant %v", stmt, wantStmt)
	}
	subs := doc.Resources("aws_sns_topic_subscription")
	if len(subs) != 2 || subs["kms_alarms_email_0"]["endpoint"] != "security@example.com" || subs["kms_alarms_email_1"]["protocol"] != "email" {
		t.Errorf("subscriptions: %v", subs)
	}

	// The watched key's policy is the original module's: CloudWatch uses
	// the alarm key, whose policy is the account root's and CloudWatch's
	// (Amazon SNS Developer Guide: kms:Decrypt and kms:GenerateDataKey* for
	// a service that publishes to an encrypted topic).
	if n := len(policyOf(t, doc)); n != 4 {
		t.Errorf("the watched key's policy has %d statements, want the original 4", n)
	}
	alarmKey := doc.Resource(t, "aws_kms_key", "kms_alarms_key")
	wantAlarmPolicy := map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
		map[string]any{"Sid": "AllowCloudWatchAlarmsToUseTheKeyForTheTopic", "Effect": "Allow", "Resource": "*",
			"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"}, "Action": []any{"kms:Decrypt", "kms:GenerateDataKey*"}},
	}}
	if got := synthtest.JSONArg(t, alarmKey, "policy"); !reflect.DeepEqual(got, wantAlarmPolicy) {
		t.Errorf("alarm key policy:\n got %v\nwant %v", got, wantAlarmPolicy)
	}
	if alarmKey["enable_key_rotation"] != true || alarmKey["is_enabled"] != nil {
		t.Errorf("alarm key: rotation %v, is_enabled %v; want rotation on and the provider's default (enabled)", alarmKey["enable_key_rotation"], alarmKey["is_enabled"])
	}
	if doc.Output(t, "kms_alarm_topic_arn")["value"] != topicRef || len(doc.Output(t, "kms_alarm_names")["value"].([]any)) != 4 {
		t.Errorf("monitoring outputs: %v", doc.Outputs())
	}
}

func TestAnExistingTopicLeavesTheKeyPolicyAlone(t *testing.T) {
	existing := "arn:aws:sns:eu-west-1:123456789012:security-alerts"
	doc := monitoredKey(t, &kms.MonitoringConfig{CloudtrailLogGroupName: "aws-cloudtrail-logs", SnsTopicArn: existing})
	if len(doc.Resources("aws_sns_topic")) != 0 || len(doc.Resources("aws_sns_topic_policy")) != 0 {
		t.Errorf("a topic was created although sns_topic_arn is set: %v", doc.Addresses())
	}
	if n := len(policyOf(t, doc)); n != 4 {
		t.Errorf("key policy has %d statements, want the original 4 (no CloudWatch statement without a created topic)", n)
	}
	for name, a := range doc.Resources("aws_cloudwatch_metric_alarm") {
		if !reflect.DeepEqual(a["alarm_actions"], []any{existing}) || !reflect.DeepEqual(a["ok_actions"], []any{existing}) {
			t.Errorf("%s notifies %v / %v, want %s", name, a["alarm_actions"], a["ok_actions"], existing)
		}
	}
}

func TestMonitoringOffCreatesNothing(t *testing.T) {
	_, doc := synthKey(t, usageExample())
	for _, typ := range []string{"aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm", "aws_sns_topic"} {
		if n := len(doc.Resources(typ)); n != 0 {
			t.Errorf("%d %s without monitoring", n, typ)
		}
	}
}

func TestMonitoringErrors(t *testing.T) {
	cases := []struct {
		name string
		m    kms.MonitoringConfig
		want string
	}{
		{"missing log group", kms.MonitoringConfig{}, `Monitoring.CloudtrailLogGroupName: empty value: required`},
		{"bad log group", kms.MonitoringConfig{CloudtrailLogGroupName: "my logs"}, `Monitoring.CloudtrailLogGroupName: "my logs"`},
		{"bad topic arn", kms.MonitoringConfig{CloudtrailLogGroupName: "l", SnsTopicArn: "security-alerts"}, `Monitoring.SnsTopicArn: "security-alerts": must be an SNS topic ARN`},
		{"fifo topic", kms.MonitoringConfig{CloudtrailLogGroupName: "l", SnsTopicArn: "arn:aws:sns:eu-west-1:123456789012:a.fifo"}, "FIFO"},
		{"topic in another region", kms.MonitoringConfig{CloudtrailLogGroupName: "l", SnsTopicArn: "arn:aws:sns:us-east-1:123456789012:a"}, "region us-east-1"},
		{"topic in another partition", kms.MonitoringConfig{CloudtrailLogGroupName: "l", SnsTopicArn: "arn:aws-cn:sns:eu-west-1:123456789012:a"}, `partition "aws-cn"`},
		{"emails with an existing topic", kms.MonitoringConfig{CloudtrailLogGroupName: "l", SnsTopicArn: "arn:aws:sns:eu-west-1:123456789012:a", AlarmEmails: []string{"a@example.com"}}, "Monitoring.AlarmEmails: only with a topic the construct creates"},
		{"bad email", kms.MonitoringConfig{CloudtrailLogGroupName: "l", AlarmEmails: []string{"security"}}, `Monitoring.AlarmEmails[0]: "security": must be an email address`},
		{"email with space", kms.MonitoringConfig{CloudtrailLogGroupName: "l", AlarmEmails: []string{"a b@example.com"}}, `Monitoring.AlarmEmails[0]`},
		{"duplicate email", kms.MonitoringConfig{CloudtrailLogGroupName: "l", AlarmEmails: []string{"a@example.com", "A@example.com"}}, `Monitoring.AlarmEmails[1]: "A@example.com": is listed twice`},
		{"negative decrypt threshold", kms.MonitoringConfig{CloudtrailLogGroupName: "l", DecryptThreshold: -1}, "Monitoring.DecryptThreshold: -1"},
		{"negative encrypt threshold", kms.MonitoringConfig{CloudtrailLogGroupName: "l", EncryptThreshold: -5}, "Monitoring.EncryptThreshold: -5"},
		{"period not a minute multiple", kms.MonitoringConfig{CloudtrailLogGroupName: "l", PeriodSeconds: 90}, "Monitoring.PeriodSeconds: 90: must be a multiple of 60"},
		{"period over a day", kms.MonitoringConfig{CloudtrailLogGroupName: "l", PeriodSeconds: 86460}, "Monitoring.PeriodSeconds"},
		{"negative period", kms.MonitoringConfig{CloudtrailLogGroupName: "l", PeriodSeconds: -60}, "Monitoring.PeriodSeconds"},
		{"evaluation over a day", kms.MonitoringConfig{CloudtrailLogGroupName: "l", PeriodSeconds: 3600, EvaluationPeriods: 25}, "Monitoring.EvaluationPeriods: 25: 25 periods of 3600 s"},
		{"negative evaluation periods", kms.MonitoringConfig{CloudtrailLogGroupName: "l", EvaluationPeriods: -1}, "Monitoring.EvaluationPeriods: -1"},
		{"aws namespace", kms.MonitoringConfig{CloudtrailLogGroupName: "l", MetricNamespace: "AWS/KMS"}, "Monitoring.MetricNamespace"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := usageExample()
			m := tc.m
			cfg.Monitoring = &m
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestKeyStateAlarmsDoNotDependOnTheWatchedKey follows, in the synthesized
// stack, the path of the alarm about the key being disabled or scheduled
// for deletion: alarm -> topic -> the topic's KMS key. A disabled key (or
// one pending deletion) cannot be used, so nothing on that path may be
// encrypted with the watched key, whatever state the key is created in; the
// key that is on it is enabled, and lets CloudWatch publish.
func TestKeyStateAlarmsDoNotDependOnTheWatchedKey(t *testing.T) {
	off := false
	for _, enabled := range []*bool{nil, &off} {
		cfg := usageExample()
		cfg.IsEnabled = enabled
		cfg.Monitoring = &kms.MonitoringConfig{CloudtrailLogGroupName: "aws-cloudtrail-logs", AlarmEmails: []string{"ops@example.org"}}
		_, doc := synthKey(t, cfg)
		watched := "aws_kms_key.kms."
		alarm := doc.Resource(t, "aws_cloudwatch_metric_alarm", "kms_disable_or_delete_alarm")
		for _, action := range append(alarm["alarm_actions"].([]any), alarm["ok_actions"].([]any)...) {
			ref := action.(string) // ${aws_sns_topic.<name>.arn}
			topicName := strings.TrimSuffix(strings.TrimPrefix(ref, "${aws_sns_topic."), ".arn}")
			topic := doc.Resource(t, "aws_sns_topic", topicName)
			keyRef, _ := topic["kms_master_key_id"].(string)
			if keyRef == "" || strings.Contains(keyRef, watched) {
				t.Fatalf("the key-state alarm's topic %s is encrypted with %q; it must have a key other than the watched one", topicName, keyRef)
			}
			keyName := strings.TrimSuffix(strings.TrimPrefix(keyRef, "${aws_kms_key."), ".arn}")
			k := doc.Resource(t, "aws_kms_key", keyName)
			if k["is_enabled"] == false {
				t.Errorf("the topic's key %s is created disabled", keyName)
			}
			policy := synthtest.JSONArg(t, k, "policy").(map[string]any)
			found := false
			for _, st := range policy["Statement"].([]any) {
				m := st.(map[string]any)
				if p, _ := m["Principal"].(map[string]any); p["Service"] == "cloudwatch.amazonaws.com" && m["Effect"] == "Allow" {
					found = true
				}
			}
			if !found {
				t.Errorf("the topic's key %s does not let CloudWatch publish", keyName)
			}
		}
	}
}

// TestMonitoringThatDependsOnTheKeyIsWarnedAbout: at synth, a CloudTrail
// log group the app encrypts with the watched key, and a topic of the
// user's own encrypted with it, draw a warning: either stops working when
// the key is disabled.
func TestMonitoringThatDependsOnTheKeyIsWarnedAbout(t *testing.T) {
	stack := synthtest.NewStack(t)
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	topic := snstopic.NewSnsTopic(stack, jsii.String("alerts"), &snstopic.SnsTopicConfig{Name: jsii.String("alerts")})
	cfg := usageExample()
	cfg.Aliases = []string{"watched"}
	cfg.Monitoring = &kms.MonitoringConfig{CloudtrailLogGroupName: "trail-logs", SnsTopicArn: *topic.Arn()}
	key := mustKey(t, stack, "kms", cfg)
	topic.SetKmsMasterKeyId(jsii.String("alias/watched"))
	cloudwatchloggroup.NewCloudwatchLogGroup(stack, jsii.String("trail"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name: jsii.String("trail-logs"), KmsKeyId: key.KeyArn(),
	})
	cloudwatchloggroup.NewCloudwatchLogGroup(stack, jsii.String("other"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name: jsii.String("other-logs"), KmsKeyId: key.KeyArn(),
	})
	cdktf.Testing_Synth(stack, jsii.Bool(true))
	var got []string
	for _, w := range key.Warnings() {
		if strings.HasPrefix(w, "monitoring.") {
			got = append(got, w)
		}
	}
	if len(got) != 2 || !strings.Contains(got[0]+got[1], `the log group "trail-logs"`) || !strings.Contains(got[0]+got[1], "the topic "+*stack.Node().Id()+"/alerts is encrypted with this key") {
		t.Errorf("warnings %q; want one for the log group trail-logs and one for the topic", got)
	}
}

// TestKeyAlarmsAreAConstructOfTheirOwn: NewKeyAlarms watches a key from a
// node of its own, with the names of its own path, the same resources and
// checks as the Monitoring field, and refuses what that field refuses.
func TestKeyAlarmsAreAConstructOfTheirOwn(t *testing.T) {
	stack := synthtest.NewStack(t)
	k := mustKey(t, stack, "kms", usageExample())
	if k.Alarms() != nil || k.AlarmTopicArn() != nil || k.AlarmNames() != nil {
		t.Errorf("a key without monitoring has alarms")
	}
	a, err := kms.NewKeyAlarms(stack, "watch", k, &kms.MonitoringConfig{CloudtrailLogGroupName: "aws-cloudtrail-logs", AlarmEmails: []string{"sec@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Key() != k || *a.Construct().Node().Path() != *stack.Node().Path()+"/watch" || len(a.AlarmNames()) != 4 || a.AlarmKey() == nil {
		t.Errorf("alarms: key %v, path %s, names %v", a.Key() == k, *a.Construct().Node().Path(), a.AlarmNames())
	}
	doc := synthtest.Synth(t, stack)
	for _, addr := range []string{"aws_kms_key.watch_alarms_key", "aws_sns_topic.watch_alarms", "aws_sns_topic_policy.watch_alarms_policy",
		"aws_sns_topic_subscription.watch_alarms_email_0", "aws_cloudwatch_log_metric_filter.watch_decrypt_volume",
		"aws_cloudwatch_metric_alarm.watch_disable_or_delete_alarm"} {
		typ, name, _ := strings.Cut(addr, ".")
		doc.Resource(t, typ, name)
	}
	f := doc.Resource(t, "aws_cloudwatch_log_metric_filter", "watch_decrypt_volume")
	if !strings.Contains(f["pattern"].(string), synthtest.Ref("aws_kms_key.kms", "arn")) || f["log_group_name"] != "aws-cloudtrail-logs" {
		t.Errorf("the filter does not watch the key: %v", f)
	}
	if _, ok := doc.Resources("aws_cloudwatch_metric_alarm")["kms_decrypt_volume_alarm"]; ok {
		t.Errorf("the key created alarms of its own")
	}

	for name, c := range map[string]struct {
		key  *kms.KmsKey
		cfg  *kms.MonitoringConfig
		want string
	}{
		"no key":    {nil, &kms.MonitoringConfig{CloudtrailLogGroupName: "x"}, "key: is required"},
		"no config": {k, nil, "Monitoring: is required"},
		"a topic of another region": {k, &kms.MonitoringConfig{CloudtrailLogGroupName: "x", SnsTopicArn: "arn:aws:sns:us-east-1:123456789012:t"},
			"Monitoring.SnsTopicArn: \"arn:aws:sns:us-east-1:123456789012:t\": is in region us-east-1"},
		"names taken": {k, &kms.MonitoringConfig{CloudtrailLogGroupName: "x"}, "aws_kms_key.watch_alarms_key is already created by alarms watch"},
	} {
		id := "watch"
		if name != "names taken" {
			id = "other"
		}
		if _, err := kms.NewKeyAlarms(stack, id, c.key, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, c.want)
		}
	}
}
