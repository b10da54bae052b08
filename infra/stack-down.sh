#!/usr/bin/env bash
# infra/stack-down.sh STATE_DIR: stop the services infra/stack-up.sh started, by their saved
# PIDs only. Safe to run twice, and on a half-started stack.
set -uo pipefail

S=${1:?usage: stack-down.sh STATE_DIR}
pids=()
for n in registry registry-auth moto azurite azurite-queue; do
    f=$S/$n.pid
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null && pids+=("$pid")
    fi
    rm -f "$f"
done
# Give them up to 5 s to exit, then force the stragglers.
for _ in $(seq 1 50); do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [[ ${#alive[@]} -eq 0 ]] && break
    sleep 0.1
done
for pid in "${alive[@]}"; do kill -9 "$pid" 2>/dev/null; done
rm -f "$S/env.sh"
echo "stack-down: stopped ${#pids[@]} service(s) from $S" >&2
