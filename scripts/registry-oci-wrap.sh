#!/usr/bin/env bash
# registry-oci-wrap.sh ROOTFS.tar OUTDIR [CMD...] — wraps a plain rootfs tarball into a
# one-layer OCI image layout (gzip layer, linux/amd64 config with PATH and CMD, manifest,
# index.json naming it "latest"), which skopeo can push to a registry:
#   skopeo copy --preserve-digests --dest-tls-verify=false oci:OUTDIR:latest docker://HOST/NAME:TAG
# Deterministic (gzip -n, the tarball's own mtime as "created") so the same rootfs gives
# the same digests, which keeps registries and stores from filling with copies.
set -euo pipefail

tar=${1:?usage: registry-oci-wrap.sh ROOTFS.tar OUTDIR [CMD...]}
out=${2:?usage: registry-oci-wrap.sh ROOTFS.tar OUTDIR [CMD...]}
shift 2
cmd_json='["sh"]'
if [ $# -gt 0 ]; then
  cmd_json=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out.tmp"
mkdir -p "$out.tmp/blobs/sha256"
put() { # file → "sha256:<hex> <size>", stored as a blob
  local h s
  h=$(sha256sum "$1" | cut -d' ' -f1)
  s=$(stat -c %s "$1")
  mv "$1" "$out.tmp/blobs/sha256/$h"
  echo "sha256:$h $s"
}
diff_id=sha256:$(sha256sum "$tar" | cut -d' ' -f1)
gzip -n -6 -c "$tar" >"$work/layer"
read -r layer_digest layer_size < <(put "$work/layer")
created=$(date -u -d "@$(stat -c %Y "$tar")" +%Y-%m-%dT%H:%M:%SZ)
printf '{"architecture":"amd64","os":"linux","created":"%s","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["%s"]},"history":[{"created":"%s","created_by":"jobd scripts/registry-oci-wrap.sh %s"}]}' \
  "$created" "$cmd_json" "$diff_id" "$created" "$(basename "$tar")" >"$work/config"
read -r config_digest config_size < <(put "$work/config")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$work/manifest"
read -r manifest_digest manifest_size < <(put "$work/manifest")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"},"platform":{"architecture":"amd64","os":"linux"}}]}' \
  "$manifest_digest" "$manifest_size" >"$out.tmp/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$out.tmp/oci-layout"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$manifest_digest $layer_size"
