package kms

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// References meet the reach rules at plan. A principal that is a reference
// (a variable, a data source or resource attribute, a whole list of them)
// is known only when Terraform plans, so the checks a literal meets at
// synth (policylint.ReachProblem, iam.ParsePrincipal) cannot run on it
// then. For each such value the stack carries a precondition on the
// resource that uses it: Terraform matches the value with the pattern of
// what the literal path accepts (iam.PrincipalPattern: no "*", no group,
// no other service; for more than usage, only the key's account and
// trusted_account_ids, or trusted_service_principals) and stops the plan
// with a message that names the field (Terraform Language, "Custom
// Conditions": preconditions are checked before the resource is planned,
// or at apply when the value is unknown until then).

// nothing matches no string.
const nothing = `^[^\x00-\x{10FFFF}]$`

// inner strips a pattern's anchors.
func inner(pattern string) string {
	return strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$")
}

// isReference says whether a principal value is known only at plan. A
// value that mixes references with literal text that Terraform would read
// as a template (a literal "${") is left to AWS's own checks: Terraform
// functions cannot take it as cdktf writes it.
func isReference(v string) bool {
	return (tftemplate.IsUnresolved(v) || tftemplate.IsListToken(v)) && tftemplate.Escape(v, tftemplate.JSON) == v
}

// referenceCondition is the condition that a string reference matches the
// pattern, or that every element of a whole list reference does (joined by
// newlines, which no principal holds and no pattern matches).
func referenceCondition(value, pattern string) interface{} {
	if !tftemplate.IsListToken(value) {
		return cdktf.Fn_Can(cdktf.Fn_Regex(hclString(pattern), jsii.String(value)))
	}
	// An empty list joins to "", which the pattern takes: the empty list
	// gives nobody anything.
	list := &[]*string{jsii.String(value)}
	every := "^(?:(?:" + inner(pattern) + ")(?:\n(?:" + inner(pattern) + "))*)?$"
	return cdktf.Fn_Can(cdktf.Fn_Regex(hclString(every), cdktf.Fn_Join(jsii.String("\n"), list)))
}

