#!/usr/bin/env bash
# Builds terraform from the Go module proxy for a machine that lacks it
# (the tests let the real terraform evaluate and parse what the app
# synthesizes). Prints the directory that holds the binary.
#
#   dir=$(.ci/build-terraform.sh v1.11.4) && export PATH="$dir:$PATH"
#
# `go install github.com/hashicorp/terraform@v1.11.4` does not work: the
# module's go.mod has replace directives (go install refuses them), names a
# godebug setting newer Go versions no longer know (tlskyber), and replaces
# eight remote-state backends with folders that are nested modules, which
# the module zip leaves out and the proxy does not serve. So the source is
# copied, those lines are dropped, and terraform is built without the
# azurerm, consul, cos, gcs, kubernetes, oss, pg and s3 backends (the tests
# use local state only). About 3 minutes on 2 cores; cached per machine.
set -euo pipefail
version="${1:-v1.11.4}"
dest="${CDKTF_KMS_TOOLS:-$HOME/.cache/cdktf-kms/tools}/terraform-$version"
if [ -x "$dest/terraform" ]; then
  echo "$dest"
  exit 0
fi
mod=$(go mod download -json "github.com/hashicorp/terraform@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
cp -r "$mod/." "$src"
chmod -R u+w "$src"
sed -i '/^godebug/d' "$src/go.mod"
for b in azure consul cos gcs kubernetes oss pg s3; do
  sed -i "\|internal/backend/remote-state/$b |d; \|internal/backend/remote-state/$b =>|d" "$src/go.mod"
done
for b in Azure Consul Cos GCS Kubernetes OSS Pg S3; do
  sed -i "/backend$b \"github.com/d; /return backend$b.New()/d" "$src/internal/backend/init/init.go"
done
mkdir -p "$dest"
(cd "$src" && go build -mod=mod -o "$dest/terraform" .) >&2
echo "$dest"
