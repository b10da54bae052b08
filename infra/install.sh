#!/usr/bin/env bash
# infra/install.sh: install every tool the tests and the local stack need, on Debian 12 as root.
#
# Idempotent and quick on a re-run: each step writes a marker holding the hash of what it
# installed (package list, requirements file, npm lockfile) and is skipped while that hash
# still matches. Everything comes from the package registries (Debian, PyPI, npm); nothing is
# downloaded any other way.
#
# Where things go (all gitignored when they are inside the repository):
#   $LAYERWATCH_TOOLS/.venv           moto[server], boto3, cargo-lambda, python-hcl2 7.x
#   $LAYERWATCH_TOOLS/.venv-iac       checkov (separate: it brings its own `hcl2` module)
#   $LAYERWATCH_TOOLS/.stack/npm      azurite, from infra/npm/package-lock.json (npm ci)
#   $LAYERWATCH_TOOLS/.stack/stamps   the markers
# LAYERWATCH_TOOLS defaults to the repository root; .ci/run points it at a cache outside the
# clone so that CI on the same machine reuses the venvs.
set -euo pipefail

INFRA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$INFRA")
TOOLS=${LAYERWATCH_TOOLS:-$REPO}
STAMPS=$TOOLS/.stack/stamps
mkdir -p "$STAMPS"

# Debian packages, each with the reason a test or script needs it.
APT_PACKAGES=(
    docker-registry    # CNCF distribution: the OCI registry stand-in (infra/stack-up.sh)
    apache2-utils      # htpasswd -B for the Basic-auth registry
    skopeo             # copy images between OCI layouts, docker archives and registries
    umoci              # build OCI image layouts without a Docker engine
    debootstrap        # the realistic Debian minbase test image
    curl               # readiness checks in stack-up.sh
    jq                 # JSON edits in the image build scripts
    zstd               # zstd layers / inspecting compressed inventories
    python3-venv       # the .venv and .venv-iac virtual environments
    python3-packaging  # oracle for PEP 440 version ordering in version tests
    dpkg-dev           # dpkg-architecture and dpkg-deb helpers used by image builds
    rpm                # oracle for rpm version comparison (rpm --eval rpm.vercmp) and rpmdb reads
    nodejs             # oracle for npm ranges (node-semver bundled with Debian's nodejs)
    npm                # build-lang-images.sh: npm install of old modules, `npm ls` as the oracle
    ruby               # oracle for RubyGems ordering (Gem::Version)
    php-cli            # runs the Composer version oracle
    php-composer-semver # oracle for Composer version ordering
    libmaven3-core-java # oracle for Maven ordering (ComparableVersion)
    openjdk-17-jdk-headless # javac/java to run the Maven oracle
    golang-go          # `go version -m`: oracle for the Go build info read from binaries
    binutils           # objcopy and strip: cargo-auditable oracle, stripped test binary
    unzip              # oracle for pom.properties inside Java archives
)

log() { printf 'install: %s\n' "$*" >&2; }
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
stamp_ok() { [[ -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]; }
stamp_set() { printf '%s\n' "$2" > "$STAMPS/$1"; }

if [[ $(id -u) -ne 0 ]]; then
    echo "install.sh: run as root (apt-get and debootstrap need it)" >&2
    exit 1
fi

# --- Debian packages ------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
    # NodeSource's nodejs bundles npm and conflicts with Debian's npm package.
    if [[ $p == npm ]] && command -v npm >/dev/null; then
        continue
    fi
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
# apt-get download (build-test-images.sh) needs package lists even when nothing is missing.
have_lists=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' 2>/dev/null | head -n1)
if [[ ${#missing[@]} -gt 0 || -z "$have_lists" ]]; then
    log "apt-get update"
    apt-get update -qq
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    log "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    log "apt packages present"
fi

# --- Python venvs ---------------------------------------------------------------------------
# Debian's python3 is always there on Debian 12; a pyenv python first on PATH works as well.
PYTHON=${LAYERWATCH_PYTHON:-python3}
make_venv() { # make_venv DIR REQUIREMENTS STAMP
    local dir=$1 req=$2 name=$3 want
    want=$(hash_of "$req"; "$PYTHON" -c 'import sys; print(sys.version)')
    if stamp_ok "$name" "$want" && [[ -x "$dir/bin/python" ]]; then
        log "$name up to date"
        return
    fi
    log "installing $(basename "$req") into $dir"
    # Never delete an existing venv: developers add their own tools to it.
    [[ -x "$dir/bin/python" ]] || "$PYTHON" -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
    stamp_set "$name" "$want"
}
make_venv "$TOOLS/.venv" "$INFRA/requirements.txt" venv
make_venv "$TOOLS/.venv-iac" "$INFRA/requirements-iac.txt" venv-iac
# Tests reach the venv as <repo>/.venv; with the tools kept elsewhere, link it in.
if [[ $TOOLS != "$REPO" ]]; then
    for v in .venv .venv-iac; do
        [[ -e $REPO/$v || -L $REPO/$v ]] || ln -s "$TOOLS/$v" "$REPO/$v"
    done
fi

# --- Azurite (npm) --------------------------------------------------------------------------
NPM_DIR=$TOOLS/.stack/npm
want=$(hash_of "$INFRA/npm/package.json" "$INFRA/npm/package-lock.json"; node --version)
if stamp_ok npm "$want" && [[ -x "$NPM_DIR/node_modules/.bin/azurite-blob" ]]; then
    log "azurite up to date"
else
    log "npm ci azurite into $NPM_DIR"
    mkdir -p "$NPM_DIR"
    cp "$INFRA/npm/package.json" "$INFRA/npm/package-lock.json" "$NPM_DIR/"
    (cd "$NPM_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    stamp_set npm "$want"
fi

# --- Rust toolchain -------------------------------------------------------------------------
# The toolchain comes with the machine (rustup); it cannot be fetched here, only checked.
for c in cargo rustfmt cargo-clippy; do
    if ! command -v "$c" >/dev/null; then
        echo "install.sh: '$c' is not on PATH; the Rust toolchain must come with the machine" >&2
        exit 1
    fi
done
log "done"
