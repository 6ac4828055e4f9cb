package kms

import (
	"fmt"
	"regexp"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// placeholderPattern matches values that look like placeholders someone
// meant to replace: REPLACE-ME, CHANGEME, TODO, FIXME, PLACEHOLDER, <name>,
// xxx.
var placeholderPattern = regexp.MustCompile(`(?i)(replace[-_ ]?me|change[-_ ]?me|\btodo\b|\bfixme\b|placeholder|<[a-z_ -]+>|xxx)`)

// Warnings returns what the configuration accepts but a deploy may regret
// (see warnings); NewKmsKey adds them to the key as cdktf warnings.
func (c *KmsKeyConfig) Warnings() []string { return c.warnings() }

// warnings returns what the configuration accepts but a deploy would
// regret: placeholder-like values, alarms nobody receives, a disabled key,
// the lockout check bypassed.
func (c *KmsKeyConfig) warnings() []string {
	var out []string
	check := func(key, v string) {
		if placeholderPattern.MatchString(v) {
			out = append(out, fmt.Sprintf("%s %s looks like a placeholder; replace it with the real value before deploying", key, quoteCut(v)))
		}
	}
	check("name_prefix", c.NamePrefix)
	check("environment", c.Environment)
	check("description", c.Description)
	for i, p := range c.AdditionalPrincipals {
		check(fmt.Sprintf("additional_principals[%d]", i), p)
	}
	for i, p := range c.KeyAdministrators {
		check(fmt.Sprintf("key_administrators[%d]", i), p)
	}
	for i, a := range c.Aliases {
		check(fmt.Sprintf("aliases[%d]", i), a)
	}
	if m := c.Monitoring; m != nil {
		check("monitoring.cloudtrail_log_group_name", m.CloudtrailLogGroupName)
		check("monitoring.sns_topic_arn", m.SnsTopicArn)
		for i, e := range m.AlarmEmails {
			check(fmt.Sprintf("monitoring.alarm_emails[%d]", i), e)
		}
		if m.createsTopic() && len(m.AlarmEmails) == 0 {
			out = append(out, "monitoring creates an alarm topic with no subscriber: nobody receives the alarms; set monitoring.alarm_emails, subscribe to the topic (output <prefix>_alarm_topic_arn), or give monitoring.sns_topic_arn")
		}
	}
	out = append(out, c.sourceConditionWarnings()...)
	if partition, ok := PartitionOf(c.AwsRegion); ok {
		out = append(out, c.serviceLinkedRoleWarnings(partition)...)
	}
	if c.IsEnabled != nil && !*c.IsEnabled {
		out = append(out, "is_enabled is false: the key is created disabled, and nothing can encrypt or decrypt with it until it is enabled")
	}
	out = append(out, c.externalWarnings()...)
	if c.BypassPolicyLockoutSafetyCheck {
		out = append(out, "bypass_policy_lockout_safety_check is set: AWS will not stop a key policy that locks everyone out of the key")
	}
	return out
}

// addWarnings adds the warnings as cdktf annotations on the key's node:
// cdktf synth prints them, and they are in the manifest.
func (k *KmsKey) addWarnings() {
	for _, w := range k.config.warnings() {
		cdktf.Annotations_Of(k.node).AddWarning(jsii.String(w))
	}
}

// Warnings returns the warnings the key's configuration gave (see
// KmsKeyConfig for what is risky but accepted), and, once the app has
// synthesized, what the key's monitoring was found to depend on that the
// key itself could disable.
func (k *KmsKey) Warnings() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	return append(k.config.warnings(), k.dependencyWarnings...)
}
