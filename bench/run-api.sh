#!/bin/bash
# run-api.sh — issue 2's API benchmark: build, start a fresh `jobd server --disable-agent`
# on a free loopback port with a temporary data dir, run bench/api_load against it, stop
# the server, print the report.  Not part of the test suite.
#
# Usage: bench/run-api.sh [api_load options, e.g. --jobs 2000 --pods 6000 --budget-s 120]
#   JOBD_BENCH_TMP=DIR   where the temporary data dir goes (default: $TMPDIR or /tmp);
#                        the store fsyncs every commit, so this file system's fsync speed
#                        is part of every create figure.
#   JOBD_BENCH_SERVER_FLAGS="..." extra `jobd server` flags (e.g. --job-sync-period 100)
#   JOBD_BENCH_NOBUILD=1 use the existing build/jobd and build/bench/api_load.
#
# Bounded: api_load stops itself (its --budget-s, default 270 s) and is also run under
# timeout(1); the server is stopped with SIGTERM (SIGKILL after 10 s) on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."

build_note=
if [ -z "${JOBD_BENCH_NOBUILD:-}" ]; then
        log=$(mktemp /tmp/jobd-bench-build.XXXXXX)
        if ! make -j2 build/jobd build/bench/api_load >"$log" 2>&1; then
                # several people share this tree: someone's half-edited file must not stop
                # the benchmark when binaries from an earlier build are there
                if [ -x build/jobd ] && [ -x build/bench/api_load ]; then
                        build_note="BUILD FAILED ($(grep -m1 -o '[^ ]*: error: .*' "$log" | cut -c1-100 || true)); using the existing binaries from $(date -u -r build/jobd +%H:%M:%SZ)"
                else
                        tail -30 "$log" >&2
                        echo "run-api.sh: build failed (log: $log)" >&2
                        exit 1
                fi
        fi
        rm -f "$log"
fi

tmp=$(mktemp -d "${JOBD_BENCH_TMP:-${TMPDIR:-/tmp}}/jobd-bench-api.XXXXXX")
pid=
cleanup() {
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                kill -TERM "$pid" 2>/dev/null || true
                for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
                kill -KILL "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
        fi
        rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# private copies: a rebuild in the shared tree must not swap binaries under a running test
cp build/jobd "$tmp/jobd"
cp build/bench/api_load "$tmp/api_load"

"$tmp/jobd" server --port 0 --data-dir "$tmp/data" --disable-agent ${JOBD_BENCH_SERVER_FLAGS:-} >"$tmp/out" 2>"$tmp/server.log" &
pid=$!
port=
for _ in $(seq 100); do
        port=$(awk '/^LISTENING/ {print $2; exit}' "$tmp/out" 2>/dev/null || true)
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
done
if [ -z "$port" ]; then
        echo "run-api.sh: server did not start:" >&2
        tail -20 "$tmp/server.log" >&2
        exit 1
fi

echo "== jobd API benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
dirty=$(git status --porcelain --untracked-files=no -- src 2>/dev/null | wc -l)
echo "== $(nproc) CPUs: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); kernel $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
[ "$dirty" != 0 ] && echo "== built from the working tree: $dirty modified tracked files under src/ on top of the commit"
[ -n "$build_note" ] && echo "== $build_note"
[ -n "${JOBD_BENCH_SERVER_FLAGS:-}" ] && echo "== extra server flags: $JOBD_BENCH_SERVER_FLAGS"
echo "== data dir on $(df -T "$tmp" | awk 'NR==2 {print $2 " (" $1 ")"}'); server pid $pid port $port"
rc=0
timeout 330 "$tmp/api_load" --port "$port" --pid "$pid" "$@" || rc=$?
if ! kill -0 "$pid" 2>/dev/null; then
        echo "run-api.sh: the server died during the run; its log ends:" >&2
        tail -20 "$tmp/server.log" >&2
        rc=1
fi
exit $rc
