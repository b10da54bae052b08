#!/usr/bin/env bash
# infra/stack-up.sh STATE_DIR: start the local cloud stand-ins on 127.0.0.1 and write
# STATE_DIR/env.sh for tests to source. Stop them with infra/stack-down.sh STATE_DIR.
#
#   registry        :5000   CNCF distribution, no auth               (LAYERWATCH_REGISTRY_PORT)
#   registry (ECR)  :5001   same, htpasswd Basic AWS / 123456789012-auth-token, the password
#                           moto's get-authorization-token hands out  (LAYERWATCH_REGISTRY_AUTH_PORT)
#   moto            :5050   AWS APIs: DynamoDB, S3, SQS, SNS, EventBridge, CloudWatch, ECR
#                                                                     (LAYERWATCH_MOTO_PORT)
#   azurite blob    :10000  Azure Blob, account devstoreaccount1    (LAYERWATCH_AZURITE_PORT)
#   azurite queue   :10001  Azure Storage queues, same account      (LAYERWATCH_AZURITE_QUEUE_PORT)
# Each service writes STATE_DIR/<name>.pid and <name>.log. Nothing listens beyond loopback.
set -euo pipefail

S=${1:?usage: stack-up.sh STATE_DIR}
INFRA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$INFRA")
TOOLS=${LAYERWATCH_TOOLS:-$REPO}
REG_PORT=${LAYERWATCH_REGISTRY_PORT:-5000}
AUTH_PORT=${LAYERWATCH_REGISTRY_AUTH_PORT:-5001}
MOTO_PORT=${LAYERWATCH_MOTO_PORT:-5050}
AZ_PORT=${LAYERWATCH_AZURITE_PORT:-10000}
AZ_QUEUE_PORT=${LAYERWATCH_AZURITE_QUEUE_PORT:-10001}
ECR_USER=AWS
ECR_PASSWORD=123456789012-auth-token
AZ_ACCOUNT=devstoreaccount1
AZ_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
MOTO=$TOOLS/.venv/bin/moto_server
AZURITE=$TOOLS/.stack/npm/node_modules/.bin/azurite-blob
AZURITE_QUEUE=$TOOLS/.stack/npm/node_modules/.bin/azurite-queue

for bin in docker-registry htpasswd curl "$MOTO" "$AZURITE" "$AZURITE_QUEUE"; do
    command -v "$bin" >/dev/null || { echo "stack-up: $bin missing; run infra/install.sh" >&2; exit 1; }
done
mkdir -p "$S"
S=$(cd "$S" && pwd)
for n in registry registry-auth moto azurite azurite-queue; do
    if [[ -f $S/$n.pid ]] && kill -0 "$(cat "$S/$n.pid")" 2>/dev/null; then
        echo "stack-up: $n already runs from $S (pid $(cat "$S/$n.pid")); run stack-down.sh first" >&2
        exit 1
    fi
done
# A port that already answers belongs to someone else: readiness checks would pass against it.
for port in "$REG_PORT" "$AUTH_PORT" "$MOTO_PORT" "$AZ_PORT" "$AZ_QUEUE_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "stack-up: 127.0.0.1:$port is already in use; set the LAYERWATCH_*_PORT variables" >&2
        exit 1
    fi
done

registry_config() { # registry_config NAME PORT [AUTH_YAML]
    mkdir -p "$S/$1"
    cat > "$S/$1.yml" <<YML
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $S/$1}, delete: {enabled: true}}
http: {addr: "127.0.0.1:$2"}
${3:-}
YML
}
start() { # start NAME CMD...: run in the background, detached from this shell's stdin
    local name=$1
    shift
    "$@" < /dev/null > "$S/$name.log" 2>&1 &
    echo $! > "$S/$name.pid"
}
wait_ready() { # wait_ready NAME URL: any HTTP answer counts (Azurite answers 403)
    for _ in $(seq 1 300); do
        curl -s -o /dev/null --max-time 1 "$2" && return 0
        if ! kill -0 "$(cat "$S/$1.pid")" 2>/dev/null; then
            echo "stack-up: $1 exited; its log:" >&2
            tail -n 20 "$S/$1.log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "stack-up: $1 not ready at $2 after 30 s" >&2
    return 1
}

