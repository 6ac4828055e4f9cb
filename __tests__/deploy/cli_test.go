//go:build e2e

package deploy

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/awsaccount"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfresult"
)

// cdktfCLI returns the pinned cdktf CLI of node_modules (npm ci installs
// it); in CI its absence is a failure.
func cdktfCLI(t *testing.T) string {
	t.Helper()
	cli, err := filepath.Abs(filepath.Join("..", "..", "node_modules", ".bin", "cdktf"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cli); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the cdktf CLI is not installed (%v); run npm ci", err)
		}
		t.Skipf("the cdktf CLI is not installed; run `npm ci` to include this test (%v)", err)
	}
	return cli
}

// ansi matches terminal escape sequences in the CLI's output.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// TestCdktfDeployDiffDestroy is what a user runs: `cdktf deploy kms-dev
// --auto-approve`, `cdktf diff kms-dev` (no changes), `cdktf destroy kms-dev
// --auto-approve`, through the pinned CLI, with the app of the project's
// cdktf.json. The only preparation is what the offline provider needs: the
// override file that lets the stack use the provider built from source and
// one plain terraform init in the stack's folder (with a lock file cdktf
// does not run `terraform providers lock`, which ignores the mirror).
func TestCdktfDeployDiffDestroy(t *testing.T) {
	t.Parallel()
	cli := cdktfCLI(t)
	e := newEnv(t)
	p := e.synthEnvironments(t, readEnvironments(t, filepath.Join("..", "..", "cdktf.json")))
	st := p.stack(t, "kms-dev")
	ctx := testContext(t)
	if err := awsaccount.Prepare(ctx, e.server.URL, st.doc); err != nil {
		t.Fatal(err)
	}
	if err := st.tf.Init(ctx); err != nil {
		t.Fatal(err)
	}
	cdktf := func(args ...string) string {
		t.Helper()
		out, err := e.run(ctx, p.dir, []string{"CI=1", "FORCE_COLOR=0"}, cli, args...)
		out = ansi.ReplaceAllString(out, "")
		if err != nil {
			t.Fatalf("cdktf %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}

	var deployed bool
	t.Cleanup(func() {
		if deployed && t.Failed() && interrupted.Err() == nil {
			ctx, cancel := context.WithTimeout(interrupted, 5*time.Minute)
			defer cancel()
			if err := st.destroy(ctx); err != nil {
				t.Logf("cleanup: destroying %s after a failure: %v", st.name, err)
			}
		}
	})
	if !t.Run("cdktf deploy", func(t *testing.T) {
		out := cdktf("deploy", "kms-dev", "--auto-approve")
		deployed = true
		if !strings.Contains(out, "Apply complete!") {
			t.Errorf("cdktf deploy did not apply:\n%s", out)
		}
		state, err := e.readState(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		st.state = state
		want := []string{"aws_kms_alias.general_encryption_key_alias_dev-general-encryption-key", "aws_kms_key.general_encryption_key"}
		if got := tfresult.StateAddresses(state); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("state after cdktf deploy: %v, want %v", got, want)
		}
		m, err := readback.Keys(ctx, e.clients, st.doc, state, readback.Options{})
		for _, x := range m {
			t.Error(x)
		}
		if err != nil {
			t.Fatal(err)
		}
	}) {
		return
	}
	t.Run("cdktf diff shows no changes", func(t *testing.T) {
		out := cdktf("diff", "kms-dev")
		if !strings.Contains(out, "No changes.") || strings.Contains(out, "to change") {
			t.Errorf("cdktf diff after deploy:\n%s", out)
		}
	})
	t.Run("cdktf destroy", func(t *testing.T) {
		out := cdktf("destroy", "kms-dev", "--auto-approve")
		if !strings.Contains(out, "Destroy complete!") {
			t.Errorf("cdktf destroy did not destroy:\n%s", out)
		}
		deployed = false
		after, err := e.readState(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if left := tfresult.StateAddresses(after); len(left) > 0 {
			t.Errorf("state after cdktf destroy: %v", left)
		}
		m, err := readback.KeysDeleted(ctx, e.clients, st.doc, st.state)
		for _, x := range m {
			t.Error(x)
		}
		if err != nil {
			t.Fatal(err)
		}
	})
}
