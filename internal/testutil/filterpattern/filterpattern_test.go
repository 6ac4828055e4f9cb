package filterpattern

import "testing"

func TestMatches(t *testing.T) {
	event := `{"eventSource": "kms.amazonaws.com", "eventName": "GenerateDataKeyWithoutPlaintext", "errorCode": "AccessDenied",
		"resources": [{"ARN": "arn:aws:kms:eu-west-1:123456789012:key/abc"}]}`
	cases := map[string]bool{
		`{ $.eventSource = "kms.amazonaws.com" }`:                                                               true,
		`{ $.eventSource = kms.amazonaws.com }`:                                                                 true,
		`{ $.eventSource = "s3.amazonaws.com" }`:                                                                false,
		`{ $.eventName = "GenerateDataKey*" }`:                                                                  true,
		`{ $.eventName = "GenerateDataKey" }`:                                                                   false,
		`{ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" }`:                           true,
		`{ ($.eventName = "Decrypt") && ($.eventSource = "kms.amazonaws.com") }`:                                false,
		`{ $.resources[0].ARN = "arn:aws:kms:eu-west-1:123456789012:key/abc" }`:                                 true,
		`{ $.resources[0].ARN = "arn:aws:kms:eu-west-1:123456789012:key/*" }`:                                   true,
		`{ $.resources[1].ARN = "*" }`:                                                                          false,
		`{ $.missing = "*" }`:                                                                                   false,
		`{ $.eventName != "Decrypt" }`:                                                                          true,
		`{ (($.eventName = "Encrypt") || ($.eventName = "GenerateDataKey*")) && $.errorCode = "AccessDenied" }`: true,
	}
	for pattern, want := range cases {
		p, err := Parse(pattern)
		if err != nil {
			t.Errorf("Parse(%s): %v", pattern, err)
			continue
		}
		if got, err := p.Matches(event); err != nil || got != want {
			t.Errorf("%s matches = %v, %v; want %v", pattern, got, err, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []string{``, `$.a = 1`, `{ $.a = 1`, `{ ($.a = 1 }`, `{ a = 1 }`, `{ $.a 1 }`, `{ $.a = }`, `{ $.a = 1 } x`} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", bad)
		}
	}
}
