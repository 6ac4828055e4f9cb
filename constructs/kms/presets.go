package kms

import (
	"fmt"
	"slices"
	"strings"
)

// Service presets: for services whose documentation gives the exact key
// policy statements a customer managed key needs, naming the service in
// ServicePrincipals produces those statements (instead of a place in the
// AllowAWSServicesToUseTheKey statement) and refuses a key the service
// cannot use. Each preset cites its page.

// servicePreset is one service's documented statements and requirements.
type servicePreset struct {
	// principal is the service principal.
	principal string
	// keySpec and keyUsage are the key's required spec and usage; regions
	// the regions it must be in ("" for no requirement).
	keySpec, keyUsage string
	regions           []string
	// source is the documentation page.
	source string
	// statements are the documented statements for the key's account and
	// partition.
	statements func(c *KmsKeyConfig, partition string) []PolicyStatement
	// grants are the grant operations the service makes for AWS
	// resources (kms:CreateGrant under kms:GrantIsForAWSResource): the
	// preset trusts the service with them, as AWS documents.
	grants bool
}

// Sids of the Route 53 DNSSEC statements, as the documentation writes them.
const (
	SidRoute53DNSSECService     = "Allow Route 53 DNSSEC Service"
	SidRoute53DNSSECCreateGrant = "Allow Route 53 DNSSEC to CreateGrant"
)

// servicePresets are the presets, by principal.
var servicePresets = []servicePreset{{
	principal: "dnssec-route53.amazonaws.com",
	keySpec:   "ECC_NIST_P256", keyUsage: usageSignVerify, regions: []string{"us-east-1"},
	source: `Amazon Route 53 Developer Guide, "Working with customer managed keys for DNSSEC", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-configuring-dnssec-cmk-requirements.html ` +
		`(the key must be in US East (N. Virginia), asymmetric, ECC_NIST_P256, for signing; the key policy gives Route 53 DescribeKey, GetPublicKey and Sign for the account's hosted zones, and CreateGrant for AWS resources)`,
	grants: true,
	statements: func(c *KmsKeyConfig, partition string) []PolicyStatement {
		return []PolicyStatement{{
			Sid:       SidRoute53DNSSECService,
			Effect:    "Allow",
			Principal: map[string]OneOrMany{"Service": {"dnssec-route53.amazonaws.com"}},
			Action:    OneOrMany{"kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"},
			Resource:  OneOrMany{"*"},
			Condition: map[string]map[string]any{
				"StringEquals": {"aws:SourceAccount": c.AwsAccountId},
				"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:%s:route53:::hostedzone/*", partition)},
			},
		}, {
			Sid:       SidRoute53DNSSECCreateGrant,
			Effect:    "Allow",
			Principal: map[string]OneOrMany{"Service": {"dnssec-route53.amazonaws.com"}},
			Action:    OneOrMany{"kms:CreateGrant"},
			Resource:  OneOrMany{"*"},
			Condition: map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}},
		}}
	},
}}

// presetOf returns the preset of a service principal.
func presetOf(principal string) (servicePreset, bool) {
	i := slices.IndexFunc(servicePresets, func(p servicePreset) bool { return p.principal == principal })
	if i < 0 {
		return servicePreset{}, false
	}
	return servicePresets[i], true
}

// genericServicePrincipals are the service principals without a preset:
// they share the AllowAWSServicesToUseTheKey statement.
func (c *KmsKeyConfig) genericServicePrincipals() []string {
	return slices.DeleteFunc(slices.Clone(c.ServicePrincipals), func(sp string) bool {
		_, ok := presetOf(sp)
		return ok
	})
}

// EffectiveTrustedServicePrincipals returns TrustedServicePrincipals and
// the services of ServicePrincipals whose preset AWS documents grants for
// (dnssec-route53.amazonaws.com): the services the reach rule lets get
// more than usage.
func (c *KmsKeyConfig) EffectiveTrustedServicePrincipals() []string {
	return append(slices.Clone(c.TrustedServicePrincipals), c.presetTrustedServices()...)
}

// presetTrustedServices are the services the presets trust with grants
// for AWS resources.
func (c *KmsKeyConfig) presetTrustedServices() []string {
	var out []string
	for _, sp := range c.ServicePrincipals {
		if p, ok := presetOf(sp); ok && p.grants {
			out = append(out, sp)
		}
	}
	return out
}

// validatePresets refuses a key a preset's service cannot use, and the
// confused-deputy options on a preset's service (its statements carry the
// documented conditions already).
func (c *KmsKeyConfig) validatePresets(p *problems) {
	for i, sp := range c.ServicePrincipals {
		preset, ok := presetOf(sp)
		if !ok {
			continue
		}
		fi := fServicePrincipals.index(i)
		var wrong []string
		if preset.keySpec != "" && c.keySpec() != preset.keySpec {
			wrong = append(wrong, fmt.Sprintf("key spec %s (customer_master_key_spec), not %s", preset.keySpec, c.keySpec()))
		}
		if preset.keyUsage != "" && c.keyUsage() != preset.keyUsage {
			wrong = append(wrong, fmt.Sprintf("key usage %s (key_usage), not %s", preset.keyUsage, c.keyUsage()))
		}
		if len(preset.regions) > 0 && !slices.Contains(preset.regions, c.AwsRegion) {
			wrong = append(wrong, fmt.Sprintf("region %s (aws_region), not %s", strings.Join(preset.regions, " or "), c.AwsRegion))
		}
		if c.MultiRegion && len(preset.regions) > 0 {
			wrong = append(wrong, "a single-Region key (multi_region off): a replica elsewhere is no use to the service")
		}
		if len(wrong) > 0 {
			p.add(fi, sp, "can use only a key with %s (%s)", strings.Join(wrong, ", "), preset.source)
		}
	}
}
