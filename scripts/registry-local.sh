#!/usr/bin/env bash
# registry-local.sh start DIR [PORT] | stop DIR — a real OCI registry on loopback holding
# the guide's perl image (and busybox), for the README's first command and for tests.
#
# start: runs Debian's docker-registry on 127.0.0.1:PORT (default: a free port) with its
# config and storage under DIR, pushes scripts/build-perl-image.sh's image as
# library/perl:latest and the busybox rootfs as library/busybox:latest with skopeo, and
# writes DIR/registries.yaml mirroring docker.io to it — copy that file into jobd's data
# dir and `image: perl` resolves to docker.io/library/perl:latest, served locally.
# Prints "REGISTRY 127.0.0.1:PORT" last.  stop: ends the registry started in DIR.
# Nothing here touches the network beyond 127.0.0.1.
set -euo pipefail

verb=${1:?usage: registry-local.sh start DIR [PORT] | stop DIR}
dir=${2:?usage: registry-local.sh start DIR [PORT] | stop DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [ "$verb" = stop ]; then
  if [ -s "$dir/registry.pid" ]; then
    pid=$(cat "$dir/registry.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$dir/registry.pid"
  fi
  exit 0
fi
[ "$verb" = start ] || { echo "usage: registry-local.sh start DIR [PORT] | stop DIR" >&2; exit 2; }
for t in docker-registry skopeo; do
  command -v "$t" >/dev/null || { echo "registry-local: $t is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done
port=${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
host=127.0.0.1:$port

if [ -s "$dir/registry.pid" ] && kill -0 "$(cat "$dir/registry.pid")" 2>/dev/null; then
  "$0" stop "$dir"
fi
cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: $host
YAML
setsid docker-registry serve "$dir/config.yml" >>"$dir/registry.log" 2>&1 </dev/null &
echo $! >"$dir/registry.pid"
up=
for _ in $(seq 1 200); do
  if curl -sf "http://$host/v2/" >/dev/null 2>&1; then up=1; break; fi
  kill -0 "$(cat "$dir/registry.pid")" 2>/dev/null || break
  sleep 0.05
done
[ -n "$up" ] || { echo "registry-local: docker-registry did not come up on $host:" >&2; tail -5 "$dir/registry.log" >&2; exit 1; }

push() { # layout name
  skopeo copy --quiet --preserve-digests --insecure-policy --dest-tls-verify=false \
    "oci:$1:latest" "docker://$host/$2"
}
"$here/build-perl-image.sh" "$dir/oci-perl" >/dev/null
push "$dir/oci-perl" library/perl:latest
if ! [ "$dir/oci-busybox/index.json" -nt /bin/busybox ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$here/build-images.sh" "$work" >/dev/null
  touch -r /bin/busybox "$work/busybox.tar"
  "$here/registry-oci-wrap.sh" "$work/busybox.tar" "$dir/oci-busybox" sh >/dev/null
fi
push "$dir/oci-busybox" library/busybox:latest

cat >"$dir/registries.yaml" <<YAML
# docker.io is served by the loopback registry started by scripts/registry-local.sh
mirrors:
  docker.io:
    endpoint:
      - "http://$host"
    disable_default_endpoint: true
configs:
  "$host":
    insecure: true
YAML
echo "REGISTRY $host"
