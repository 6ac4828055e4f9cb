package simcheck

// Cases where the access report disagreed with the simulator and the
// report was wrong, found by the differential check; each stays as a
// regression test on its minimal stack.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/access"
)

// minimalStack is a stack of one key (policy) and resources.
func minimalStack(keyPolicy string, resources map[string]any) []byte {
	res := map[string]any{"aws_kms_key": map[string]any{"k": map[string]any{"policy": keyPolicy}}}
	for k, v := range resources {
		res[k] = v
	}
	raw, _ := json.Marshal(map[string]any{"provider": map[string]any{"aws": []any{map[string]any{"region": "eu-west-1"}}}, "resource": res})
	return raw
}

// checksOf makes the checks of every cell of stacks, without exclusions.
func checksOf(t *testing.T, name string, stacks map[string][]byte) ([]check, *access.Report) {
	rep, err := access.Build(name, stacks)
	if err != nil {
		t.Fatal(err)
	}
	var out []check
	var missed tally
	for _, st := range rep.Stacks {
		in := readStack(t, st.Name, stacks[st.Name])
		for _, k := range st.Keys {
			out = append(out, keyChecks(t, name, st.Name, in, k, &missed)...)
		}
	}
	for _, p := range missed.problems {
		t.Error(p)
	}
	return out, rep
}

// 1. kms:SynchronizeMultiRegionKey under a condition on kms:CallerAccount
// or kms:ViaService: the report evaluates kms:CallerAccount as the
// principal's account and leaves kms:ViaService open, though the Service
// Authorization Reference lists neither key (nor any) for the action, so
// by the report's own rule a request never carries them; the simulator
// drops both.
func TestReportRegressionSynchronizeMultiRegionKey(t *testing.T) {
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/app"},"Action":"kms:SynchronizeMultiRegionKey","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"444455556666"}}},` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ops"},"Action":"kms:SynchronizeMultiRegionKey","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}]}`
	checks, _ := checksOf(t, "minimal", map[string][]byte{"sync": minimalStack(policy, nil)})
	var mine []check
	for _, c := range checks {
		if c.req.Action == "kms:SynchronizeMultiRegionKey" {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		t.Fatal("no kms:SynchronizeMultiRegionKey request was checked")
	}
	compare(t, mine)
}

// 2. aws_iam_policy_attachment (one policy attached to lists of roles,
// users and groups) is not read by the report: a role it attaches a policy
// to that allows kms:Decrypt gets no path through it.
func TestReportRegressionPolicyAttachment(t *testing.T) {
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:DescribeKey","Resource":"*"}]}`
	raw := minimalStack(policy, map[string]any{
		"aws_iam_role":   map[string]any{"app": map[string]any{"name": "app", "assume_role_policy": "{}"}},
		"aws_iam_policy": map[string]any{"p": map[string]any{"name": "p", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`}},
		"aws_iam_policy_attachment": map[string]any{"a": map[string]any{"name": "a", "roles": []any{"${aws_iam_role.app.name}"},
			"policy_arn": "${aws_iam_policy.p.arn}"}},
	})
	checks, _ := checksOf(t, "minimal", map[string][]byte{"attach": raw})
	var mine []check
	for _, c := range checks {
		if c.req.Action == "kms:Decrypt" && strings.HasSuffix(c.req.Principal, ":role/app") {
			mine = append(mine, c)
		}
	}
	compare(t, mine)
}

// 3. A role of the stack whose only IAM policies naming the key are an
// attached aws_iam_policy (managed_policy_arns, aws_iam_role_policy_attachment)
// or an inline_policy block gets no row, though the key policy delegates to
// the account and the role may use the key (the report's rows include "the
// identity of an IAM policy that names the key").
func TestReportRegressionMissingRows(t *testing.T) {
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`
	raw := minimalStack(policy, map[string]any{
		"aws_iam_policy": map[string]any{"p": map[string]any{"name": "p", "policy": doc}},
		"aws_iam_role": map[string]any{
			"attached": map[string]any{"name": "attached", "assume_role_policy": "{}", "managed_policy_arns": []any{"${aws_iam_policy.p.arn}"}},
			"inline":   map[string]any{"name": "inline", "assume_role_policy": "{}", "inline_policy": []any{map[string]any{"name": "i", "policy": doc}}},
			"attachee": map[string]any{"name": "attachee", "assume_role_policy": "{}"},
		},
		"aws_iam_role_policy_attachment": map[string]any{"a": map[string]any{"role": "${aws_iam_role.attachee.name}", "policy_arn": "${aws_iam_policy.p.arn}"}},
	})
	rep, err := access.Build("minimal", map[string][]byte{"rows": raw})
	if err != nil {
		t.Fatal(err)
	}
	in := readStack(t, "rows", raw)
	k := rep.Stacks[0].Keys[0]
	for _, name := range []string{"attached", "inline", "attachee"} {
		arn := fmt.Sprintf("arn:aws:iam::111122223333:role/%s", name)
		found := false
		for _, p := range k.Principals {
			found = found || p.ID == arn
		}
		if found {
			continue
		}
		p := access.Principal{ID: arn, Kind: access.KindRole, Account: "111122223333"}
		sim, _ := simulatedPrincipal(k, p, in)
		base := request{Principal: sim.principal, Action: "kms:Decrypt", Resource: in.keyARNs[k.Address], ResourceAccount: k.Account,
			ResourcePolicy: in.keyPolicies[k.Address], Context: sim.context()}
		res := simulate(t, []check{{req: sim.request(base, sim.start(), false)}})[0]
		if res.Result == "Allowed" {
			t.Errorf("%s has no row in the report, but the simulator allows its kms:Decrypt (root delegation + its policy)", arn)
		}
	}
}
