#!/usr/bin/env bash
# Builds OpenTofu from the Go module proxy for the end-to-end tests and
# prints the directory that holds the binary (tofu):
#
#   dir=$(.ci/build-opentofu.sh) && "$dir/tofu" version
#
# `go install github.com/opentofu/opentofu/cmd/tofu@v1.12.6` is refused (the
# module's go.mod has a replace directive), but the module downloaded from
# the proxy builds as a main module of its own: go mod download -json names
# its folder, and ./cmd/tofu is built there. About 4 minutes on 2 cores;
# cached per machine in $CDKTF_KMS_TOOLS (default ~/.cache/cdktf-kms/tools),
# keyed by the version, written under a temporary name and renamed, so an
# interrupted build leaves nothing half-written. Concurrent calls build once.
set -euo pipefail
version="${CDKTF_KMS_OPENTOFU_VERSION:-v1.12.6}"
module=github.com/opentofu/opentofu
dest="${CDKTF_KMS_TOOLS:-$HOME/.cache/cdktf-kms/tools}/opentofu-$version"
if [ -x "$dest/tofu" ]; then
  echo "$dest"
  exit 0
fi
mkdir -p "$dest"
exec 9>"$dest.lock"
if ! flock -n 9; then
  echo "build-opentofu: another build of OpenTofu $version is running (lock $dest.lock); waiting for it" >&2
  flock 9
fi
if [ -x "$dest/tofu" ]; then
  echo "$dest"
  exit 0
fi
echo "build-opentofu: building OpenTofu $version from the Go module proxy (about 4 minutes, once per machine)" >&2
# Outside any module, so that the project's go.mod is not touched.
src=$(cd "$dest" && GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
if [ ! -d "$src/cmd/tofu" ]; then
  echo "build-opentofu: $module@$version has no cmd/tofu in $src" >&2
  exit 2
fi
tmp=$(mktemp "$dest/.tofu.XXXXXX")
trap 'rm -f "$tmp"' EXIT
(cd "$src" && GOFLAGS=-mod=readonly GOWORK=off go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$tmp" ./cmd/tofu) >&2
chmod 755 "$tmp"
mv "$tmp" "$dest/tofu"
trap - EXIT
echo "$dest"