htpasswd -Bbn "$ECR_USER" "$ECR_PASSWORD" > "$S/htpasswd" 2>/dev/null
registry_config registry "$REG_PORT"
registry_config registry-auth "$AUTH_PORT" "auth: {htpasswd: {realm: basic-realm, path: $S/htpasswd}}"
mkdir -p "$S/azurite" "$S/azurite-queue"

start registry docker-registry serve "$S/registry.yml"
start registry-auth docker-registry serve "$S/registry-auth.yml"
start moto "$MOTO" -H 127.0.0.1 -p "$MOTO_PORT"
start azurite "$AZURITE" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$S/azurite" \
    --skipApiVersionCheck --loose --disableTelemetry
start azurite-queue "$AZURITE_QUEUE" --queueHost 127.0.0.1 --queuePort "$AZ_QUEUE_PORT" \
    --location "$S/azurite-queue" --skipApiVersionCheck --loose --disableTelemetry

trap 'echo "stack-up: failed; stopping what started" >&2; "$INFRA/stack-down.sh" "$S"' ERR
wait_ready registry "http://127.0.0.1:$REG_PORT/v2/"
wait_ready registry-auth "http://127.0.0.1:$AUTH_PORT/v2/"
wait_ready moto "http://127.0.0.1:$MOTO_PORT/moto-api/"
wait_ready azurite "http://127.0.0.1:$AZ_PORT/$AZ_ACCOUNT"
wait_ready azurite-queue "http://127.0.0.1:$AZ_QUEUE_PORT/$AZ_ACCOUNT"
trap - ERR

cat > "$S/env.sh" <<ENV
# Written by infra/stack-up.sh; source it to point tests and tools at the local stack.
export LAYERWATCH_STACK_DIR='$S'
export LAYERWATCH_REGISTRY='127.0.0.1:$REG_PORT'
export LAYERWATCH_REGISTRY_AUTH='127.0.0.1:$AUTH_PORT'
export LAYERWATCH_REGISTRY_AUTH_USER='$ECR_USER'
export LAYERWATCH_REGISTRY_AUTH_PASSWORD='$ECR_PASSWORD'
export LAYERWATCH_MOTO_URL='http://127.0.0.1:$MOTO_PORT'
export AWS_ENDPOINT_URL='http://127.0.0.1:$MOTO_PORT'
export AWS_ACCESS_KEY_ID='test'
export AWS_SECRET_ACCESS_KEY='test'
export AWS_REGION='us-east-1'
export AWS_DEFAULT_REGION='us-east-1'
export AWS_EC2_METADATA_DISABLED='true'
export LAYERWATCH_AZURITE_URL='http://127.0.0.1:$AZ_PORT/$AZ_ACCOUNT'
export LAYERWATCH_AZURITE_QUEUE_URL='http://127.0.0.1:$AZ_QUEUE_PORT/$AZ_ACCOUNT'
export LAYERWATCH_AZURE_ACCOUNT='$AZ_ACCOUNT'
export LAYERWATCH_AZURE_KEY='$AZ_KEY'
export AZURE_STORAGE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=$AZ_ACCOUNT;AccountKey=$AZ_KEY;BlobEndpoint=http://127.0.0.1:$AZ_PORT/$AZ_ACCOUNT;QueueEndpoint=http://127.0.0.1:$AZ_QUEUE_PORT/$AZ_ACCOUNT;'
ENV
echo "stack-up: registry 127.0.0.1:$REG_PORT, registry (Basic auth) 127.0.0.1:$AUTH_PORT, moto :$MOTO_PORT, azurite :$AZ_PORT (queues :$AZ_QUEUE_PORT); env in $S/env.sh" >&2
