#!/usr/bin/env bash
# run-example.sh — the README's first command: installs what jobd needs, builds it, starts
# `jobd server` on its defaults (127.0.0.1:6443, data in /var/lib/jobd unless JOBD_DATA_DIR
# is set) and runs the guide's example Job, examples/pi.yaml, with the real kubectl.
# The server keeps running afterwards so you can go on using it; the script prints how.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${JOBD_DATA_DIR:-/var/lib/jobd}
PORT=${JOBD_PORT:-6443}
scripts/install-deps.sh
make -s -j"$(nproc)" build/jobd

if [ -f "$DATA/jobd.pid" ] && kill -0 "$(cat "$DATA/jobd.pid")" 2>/dev/null; then
  echo "stopping the jobd server started earlier (pid $(cat "$DATA/jobd.pid"))"
  kill "$(cat "$DATA/jobd.pid")"
  while kill -0 "$(cat "$DATA/jobd.pid")" 2>/dev/null; do sleep 0.1; done
fi
mkdir -p "$DATA"
out=$(mktemp)
nohup build/jobd server --data-dir "$DATA" --port "$PORT" >"$out" 2>"$DATA/jobd.log" &
echo $! >"$DATA/jobd.pid"
for _ in $(seq 100); do
  grep -q LISTENING "$out" && break
  kill -0 "$(cat "$DATA/jobd.pid")" 2>/dev/null || { cat "$DATA/jobd.log"; exit 1; }
  sleep 0.1
done
rm -f "$out"
export KUBECONFIG="$DATA/kubeconfig"

echo "+ kubectl delete job pi --ignore-not-found"
kubectl delete job pi --ignore-not-found
echo "+ kubectl create -f examples/pi.yaml"
kubectl create -f examples/pi.yaml
echo "+ kubectl get job pi"
kubectl get job pi
echo "+ kubectl describe job pi"
kubectl describe job pi
echo "+ kubectl get pods -l job-name=pi -o wide"
kubectl get pods -l job-name=pi -o wide

cat <<MSG

jobd server is running (pid $(cat "$DATA/jobd.pid"), log $DATA/jobd.log).
Use it with:   export KUBECONFIG=$DATA/kubeconfig; kubectl get jobs
Stop it with:  kill \$(cat $DATA/jobd.pid)
MSG
