#!/usr/bin/env bash
# Builds the Terraform AWS provider from source through the Go module proxy
# for the end-to-end tests (the Terraform registry is out of reach here) and
# prints the filesystem-mirror directory that holds it:
#
#   mirror=$(.ci/build-provider.sh)
#   # $mirror/registry.terraform.io/hashicorp/aws/6.47.1/linux_amd64/terraform-provider-aws_v6.47.1
#
# The proxy refuses the provider's release tags and commit hashes; it serves
# this pseudo-version, whose version/VERSION is 6.47.1. The build takes 35 to
# 50 minutes on 2 cores, peaks near 9.5 GB of memory, fills ~14 GB of Go build
# cache and gives a ~905 MB binary, so the binary is cached outside the clone
# ($CDKTF_KMS_TOOLS, default ~/.cache/cdktf-kms/tools), keyed by the
# pseudo-version, and built only when it is missing. The binary is written to
# a temporary name and renamed into place, so an interrupted build leaves no
# half-written provider behind. Concurrent calls build once: the others wait
# on a lock and then use the binary.
set -euo pipefail
module=github.com/hashicorp/terraform-provider-aws
pseudo="${CDKTF_KMS_PROVIDER_PSEUDO:-v1.60.1-0.20260602190131-5f2286d6d836}"
version="${CDKTF_KMS_PROVIDER_VERSION:-6.47.1}"
goos=$(go env GOOS)
goarch=$(go env GOARCH)
mirror="${CDKTF_KMS_TOOLS:-$HOME/.cache/cdktf-kms/tools}/terraform-provider-aws-$pseudo"
dir="$mirror/registry.terraform.io/hashicorp/aws/$version/${goos}_$goarch"
bin="$dir/terraform-provider-aws_v$version"
if [ -x "$bin" ]; then
  echo "$mirror"
  exit 0
fi
mkdir -p "$dir"
# One build at a time per machine: a second call (another checkout, a
# parallel CI job) waits for the first instead of building again, which
# would double the time and the memory.
exec 9>"$mirror.lock"
if ! flock -n 9; then
  echo "build-provider: another build of the provider is running (lock $mirror.lock); waiting for it" >&2
  flock 9
fi
# A build started by an older copy of this script holds no lock.
while pgrep -f "go install.*$module@$pseudo" >/dev/null 2>&1; do
  echo "build-provider: a build of $module@$pseudo without the lock is running; waiting for it" >&2
  sleep 30
done
if [ -x "$bin" ]; then
  echo "$mirror"
  exit 0
fi
gobin=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$gobin"' EXIT
echo "build-provider: building $module@$pseudo (AWS provider $version; 35-50 minutes on 2 cores, once per machine)" >&2
# Outside any module, so that the project's go.mod is not touched.
(cd "$gobin" && GOBIN="$gobin" GOFLAGS=-mod=mod go install -trimpath \
  -ldflags "-s -w -X $module/version.ProviderVersion=$version" "$module@$pseudo") >&2
mv "$gobin/terraform-provider-aws" "$bin"
echo "$mirror"
