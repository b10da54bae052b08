#!/usr/bin/env bash
# infra/push-test-images.sh REGISTRY [IMAGES_DIR]: push every image listed in
# IMAGES_DIR/images.json (default $LAYERWATCH_IMAGES, else /var/cache/layerwatch/images) to
# REGISTRY (host:port, plain http) as <repository>:<tag>, e.g. 127.0.0.1:5000/layerwatch/alpine:3.20.
# Indexes go with all their manifests (--all). Manifests keep their OCI bytes, so the pushed
# digests equal the ones in images.json. LAYERWATCH_PUSH_CREDS=user:password for a registry
# with Basic auth (for the :5001 one: AWS:123456789012-auth-token).
set -euo pipefail

REGISTRY=${1:?usage: push-test-images.sh REGISTRY [IMAGES_DIR]}
IMAGES=${2:-${LAYERWATCH_IMAGES:-/var/cache/layerwatch/images}}
[[ -f $IMAGES/images.json ]] || { echo "push-test-images: no $IMAGES/images.json; run infra/build-test-images.sh" >&2; exit 1; }
creds=()
[[ -n ${LAYERWATCH_PUSH_CREDS:-} ]] && creds=(--dest-creds "$LAYERWATCH_PUSH_CREDS")

jq -r '.images[] | [.oci_layout, .ref, .repository, .tag, .digest] | @tsv' "$IMAGES/images.json" |
while IFS=$'\t' read -r layout ref repo tag digest; do
    skopeo copy -q --all --preserve-digests --dest-tls-verify=false "${creds[@]}" \
        "oci:$IMAGES/$layout:$ref" "docker://$REGISTRY/$repo:$tag"
    printf '%s/%s:%s@%s\n' "$REGISTRY" "$repo" "$tag" "$digest"
done
