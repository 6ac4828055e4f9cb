package tfrender

import "testing"

func TestRenderKeepsReferencesAndEvaluatesTheRest(t *testing.T) {
	cases := map[string]string{
		`plain`:                                  `plain`,
		`a $${b} %%{c}`:                          `a ${b} %{c}`,
		`role/${"$"}{x}/${aws_iam_role.app.arn}`: `role/${x}/${aws_iam_role.app.arn}`,
		`${regex("[^/]+$", aws_iam_role.app.arn)}!`: `${regex("[^/]+$", aws_iam_role.app.arn)}!`,
		`{"AWS":"${data.x.y.z}"}`:                   `{"AWS":"${data.x.y.z}"}`,
	}
	for in, want := range cases {
		got, err := Render(in)
		if err != nil || got != want {
			t.Errorf("Render(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestRenderJSONKeepsTheDocumentJSON: references in a JSON document's
// template stay JSON strings, escaped inside a string and quoted where
// they stand for a whole value (jsonencode of a list reference).
func TestRenderJSONKeepsTheDocumentJSON(t *testing.T) {
	for template, want := range map[string]string{
		`{"AWS":${jsonencode(concat(["arn:aws:iam::1:role/a"], var.x))},"B":"x"}`: `{"AWS":"${jsonencode(concat([\"arn:aws:iam::1:role/a\"], var.x))}","B":"x"}`,
		`{"R":"role/${regex("[^/]+$", aws_iam_role.a.arn)}"}`:                     `{"R":"role/${regex(\"[^/]+$\", aws_iam_role.a.arn)}"}`,
		`{"A":"a \"quoted\" ${var.x}","B":${var.y}}`:                              `{"A":"a \"quoted\" ${var.x}","B":"${var.y}"}`,
		`{"A":"$${x}"}`: `{"A":"${x}"}`,
	} {
		got, err := RenderJSON(template)
		if err != nil || got != want {
			t.Errorf("RenderJSON(%s) = %s, %v; want %s", template, got, err, want)
		}
	}
}
