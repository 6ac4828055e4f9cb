package envgen

import (
	"os"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/synth"
)

// TestMain closes the jsii runtime that the app's packages (imported to
// validate the generated environments) prepare at start-up, which would
// otherwise leave its folder in the temp directory.
func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }
