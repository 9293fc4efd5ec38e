#!/usr/bin/env bash
# run-example.sh — the README's first command: installs what jobd needs, builds it, starts a
# real OCI registry on loopback (Debian's docker-registry) holding a `perl` image built
# offline from Debian's perl (scripts/registry-local.sh), starts `jobd server` on its
# defaults (127.0.0.1:6443, data in /var/lib/jobd unless JOBD_DATA_DIR is set) with
# docker.io mirrored to that registry, and runs the guide's example Job — examples/pi.yaml,
# verbatim: `image: perl`, pulled as docker.io/library/perl:latest with policy Always — end
# to end with the real kubectl.  Server and registry keep running afterwards so you can go
# on using them; the script prints how.
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
scripts/registry-local.sh stop "$DATA/registry"
scripts/registry-local.sh start "$DATA/registry" | tail -n 1
cp "$DATA/registry/registries.yaml" "$DATA/registries.yaml" # docker.io → the local registry
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
echo "+ kubectl wait --for=condition=complete job/pi --timeout=300s"
kubectl wait --for=condition=complete job/pi --timeout=300s
echo "+ kubectl get job pi"
kubectl get job pi
echo "+ kubectl get pods -l job-name=pi -o wide"
kubectl get pods -l job-name=pi -o wide
echo "+ kubectl logs job/pi | fold -w 72 | head -n 3"
kubectl logs job/pi | fold -w 72 | head -n 3

cat <<MSG

jobd server is running (pid $(cat "$DATA/jobd.pid"), log $DATA/jobd.log).
Use it with:   export KUBECONFIG=$DATA/kubeconfig; kubectl get jobs
Console:       http://127.0.0.1:$PORT/console/
Stop it with:  kill \$(cat $DATA/jobd.pid); scripts/registry-local.sh stop $DATA/registry
MSG
