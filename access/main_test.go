package access

import (
	"os"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/synth"
)

// TestMain runs the tests inside synth.RunTests: the package's command
// links the jsii runtime, which prepares a temp folder when the test binary
// starts.
func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }
