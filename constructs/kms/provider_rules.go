package kms

import (
	"regexp"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// Values that AWS accepts but the AWS provider refuses when terraform
// validates the configuration: the construct refuses them first, with the
// field's name, so that a configuration that synthesizes also plans.

// providerServicePrincipal is what the AWS provider accepts as a service
// principal where a resource takes an ARN or a service principal
// (internal/verify.IsServicePrincipal, since 5.10 for aws_kms_grant).
var providerServicePrincipal = regexp.MustCompile(`^([0-9a-z-]+\.){1,4}(amazonaws|amazon)\.com$`)

// validateProviderRules checks the values the AWS provider validates more
// strictly than AWS.
func (c *KmsKeyConfig) validateProviderRules(p *problems, partition string) {
	f := field{"KmsGrants", "kms_grants"}
	for i, g := range c.KmsGrants {
		fi := f.index(i)
		for _, pr := range []struct {
			f     field
			value string
		}{
			{fi.sub("GranteePrincipal", "grantee_principal"), g.GranteePrincipal},
			{fi.sub("RetiringPrincipal", "retiring_principal"), g.RetiringPrincipal},
		} {
			v := pr.value
			// References, ARNs and what the service principal check
			// refuses anyway are not this check's business.
			if v == "" || tftemplate.IsUnresolved(v) || strings.HasPrefix(v, "arn:") ||
				policylint.ServicePrincipalProblem(v, partition) != "" {
				continue
			}
			if !providerServicePrincipal.MatchString(v) {
				p.add(pr.f, v, "the AWS provider's aws_kms_grant accepts a service principal only in the form <service>.amazonaws.com (at most four lower-case labels before amazonaws.com or amazon.com; not the .amazonaws.com.cn, .c2s.ic.gov or .sc2s.sgov.gov forms), so terraform would refuse this one; grant the service through the key policy (service_principals) instead")
			}
		}
	}
}
