package simcheck

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/access"
	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
)

// contextOperations are the grant operations that take an encryption
// context, to which a grant's constraint applies (AWS KMS API Reference,
// GrantConstraints: "all cryptographic operations with a symmetric KMS
// key"; not DescribeKey or RetireGrant).
var contextOperations = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
	"GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo"}

type grantJ struct {
	KeyID       string           `json:"key_id"`
	Grantee     string           `json:"grantee_principal"`
	Retiring    string           `json:"retiring_principal"`
	Operations  []string         `json:"operations"`
	Constraints []map[string]any `json:"constraints"`
}

// TestGrantCellsFollowTheGrants checks the cells that native grants give,
// which the simulator cannot decide: the grantee has each operation of
// the grant (under the grant's encryption context constraint where it
// applies, for retiring only that grant, for CreateGrant only as strict
// grants), unless an explicit Deny takes it or a path without conditions
// makes the grant moot; the retiring principal may retire it; and no cell
// names a grant that does not give it.
func TestGrantCellsFollowTheGrants(t *testing.T) {
	checked := 0
	for _, src := range loadSources(t) {
		for _, st := range src.report.Stacks {
			var doc struct {
				Resource map[string]map[string]grantJ `json:"resource"`
			}
			if err := json.Unmarshal(src.stacks[st.Name], &doc); err != nil {
				t.Fatal(err)
			}
			grants := doc.Resource["aws_kms_grant"]
			for _, k := range st.Keys {
				gives := map[string]bool{} // grant|principal|action
				for name, g := range grants {
					address := "aws_kms_grant." + name
					if keyID, _ := tfrender.Render(g.KeyID); keyID != "${"+k.Address+".key_id}" {
						continue
					}
					constrained := len(g.Constraints) > 0
					for _, op := range g.Operations {
						action := "kms:" + op
						gives[address+"|"+g.Grantee+"|"+action] = true
						var want []string
						switch {
						case op == "RetireGrant":
							want = []string{access.CondThisGrant}
						case constrained && slices.Contains(contextOperations, op):
							want = []string{constraintKind(g.Constraints)}
						case constrained && op == "CreateGrant":
							want = []string{access.CondGrantsAsStrict}
						}
						checkGrantCell(t, st.Name, k, g.Grantee, action, address, want)
						checked++
					}
					if g.Retiring != "" {
						gives[address+"|"+g.Retiring+"|kms:RetireGrant"] = true
						checkGrantCell(t, st.Name, k, g.Retiring, "kms:RetireGrant", address, []string{access.CondThisGrant})
						checked++
					}
				}
				for _, p := range k.Principals {
					for _, c := range p.Cells {
						for _, path := range c.Paths {
							for _, via := range path.Via {
								if via.Type == "grant" && !gives[via.Resource+"|"+p.ID+"|"+c.Action] {
									t.Errorf("%s %s: %s %s names %s, which does not give it", st.Name, k.Address, p.ID, c.Action, via.Resource)
								}
							}
						}
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d grant cells checked; the sources should have more", checked)
	}
}

func constraintKind(constraints []map[string]any) string {
	for _, c := range constraints {
		if _, ok := c["encryption_context_equals"]; ok {
			return access.CondEncryptionContextEquals
		}
	}
	return access.CondEncryptionContextSubset
}

func checkGrantCell(t *testing.T, stack string, k access.Key, principal, action, grant string, want []string) {
	t.Helper()
	var row *access.Principal
	for i, p := range k.Principals {
		if p.ID == principal {
			row = &k.Principals[i]
		}
	}
	if row == nil {
		t.Errorf("%s %s: %s of %s has no row", stack, k.Address, principal, grant)
		return
	}
	c := row.Cell(action)
	if c.Access == access.Denied {
		if len(c.Paths) == 0 {
			t.Errorf("%s %s: %s %s: not allowed, but %s gives it", stack, k.Address, principal, action, grant)
		}
		return
	}
	for _, p := range c.Paths {
		if len(p.Via) != 1 || p.Via[0].Resource != grant {
			continue
		}
		var got []string
		for _, cond := range p.Conditions {
			got = append(got, cond.Kind)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s %s: %s %s through %s has conditions %v, want %v", stack, k.Address, principal, action, grant, got, want)
		}
		return
	}
	// No path through the grant: only an unconditional path may make it
	// moot.
	if !slices.ContainsFunc(c.Paths, func(p access.Path) bool { return len(p.Conditions) == 0 }) {
		t.Errorf("%s %s: %s %s: no path through %s (%v)", stack, k.Address, principal, action, grant, c.Paths)
	}
}

// TestRolesNameTheConstructsStatements checks that the report recognizes
// the construct's statements (their Sids) in the all-features stack.
func TestRolesNameTheConstructsStatements(t *testing.T) {
	want := map[string]string{
		"arn:aws:iam::123456789012:role/kms-admin":                    "key administrator",
		"arn:aws:iam::123456789012:role/app-user":                     "key user",
		"arn:aws:iam::123456789012:role/batch":                        "symmetric encryption user",
		"arn:aws:iam::123456789012:role/ebs-operator":                 "service user (grants for AWS resources)",
		"arn:aws:iam::123456789012:role/example-role":                 "additional principal",
		"cloudtrail.amazonaws.com":                                    "service principal",
		"logs.eu-west-1.amazonaws.com":                                "CloudWatch Logs",
		"arn:aws:iam::123456789012:role/scan-all-features-lambda-kms": "predefined role",
		"arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling": "Auto Scaling service role",
	}
	for _, src := range loadSources(t) {
		if src.name != "security/all-features.json" {
			continue
		}
		// CloudWatch is on the alarm topic's own key, not on the watched one.
		for _, k := range src.report.Stacks[0].Keys {
			cw := slices.IndexFunc(k.Principals, func(p access.Principal) bool { return p.ID == "cloudwatch.amazonaws.com" })
			onAlarmKey := strings.HasSuffix(k.Address, "_alarms_key")
			if onAlarmKey != (cw >= 0) || cw >= 0 && !slices.Contains(k.Principals[cw].Roles, "CloudWatch alarms (alarm topic)") {
				t.Errorf("%s: CloudWatch row %v (want one exactly on the alarm key)", k.Address, cw >= 0)
			}
		}
		k := src.report.Stacks[0].Keys[0]
		for id, role := range want {
			found := false
			for _, p := range k.Principals {
				if p.ID == id {
					found = slices.Contains(p.Roles, role)
					if !found {
						t.Errorf("%s has roles %v, want %q", id, p.Roles, role)
					}
				}
			}
			if !found && !t.Failed() {
				t.Errorf("no row %s", id)
			}
		}
	}
}
