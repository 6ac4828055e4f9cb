package tfformat

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const input = `terraform {
required_providers {
  aws = {
version = ">= 5.84.0, < 7.0.0"
source = "aws"
}
}
}
resource "aws_kms_alias" "a" {
name = "alias/x"
target_key_id = "${aws_kms_key.k.key_id}"
description = "${var.a}-${var.b}"
policy = "{\"a\":\"${aws_iam_role.r.arn}\"}"
literal = "$${not_a_reference}"
nested = "${lookup(var.m, "${var.k}", "x")}"
multi = "${var.a ? 
 var.b : var.c}"
}
`

func TestFormatUnwrapsAndAligns(t *testing.T) {
	got, err := Format([]byte(input), "cdk.tf")
	if err != nil {
		t.Fatal(err)
	}
	want := `terraform {
  required_providers {
    aws = {
      version = ">= 5.84.0, < 7.0.0"
      source  = "aws"
    }
  }
}
resource "aws_kms_alias" "a" {
  name          = "alias/x"
  target_key_id = aws_kms_key.k.key_id
  description   = "${var.a}-${var.b}"
  policy        = "{\"a\":\"${aws_iam_role.r.arn}\"}"
  literal       = "$${not_a_reference}"
  nested        = lookup(var.m, "${var.k}", "x")
  multi = (var.a ?
  var.b : var.c)
}
`
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// The real terraform fmt -check accepts what Format writes (where
// terraform is on PATH; __tests__ runs it on every stack in CI).
func TestTerraformFmtAcceptsTheOutput(t *testing.T) {
	bin, err := exec.LookPath("terraform")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("terraform is not on PATH (%v); .ci/run must install it", err)
		}
		t.Skip("terraform is not on PATH; install terraform 1.11 to run this test")
	}
	got, err := Format([]byte(input), "cdk.tf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf"), got, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "fmt", "-check", "-diff", "cdk.tf")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("terraform fmt -check refuses the output: %v\n%s", err, out)
	}
}

// cdktf 0.20 writes a lifecycle's conditions as a list attribute, which
// Terraform refuses; they become one block each, their arguments as they
// were (a quoted key too), and other lifecycle arguments stay.
func TestLifecycleConditionsBecomeBlocks(t *testing.T) {
	src := `resource "aws_kms_key" "k" {
  lifecycle {
    prevent_destroy = true
    precondition = [
      {
        condition     = "${can(regex("^a{2}$", var.x))}"
        error_message = "x: \"${var.x}\" is $${var.x}"
      },
      {
        "condition" = length(var.y) > 0
        error_message = "y"
      },
    ]
    postcondition = [{ condition = self.arn != "", error_message = "arn" }]
  }
}
`
	want := `resource "aws_kms_key" "k" {
  lifecycle {
    prevent_destroy = true
    precondition {
      condition     = can(regex("^a{2}$", var.x))
      error_message = "x: \"${var.x}\" is $${var.x}"
    }
    precondition {
      condition     = length(var.y) > 0
      error_message = "y"
    }
    postcondition {
      condition     = self.arn != ""
      error_message = "arn"
    }
  }
}
`
	got, err := Format([]byte(src), "cdk.tf")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if _, err := Format([]byte("resource \"a\" \"b\" {\n  lifecycle {\n    precondition = var.list\n  }\n}\n"), "cdk.tf"); err == nil || !strings.Contains(err.Error(), "lifecycle precondition: a list of objects is expected") {
		t.Errorf("a precondition that is not a list: %v", err)
	}
}
