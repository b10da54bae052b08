#!/usr/bin/env bash
# infra/build-binary-images.sh OUT_DIR: build the `binaries` test image, whose packages are
# embedded in binaries: Go executables, a cargo-auditable Rust executable and Java archives.
# Same conventions as build-test-images.sh (run it as root, same OUT_DIR, recipe stamps).
#
# OUT_DIR/
#   oci/binaries/                 OCI image layout, ref `latest`, two layers:
#                                   1. Go: skopeo and docker-registry from Debian (GOPATH builds
#                                      with -trimpath: toolchain only), esbuild and lefthook from
#                                      npm (module builds), lefthook stripped, esbuild with its
#                                      build info section removed, and a C program (hello)
#                                   2. Rust and Java: a cargo-auditable build of
#                                      infra/binaries/rust-demo, Debian's commons-lang3, log4j2
#                                      and jackson-databind jars, and a hand-made war nesting a jar
#   binaries/layer1/, layer2/     the same files as directories, for the oracles the tests run
#                                 (`go version -m`, objcopy + zlib, unzip -p)
#   binaries/image.json           manifest digest and layer digests of the image
#   cache/binaries/               downloaded .debs and npm tarballs, cargo-auditable, the Rust
#                                 target folder (kept between runs: the build takes minutes)
set -euo pipefail

RECIPE=1   # bump when the output changes; the image is rebuilt then
OUT=${1:?usage: build-binary-images.sh OUT_DIR}
INFRA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CREATED=2024-09-06T00:00:00Z
DEBS=(docker-registry skopeo hello libcommons-lang3-java liblog4j2-java libjackson2-databind-java)
NPM=(@esbuild/linux-x64@0.18.20 lefthook-linux-x64@1.5.0)
AUDITABLE_VERSION=0.7.7

for tool in umoci dpkg-deb apt-get npm cargo objcopy strip python3 jq flock; do
    command -v "$tool" >/dev/null || { echo "build-binary-images: $tool missing; run infra/install.sh" >&2; exit 1; }
done

mkdir -p "$OUT"/{oci,cache/binaries,.stamps}
OUT=$(cd "$OUT" && pwd)
CACHE=$OUT/cache/binaries
exec 9>"$OUT/.lock-binaries"
flock 9
log() { printf 'build-binary-images: %s\n' "$*" >&2; }

recipe="$RECIPE:${DEBS[*]}:${NPM[*]}:$AUDITABLE_VERSION:$(sha256sum "$INFRA"/binaries/rust-demo/{Cargo.toml,Cargo.lock,src/main.rs} | sha256sum | cut -c1-16)"
if [[ -f $OUT/.stamps/binaries && "$(cat "$OUT/.stamps/binaries")" == "$recipe" && -f $OUT/binaries/image.json ]]; then
    log "binaries up to date"
    exit 0
