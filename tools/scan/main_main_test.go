package main

import (
	"os"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/synth"
)

// TestMain closes the jsii runtime that the tool links (through the
// construct) and keeps the tests' temporary files in a private folder.
func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }
