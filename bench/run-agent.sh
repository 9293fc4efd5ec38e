#!/bin/bash
# run-agent.sh — issue 4's node-agent benchmark.  For each runtime (crun, runc) in the same
# run: a raw loop of N `<runtime> run` of busybox `true` over one OCI bundle with
# `xargs -P<parallelism>`, then one Job of N busybox `true` pods at that parallelism end to
# end through a fresh `jobd server --runtime <runtime>` (embedded agent, conmon, real
# containers; loopback, free port, temporary data dir) driven by bench/agent_drive.py.
# Prints a Markdown table: throughput ratio jobd/raw, the server's own CPU per pod, pod
# start latency p50/p99.  Not a test.  Needs root, crun, runc, conmon, busybox-static.
#
#   JOBD_BENCH_PODS=N         pods per Job and containers per raw loop (default 200)
#   JOBD_BENCH_PAR=N          parallelism / xargs -P (default 4)
#   JOBD_BENCH_RUNTIMES="crun runc"
#   JOBD_BENCH_TMP=DIR        where the temporary dirs go (default $TMPDIR or /tmp)
#   JOBD_BENCH_SERVER_FLAGS="..." extra `jobd server` flags
#   JOBD_BENCH_NOBUILD=1      use the existing build/jobd
#
# Bounded: every raw loop and driver runs under timeout(1); servers get SIGTERM (then
# SIGKILL) on every exit path; raw containers use a private --root under the temporary dir
# and are deleted; the Job is deleted (pods, containers, logs) before the server stops.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${JOBD_BENCH_PODS:-200}
P=${JOBD_BENCH_PAR:-4}
RUNTIMES=${JOBD_BENCH_RUNTIMES:-crun runc}

[ "$(id -u)" = 0 ] || { echo "run-agent.sh: needs root (real containers)" >&2; exit 1; }
for b in conmon python3 unshare $RUNTIMES; do
        command -v "$b" >/dev/null || { echo "run-agent.sh: $b not found" >&2; exit 1; }
done

build_note=
if [ -z "${JOBD_BENCH_NOBUILD:-}" ]; then
        log=$(mktemp /tmp/jobd-bench-build.XXXXXX)
        if ! make -j2 build/jobd >"$log" 2>&1; then
                if [ -x build/jobd ]; then
                        build_note="BUILD FAILED ($(grep -m1 -o '[^ ]*: error: .*' "$log" | cut -c1-100 || true)); using the existing build/jobd from $(date -u -r build/jobd +%H:%M:%SZ)"
                else
                        tail -30 "$log" >&2
                        echo "run-agent.sh: build failed (log: $log)" >&2
                        exit 1
                fi
        fi
        rm -f "$log"
fi

tmp=$(mktemp -d "${JOBD_BENCH_TMP:-${TMPDIR:-/tmp}}/jobd-bench-agent.XXXXXX")
pid=
stop_server() {
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                kill -TERM "$pid" 2>/dev/null || true
                for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
                kill -KILL "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
        fi
        pid=
}
cleanup() {
        stop_server
        # raw containers left by an interrupted loop (private roots: only ours)
        for rt in $RUNTIMES; do
                [ -d "$tmp/state-$rt" ] || continue
                for id in $("$rt" --root "$tmp/state-$rt" list -q 2>/dev/null); do
                        "$rt" --root "$tmp/state-$rt" delete -f "$id" >/dev/null 2>&1 || true
                done
        done
        rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp build/jobd "$tmp/jobd" # private copy: a rebuild in the shared tree must not swap it

# images (offline) and the raw bundle from the same busybox rootfs
scripts/build-images.sh "$tmp/images" >/dev/null
mkdir -p "$tmp/bundle/rootfs"
tar -C "$tmp/bundle/rootfs" -xf "$tmp/images/busybox.tar"
(cd "$tmp/bundle" && crun spec >/dev/null 2>&1 || runc spec)
python3 - "$tmp/bundle/config.json" <<'EOF'
import json, sys
f = sys.argv[1]
c = json.load(open(f))
c["process"]["args"] = ["true"]
c["process"]["terminal"] = False
json.dump(c, open(f, "w"), indent=1)
EOF

raw_loop() { # $1 = runtime; prints the wall seconds of N runs at -P
        local rt=$1 root="$tmp/state-$1"
        mkdir -p "$root"
        local t0 t1
        t0=$(date +%s.%N)
        timeout 300 unshare -m --propagation private sh -c '
                umount /sys/fs/cgroup/unified 2>/dev/null
                seq "$1" | xargs -P "$2" -I{} "$3" --root "$4" run --bundle "$5" "raw-$3-{}"
        ' sh "$N" "$P" "$rt" "$root" "$tmp/bundle" >/dev/null 2>"$tmp/raw-$rt.err" || {
                echo "run-agent.sh: raw $rt loop failed:" >&2
                tail -5 "$tmp/raw-$rt.err" >&2
                return 1
        }
        t1=$(date +%s.%N)
        echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}