fi
WORK=$(mktemp -d "$OUT/.work-binaries.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
L1=$WORK/layer1 L2=$WORK/layer2
mkdir -p "$L1" "$L2" "$CACHE/debs" "$CACHE/npm"

log "Debian packages: ${DEBS[*]}"
(cd "$CACHE/debs" && rm -f ./*.deb && apt-get download -q -o APT::Sandbox::User=root "${DEBS[@]}" >/dev/null)
for p in docker-registry skopeo hello; do dpkg-deb -x "$(ls "$CACHE/debs/${p}_"*.deb)" "$L1"; done
for p in libcommons-lang3-java liblog4j2-java libjackson2-databind-java; do
    dpkg-deb -x "$(ls "$CACHE/debs/${p}_"*.deb)" "$L2"
done

log "npm packages: ${NPM[*]}"
(cd "$CACHE/npm" && rm -f ./*.tgz && npm pack -q "${NPM[@]}" >/dev/null)
for spec in "${NPM[@]}"; do
    name=${spec%@*}
    dest=$L1/usr/lib/node_modules/$name
    mkdir -p "$dest"
    tar -xzf "$CACHE/npm/$(echo "${name#@}" | tr / -)-${spec##*@}.tgz" -C "$dest" --strip-components=1
done
ESBUILD=$L1/usr/lib/node_modules/@esbuild/linux-x64/bin/esbuild
LEFTHOOK=$L1/usr/lib/node_modules/lefthook-linux-x64/bin/lefthook
mkdir -p "$L1/usr/local/bin"
# Symbols stripped: the build info is data, not a symbol, so it must still be found.
strip --strip-all -o "$L1/usr/local/bin/lefthook-stripped" "$LEFTHOOK"
# The build info section removed: a Go binary that yields no packages (and no error).
objcopy --remove-section .go.buildinfo "$ESBUILD" "$L1/usr/local/bin/esbuild-no-buildinfo"
chmod 0755 "$L1/usr/local/bin"/*

log "cargo-auditable $AUDITABLE_VERSION and the Rust demo (a few minutes the first time)"
if [[ "$("$CACHE/cargo/bin/cargo-auditable" auditable --version 2>/dev/null || true)" != *"$AUDITABLE_VERSION"* ]]; then
    cargo install -q --locked --root "$CACHE/cargo" --version "$AUDITABLE_VERSION" cargo-auditable
fi
rm -rf "$WORK/rust-demo" && cp -r "$INFRA/binaries/rust-demo" "$WORK/rust-demo"
(cd "$WORK/rust-demo" && PATH=$CACHE/cargo/bin:$PATH CARGO_TARGET_DIR=$CACHE/rust-target \
    cargo auditable build -q --release --locked)
install -D -m 0755 "$CACHE/rust-target/release/layerwatch-rust-demo" "$L2/usr/local/bin/layerwatch-rust-demo"

log "a war nesting Debian's commons-lang3 jar (hand-made wrapper around a real jar)"
mkdir -p "$L2/srv/app"
python3 - "$L2/usr/share/java/commons-lang3.jar" "$L2/srv/app/app.war" <<'PY'
import sys, zipfile
jar, war = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(war, "w") as z:
    z.writestr(zipfile.ZipInfo("META-INF/MANIFEST.MF", (2024, 9, 6, 0, 0, 0)), "Manifest-Version: 1.0\n")
    z.writestr(zipfile.ZipInfo("WEB-INF/web.xml", (2024, 9, 6, 0, 0, 0)), "<web-app/>\n")
    info = zipfile.ZipInfo("WEB-INF/lib/commons-lang3-3.12.0.jar", (2024, 9, 6, 0, 0, 0))
    with open(jar, "rb") as f:
        z.writestr(info, f.read(), compress_type=zipfile.ZIP_STORED)
PY

log "image"
# Docker-style layer tars: names without ./, sorted, root-owned, fixed times.
tar_dir() {
    (cd "$1" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort \
        | tar --sort=name --numeric-owner --owner=0 --group=0 --mtime="$CREATED" -cf "$2" -T -)
}
tar_dir "$L1" "$WORK/layer1.tar"
tar_dir "$L2" "$WORK/layer2.tar"
IMG=$WORK/oci
umoci init --layout "$IMG"
umoci new --image "$IMG:latest"
umoci raw add-layer --history.created "$CREATED" --history.created_by "go binaries" --image "$IMG:latest" "$WORK/layer1.tar"
umoci raw add-layer --history.created "$CREATED" --history.created_by "rust binary and jars" --image "$IMG:latest" "$WORK/layer2.tar"
umoci config --image "$IMG:latest" --no-history --created "$CREATED" --os linux --architecture amd64 \
    --config.env PATH=/usr/local/bin:/usr/bin:/bin
umoci gc --layout "$IMG"
chmod -R a+rX "$IMG" "$L1" "$L2"

rm -rf "$OUT/oci/binaries" "$OUT/binaries"
mv "$IMG" "$OUT/oci/binaries"
mkdir -p "$OUT/binaries"
mv "$L1" "$L2" "$OUT/binaries/"
manifest=$(jq -r '.manifests[0].digest' "$OUT/oci/binaries/index.json")
jq --arg m "$manifest" '{manifest: $m, layers: [.layers[].digest]}' \
    "$OUT/oci/binaries/blobs/sha256/${manifest#sha256:}" > "$OUT/binaries/image.json"
printf '%s\n' "$recipe" > "$OUT/.stamps/binaries"
log "binaries $manifest"
