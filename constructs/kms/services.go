package kms

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/svcconditions"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// conditionsOf returns the table's row of a service principal.
func conditionsOf(sp string) (svcconditions.Row, bool) {
	name := serviceName(sp)
	for _, s := range svcconditions.Table() {
		if s.Service == name {
			return s, true
		}
	}
	return svcconditions.Row{}, false
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
	tableForConditions   = "the table of services whose AWS documentation gives aws:SourceAccount or aws:SourceArn for key policies (checked " + svcconditions.Checked + "; docs/configuration.md lists it)"
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