start_server() { # $1 = runtime
        local d="$tmp/srv-$1"
        mkdir -p "$d/data/images"
        ln "$tmp/images/busybox.tar" "$d/data/images/busybox.tar"
        "$tmp/jobd" server --port 0 --data-dir "$d/data" --runtime "$1" --node-name bench-node \
                ${JOBD_BENCH_SERVER_FLAGS:-} >"$d/out" 2>"$d/server.log" &
        pid=$!
        port=
        for _ in $(seq 200); do
                port=$(awk '/^LISTENING/ {print $2; exit}' "$d/out" 2>/dev/null || true)
                [ -n "$port" ] && break
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
        done
        if [ -z "$port" ]; then
                echo "run-agent.sh: server did not start:" >&2
                tail -20 "$d/server.log" >&2
                exit 1
        fi
        # wait for the node to be Ready (images imported, lease up)
        for _ in $(seq 300); do
                if curl -sf "http://127.0.0.1:$port/api/v1/nodes/bench-node" 2>/dev/null |
                        python3 -c 'import json,sys; n=json.load(sys.stdin); sys.exit(0 if any(c["type"]=="Ready" and c["status"]=="True" for c in n.get("status",{}).get("conditions",[])) else 1)' 2>/dev/null; then
                        return 0
                fi
                sleep 0.1
        done
        echo "run-agent.sh: node bench-node not Ready after 30 s" >&2
        tail -20 "$d/server.log" >&2
        exit 1
}

echo "== jobd node-agent benchmark: $N busybox \`true\` pods, parallelism $P  $(date -u +%Y-%m-%dT%H:%M:%SZ)  commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
dirty=$(git status --porcelain --untracked-files=no -- src 2>/dev/null | wc -l)
echo "== $(nproc) CPUs: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); kernel $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg) at start (other work on the machine skews every figure)"
echo "== binary: build/jobd built $(date -u -r build/jobd +%H:%M:%SZ) (HEAD above may have moved since)"
[ "$dirty" != 0 ] && echo "== built from the working tree: $dirty modified tracked files under src/ on top of the commit"
[ -n "$build_note" ] && echo "== $build_note"
[ -n "${JOBD_BENCH_SERVER_FLAGS:-}" ] && echo "== extra server flags: $JOBD_BENCH_SERVER_FLAGS"
echo "== data dirs on $(df -T "$tmp" | awk 'NR==2 {print $2 " (" $1 ")"}'); $(for rt in $RUNTIMES; do "$rt" --version | head -1; done | paste -sd';' -); $(conmon --version | head -1)"

rows=()
rc=0
for rt in $RUNTIMES; do
        raw=$(raw_loop "$rt") || { rc=1; continue; }
        la1=$(cut -d' ' -f1 /proc/loadavg)
        start_server "$rt"
        out=$(timeout 400 python3 bench/agent_drive.py --port "$port" --pid "$pid" \
                --completions "$N" --parallelism "$P" --timeout-s 300) || rc=1
        if ! kill -0 "$pid" 2>/dev/null; then
                echo "run-agent.sh: the server died during the run; its log ends:" >&2
                tail -20 "$tmp/srv-$rt/server.log" >&2
                rc=1
        fi
        stop_server
        la2=$(cut -d' ' -f1 /proc/loadavg)
        echo "-- $rt: raw ${raw}s; jobd: $out"
        declare -A R=()
        for kv in $out; do R[${kv%%=*}]=${kv#*=}; done
        rows+=("$(awk -v rt="$rt" -v raw="$raw" -v n="$N" -v w="${R[wall_s]:-0}" -v cpu="${R[cpu_ms_per_pod]:-nan}" \
                -v p50="${R[lat_p50_ms]:-nan}" -v p99="${R[lat_p99_ms]:-nan}" -v res="${R[result]:-?}" \
                -v ok="${R[succeeded]:-0}" -v la="$la1/$la2" 'BEGIN {
                rawps = n / raw; jps = (w > 0) ? n / w : 0
                printf "| %s | %.1f | %.1f | **%.2f** | %.2f | %.0f | %.0f | %s %s/%d | %s |",
                        rt, rawps, jps, jps / rawps, cpu, p50, p99, res, ok, n, la }')")
        unset R
done

echo
echo "| runtime | raw pods/s | jobd pods/s | ratio (≥ 0.8) | jobd CPU ms/pod (≤ 10) | start p50 ms (≤ 150) | p99 ms (≤ 500) | Job | load 1m before/after |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in "${rows[@]}"; do echo "$r"; done
echo
echo "raw = \`<runtime> run\` ×$N via xargs -P$P in a private mount namespace, same bundle, no conmon;"
echo "jobd = Job create → Complete condition seen on a watch; CPU = server process utime+stime"
echo "(children excluded) over create → Complete + 1 s, minus its idle rate; start latency ="
echo "pod first seen on a pod watch → first event with the container running/terminated."
exit $rc
