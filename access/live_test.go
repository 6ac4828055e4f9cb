package access

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

type fakeReader struct{ key *LiveKey }

func (f fakeReader) ReadKey(ctx context.Context, region, keyID string) (*LiveKey, error) {
	k := *f.key
	return &k, nil
}

// liveStack is a stack of key k with an alias and a grant, and the state
// Terraform left after applying it.
func liveStack(t *testing.T) ([]byte, []StateResource, *LiveKey) {
	t.Helper()
	keyPolicy := policy(stmt("Allow", aws(root), "kms:*"), stmt("Allow", aws("${aws_iam_role.app.arn}"), "kms:Decrypt"))
	raw := stackOf(keyPolicy, map[string]map[string]any{
		"aws_iam_role":  {"app": map[string]any{"name": "app"}},
		"aws_kms_alias": {"k_alias": map[string]any{"name": "alias/orders", "target_key_id": "${aws_kms_key.k.key_id}"}},
		"aws_kms_grant": {"k_kms_grant_batch": map[string]any{"name": "batch", "key_id": "${aws_kms_key.k.key_id}",
			"grantee_principal": "arn:aws:iam::111122223333:role/batch", "operations": []string{"Decrypt"}}},
	})
	var doc map[string]any
	_ = json.Unmarshal(raw, &doc)
	doc["resource"].(map[string]any)["aws_kms_key"].(map[string]any)["k"].(map[string]any)["enable_key_rotation"] = true
	raw, _ = json.Marshal(doc)
	applied := policy(stmt("Allow", aws(root), "kms:*"), stmt("Allow", aws(app), "kms:Decrypt"))
	state := []StateResource{
		{Type: "aws_kms_key", Name: "k", Attributes: map[string]any{"key_id": "1234", "arn": "arn:aws:kms:eu-west-1:111122223333:key/1234", "policy": applied}},
		{Type: "aws_iam_role", Name: "app", Attributes: map[string]any{"arn": app, "name": "app"}},
	}
	live := &LiveKey{KeyID: "1234", Enabled: true, KeyState: "Enabled", Rotation: true, Policy: applied, Aliases: []string{"alias/orders"},
		Grants: []LiveGrant{{ID: "g1", Name: "batch", Grantee: "arn:aws:iam::111122223333:role/batch", Operations: []string{"Decrypt"}}}}
	return raw, state, live
}

func findingsText(fs []LiveFinding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Kind+": "+f.Message)
	}
	return strings.Join(out, "\n")
}

func TestLiveKeyAsTheCodeSays(t *testing.T) {
	raw, state, live := liveStack(t)
	fs, err := CompareLive(context.Background(), "s", raw, state, fakeReader{live})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("findings for a key as the code says:\n%s", findingsText(fs))
	}
}

// Each change made outside the code is reported, in the report's terms.
func TestLiveDifferences(t *testing.T) {
	cases := map[string]struct {
		change func(*LiveKey)
		want   []string
	}{
		"a grant made by hand": {func(k *LiveKey) {
			k.Grants = append(k.Grants, LiveGrant{ID: "g2", Grantee: "arn:aws:iam::111122223333:role/intruder", Operations: []string{"Decrypt", "Encrypt"}})
		}, []string{"grant: grant g2 is not in the code: arn:aws:iam::111122223333:role/intruder may Decrypt, Encrypt",
			"access: role/intruder may kms:Decrypt in AWS, which the code does not allow"}},
		"the code's grant revoked": {func(k *LiveKey) { k.Grants = nil }, []string{"grant: grant aws_kms_grant.k_kms_grant_batch of the code is not on the key in AWS",
			"access: role/batch may not kms:Decrypt in AWS, which the code allows"}},
		"the policy edited": {func(k *LiveKey) {
			k.Policy = policy(stmt("Allow", aws(root), "kms:*"), stmt("Allow", aws(app), []string{"kms:Decrypt", "kms:ScheduleKeyDeletion"}))
		}, []string{"policy: the key policy in AWS differs from the code's", "access: role/app may kms:ScheduleKeyDeletion in AWS"}},
		"rotation off":     {func(k *LiveKey) { k.Rotation = false }, []string{"rotation: automatic rotation is off in AWS, on in the code"}},
		"disabled":         {func(k *LiveKey) { k.Enabled = false; k.KeyState = "Disabled" }, []string{"state: the key is disabled in AWS, enabled in the code"}},
		"pending deletion": {func(k *LiveKey) { k.Enabled = false; k.KeyState = "PendingDeletion" }, []string{"state: the key is scheduled for deletion"}},
		"an alias re-pointed": {func(k *LiveKey) { k.Aliases = []string{"alias/other"} }, []string{
			"alias: alias alias/other points at the key in AWS; the code does not make it", "alias: alias alias/orders of the code does not point at the key in AWS"}},
	}
	for name, c := range cases {
		raw, state, live := liveStack(t)
		c.change(live)
		fs, err := CompareLive(context.Background(), "s", raw, state, fakeReader{live})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := findingsText(fs)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: findings do not say %q:\n%s", name, w, got)
			}
		}
	}
}

