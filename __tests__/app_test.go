package tests

import (
	"encoding/json"

	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// testApp is the one cdktf app of this test package: every test adds its own
// uniquely named stacks to it, so the jsii runtime loads the AWS provider
// once.
func testApp() cdktf.App { return synthtest.App() }

// parseJSONString parses a JSON document held in a string; anything else is
// returned as it is, so that the comparison reports it.
func parseJSONString(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return v
	}
	return out
}