// hclString is a string for a Terraform function's argument: cdktf writes
// it into a quoted HCL string as it is, so a backslash (\. in a pattern)
// is doubled to reach the function as one (Terraform Language, "Strings and
// Templates": escape sequences).
func hclString(s string) *string { return jsii.String(strings.ReplaceAll(s, `\`, `\\`)) }

// reachRule is what a reference principal may be: its pattern and the
// words for the message.
type reachRule struct {
	pattern string
	allowed string
}

// principalRule is the rule for a principal of kind "AWS" or "Service"
// that gets the actions (with kms:); accountIDs allows bare account ids
// (key policies take them, grants do not).
func (c *KmsKeyConfig) principalRule(partition, kind string, actions []string, accountIDs bool) reachRule {
	management := policylint.ManagementActions(actions)
	if kind == "Service" {
		if len(management) == 0 {
			return reachRule{policylint.ServicePrincipalPatternFor(partition), "an AWS service principal of partition " + partition + " like s3.amazonaws.com"}
		}
		trusted := c.EffectiveTrustedServicePrincipals()
		if len(trusted) == 0 {
			return reachRule{nothing, fmt.Sprintf("a service principal in trusted_service_principals (TrustedServicePrincipals), which is empty, since it gets %s", describeActions(management))}
		}
		quoted := make([]string, len(trusted))
		for i, s := range trusted {
			quoted[i] = regexp.QuoteMeta(s)
		}
		return reachRule{"^(?:" + strings.Join(quoted, "|") + ")$",
			fmt.Sprintf("one of trusted_service_principals (%s), since it gets %s", strings.Join(trusted, ", "), describeActions(management))}
	}
	forms := "an IAM or STS principal ARN (account root, role, user or assumed-role session; no wildcard, no group)"
	if accountIDs {
		forms = "an account id or " + forms
	}
	if len(management) == 0 {
		return reachRule{iam.PrincipalPattern(partition, nil, accountIDs), forms + " of partition " + partition}
	}
	accounts := append([]string{c.AwsAccountId}, c.TrustedAccountIds...)
	return reachRule{iam.PrincipalPattern(partition, accounts, accountIDs),
		fmt.Sprintf("%s of account %s (the key's) or of trusted_account_ids, since it gets %s", forms, strings.Join(accounts, " or "), describeActions(management))}
}

// describeActions names a few actions.
func describeActions(actions []string) string {
	const show = 4
	if len(actions) > show {
		return fmt.Sprintf("management actions (%s and %d more)", strings.Join(actions[:show], ", "), len(actions)-show)
	}
	return fmt.Sprintf("management actions (%s)", strings.Join(actions, ", "))
}

// reachPreconditions are the key's preconditions for the reference
// principals of its policy.
func (k *KmsKey) reachPreconditions(b builtPolicy) []*cdktf.Precondition {
	var out []*cdktf.Precondition
	for i, st := range b.doc.Statement {
		var actions []string
		for _, a := range st.Action {
			actions = append(actions, iam.ExpandKMSActions(a)...)
		}
		if st.Effect != "Allow" {
			continue // a Deny takes access away, whoever it names
		}
		for _, kind := range []string{"AWS", "Service"} {
			for _, v := range st.Principal[kind] {
				if !isReference(v) {
					continue
				}
				// Bare account ids are a key policy's own form: only
				// statements written as policy JSON take them, as literals.
				where := b.sources[i].field.key
				rule := k.config.principalRule(k.partition, kind, actions, strings.HasPrefix(where, "extra_policy_statements") || where == "statement")
				if j := slices.Index(b.sources[i].principals, v); j >= 0 && len(b.sources[i].principals) > 1 {
					where = fmt.Sprintf("%s[%d]", where, j)
				}
				out = append(out, &cdktf.Precondition{
					Condition: referenceCondition(v, rule.pattern),
					ErrorMessage: k.lit(fmt.Sprintf("%s: the reference %s names principals of statement %d of the key policy of %s, and each must be %s",
						where, k.displayRef(v), i+1, k.Address(), rule.allowed)),
				})
			}
		}
	}
	return out
}

// displayRef names a reference in a message: its Terraform expression.
func (k *KmsKey) displayRef(v string) string {
	return fmt.Sprint(k.stack.resolveAny(v))
}

// grantRule is the rule for a native grant's grantee or retiring
// principal that is a reference: an IAM or STS principal ARN (grants take
// no bare account id: AWS KMS API Reference, CreateGrant,
// GranteePrincipal) or a service principal, each under the reach rule for
// the operations.
func (c *KmsKeyConfig) grantRule(partition string, actions []string) reachRule {
	a, s := c.principalRule(partition, "AWS", actions, false), c.principalRule(partition, "Service", actions, false)
	if s.pattern == nothing {
		return a
	}
	return reachRule{"^(?:" + inner(a.pattern) + "|" + inner(s.pattern) + ")$", a.allowed + ", or " + s.allowed}
}

// kmsGrantPreconditions hold a native grant's reference grantee (given as
// the grant's grantee value: each.value for a grant per element of a list)
// and retiring principal to the reach rules.
func (k *KmsKey) kmsGrantPreconditions(g KmsGrantSpec, grantee string) []*cdktf.Precondition {
	var out []*cdktf.Precondition
	f := field{"KmsGrants", "kms_grants"}
	i := slices.IndexFunc(k.config.KmsGrants, func(x KmsGrantSpec) bool { return x.Name == g.Name })
	if isReference(g.GranteePrincipal) {
		rule := k.config.grantRule(k.partition, prefixed(g.Operations))
		out = append(out, &cdktf.Precondition{
			Condition: referenceCondition(grantee, rule.pattern),
			ErrorMessage: k.lit(fmt.Sprintf("%s.grantee_principal: the reference %s is the grantee of native grant %q of %s, and it must be %s",
				f.index(i).key, k.displayRef(g.GranteePrincipal), g.Name, k.Address(), rule.allowed)),
		})
	}
	if isReference(g.RetiringPrincipal) {
		rule := k.config.grantRule(k.partition, []string{"kms:RetireGrant"})
		out = append(out, &cdktf.Precondition{
			Condition: referenceCondition(g.RetiringPrincipal, rule.pattern),
			ErrorMessage: k.lit(fmt.Sprintf("%s.retiring_principal: the reference %s may retire native grant %q of %s, and it must be %s",
				f.index(i).key, k.displayRef(g.RetiringPrincipal), g.Name, k.Address(), rule.allowed)),
		})
	}
	return out
}

// grantPrecondition holds a grantee given by reference (one element of a
// list: each.value) to the key's account: an inline policy attaches to the
// identity of that name in the account Terraform deploys to, so an ARN of
// another account would give the access to a namesake there. A name is
// taken as it is (it names an identity of the deploying account); an ARN
// must be of the grantee's kind and of the key's account, compared at
// plan with the key's ARN when the account is not known at synth.
func (t *keyTarget) grantPrecondition(r resolvedGrantee, element string) *cdktf.Precondition {
	if t.callerAccount != nil {
		return t.deployAccountPrecondition(r, element)
	}
	var accounts []string
	if t.account != "" {
		accounts = []string{t.account}
	}
	cond := referenceCondition(element, iam.IdentityPattern(r.kind, t.partition, accounts))
	where := "the key's account"
	if t.account != "" {
		where = "the key's account, " + t.account
	} else if arns := t.arns(); len(arns) > 0 {
		// Any partition's form, then the accounts compared (try: a name
		// has no account to compare).
		sameAccount := cdktf.Fn_Try(&[]interface{}{
			cdktf.Op_Eq(cdktf.Fn_Element(cdktf.Fn_Regex(jsii.String(`^arn:[^:]+:iam::([0-9]{12}):`), jsii.String(element)), jsii.Number(0)),
				cdktf.Fn_Element(cdktf.Fn_Regex(jsii.String(`^arn:[^:]+:kms:[^:]*:([0-9]{12}):`), arns[0]), jsii.Number(0))),
			jsii.Bool(false),
		})
		cond = cdktf.Op_And(cond, cdktf.Op_Or(cdktf.Fn_Can(cdktf.Fn_Regex(jsii.String("^"+`[A-Za-z0-9+=,.@_-]{1,64}`+"$"), jsii.String(element))), sameAccount))
	}
	msg := fmt.Sprintf("grantee: the reference %s must name an IAM %s of %s, by name or ARN: the inline policy %s attaches to the %s of that name in the account Terraform deploys to, so an ARN of another account would give the access to a namesake; grant a principal of another account through the key policy (additional_principals, or a Grant with its literal ARN)",
		t.st.resolve(r.ref), r.kind, where, "for "+t.name, r.kind)
	return &cdktf.Precondition{Condition: cond, ErrorMessage: jsii.String(tftemplate.Escape(msg, t.syntax))}
}

// deployAccountPrecondition holds a grantee given by reference, on a key
// created elsewhere, to the account Terraform deploys to (where the inline
// policy lands, whichever account owns the key): a name passes, an ARN
// must be of the grantee's kind and of the caller's account.
func (t *keyTarget) deployAccountPrecondition(r resolvedGrantee, element string) *cdktf.Precondition {
	sameAccount := cdktf.Fn_Try(&[]interface{}{
		cdktf.Op_Eq(cdktf.Fn_Element(cdktf.Fn_Regex(jsii.String(`^arn:[^:]+:iam::([0-9]{12}):`), jsii.String(element)), jsii.Number(0)), t.callerAccount()),
		jsii.Bool(false),
	})
	cond := cdktf.Op_And(referenceCondition(element, iam.IdentityPattern(r.kind, t.partition, nil)),
		cdktf.Op_Or(cdktf.Fn_Can(cdktf.Fn_Regex(jsii.String("^"+`[A-Za-z0-9+=,.@_-]{1,64}`+"$"), jsii.String(element))), sameAccount))
	msg := fmt.Sprintf("grantee: the reference %s must name an IAM %s of the account Terraform deploys to, by name or ARN: the inline policy for %s attaches to the %s of that name in that account, so an ARN of another account would give the access to a namesake; grant a principal of another account in that account's stack",
		t.st.resolve(r.ref), r.kind, t.name, r.kind)
	return &cdktf.Precondition{Condition: cond, ErrorMessage: jsii.String(tftemplate.Escape(msg, t.syntax))}
}

// literalGranteePrecondition holds a grantee's literal ARN, on a key
// created elsewhere, to the account Terraform deploys to.
func (t *keyTarget) literalGranteePrecondition(r resolvedGrantee) *cdktf.Precondition {
	cond := cdktf.Op_Eq(jsii.String(r.account), t.callerAccount())
	msg := fmt.Sprintf("grantee: %s is in account %s, but Terraform deploys to another account, where the inline policy for %s would attach to the %s of that name (a namesake); grant it in account %s's stack",
		r.arn, r.account, t.name, r.kind, r.account)
	return &cdktf.Precondition{Condition: cond, ErrorMessage: jsii.String(tftemplate.Escape(msg, t.syntax))}
}
