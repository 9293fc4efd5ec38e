#!/usr/bin/env bash
# registry-pull.sh — pull a ~100 MB multi-layer image from a loopback docker-registry with
# jobd (download + verify + decompress + unpack into the image store) and with
# `skopeo copy docker://… oci:DIR` (download + verify + write blobs, no unpacking) in the
# same run, alternating, ROUNDS times each on a fresh destination.  Prints the median wall
# times, their ratio (target: jobd/skopeo <= 1), and jobd's unpack throughput
# (uncompressed layer bytes / jobd wall time) and download throughput.
# skopeo does not unpack, so a like-for-like baseline is timed too: skopeo copy followed
# by `umoci raw unpack` (Debian's umoci: OCI layers → rootfs with whiteouts), which is
# what a pull-then-unpack runtime does.
# The image's layers are real files from this machine (gcc's and python's library trees,
# perl's modules, /usr/bin binaries), tarred and gzip -6'd as docker does.
# Not a test: never part of scripts/test.sh.  Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}  # each round keeps ~1 GB on disk until the end
work=$(mktemp -d /tmp/jobd-bench-registry.XXXXXX)
reg_pid=
cleanup() { [ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

make -s -j"$(nproc)" build/bench/registry_pull
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
host=127.0.0.1:$port
cat >"$work/config.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: $host}
YAML
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 1 200); do curl -sf "http://$host/v2/" >/dev/null && break; sleep 0.05; done

# --- the image: one layer per tree, OCI layout written here, pushed digest-preserving ---
python3 - "$work/oci" "$work/rawsize" <<'PY'
import hashlib, json, os, subprocess, sys, tarfile
out, rawsize_file = sys.argv[1], sys.argv[2]
trees = [("usr/lib/gcc", 60 << 20), ("usr/lib/python3.11", 60 << 20), ("usr/share/perl", 30 << 20),
         ("usr/bin", 120 << 20), ("usr/share/locale", 40 << 20)]
os.makedirs(f"{out}/blobs/sha256")
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{h}", "wb").write(data)
    return "sha256:" + h, len(data)
layers, diffs, raw_total = [], [], 0
for tree, budget in trees:   # cap each tree's raw size so the image stays ~100 MB
    tar_path = f"{out}.layer.tar"
    used = 0
    with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as t:
        for root, dirs, files in os.walk("/" + tree):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                if used + st.st_size > budget:
                    continue
                used += st.st_size
                t.add(p, arcname=p[1:], recursive=False)
    raw = open(tar_path, "rb").read()
    os.unlink(tar_path)
    raw_total += len(raw)
    gz = subprocess.run(["gzip", "-6", "-n", "-c"], input=raw, capture_output=True, check=True).stdout
    d, s = blob(gz)
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": s})
    diffs.append("sha256:" + hashlib.sha256(raw).hexdigest())
cfg = {"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},
       "rootfs": {"type": "layers", "diff_ids": diffs}}
cd, cs = blob(json.dumps(cfg).encode())
man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
       "layers": layers}
md, ms = blob(json.dumps(man).encode())
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "latest"}}]},
          open(f"{out}/index.json", "w"))
open(f"{out}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
open(rawsize_file, "w").write(str(raw_total))
print(f"image: {len(layers)} layers, {sum(l['size'] for l in layers)/1e6:.1f} MB compressed, "
      f"{raw_total/1e6:.1f} MB uncompressed")
PY
skopeo copy --quiet --preserve-digests --insecure-policy --dest-tls-verify=false \
  "oci:$work/oci:latest" "docker://$host/bench/big:v1"
compressed=$(python3 -c "import json,sys; d=json.load(open('$work/oci/index.json'))['manifests'][0]['digest'][7:]; m=json.load(open('$work/oci/blobs/sha256/'+d)); print(sum(l['size'] for l in m['layers']))")
raw=$(cat "$work/rawsize")
printf 'configs:\n  "%s":\n    insecure: true\n' "$host" >"$work/registries.yaml"

now() { date +%s.%N; }
jobd_t=() skopeo_t=() full_t=()
# Every round writes to fresh directories and nothing is deleted until the end: removing
# a 300 MB tree just before a timed run makes ext4 skip its recently freed inodes
# (recently_deleted()), a cost a node pulling an image does not pay.
for r in $(seq 1 "$ROUNDS"); do
  mkdir -p "$work/data-$r"; cp "$work/registries.yaml" "$work/data-$r/"
  sync
  t0=$(now); build/bench/registry_pull image pull --quiet --data-dir "$work/data-$r" "$host/bench/big:v1" >/dev/null; t1=$(now)
  jobd_t+=("$(echo "$t1 - $t0" | bc -l)")
  sync
  t0=$(now); skopeo copy --quiet --insecure-policy --src-tls-verify=false "docker://$host/bench/big:v1" "oci:$work/skopeo-$r:latest"; t1=$(now)
  skopeo_t+=("$(echo "$t1 - $t0" | bc -l)")
  if command -v umoci >/dev/null; then
    sync
    t0=$(now)
    skopeo copy --quiet --insecure-policy --src-tls-verify=false "docker://$host/bench/big:v1" "oci:$work/skopeo-u$r:latest"
    umoci raw unpack --image "$work/skopeo-u$r:latest" "$work/rootfs-$r" >/dev/null 2>&1
    t1=$(now)
    full_t+=("$(echo "$t1 - $t0" | bc -l)")
  fi
  printf 'round %d: jobd %.2fs  skopeo %.2fs  skopeo+umoci %s\n' "$r" "${jobd_t[-1]}" "${skopeo_t[-1]}" "${full_t[-1]:-n/a}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
best() { printf '%s\n' "$@" | sort -g | head -n 1; }
jm=$(median "${jobd_t[@]}"); sm=$(median "${skopeo_t[@]}")
printf 'best of %d (least disturbed by other load): jobd %.2fs, skopeo %.2fs, ratio %.2f\n' "$ROUNDS" \
  "$(best "${jobd_t[@]}")" "$(best "${skopeo_t[@]}")" "$(echo "$(best "${jobd_t[@]}") / $(best "${skopeo_t[@]}")" | bc -l)"
printf 'jobd image pull (download+verify+unpack): median %.2fs over %d rounds\n' "$jm" "$ROUNDS"
printf 'skopeo copy docker:// oci: (download+verify): median %.2fs\n' "$sm"
printf 'ratio jobd/skopeo wall time: %.2f (target <= 1.0; skopeo does not unpack)\n' "$(echo "$jm / $sm" | bc -l)"
if [ ${#full_t[@]} -gt 0 ]; then
  fm=$(median "${full_t[@]}")
  printf 'skopeo copy + umoci raw unpack: median %.2fs; ratio jobd/(skopeo+umoci): %.2f\n' "$fm" "$(echo "$jm / $fm" | bc -l)"
fi
decomp=igzip; command -v igzip >/dev/null || decomp=pigz; command -v pigz >/dev/null || decomp=gzip
printf 'gzip layers inflated by %s (the first of igzip, pigz, gzip that is installed)\n' "$decomp"
printf 'jobd unpack throughput: %.0f MB/s uncompressed (%.1f MB in %.2fs), download %.0f MB/s compressed\n' \
  "$(echo "$raw / 1000000 / $jm" | bc -l)" "$(echo "$raw / 1000000" | bc -l)" "$jm" \
  "$(echo "$compressed / 1000000 / $jm" | bc -l)"
