// Package jsonkind names the kinds of JSON values in error messages ("got a
// JSON number, want a string"), one wording for the construct's policy
// statements and the app's cdktf.json.
package jsonkind

import "github.com/go-json-experiment/json/jsontext"

// Name names a JSON kind: string, number, boolean, null, object, list, or
// value for anything else.
func Name(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "list"
	}
	return "value"
}
