package kms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
)

// rawStatement is the strict JSON form of an extra key policy statement.
type rawStatement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal json.RawMessage           `json:"Principal"`
	Action    OneOrMany                 `json:"Action"`
	Resource  OneOrMany                 `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition"`
}

var (
	sidPattern    = regexp.MustCompile(`^[A-Za-z0-9 ]{1,128}$`)
	kmsActionForm = regexp.MustCompile(`^kms:[A-Za-z*?]+$`)
)

// parseStatement decodes one extra statement strictly.
func parseStatement(raw string) (PolicyStatement, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	var rs rawStatement
	if err := dec.Decode(&rs); err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "json: unknown field ") {
			return PolicyStatement{}, fmt.Errorf("unknown element %s; allowed: Sid, Effect, Principal, Action, Resource, Condition (NotPrincipal, NotAction and NotResource are not supported)",
				strings.TrimPrefix(msg, "json: unknown field "))
		}
		return PolicyStatement{}, fmt.Errorf("not a JSON policy statement object: %v", err)
	}
	if dec.More() {
		return PolicyStatement{}, fmt.Errorf("holds more than one JSON value; give one statement object per entry")
	}
	s := PolicyStatement{Sid: rs.Sid, Effect: rs.Effect, Action: rs.Action, Resource: rs.Resource, Condition: rs.Condition}
	p := bytes.TrimSpace(rs.Principal)
	switch {
	case len(p) == 0:
	case string(p) == `"*"`:
		s.Principal = map[string]OneOrMany{"AWS": {"*"}}
	default:
		if err := json.Unmarshal(p, &s.Principal); err != nil {
			return PolicyStatement{}, fmt.Errorf(`Principal must be "*" or an object like {"AWS": [...], "Service": [...]}`)
		}
	}
	return s, nil
}

// servicePrincipalProblem says what is wrong with a service principal.
func servicePrincipalProblem(sp, partition string) string {
	switch {
	case strings.Contains(sp, "*"):
		return "wildcards are not allowed in principals; name the service, like s3.amazonaws.com"
	case !policylint.ServicePrincipalPattern.MatchString(sp):
		return "must be an AWS service principal like s3.amazonaws.com or delivery.logs.amazonaws.com"
	case strings.HasSuffix(sp, ".amazonaws.com.cn") && partition != "" && partition != "aws-cn":
		return fmt.Sprintf(".amazonaws.com.cn principals exist only in the aws-cn partition, not in %q", partition)
	}
	return ""
}

// validateExtraStatements checks the extra statements; reserved holds the
// Sids the construct's own statements use.
func (c *KmsKeyConfig) validateExtraStatements(p *problems, partition string) {
	f := field{"ExtraPolicyStatements", "extra_policy_statements"}
	sids := map[string]string{
		SidServicePrincipals: "the service principals statement",
		SidKeyAdministrators: "the key administrators statement",
		SidCloudWatchAlarms:  "the CloudWatch alarms statement",
	}
	for i, raw := range c.ExtraPolicyStatements {
		fi := f.index(i)
		s, err := parseStatement(raw)
		if err != nil {
			p.add(fi, nil, "%v", err)
			continue
		}
		for _, msg := range statementProblems(s, partition) {
			p.add(fi, nil, "%s", msg)
		}
		if s.Sid != "" {
			if other, dup := sids[s.Sid]; dup {
				p.add(fi, nil, "Sid %q is already used by %s; Sids must be unique", s.Sid, other)
			}
			sids[s.Sid] = fmt.Sprintf("extra_policy_statements[%d]", i)
		}
	}
}

// statementProblems checks one extra statement's elements.
func statementProblems(s PolicyStatement, partition string) []string {
	var out []string
	if s.Sid != "" && !sidPattern.MatchString(s.Sid) {
		out = append(out, fmt.Sprintf("Sid %q may hold only letters, digits and spaces (at most 128)", s.Sid))
	}
	if s.Effect != "Allow" && s.Effect != "Deny" {
		out = append(out, fmt.Sprintf("Effect %q must be Allow or Deny", s.Effect))
	}
	if len(s.Action) == 0 {
		out = append(out, "Action is required: one or more kms: actions")
	}
	for _, a := range s.Action {
		if !kmsActionForm.MatchString(a) {
			out = append(out, fmt.Sprintf("Action %q must be a KMS action like kms:Decrypt (a key policy governs only this key)", a))
		}
	}
	if len(s.Resource) != 1 || s.Resource[0] != "*" {
		out = append(out, fmt.Sprintf(`Resource %v must be "*" (in a key policy, "*" means this key)`, []string(s.Resource)))
	}
	if len(s.Principal) == 0 {
		out = append(out, `Principal is required: {"AWS": [...]} or {"Service": [...]}`)
	}
	for kind, values := range s.Principal {
		for _, v := range values {
			switch {
			case v == "*":
				if len(s.Condition) == 0 && s.Effect != "Deny" {
					out = append(out, `a wildcard principal ("*") in an Allow statement needs a Condition that limits it`)
				}
			case kind == "AWS":
				if accountIDPattern.MatchString(v) {
					continue
				}
				if msg := principalProblem(v, partition); msg != "" {
					out = append(out, fmt.Sprintf("Principal AWS %q: %s", v, msg))
				}
			case kind == "Service":
				if msg := servicePrincipalProblem(v, partition); msg != "" {
					out = append(out, fmt.Sprintf("Principal Service %q: %s", v, msg))
				}
			default:
				out = append(out, fmt.Sprintf("Principal type %q is not supported; use AWS or Service", kind))
			}
		}
	}
	for op, keys := range s.Condition {
		if len(keys) == 0 {
			out = append(out, fmt.Sprintf("Condition operator %q has no keys", op))
		}
	}
	return out
}
