// Package stackjson reads a synthesized stack's Terraform JSON without the
// jsii runtime (a test binary that imports the runtime's bindings prepares
// its temp folder at start-up): the unit tests' documents (synthtest) and
// the deploy tests' read-back share it.
package stackjson

// ResourcesOf returns the resources of one type in a synthesized stack's
// "resource" block (type -> name -> arguments), by name, each without
// cdktf's "//" metadata: the one reader of a stack's resources by type, for
// the unit tests' documents and the deploy tests' read-back.
func ResourcesOf(resources map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	byName, _ := resources[typ].(map[string]any)
	for name, v := range byName {
		args, _ := v.(map[string]any)
		clean := map[string]any{}
		for k, a := range args {
			if k != "//" {
				clean[k] = a
			}
		}
		out[name] = clean
	}
	return out
}
