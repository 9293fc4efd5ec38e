#!/usr/bin/env bash
# build-perl-image.sh OUTDIR — the guide's `perl` image as an OCI image layout, offline.
#
# The rootfs is the one scripts/build-images.sh makes from the host's Debian perl (the
# binary, the shared libraries ldd names, perl-base and every module
# `perl -Mbignum=bpi -wle 'print bpi(2000)'` loads, found through %INC, with Debian 12's
# bignum bpi() fix), so the registry image and the imported one never drift apart; this
# script wraps it as a registry wants it (scripts/registry-oci-wrap.sh: one gzip layer,
# linux/amd64 config, Cmd like the official image's).  Push it with e.g.
#   skopeo copy --preserve-digests --dest-tls-verify=false oci:OUTDIR:latest \
#     docker://127.0.0.1:5000/library/perl:latest
# Idempotent: an OUTDIR newer than /usr/bin/perl and the scripts is kept.
set -euo pipefail

out=${1:?usage: build-perl-image.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
if [ -s "$out/index.json" ] && [ "$out/index.json" -nt /usr/bin/perl ] &&
   [ "$out/index.json" -nt "$0" ] && [ "$out/index.json" -nt "$here/build-images.sh" ] &&
   [ "$out/index.json" -nt "$here/registry-oci-wrap.sh" ]; then
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/build-images.sh" "$work" >/dev/null
touch -r /usr/bin/perl "$work/perl.tar" # "created" = the perl build: same input, same digest
version=$(perl -e 'printf "%vd", $^V')
read -r digest size < <("$here/registry-oci-wrap.sh" "$work/perl.tar" "$out" "perl$version" -de0)
echo "build-perl-image: $out (perl $version, layer $size bytes, manifest $digest)"
