#!/usr/bin/env bash
# Security gate: synthesizes the shipped stacks and security/all-features.json,
# runs the key-policy linter, tfsec and KICS on them, and fails on any HIGH or
# CRITICAL finding and on any MEDIUM one not accepted in security/exceptions.json
# (HIGH/CRITICAL only with an exception that states that severity).
#
#   security/scan.sh          # or: make scan
#   security/scan.sh -v       # also list LOW and INFO findings
#   SCAN_OUT=$HOME/scan security/scan.sh   # keep the stacks and reports there
#
# The scanners are built from the Go module proxy once per machine and cached in
# $CDKTF_KMS_TOOLS (default ~/.cache/cdktf-kms/tools): tfsec about 2 minutes,
# KICS about 4.5 minutes on 2 cores; later runs take about 30 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

TFSEC_VERSION=v1.28.14
KICS_VERSION=v2.2.0
TOOLS="${CDKTF_KMS_TOOLS:-$HOME/.cache/cdktf-kms/tools}"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="${JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION:-1}"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"

install() { # name module version binary
  local dir="$TOOLS/$1-$3"
  if [ ! -x "$dir/$4" ]; then
    echo "scan: building $1 $3 (once per machine)..." >&2
    mkdir -p "$dir"
    # Build outside the repository so that go.mod is not touched.
    (cd "$TOOLS" && GOBIN="$dir" GOFLAGS=-mod=mod go install "$2@$3")
  fi
  echo "$dir/$4"
}

tfsec=$(install tfsec github.com/aquasecurity/tfsec/cmd/tfsec "$TFSEC_VERSION" tfsec)
kics=$(install kics github.com/Checkmarx/kics/v2/cmd/console "$KICS_VERSION" console)
# KICS's queries are not embedded in the binary: use the module's assets.
kics_dir=$(cd "$TOOLS" && go mod download -json "github.com/Checkmarx/kics/v2@$KICS_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
if [ ! -d "$kics_dir/assets/queries" ]; then
  echo "scan: KICS assets not found in $kics_dir" >&2
  exit 2
fi

# The synthesized stacks and the scanners' reports go to a temp folder that
# is removed at the end; SCAN_OUT=<dir> keeps them there instead.
keep=()
if [ -n "${SCAN_OUT:-}" ]; then
  keep=(-out "$SCAN_OUT")
fi
go run ./tools/scan "${keep[@]}" -tfsec "$tfsec" -kics "$kics" -kics-assets "$kics_dir/assets" "$@"