// A policy that says the same in another form (one action or a list of
// it, another order) is not a difference.
func TestLivePolicyInAnotherForm(t *testing.T) {
	raw, state, live := liveStack(t)
	live.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root"]},"Action":["kms:*"],"Resource":["*"]},` +
		`{"Resource":"*","Action":["kms:Decrypt"],"Principal":{"AWS":"` + app + `"},"Effect":"Allow"}]}`
	fs, err := CompareLive(context.Background(), "s", raw, state, fakeReader{live})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("findings:\n%s", findingsText(fs))
	}
}

// externalStack is liveStack with the key's material brought by the user:
// an aws_kms_external_key, which has no key_id (its id is the key id) and
// no rotation argument, and names enabled as "enabled".
func externalStack(t *testing.T) ([]byte, []StateResource, *LiveKey) {
	t.Helper()
	raw, state, live := liveStack(t)
	s := strings.NewReplacer("aws_kms_key.k.key_id", "aws_kms_external_key.k.id", `"aws_kms_key"`, `"aws_kms_external_key"`, `"enable_key_rotation":true`, `"enabled":true`).Replace(string(raw))
	state[0].Type = "aws_kms_external_key"
	state[0].Attributes["id"] = state[0].Attributes["key_id"]
	delete(state[0].Attributes, "key_id")
	live.Rotation = false
	return []byte(s), state, live
}

// The deployed key with imported material is compared with the code like
// any key: as the code says, no finding; a grant made by hand, rotation
// switched on (it cannot be, but a reader might say so) and the key
// disabled are each reported, under its address.
func TestLiveExternalKey(t *testing.T) {
	raw, state, live := externalStack(t)
	fs, err := CompareLive(context.Background(), "s", raw, state, fakeReader{live})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Fatalf("findings for an external key as the code says:\n%s", findingsText(fs))
	}
	live.Grants = append(live.Grants, LiveGrant{ID: "g2", Grantee: "arn:aws:iam::111122223333:role/intruder", Operations: []string{"Decrypt"}})
	live.Enabled, live.KeyState = false, "Disabled"
	fs, err = CompareLive(context.Background(), "s", raw, state, fakeReader{live})
	if err != nil {
		t.Fatal(err)
	}
	got := findingsText(fs)
	for _, w := range []string{"grant: grant g2 is not in the code", "access: role/intruder may kms:Decrypt in AWS", "state: the key is disabled in AWS, enabled in the code"} {
		if !strings.Contains(got, w) {
			t.Errorf("findings do not say %q:\n%s", w, got)
		}
	}
	for _, f := range fs {
		if f.Key != "aws_kms_external_key.k" || f.KeyID != "1234" {
			t.Errorf("finding on %s (%s), want aws_kms_external_key.k (1234)", f.Key, f.KeyID)
		}
	}
}

// The report reads an external key and its replica, with the key spec
// of aws_kms_external_key's key_spec: the replica has its primary's.
func TestReportReadsExternalKeys(t *testing.T) {
	raw := stackOf(policy(stmt("Allow", aws(root), "kms:*")), nil)
	s := strings.Replace(string(raw), `"aws_kms_key"`, `"aws_kms_external_key"`, 1)
	var doc map[string]any
	_ = json.Unmarshal([]byte(s), &doc)
	res := doc["resource"].(map[string]any)
	res["aws_kms_external_key"].(map[string]any)["k"].(map[string]any)["key_spec"] = "RSA_2048"
	res["aws_kms_external_key"].(map[string]any)["k"].(map[string]any)["key_usage"] = "SIGN_VERIFY"
	res["aws_kms_replica_external_key"] = map[string]any{"r": map[string]any{"primary_key_arn": "${aws_kms_external_key.k.arn}", "policy": policy(stmt("Allow", aws(root), "kms:*"))}}
	raw, _ = json.Marshal(doc)
	r, err := Build("test", map[string][]byte{"s": raw})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range r.Stacks[0].Keys {
		got = append(got, k.Address+" "+k.KeySpec+" "+k.KeyUsage+" "+k.Primary)
	}
	want := []string{"aws_kms_external_key.k RSA_2048 SIGN_VERIFY ", "aws_kms_replica_external_key.r RSA_2048 SIGN_VERIFY aws_kms_external_key.k"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("keys:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
