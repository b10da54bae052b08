#!/usr/bin/env bash
# infra/test.sh [all|lint|cargo|iac|events] [CARGO TEST ARGS...]: the one command that runs the
# project's checks, locally and in CI (.ci/run execs it).
#
#   all (default)  install tools, build test images, start the stack, then lint + cargo + events + iac
#   lint           cargo fmt --check and clippy -D warnings
#   cargo [ARGS]   cargo test ARGS (default --workspace), with images and the stack (e.g. `cargo -p layerwatch-oci`)
#   events         check that events/ name the digests the image build produces
#   iac            checkov over terraform/ and the Terraform wiring tests (terraform/tests)
#
# Environment (see docs/testing.md): LAYERWATCH_SHARED (default: the `shared` folder beside the
# repository), LAYERWATCH_CACHE (default /var/cache/layerwatch; images go to $LAYERWATCH_CACHE/images),
# LAYERWATCH_STACK_ENV (an env.sh of a stack that already runs: reuse it instead of starting one),
# LAYERWATCH_SKIP_INSTALL=1 (skip infra/install.sh), CARGO_TARGET_DIR.
set -euo pipefail

INFRA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$INFRA")
cd "$REPO"
STEP=${1:-all}
[[ $# -gt 0 ]] && shift

export LAYERWATCH_SHARED=${LAYERWATCH_SHARED:-$(dirname "$REPO")/shared}
if [[ ! -d $LAYERWATCH_SHARED/data ]]; then
    echo "test.sh: shared data folder $LAYERWATCH_SHARED/data is missing; set LAYERWATCH_SHARED" >&2
    exit 1
fi
LAYERWATCH_SHARED=$(cd "$LAYERWATCH_SHARED" && pwd)
CACHE=${LAYERWATCH_CACHE:-/var/cache/layerwatch}
export LAYERWATCH_IMAGES=${LAYERWATCH_IMAGES:-$CACHE/images}
export LAYERWATCH_EVENTS=$REPO/events
TOOLS=${LAYERWATCH_TOOLS:-$REPO}
export LAYERWATCH_VENV=$TOOLS/.venv
export LAYERWATCH_MOTO_SERVER=$TOOLS/.venv/bin/moto_server
export LAYERWATCH_AZURITE_BLOB=$TOOLS/.stack/npm/node_modules/.bin/azurite-blob

section() { printf '\n==> %s\n' "$*"; }
timed() { local t0=$SECONDS rc=0; "$@" || rc=$?; echo "    ($(( SECONDS - t0 )) s)"; return $rc; }
# check NAME FUNCTION...: run one check; a failure is recorded and the next check still runs,
# so one CI run shows every problem.
FAILED=()
check() {
    local name=$1
    shift
    if ! "$@"; then
        FAILED+=("$name")
        echo "    FAILED: $name"
    fi
}

prepare() {
    if [[ ${LAYERWATCH_SKIP_INSTALL:-0} != 1 ]]; then
        section "install tools"; timed "$INFRA/install.sh"
    fi
    section "test images into $LAYERWATCH_IMAGES"; timed "$INFRA/build-test-images.sh" "$LAYERWATCH_IMAGES"
    section "language test image into $LAYERWATCH_IMAGES"
    LAYERWATCH_TOOLS=$TOOLS timed "$INFRA/build-lang-images.sh" "$LAYERWATCH_IMAGES"
    section "binary test image into $LAYERWATCH_IMAGES"; timed "$INFRA/build-binary-images.sh" "$LAYERWATCH_IMAGES"
}

start_stack() {
    if [[ -n ${LAYERWATCH_STACK_ENV:-} ]]; then
        section "reusing the stack in $LAYERWATCH_STACK_ENV"
        # shellcheck disable=SC1090
        source "$LAYERWATCH_STACK_ENV"
        return
    fi
    STACK_DIR=$(mktemp -d /tmp/layerwatch-stack.XXXXXX)
    trap '"$INFRA/stack-down.sh" "$STACK_DIR"; rm -rf "$STACK_DIR"' EXIT
    section "stack up in $STACK_DIR"
    timed "$INFRA/stack-up.sh" "$STACK_DIR"
    # shellcheck disable=SC1091
    source "$STACK_DIR/env.sh"
    section "push test images to $LAYERWATCH_REGISTRY and $LAYERWATCH_REGISTRY_AUTH"
    timed push_all
}

push_all() {
    "$INFRA/push-test-images.sh" "$LAYERWATCH_REGISTRY" "$LAYERWATCH_IMAGES" >/dev/null
    LAYERWATCH_PUSH_CREDS="$LAYERWATCH_REGISTRY_AUTH_USER:$LAYERWATCH_REGISTRY_AUTH_PASSWORD" \
        "$INFRA/push-test-images.sh" "$LAYERWATCH_REGISTRY_AUTH" "$LAYERWATCH_IMAGES" >/dev/null
}

lint() {
    local rc=0
    section "cargo fmt --check"; timed cargo fmt --all -- --check || rc=1
    section "cargo clippy"; timed cargo clippy --workspace --all-targets --all-features -- -D warnings || rc=1
    return $rc
}

cargo_test() {
    # Tests that need a service or an image fail (not skip) when these are set.
    export LAYERWATCH_REQUIRE_STACK=1 LAYERWATCH_REQUIRE_IMAGES=1
    # With arguments they choose the crates (e.g. -p layerwatch-oci); without, the whole workspace.
    # --all-features: the ECR path (registry crate feature `ecr`) is tested against moto too.
    if [[ $# -eq 0 ]]; then set -- --workspace --all-features; fi
    section "cargo test $*"; timed cargo test "$@"
}

events() {
    section "events match the built images"
    python3 "$INFRA/lib/check-events.py" "$REPO/events" "$LAYERWATCH_IMAGES"
}

iac() {
    section "checkov over terraform/"
    if ! find terraform -name '*.tf' 2>/dev/null | grep -q .; then
        echo "    skipped: terraform/ has no .tf files yet"
        return
    fi
    local rc=0 config=()
    [[ -f terraform/.checkov.yaml ]] && config=(--config-file terraform/.checkov.yaml)
    # The update check is a network call on every run; --skip-download keeps it offline too.
    # Skips live next to the resource they concern (#checkov:skip=CHECK:reason), never here.
    CKV_SKIP_PACKAGE_UPDATE_CHECK=true timed "$TOOLS/.venv-iac/bin/checkov" -d terraform \
        --framework terraform --compact --quiet --skip-download "${config[@]}" || rc=1
    # The wiring tests (python-hcl2 from .venv): event patterns against events/ and the shared
    # reference events, environment vs the code, IAM vs terraform/aws/iam-calls.json, layout.
    section "terraform wiring tests"
    timed "$TOOLS/.venv/bin/python" -m unittest discover -s terraform/tests -t terraform/tests -v || rc=1
    return $rc
}

case $STEP in
    all) prepare; start_stack; check lint lint; check cargo cargo_test "$@"; check events events; check iac iac ;;
    lint) check lint lint ;;
    cargo) [[ -d $LAYERWATCH_IMAGES/oci && -f $LAYERWATCH_IMAGES/binaries/image.json ]] || prepare; start_stack; check cargo cargo_test "$@" ;;
    events) check events events ;;
    iac) check iac iac ;;
    *) echo "test.sh: unknown step '$STEP' (all, lint, cargo, events, iac)" >&2; exit 2 ;;
esac
if [[ ${#FAILED[@]} -gt 0 ]]; then
    section "test.sh $STEP: FAILED: ${FAILED[*]}"
    exit 1
fi
section "test.sh $STEP: all passed"
