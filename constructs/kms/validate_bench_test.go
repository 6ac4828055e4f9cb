package kms

import "testing"

// BenchmarkValidate measures the construct's validation of the usage
// example (rendering and linting the key policy included). The app runs it
// three times per environment: in stacks.ParseEnvironments (every problem
// before the jsii kernel starts), in stacks.NewEnvironmentStack (no stack
// for a bad environment) and in NewKmsKey (the construct's own guard).
//
//	go test ./constructs/kms -run '^$' -bench Validate
func BenchmarkValidate(b *testing.B) {
	c := validConfig()
	c.Aliases = []string{"dev-general-encryption-key"}
	for i := 0; i < b.N; i++ {
		if err := c.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
