#!/usr/bin/env bash
# infra/build-lang-images.sh OUT_DIR: build the language-package test image from real packages
# fetched from PyPI, npm and the Debian mirror, with umoci + skopeo (no Docker engine), as root.
# Same conventions as build-test-images.sh (run it first: it writes images.json, which this
# script extends with its own entries).
#
# OUT_DIR/
#   oci/lang-mixed/, docker/lang-mixed.tar    the image (ref `latest`)
#   expected/lang-mixed.pip-local.json        `pip list --path` of the pip site-packages
#   expected/lang-mixed.pip-debian.json       `pip list --path` of Debian's dist-packages
#   expected/lang-mixed.npm.json              `npm ls --all --json --long` of the npm app
#   cache/lang/                               downloaded wheels, sdists, tarballs and .debs
#
# Layers of lang-mixed:
#   1 Debian .debs (base-files, python3-urllib3, rake) with their dpkg status and info/*.list:
#     urllib3 1.26.12 and rake's gemspec are OS-owned language packages
#   2 pip install --target of old requests, urllib3, Jinja2, PyYAML into usr/local site-packages,
#     and Jinja2 again into opt/venv site-packages (removed by layer 5)
#   3 npm install of old lodash, minimist, axios and mkdirp (its own nested minimist) in app/
#   4 application lockfiles (copies of Trivy's lockfile fixtures from the shared data) and a
#     hand-made Composer installed.json (Packagist is out of reach here)
#   5 a whiteout of opt/venv/lib/python3.11/site-packages
set -euo pipefail

RECIPE=1   # bump when the output changes
OUT=${1:?usage: build-lang-images.sh OUT_DIR}
INFRA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$INFRA")
SHARED=${LAYERWATCH_SHARED:-$(dirname "$REPO")/shared}
TOOLS=${LAYERWATCH_TOOLS:-$REPO}
PYTHON=${LAYERWATCH_PYTHON:-$TOOLS/.venv/bin/python}
TRIVY=$SHARED/data/oracles/trivy/fixture-repo
CREATED=2024-09-06T00:00:00Z
PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
SITE=usr/local/lib/python3.11/site-packages
VENV_SITE=opt/venv/lib/python3.11/site-packages
PYPI=(requests==2.19.0 urllib3==1.24.1 Jinja2==2.10 PyYAML==5.3.1)
NPM=(lodash@4.17.4 minimist@1.2.0 axios@0.21.0 mkdirp@0.5.1)
DEBS=(base-files python3-urllib3 rake)

[[ -d $TRIVY ]] || { echo "build-lang-images: $TRIVY is missing; set LAYERWATCH_SHARED" >&2; exit 1; }
for tool in umoci skopeo dpkg-deb npm node jq flock apt-get "$PYTHON"; do
    command -v "$tool" >/dev/null || { echo "build-lang-images: $tool missing; run infra/install.sh" >&2; exit 1; }
done

mkdir -p "$OUT"/{oci,docker,expected,cache/lang,.stamps}
OUT=$(cd "$OUT" && pwd)
exec 9>"$OUT/.lock"
flock 9
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CACHE=$OUT/cache/lang
KEY="$RECIPE:${PYPI[*]}:${NPM[*]}:${DEBS[*]}"

log() { printf 'build-lang-images: %s\n' "$*" >&2; }

# tar_dir DIR OUT: a Docker-style layer tar, sorted, root-owned, fixed mtimes.
tar_dir() {
    (cd "$1" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort \
        | tar --sort=name --numeric-owner --owner=0 --group=0 --mtime="$CREATED" -cf "$2" -T -)
}

# write_status ROOT DEB...: dpkg status and info/*.list for the .debs, as dpkg writes them.
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
    done
}

if [[ -f $OUT/.stamps/lang-mixed && "$(cat "$OUT/.stamps/lang-mixed")" == "$KEY" && -d $OUT/oci/lang-mixed ]]; then
    log "lang-mixed up to date"
