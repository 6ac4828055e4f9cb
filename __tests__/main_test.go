// Package tests holds the suite-level tests of cdktf-kms: equivalence with
// the original HCL module, golden files of the shipped stacks, address
// stability and end-to-end runs of the app and the cdktf CLI.
//
// Go skips folders starting with "_" in ./... patterns; run these with
//
//	go test ./... ./__tests__/
package tests

import (
	"os"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/synth"
)

func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }
