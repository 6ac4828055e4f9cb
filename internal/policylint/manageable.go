package policylint

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
)

// Who can still change the key policy, decided by the evaluator: a key
// whose policy nobody can change again is lost to its account (AWS KMS
// Developer Guide, "Default key policy": "If the key policy doesn't
// allow... the KMS key becomes unmanageable", and the lockout safety
// check of PutKeyPolicy).

// manager is a principal of the key's account that may change the key
// policy, with what AWS puts in each of its requests.
type manager struct {
	arn string
	req iam.Requester
	ctx iam.Context
}

// candidates are the account root and every principal of the key's account
// that an Allow statement names.
func (l *linter) candidates(statements []parsed) []manager {
	root := iam.RootArn(l.ctx.Partition, l.ctx.Account)
	out := []manager{l.manager(root, iam.Principal{Kind: "root"})}
	for _, p := range statements {
		if p.statement.Effect != "Allow" {
			continue
		}
		for _, v := range p.principals["AWS"] {
			pr, msg := iam.ParsePrincipal(v, l.ctx.Partition)
			if msg != "" || pr.Account() != l.ctx.Account || pr.Kind == "root" ||
				slices.ContainsFunc(out, func(m manager) bool { return m.arn == v }) {
				continue
			}
			out = append(out, l.manager(v, pr))
		}
	}
	return out
}

// manager builds the request of one principal: the root user, a role, a
// user or a role's session.
func (l *linter) manager(arn string, pr iam.Principal) manager {
	m := manager{arn: arn, req: iam.Requester{Kind: iam.PrincipalUser, ARN: arn, Account: l.ctx.Account}}
	principalArn := arn
	switch pr.Kind {
	case "role":
		m.req.Kind = iam.PrincipalRole
	case "assumed-role":
		m.req.Kind = iam.PrincipalSession
		m.req.Role = fmt.Sprintf("arn:%s:iam::%s:role/%s", l.ctx.Partition, l.ctx.Account, pr.Name)
		principalArn = m.req.Role
	}
	m.ctx.Set("aws:SecureTransport", "true")
	m.ctx.Set("aws:PrincipalIsAWSService", "false")
	m.ctx.Set("aws:PrincipalAccount", l.ctx.Account)
	m.ctx.Set("kms:CallerAccount", l.ctx.Account)
	m.ctx.Set("aws:PrincipalArn", principalArn)
	m.ctx.SetAbsent(iam.ServiceConditionKeys...)
	return m
}

// canChangePolicy says whether the Allow statements alone let the manager
// change the key policy without a condition: allowed outright, or through
// the account's own IAM policies (which the account controls).
func canChangePolicy(d iam.Decision) bool {
	if d.Result == iam.Allowed {
		return true
	}
	return d.Result == iam.Conditional && slices.ContainsFunc(d.Allows, func(p iam.Path) bool {
		return !slices.ContainsFunc(p.Conds, func(c iam.Cond) bool { return c.Kind != iam.CondIAMPolicy })
	})
}

// lintManageable checks that some principal of the key's account can change
// the key policy, and that no Deny takes that from all of them.
func (l *linter) lintManageable(statements []parsed) {
	if len(statements) == 0 {
		return
	}
	root := iam.RootArn(l.ctx.Partition, l.ctx.Account)
	allows := &iam.Document{Version: "2012-10-17"}
	for _, p := range statements {
		if p.statement.Effect == "Allow" {
			allows.Statements = append(allows.Statements, p.statement)
		}
	}
	keyARN := "arn:" + l.ctx.Partition + ":kms:*:" + l.ctx.Account + ":key/*"
	var managers []manager
	for _, m := range l.candidates(statements) {
		d := iam.Decide(iam.Request{Principal: m.req, Action: "kms:PutKeyPolicy", Context: m.ctx},
			iam.Policies{Key: allows, KeyARN: keyARN, KeyAccount: l.ctx.Account, UnknownIdentity: true})
		if canChangePolicy(d) {
			managers = append(managers, m)
		}
	}
	if len(managers) == 0 {
		l.add(0, "", "", "no statement keeps the key manageable: allow the account root (%s) kms:*, or allow administrators kms:PutKeyPolicy without a condition; otherwise a deploy can lock everyone out", root)
		return
	}
	for _, p := range statements {
		s := p.statement
		if s.Effect != "Deny" || !slices.Contains(p.actions, "kms:PutKeyPolicy") || !deniesAccount(p.principals["AWS"], l.ctx.Account, root) {
			continue
		}
		if len(s.Conditions) == 0 {
			l.add(s.Index, s.Sid, "", "denies kms:PutKeyPolicy to everyone or to the account root without a condition: nobody could change the key policy again")
			continue
		}
		if !slices.ContainsFunc(managers, func(m manager) bool { return exempt(s, m) }) {
			l.add(s.Index, s.Sid, "", "denies kms:PutKeyPolicy to everyone or to the account root under a condition (%s) that does not demonstrably exempt the account root or an administrator, so it may lock everyone out of the key; exempt them with StringNotEquals or ArnNotEquals on aws:PrincipalArn listing %s, or leave kms:PutKeyPolicy out of the Deny", conditionSummary(p.raw["Condition"]), root)
		}
	}
}

// exempt says whether a Deny's conditions demonstrably fail for the
// manager: one of them (they are ANDed) fails on what AWS puts in every
// request of the manager. A condition with a set qualifier does not count:
// IAM applies ForAnyValue and ForAllValues to multivalued keys, and on a
// single-valued key they do not say what they seem to (IAM User Guide,
// "Single-valued vs. multivalued context keys").
func exempt(s iam.Statement, m manager) bool {
	for _, c := range s.Conditions {
		if iam.ParseOperator(c.Operator).Set != "" {
			continue
		}
		if c.Evaluate(m.ctx) == iam.Fails {
			return true
		}
	}
	return false
}

// deniesAccount says whether a Deny's principals include everyone or the
// account root.
func deniesAccount(principals []string, account, root string) bool {
	for _, v := range principals {
		if v == "*" || v == account || v == root {
			return true
		}
	}
	return false
}

// conditionSummary renders a condition block compactly for a message.
func conditionSummary(raw json.RawMessage) string {
	var v any
	_ = json.Unmarshal(raw, &v)
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}