else
    log "lang-mixed: fetching ${PYPI[*]}, ${NPM[*]}, ${DEBS[*]}"
    # Layer 1: Debian packages.
    mkdir -p "$CACHE/debs" "$WORK/l1"
    (cd "$CACHE/debs" && rm -f ./*.deb && apt-get download -q -o APT::Sandbox::User=root "${DEBS[@]}" >/dev/null)
    debs=()
    for p in "${DEBS[@]}"; do debs+=("$(ls "$CACHE/debs/${p}_"*.deb)"); done
    for d in "${debs[@]}"; do dpkg-deb -x "$d" "$WORK/l1"; done
    write_status "$WORK/l1" "${debs[@]}"

    # Layer 2: pip installs (wheels where PyPI has one for any Python, the sdist otherwise).
    mkdir -p "$WORK/l2/$SITE" "$WORK/l2/$VENV_SITE"
    "$PYTHON" -m pip install -q --disable-pip-version-check --no-deps --no-compile \
        --cache-dir "$CACHE/pip" --target "$WORK/l2/$SITE" "${PYPI[@]}"
    "$PYTHON" -m pip install -q --disable-pip-version-check --no-deps --no-compile \
        --cache-dir "$CACHE/pip" --target "$WORK/l2/$VENV_SITE" Jinja2==2.10
    # The scripts pip writes would name this machine's interpreter; they are not packages.
    rm -rf "$WORK/l2/$SITE/bin" "$WORK/l2/$VENV_SITE/bin"

    # Layer 3: an npm application (package.json, package-lock.json v3, nested node_modules).
    mkdir -p "$WORK/l3/app"
    (cd "$WORK/l3/app" && echo '{"name":"lang-app","version":"1.0.0","private":true}' > package.json \
        && npm install -q --no-audit --no-fund --ignore-scripts --cache "$CACHE/npm" "${NPM[@]}" >/dev/null)

    # Layer 4: lockfiles an application ships, and a Composer install record.
    mkdir -p "$WORK/l4/srv/lock" "$WORK/l4/var/www/vendor/composer"
    for f in cargo/Cargo.lock gomod/go.mod pnpm/pnpm-lock.yaml poetry/poetry.lock \
             pipenv/Pipfile.lock uv/uv.lock pylock/pylock.toml yarn/yarn.lock; do
        mkdir -p "$WORK/l4/srv/lock/$(dirname "$f")"
        cp "$TRIVY/$f" "$WORK/l4/srv/lock/$f"
    done
    # Hand-made (Packagist is out of reach): Composer 2's shape with two packages.
    cat > "$WORK/l4/var/www/vendor/composer/installed.json" <<'JSON'
{"packages": [
  {"name": "guzzlehttp/guzzle", "version": "6.3.3", "version_normalized": "6.3.3.0", "type": "library", "license": ["MIT"]},
  {"name": "symfony/http-foundation", "version": "v5.4.3", "version_normalized": "5.4.3.0", "type": "library"}
], "dev": false, "dev-package-names": []}
JSON

    # Layer 5: the venv's site-packages is deleted.
    mkdir -p "$WORK/l5/$(dirname "$VENV_SITE")"
    : > "$WORK/l5/$(dirname "$VENV_SITE")/.wh.site-packages"

    L=$WORK/lang-mixed
    umoci init --layout "$L"
    umoci new --image "$L:latest"
    for n in 1 2 3 4 5; do
        tar_dir "$WORK/l$n" "$WORK/l$n.tar"
        umoci raw add-layer --history.created "$CREATED" --history.created_by "layer $n" \
            --image "$L:latest" "$WORK/l$n.tar"
    done
    umoci config --image "$L:latest" --no-history --created "$CREATED" --os linux \
        --architecture amd64 --config.env "$PATH_ENV" --config.cmd /bin/sh
    umoci gc --layout "$L"

    # Oracles: the package managers' own readers of what was installed.
    "$PYTHON" -m pip list --disable-pip-version-check --path "$WORK/l2/$SITE" --format json \
        > "$OUT/expected/lang-mixed.pip-local.json"
    "$PYTHON" -m pip list --disable-pip-version-check --path "$WORK/l1/usr/lib/python3/dist-packages" \
        --format json > "$OUT/expected/lang-mixed.pip-debian.json"
    (cd "$WORK/l3/app" && npm ls --all --json --long 2>/dev/null) > "$OUT/expected/lang-mixed.npm.json" || true
    jq -e '.dependencies | length > 0' "$OUT/expected/lang-mixed.npm.json" >/dev/null

    chmod -R a+rX "$L"
    rm -rf "$OUT/oci/lang-mixed" "$OUT/docker/lang-mixed.tar"
    mv "$L" "$OUT/oci/lang-mixed"
    skopeo copy -q "oci:$OUT/oci/lang-mixed:latest" "docker-archive:$OUT/docker/lang-mixed.tar:layerwatch/lang:mixed"
    printf '%s\n' "$KEY" > "$OUT/.stamps/lang-mixed"
fi

# Add (or replace) lang-mixed in images.json, in the shape build-test-images.sh writes.
python3 - "$OUT" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
index = out / "images.json"
doc = json.loads(index.read_text()) if index.exists() else {"recipe": None, "images": []}
layout = out / "oci" / "lang-mixed"
def blob(digest):
    return json.loads((layout / "blobs/sha256" / digest.split(":")[1]).read_bytes())
top = next(m for m in json.loads((layout / "index.json").read_text())["manifests"]
           if m["annotations"]["org.opencontainers.image.ref.name"] == "latest")
manifest = blob(top["digest"])
config = blob(manifest["config"]["digest"])
entry = {"name": "lang-mixed", "oci_layout": "oci/lang-mixed", "ref": "latest",
         "media_type": top["mediaType"], "digest": top["digest"],
         "repository": "layerwatch/lang", "tag": "mixed",
         "docker_archive": "docker/lang-mixed.tar", "expected_packages": None,
         "manifests": [{"digest": top["digest"],
                        "platform": {"os": config["os"], "architecture": config["architecture"]}}],
         "layers": [{"digest": l["digest"], "size": l["size"], "diff_id": d}
                    for l, d in zip(manifest["layers"], config["rootfs"]["diff_ids"])]}
doc["images"] = [i for i in doc["images"] if i["name"] != "lang-mixed"] + [entry]
index.write_text(json.dumps(doc, indent=2) + "\n")
print(f'lang-mixed                {top["digest"]}  layers: {len(entry["layers"])}  layerwatch/lang:mixed')
PY
