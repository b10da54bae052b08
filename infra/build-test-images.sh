#!/usr/bin/env bash
# infra/build-test-images.sh OUT_DIR: build the real test images as OCI layouts and docker
# archives, with umoci + skopeo (no Docker engine), as root.
#
# OUT_DIR/
#   images.json                   what was built: name, layout, ref, archive, digest, platforms
#   oci/<name>/                   OCI image layout; the image is ref `latest`
#   docker/<name>.tar             the same image as a `docker save` archive (not for `multi`)
#   expected/<name>.packages.tsv  installed packages read by the real tool (dpkg-query), or
#                                 by awk from lib/apk/db/installed for Alpine
#   cache/                        debootstrap rootfs tarball and downloaded .debs
# Each image is rebuilt only when its recipe version changed (stamps in OUT_DIR/.stamps).
# The Alpine images and `multi` are reproducible: fixed timestamps give the same digests on
# every machine with the same umoci, so events/ can name their real digests.
set -euo pipefail

RECIPE=4   # bump when the output of any recipe changes; every image is rebuilt then
OUT=${1:?usage: build-test-images.sh OUT_DIR}
INFRA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$INFRA")
SHARED=${LAYERWATCH_SHARED:-$(dirname "$REPO")/shared}
MINIROOTFS=$SHARED/data/images/alpine-minirootfs
MIRROR=${LAYERWATCH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CREATED=2024-09-06T00:00:00Z   # fixed so the images are reproducible
PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

if [[ ! -d $MINIROOTFS ]]; then
    echo "build-test-images: $MINIROOTFS is missing; set LAYERWATCH_SHARED to the shared data folder" >&2
    exit 1
fi
for tool in umoci skopeo debootstrap dpkg-deb dpkg-query jq zstd python3 flock apt-get; do
    command -v "$tool" >/dev/null || { echo "build-test-images: $tool missing; run infra/install.sh" >&2; exit 1; }
done

mkdir -p "$OUT"/{oci,docker,expected,cache,.stamps}
OUT=$(cd "$OUT" && pwd)
exec 9>"$OUT/.lock"
flock 9   # two builds into one OUT_DIR (a developer and CI) wait for each other
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log() { printf 'build-test-images: %s\n' "$*" >&2; }
fresh() { [[ -f $OUT/.stamps/$1 && "$(cat "$OUT/.stamps/$1")" == "$RECIPE:$2" ]] && log "$1 up to date"; }
done_stamp() { printf '%s\n' "$RECIPE:$2" > "$OUT/.stamps/$1"; }

# new_image LAYOUT REF: an empty image in a (possibly new) layout.
new_image() {
    [[ -f $1/oci-layout ]] || umoci init --layout "$1"
    umoci new --image "$1:$2"
}
# add_layer LAYOUT REF TAR CREATED_BY: append an uncompressed tar as one gzip layer.
add_layer() {
    umoci raw add-layer --history.created "$CREATED" --history.created_by "$4" --image "$1:$2" "$3"
}
# finish LAYOUT REF ARCH: set the config and drop unreferenced blobs.
finish() {
    umoci config --image "$1:$2" --no-history --created "$CREATED" --os linux \
        --architecture "$3" --config.env "$PATH_ENV" --config.cmd /bin/sh
    umoci gc --layout "$1"
}
# publish NAME REPO:TAG: move the layout from WORK into OUT and write its docker archive.
publish() {
    local name=$1 tag=$2
    chmod -R a+rX "$WORK/$name"
    rm -rf "$OUT/oci/$name"
    mv "$WORK/$name" "$OUT/oci/$name"
    if [[ -n $tag ]]; then
        rm -f "$OUT/docker/$name.tar"
        skopeo copy -q "oci:$OUT/oci/$name:latest" "docker-archive:$OUT/docker/$name.tar:$tag"
    fi
}
# dpkg_oracle ADMINDIR NAME: the packages as the real dpkg-query reads them.
dpkg_oracle() {
    dpkg-query --admindir="$1" -W \
        -f='${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n' \
        | LC_ALL=C sort > "$OUT/expected/$2.packages.tsv"
}
# apk_list TARBALL NAME: name, version, arch, origin from lib/apk/db/installed.
apk_list() {
    tar -xzOf "$1" ./lib/apk/db/installed 2>/dev/null || tar -xzOf "$1" lib/apk/db/installed
}

alpine() { # alpine NAME TARBALL
    local name=$1 tarball=$MINIROOTFS/$2
    fresh "$name" "$2" && return
    log "$name from $2"
    zcat "$tarball" > "$WORK/$name.tar"
    new_image "$WORK/$name" latest
    add_layer "$WORK/$name" latest "$WORK/$name.tar" "ADD $2 /"
    finish "$WORK/$name" latest amd64
    publish "$name" "layerwatch/alpine:${name#alpine-}"
    apk_list "$tarball" | awk -F: -v OFS='\t' '
        /^P:/ {p=substr($0,3)} /^V:/ {v=substr($0,3)} /^A:/ {a=substr($0,3)} /^o:/ {o=substr($0,3)}
        /^$/ && p != "" {print p, v, a, o; p=v=a=o=""}
        END {if (p != "") print p, v, a, o}' | LC_ALL=C sort > "$OUT/expected/$name.packages.tsv"
    done_stamp "$name" "$2"
}

multi() { # amd64 and arm64 variants of alpine 3.20 plus a BuildKit-style attestation
    local tarball=alpine-minirootfs-3.20.3-x86_64.tar.gz L=$WORK/multi
    fresh multi "$tarball" && return
    log "multi (index of alpine 3.20 amd64 + arm64 + attestation)"
    zcat "$MINIROOTFS/$tarball" > "$WORK/multi.tar"
    for arch in amd64 arm64; do
        new_image "$L" "$arch"
        add_layer "$L" "$arch" "$WORK/multi.tar" "ADD $tarball /"
        finish "$L" "$arch" "$arch"
    done
    python3 "$INFRA/lib/mkindex.py" "$L" latest amd64 arm64/v8 --attest amd64 >/dev/null
    publish multi ""
    done_stamp multi "$tarball"
}

# write_status ROOT PKG...: a dpkg status file and info/*.list|md5sums for the given .debs.
write_status() {
    local root=$1 deb name arch info
    shift
    mkdir -p "$root/var/lib/dpkg/info"
    : > "$root/var/lib/dpkg/status"
    for deb in "$@"; do
        name=$(dpkg-deb -f "$deb" Package)
        arch=$(dpkg-deb -f "$deb" Architecture)
        info=$name
        [[ $(dpkg-deb -f "$deb" Multi-Arch) == same ]] && info=$name:$arch
        { echo "Package: $name"; echo "Status: install ok installed"
          dpkg-deb -f "$deb" | grep -v '^Package:'; echo; } >> "$root/var/lib/dpkg/status"
        dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's#^\./#/#' -e 's#/$##' \
            | sed -e 's#^$#/.#' > "$root/var/lib/dpkg/info/$info.list"
        dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./md5sums > "$root/var/lib/dpkg/info/$info.md5sums" 2>/dev/null || true
    done
}
# tar_dir DIR OUT: a Docker-style layer tar (names without ./), sorted, root-owned, and
# with the files we generate clamped to CREATED so the same .debs give the same digest.
tar_dir() {
    (cd "$1" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort \
        | tar --sort=name --numeric-owner --owner=0 --group=0 --mtime="$CREATED" --clamp-mtime -cf "$2" -T -)
}

debian_small() {
    local base=(base-files libssl3 zlib1g openssl) extra=(libzstd1) debs=$OUT/cache/debs
    fresh debian-small "${base[*]}+${extra[*]}" && return
    log "debian-small from .debs: ${base[*]} + layer 2: ${extra[*]}"
    mkdir -p "$debs"
    (cd "$debs" && rm -f ./*.deb && apt-get download -q -o APT::Sandbox::User=root "${base[@]}" "${extra[@]}" >/dev/null)
    local l1=$WORK/small-l1 l2=$WORK/small-l2 all=$WORK/small-all p all_debs=() base_debs=()
    for p in "${base[@]}"; do base_debs+=("$(ls "$debs/${p}_"*.deb)"); done
    all_debs=("${base_debs[@]}")
    for p in "${extra[@]}"; do all_debs+=("$(ls "$debs/${p}_"*.deb)"); done
    mkdir -p "$l1" "$l2" "$all"
    for p in "${base_debs[@]}"; do dpkg-deb -x "$p" "$l1"; done
    write_status "$l1" "${base_debs[@]}"
    # Layer 2 holds only what changed: the new package's files and the rewritten dpkg files.
    for p in "${extra[@]}"; do dpkg-deb -x "$(ls "$debs/${p}_"*.deb)" "$l2"; done
    write_status "$all" "${all_debs[@]}"
    mkdir -p "$l2/var/lib/dpkg/info"
    cp "$all/var/lib/dpkg/status" "$l2/var/lib/dpkg/status"
    for p in "$all"/var/lib/dpkg/info/*; do
        [[ -e "$l1/var/lib/dpkg/info/$(basename "$p")" ]] || cp "$p" "$l2/var/lib/dpkg/info/"
    done
    tar_dir "$l1" "$WORK/small-l1.tar"
    tar_dir "$l2" "$WORK/small-l2.tar"
    new_image "$WORK/debian-small" latest
    add_layer "$WORK/debian-small" latest "$WORK/small-l1.tar" "dpkg-deb -x ${base[*]}"
    add_layer "$WORK/debian-small" latest "$WORK/small-l2.tar" "dpkg-deb -x ${extra[*]}"
    finish "$WORK/debian-small" latest amd64
    publish debian-small layerwatch/debian:small
    dpkg_oracle "$all/var/lib/dpkg" debian-small
    done_stamp debian-small "${base[*]}+${extra[*]}"
}

debian_minbase() {
    local rootfs_tar=$OUT/cache/debian-bookworm-minbase-rootfs.tar.zst
    fresh debian-bookworm-minbase minbase && return
    if [[ ! -s $rootfs_tar ]]; then
        log "debootstrap --variant=minbase bookworm (about a minute)"
        debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
            || { tail -n 20 "$WORK/debootstrap.log" >&2; exit 1; }
        tar -C "$WORK/rootfs" --numeric-owner --sort=name -cf - . | zstd -q -T0 -o "$rootfs_tar.tmp"
        mv "$rootfs_tar.tmp" "$rootfs_tar"
        rm -rf "$WORK/rootfs"
    fi
    log "debian-bookworm-minbase from the cached rootfs"
    zstd -q -dc "$rootfs_tar" > "$WORK/minbase.tar"
    new_image "$WORK/debian-bookworm-minbase" latest
    add_layer "$WORK/debian-bookworm-minbase" latest "$WORK/minbase.tar" "debootstrap --variant=minbase bookworm"
    finish "$WORK/debian-bookworm-minbase" latest amd64
    publish debian-bookworm-minbase layerwatch/debian:bookworm-minbase
    mkdir -p "$WORK/dpkg"
    tar -xf "$WORK/minbase.tar" -C "$WORK/dpkg" ./var/lib/dpkg/status
    dpkg_oracle "$WORK/dpkg/var/lib/dpkg" debian-bookworm-minbase
    done_stamp debian-bookworm-minbase minbase
}

alpine alpine-3.20 alpine-minirootfs-3.20.3-x86_64.tar.gz
alpine alpine-3.10 alpine-minirootfs-3.10.3-x86_64.tar.gz
multi
debian_small
debian_minbase

# images.json: the index tests read. Repository and tag are where push-test-images.sh puts them.
python3 - "$OUT" "$RECIPE" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
table = [("alpine-3.20", "layerwatch/alpine", "3.20"), ("alpine-3.10", "layerwatch/alpine", "3.10"),
         ("multi", "layerwatch/alpine", "multi"), ("debian-small", "layerwatch/debian", "small"),
         ("debian-bookworm-minbase", "layerwatch/debian", "bookworm-minbase")]
def blob(layout, digest):
    return json.loads((layout / "blobs/sha256" / digest.split(":")[1]).read_bytes())
images = []
for name, repo, tag in table:
    layout = out / "oci" / name
    top = next(m for m in json.loads((layout / "index.json").read_text())["manifests"]
               if m["annotations"]["org.opencontainers.image.ref.name"] == "latest")
    doc = blob(layout, top["digest"])
    if "manifests" in doc:
        children = [{"digest": m["digest"], "platform": m["platform"],
                     "annotations": m.get("annotations", {})} for m in doc["manifests"]]
        layers = None
    else:
        cfg = blob(layout, doc["config"]["digest"])
        children = [{"digest": top["digest"], "platform": {"os": cfg["os"], "architecture": cfg["architecture"]}}]
        layers = [{"digest": l["digest"], "size": l["size"], "diff_id": d}
                  for l, d in zip(doc["layers"], cfg["rootfs"]["diff_ids"])]
    packages = out / "expected" / f"{name}.packages.tsv"
    docker = out / "docker" / f"{name}.tar"
    images.append({"name": name, "oci_layout": f"oci/{name}", "ref": "latest",
                   "media_type": top["mediaType"], "digest": top["digest"],
                   "repository": repo, "tag": tag,
                   "docker_archive": f"docker/{name}.tar" if docker.exists() else None,
                   "expected_packages": f"expected/{name}.packages.tsv" if packages.exists() else None,
                   "manifests": children, "layers": layers})
(out / "images.json").write_text(json.dumps({"recipe": int(sys.argv[2]) if len(sys.argv) > 2 else None,
                                             "images": images}, indent=2) + "\n")
for i in images:
    n = len(i["layers"]) if i["layers"] is not None else f'index of {len(i["manifests"])}'
    print(f'{i["name"]:<25} {i["digest"]}  layers: {n}  {i["repository"]}:{i["tag"]}')
PY
