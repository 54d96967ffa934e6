#!/usr/bin/env bash
# Builds fake-gcs-server, the GCS emulator of the interop suite (object_stores.Gcs), from the Go
# module proxy into target/gcs-emulator; does nothing when the binary is already there.
# Needs Go (1.24+). A cold build (empty module cache) takes a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../../.."
version=v1.56.1
bin=target/gcs-emulator/fake-gcs-server
stamp=target/gcs-emulator/version
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "The GCS interop tests need Go to build fake-gcs-server $version (github.com/fsouza/fake-gcs-server)." >&2
  exit 1
fi
mkdir -p target/gcs-emulator
start=$(date +%s)
GOBIN="$PWD/target/gcs-emulator" GOFLAGS=-buildvcs=false go install "github.com/fsouza/fake-gcs-server@$version"
echo "$version" > "$stamp"
echo "Built fake-gcs-server $version in $(( $(date +%s) - start )) s: $bin"
