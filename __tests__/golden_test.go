package tests

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf-kms/cdktf-kms/stacks"
)

// update rewrites the golden files from the current synth. Review the diff
// (git diff __tests__/testdata/golden) before committing it:
//
//	go test ./__tests__/ -run TestGoldenFilesOfTheShippedStacks -update
var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current synth")

var (
	shippedOnce sync.Once
	shipped     map[string]*synthtest.Doc
	shippedErr  error
)

// shippedStacks synthesizes the stacks of the repository's cdktf.json, once
// per test binary, keyed by stack name.
func shippedStacks(t *testing.T) map[string]*synthtest.Doc {
	t.Helper()
	shippedOnce.Do(func() {
		t.Setenv(stacks.ContextEnv, "")
		envs, err := stacks.LoadEnvironments("../cdktf.json")
		if err != nil {
			shippedErr = err
			return
		}
		shipped = map[string]*synthtest.Doc{}
		for _, env := range envs {
			s, err := stacks.NewEnvironmentStack(testApp(), env)
			if err != nil {
				shippedErr = err
				return
			}
			shipped[stacks.StackName(env.Name)] = synthtest.Synth(t, s.Stack)
		}
	})
	if shippedErr != nil {
		t.Fatal(shippedErr)
	}
	return shipped
}

func TestGoldenFilesOfTheShippedStacks(t *testing.T) {
	docs := shippedStacks(t)
	if len(docs) != 3 {
		t.Fatalf("cdktf.json gives %d stacks, want kms-dev, kms-stage and kms-prod", len(docs))
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "golden", name+".tf.json")
			var got bytes.Buffer
			if err := json.Indent(&got, []byte(doc.Raw), "", "  "); err != nil {
				t.Fatal(err)
			}
			got.WriteByte('\n')
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (create it with -update and review it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from %s. If the change is intended, run\n"+
					"  go test ./__tests__/ -run TestGoldenFilesOfTheShippedStacks -update\nand review the diff. Got:\n%s", name, path, got.String())
			}
		})
	}
}
