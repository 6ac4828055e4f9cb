package jsonkind

import (
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

func TestNameOfEachKind(t *testing.T) {
	for text, want := range map[string]string{
		`"a"`: "string", `1.5`: "number", `true`: "boolean", `false`: "boolean",
		`null`: "null", `{}`: "object", `[]`: "list",
	} {
		if got := Name(jsontext.Value(text).Kind()); got != want {
			t.Errorf("Name(kind of %s) = %q, want %q", text, got, want)
		}
	}
	if got := Name(0); got != "value" {
		t.Errorf("Name(invalid kind) = %q, want value", got)
	}
}
