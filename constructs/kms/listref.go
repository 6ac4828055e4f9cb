package kms

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// A list of principals (or of condition values) may hold a whole list
// reference: a Terraform list(string) variable, a data source's list
// attribute (cdktf.Token_AsList, a variable's ListValue). Terraform cannot
// put a list into a string template, so the policy the construct renders
// (JSON with the list token as one string) is rewritten for the resource:
// every JSON array or string that holds a list token becomes the
// expression jsonencode(concat([literals and references], list, ...)),
// which Terraform evaluates to the JSON array of all the elements.

var (
	// jsonStringArray is a JSON array of strings as json.Marshal writes it.
	jsonStringArray = regexp.MustCompile(`\[(?:"(?:[^"\\]|\\.)*")(?:,"(?:[^"\\]|\\.)*")*\]`)
	// jsonListToken is a JSON string that is a whole list token.
	jsonListToken = regexp.MustCompile(`"#\{TfToken\[[a-zA-Z0-9:._-]+\]\}"`)
)

// withListReferences rewrites the values of a rendered policy that hold a
// whole list reference (see above); a policy without one is returned as
// it is.
func withListReferences(policy string) string {
	if !strings.Contains(policy, `"#{TfToken[`) {
		return policy
	}
	policy = jsonStringArray.ReplaceAllStringFunc(policy, func(array string) string {
		var elems []string
		if !strings.Contains(array, `"#{TfToken[`) || json.Unmarshal([]byte(array), &elems) != nil {
			return array
		}
		return jsonList(elems)
	})
	return jsonListToken.ReplaceAllStringFunc(policy, func(s string) string {
		return jsonList([]string{strings.Trim(s, `"`)})
	})
}

// jsonList returns a string token for the Terraform expression that
// encodes the elements as a JSON array: literals and string references as
// they are, each whole list reference spliced in.
func jsonList(elems []string) string {
	var seqs []interface{}
	var run []*string
	flush := func() {
		if len(run) > 0 {
			seq := run
			seqs = append(seqs, &seq)
			run = nil
		}
	}
	for _, e := range elems {
		if tftemplate.IsListToken(e) {
			flush()
			// cdktf encodes a list as a one-element list of its marker.
			seqs = append(seqs, &[]*string{jsii.String(e)})
			continue
		}
		run = append(run, jsii.String(e))
	}
	flush()
	if len(seqs) == 1 {
		return *cdktf.Fn_Jsonencode(seqs[0])
	}
	return *cdktf.Fn_Jsonencode(cdktf.Fn_Concat(&seqs))
}

// lifecycle returns the key's lifecycle: prevent_destroy when it is set;
// for each statement whose principals are only whole list references, a
// precondition that the lists are not all empty (AWS refuses a key policy
// statement that names no principal; the precondition stops the plan with
// a message that names the field instead); and for each principal that is
// a reference, a precondition that its value meets the reach rules
// (reachPreconditions).
func (k *KmsKey) lifecycle(policy string) *cdktf.TerraformResourceLifecycle {
	lc := k.config.sharedKeyArguments().lifecycle
	if !strings.Contains(policy, `TfToken[`) {
		return lc
	}
	b := k.config.buildPolicy(k.partition, k.config.AwsRegion, k.added)
	var pre []*cdktf.Precondition
	for i, st := range b.doc.Statement {
		for _, kind := range slices.Sorted(maps.Keys(st.Principal)) {
			values := st.Principal[kind]
			if len(values) == 0 || !slices.ContainsFunc(values, tftemplate.IsListToken) || slices.ContainsFunc(values, func(v string) bool { return !tftemplate.IsListToken(v) }) {
				continue
			}
			lists := make([]interface{}, len(values))
			for j, v := range values {
				lists[j] = &[]*string{jsii.String(v)}
			}
			var all interface{} = lists[0]
			if len(lists) > 1 {
				all = cdktf.Fn_Concat(&lists)
			}
			pre = append(pre, &cdktf.Precondition{
				Condition: cdktf.Op_Gte(cdktf.Fn_LengthOf(all), 1),
				ErrorMessage: k.lit(fmt.Sprintf("%s: the list reference for statement %d of the key policy of %s is empty; AWS refuses a key policy statement that names no principal: give the list at least one element, or leave it out",
					b.sources[i].field.key, i+1, k.Address())),
			})
		}
	}
	pre = append(pre, k.reachPreconditions(b)...)
	return withPreconditions(lc, pre)
}
