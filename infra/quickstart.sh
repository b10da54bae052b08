#!/usr/bin/env bash
# infra/quickstart.sh [TARGET]: the main job on the embedded default, from a fresh checkout.
#
# Builds the `layerwatch` CLI, builds the embedded advisory store from the feeds in
# ../shared/data/advisories (used in place; with internet, `layerwatch db update` reads the
# upstream feeds instead), then scans a real image and prints the table. The default image is
# the `docker save` archive of the official alpine:3.10 (3.10.4) in ../shared/data/images.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${LAYERWATCH_SHARED:-$(dirname "$REPO")/shared}
if [[ ! -d $SHARED/data/advisories ]]; then
    echo "quickstart: $SHARED/data/advisories is missing; set LAYERWATCH_SHARED to the shared folder" >&2
    exit 1
fi
TARGET=${1:-docker-archive:$SHARED/data/images/docker-archive/alpine-310.tar.gz}

cd "$REPO"
cargo build --release --locked -p layerwatch-cli
BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/layerwatch
DB=${LAYERWATCH_DB:-${XDG_CACHE_HOME:-$HOME/.cache}/layerwatch/advisories.db}

"$BIN" db update --from "$SHARED/data/advisories" --db "$DB"
echo
"$BIN" scan --db "$DB" --format table "$TARGET"
