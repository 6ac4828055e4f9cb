package tfresult

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

func stateOf(t *testing.T, raw string) *tfjson.State {
	t.Helper()
	var s tfjson.State
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

const sampleState = `{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{"resources":[
 {"address":"aws_iam_role.app","mode":"managed","type":"aws_iam_role","name":"app","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"arn":"arn:aws:iam::123456789012:role/orders-app","name":"orders-app","tags":{"a":"b"}}},
 {"address":"data.aws_kms_alias.legacy","mode":"data","type":"aws_kms_alias","name":"legacy","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
  "values":{"target_key_arn":"arn:aws:kms:eu-west-1:123456789012:key/k"}}]}}}`

func TestEvaluateResolvesReferencesAndEscapes(t *testing.T) {
	s := stateOf(t, sampleState)
	for template, want := range map[string]string{
		`plain`:               `plain`,
		`$${not} %%{ if x }`:  `${not} %{ if x }`,
		`role/${"$"}{team}/x`: `role/${team}/x`,
		`${aws_iam_role.app.arn}|${data.aws_kms_alias.legacy.target_key_arn}`: `arn:aws:iam::123456789012:role/orders-app|arn:aws:kms:eu-west-1:123456789012:key/k`,
		`${aws_iam_role.app.tags.a}`:                                          `b`,
	} {
		got, err := Evaluate(template, s)
		if err != nil || got != want {
			t.Errorf("Evaluate(%q) = %q, %v; want %q", template, got, err, want)
		}
	}
	if _, err := Evaluate(`${aws_iam_role.missing.arn}`, s); err == nil {
		t.Error("a reference to a resource not in the state evaluated")
	}
}

func TestRewriteJSONTemplateKeepsReferencesAndLiterals(t *testing.T) {
	s := stateOf(t, sampleState)
	template := `{"Statement":[{"Effect":"Deny","Sid":"$${x}"},{"Effect":"Allow","Principal":{"AWS":"${aws_iam_role.app.arn}"},"Sid":"a%%{b}${"$"}{c}"}]}`
	out, err := RewriteJSONTemplate(template, func(doc any) any {
		m := doc.(map[string]any)
		m["Statement"] = m["Statement"].([]any)[1:]
		return m
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Evaluate(out, s)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/orders-app"},"Sid":"a%{b}${c}"}]}`
	var a, b any
	json.Unmarshal([]byte(got), &a)
	json.Unmarshal([]byte(want), &b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("rewritten template evaluates to\n%s\nwant\n%s\n(template %s)", got, want, out)
	}
}

func TestChangesNameTheAttributesAnUpdateChanges(t *testing.T) {
	var p tfjson.Plan
	raw := `{"format_version":"1.2","resource_changes":[
	 {"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k","change":{"actions":["update"],
	  "before":{"rotation_period_in_days":0,"description":"d","tags":{"a":"b"}},"after":{"rotation_period_in_days":180,"description":"d","tags":{"a":"b"}},"after_unknown":{"tags":{}}}},
	 {"address":"aws_kms_key.moved","previous_address":"module.kms.aws_kms_key.general_encryption_key","mode":"managed","type":"aws_kms_key","name":"moved","change":{"actions":["no-op"],"before":{},"after":{}}},
	 {"address":"aws_kms_key.imported","mode":"managed","type":"aws_kms_key","name":"imported","change":{"actions":["no-op"],"before":{},"after":{},"importing":{"id":"abc"}}},
	 {"address":"data.aws_x.y","mode":"data","type":"aws_x","name":"y","change":{"actions":["read"]}}
	]}`
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	changes := Changes(&p)
	if len(changes) != 3 {
		t.Fatalf("changes = %v", changes)
	}
	k, _ := Find(changes, "aws_kms_key.k")
	if !reflect.DeepEqual(k.Attributes, []string{"rotation_period_in_days"}) || k.NoOp() {
		t.Errorf("update = %+v", k)
	}
	m, _ := Find(changes, "aws_kms_key.moved")
	if !m.Moved() || !m.NoOp() {
		t.Errorf("move = %+v", m)
	}
	i, _ := Find(changes, "aws_kms_key.imported")
	if i.ImportID != "abc" || !i.NoOp() {
		t.Errorf("import = %+v", i)
	}
	if u := Unexpected(changes, nil); len(u) != 1 || !strings.Contains(u[0], "rotation_period_in_days") {
		t.Errorf("Unexpected = %v", u)
	}
	if u := Unexpected(changes, func(c Change) bool { return c.Type == "aws_kms_key" }); len(u) != 0 {
		t.Errorf("Unexpected with an allowance = %v", u)
	}
}

func TestParseRawStateGivesAddressesAndValues(t *testing.T) {
	raw := `{"version":4,"terraform_version":"1.11.4","serial":3,"lineage":"x","outputs":{},"resources":[
	 {"mode":"managed","type":"aws_kms_key","name":"k","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]","instances":[{"schema_version":0,"attributes":{"key_id":"abc","tags":{"a":"b"}}}]},
	 {"module":"module.kms","mode":"managed","type":"aws_kms_key","name":"general_encryption_key","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]","instances":[{"schema_version":0,"attributes":{"key_id":"def"}}]},
	 {"mode":"data","type":"aws_kms_alias","name":"a","provider":"p","instances":[{"attributes":{"target_key_arn":"arn"}}]},
	 {"mode":"managed","type":"aws_x","name":"n","provider":"p","instances":[{"index_key":0,"attributes":{}},{"index_key":"k","attributes":{}}]}]}`
	s, err := ParseRawState([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := StateAddresses(s); !reflect.DeepEqual(got, []string{"aws_kms_key.k", `aws_x.n["k"]`, "aws_x.n[0]"}) {
		t.Errorf("addresses = %v", got)
	}
	if v, err := Evaluate(`${aws_kms_key.k.key_id}/${aws_kms_key.k.tags.a}/${data.aws_kms_alias.a.target_key_arn}`, s); err != nil || v != "abc/b/arn" {
		t.Errorf("Evaluate = %q, %v", v, err)
	}
	if len(s.Values.RootModule.ChildModules) != 1 || s.Values.RootModule.ChildModules[0].Resources[0].Address != "module.kms.aws_kms_key.general_encryption_key" {
		t.Errorf("child modules = %+v", s.Values.RootModule.ChildModules)
	}
}

func TestStreamChangesReadsPlannedChanges(t *testing.T) {
	stream := `{"@level":"info","@message":"Terraform 1.11.4","type":"version","terraform":"1.11.4","ui":"1.2"}
{"@level":"info","@message":"aws_kms_key.general_encryption_key: Plan to import","type":"planned_change","change":{"resource":{"addr":"aws_kms_key.general_encryption_key","resource_type":"aws_kms_key"},"action":"import","importing":{"id":"abc"}}}
{"@level":"info","@message":"aws_kms_alias.a: Plan to create","type":"planned_change","change":{"resource":{"addr":"aws_kms_alias.a","resource_type":"aws_kms_alias"},"action":"create"}}
{"@level":"info","@message":"aws_kms_key.b: Plan to move","type":"planned_change","change":{"resource":{"addr":"aws_kms_key.b","resource_type":"aws_kms_key"},"previous_resource":{"addr":"module.kms.aws_kms_key.b"},"action":"move"}}
{"@level":"info","@message":"aws_kms_key.c: Plan to update","type":"planned_change","change":{"resource":{"addr":"aws_kms_key.c","resource_type":"aws_kms_key"},"action":"update","importing":{"id":"def"}}}
{"@level":"info","@message":"data.aws_kms_alias.x: Plan to read","type":"planned_change","change":{"resource":{"addr":"data.aws_kms_alias.x","resource_type":"aws_kms_alias"},"action":"read"}}
{"@level":"info","@message":"Plan: 1 to import, 1 to add, 1 to change, 0 to destroy.","type":"change_summary","changes":{"add":1,"change":1,"import":1,"remove":0,"operation":"plan"}}
`
	changes, lines, err := StreamChanges([]byte(stream))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 7 {
		t.Errorf("lines = %v", lines)
	}
	want := []string{
		"aws_kms_alias.a: create",
		"aws_kms_key.b: no-op (moved from module.kms.aws_kms_key.b)",
		"aws_kms_key.c: update (import def)",
		"aws_kms_key.general_encryption_key: no-op (import abc)",
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, _, err := StreamChanges([]byte(`{"type":"planned_change","change":{"resource":{"addr":"x.y"},"action":"explode"}}`)); err == nil {
		t.Error("an unknown action was accepted")
	}
}

func TestConfigDependentsFollowSynthesizedReferences(t *testing.T) {
	var resources map[string]any
	raw := `{
	 "aws_kms_key": {"k": {"policy": "{\"a\":\"$${aws_kms_replica_key.r.arn}\"}"}},
	 "aws_kms_replica_key": {"r": {"primary_key_arn": "${aws_kms_key.k.arn}", "//": {"metadata": "${aws_x.y}"}}},
	 "aws_kms_alias": {"ra": {"target_key_id": "${aws_kms_replica_key.r.key_id}"}, "a": {"target_key_id": "${aws_kms_key.k.key_id}"}},
	 "aws_iam_role_policy": {"p": {"policy": "{\"Resource\":[\"${aws_kms_key.k.arn}\",\"${aws_kms_replica_key.r.arn}\"]}"},
	                         "q": {"depends_on": ["aws_iam_role_policy.p"]}},
	 "aws_s3_bucket_server_side_encryption_configuration": {"s": {"rule": [{"apply_server_side_encryption_by_default": {"kms_master_key_id": "${aws_kms_alias.ra.arn}"}}]}}
	}`
	if err := json.Unmarshal([]byte(raw), &resources); err != nil {
		t.Fatal(err)
	}
	got := ConfigDependents(resources, "aws_kms_replica_key")
	want := []string{"aws_iam_role_policy.p", "aws_iam_role_policy.q", "aws_kms_alias.ra", "aws_kms_replica_key.r", "aws_s3_bucket_server_side_encryption_configuration.s"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ConfigDependents = %v, want %v (a literal $${...} is not a reference)", got, want)
	}
	if rest := Without(ConfigResources(resources), got); !reflect.DeepEqual(rest, []string{"aws_kms_alias.a", "aws_kms_key.k"}) {
		t.Errorf("the rest = %v", rest)
	}
}
