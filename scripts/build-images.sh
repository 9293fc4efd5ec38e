#!/usr/bin/env bash
# build-images.sh DIR — builds, offline, the rootfs tarballs the tests and the guide's Job
# run on: DIR/busybox.tar (Debian's busybox-static with every applet linked) and
# DIR/perl.tar (the host's Debian perl: the binary, the shared libraries ldd names, the
# perl-base library tree and the modules `perl -Mbignum=bpi -wle 'print bpi(2000)'` loads,
# found through %INC).  Import them with `jobd image import DIR/busybox.tar --name busybox`
# or drop them into <data-dir>/images/ (the agent imports "NAME.tar" as NAME at start).
# Idempotent: an existing tarball newer than its inputs is kept.
set -euo pipefail

out=${1:?usage: build-images.sh DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

skeleton() { # $1 = rootfs
  mkdir -p "$1"/{bin,etc,tmp,proc,sys,dev,root,var/tmp,usr/bin}
  chmod 1777 "$1/tmp" "$1/var/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$1/etc/group"
}

pack() { # $1 = rootfs, $2 = tarball
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$1" -cf "$2.tmp" .
  mv "$2.tmp" "$2"
}

# --- busybox ---
bb=/bin/busybox
[ -x "$bb" ] || bb=/usr/bin/busybox
[ -x "$bb" ] || { echo "build-images: busybox-static is not installed" >&2; exit 1; }
if [ ! -s "$out/busybox.tar" ] || [ "$bb" -nt "$out/busybox.tar" ]; then
  r="$work/busybox"
  skeleton "$r"
  cp "$bb" "$r/bin/busybox"
  for a in $("$bb" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
  done
  pack "$r" "$out/busybox.tar"
  echo "build-images: $out/busybox.tar"
fi

# --- perl ---
perl=/usr/bin/perl
if [ ! -s "$out/perl.tar" ] || [ "$perl" -nt "$out/perl.tar" ]; then
  r="$work/perl"
  skeleton "$r"
  copy() { # copy a host path (following links) to the same path inside the rootfs
    local src=$1
    mkdir -p "$r$(dirname "$src")"
    cp -L "$src" "$r$src"
  }
  copy "$perl"
  for lib in $(ldd "$perl" | grep -o '/[^ ]*'); do copy "$lib"; done
  # the perl-base tree (XS modules' .so files live under auto/)
  base=$(perl -MConfig -e 'print $Config{privlibexp}')
  for d in /usr/lib/x86_64-linux-gnu/perl-base "$base"; do
    [ -d "$d" ] && { mkdir -p "$r$d"; cp -a "$d/." "$r$d/"; }
  done
  # every module the pi one-liner loads, and the shared objects they pull in
  perl -Mbignum=bpi -we 'my $x = bpi(30); END { print "$_\n" for values %INC }' |
    while read -r m; do copy "$m"; done
  find "$r" -name '*.so' -print0 2>/dev/null | while IFS= read -r -d '' so; do
    for lib in $(ldd "$so" 2>/dev/null | grep -o '/[^ ]*' || true); do
      [ -e "$r$lib" ] || copy "$lib"
    done
  done
  # Debian 12's bignum 0.65 leaves Math::BigFloat's downgrading on inside bpi(), which
  # dies for more than ~1000 digits ("Can't use an undefined value as an ARRAY
  # reference at .../Math/BigInt/Calc.pm"); later releases switch it off as well.
  for bn in "$r"/usr/share/perl/*/bignum.pm; do
    [ -f "$bn" ] || continue
    perl -0pi -e 's/(sub bpi \(\$\) \{\n(\s*)my \$up = Math::BigFloat -> upgrade\(\);[^\n]*\n)(\s*Math::BigFloat -> upgrade\(undef\);[^\n]*\n)(\s*my \$x = Math::BigFloat -> bpi\(\@_\);\n)(\s*Math::BigFloat -> upgrade\(\$up\);[^\n]*\n)/$1$2my \$down = Math::BigFloat -> downgrade();\n$3$2Math::BigFloat -> downgrade(undef);\n$4$5$2Math::BigFloat -> downgrade(\$down);\n/' "$bn"
  done
  pack "$r" "$out/perl.tar"
  echo "build-images: $out/perl.tar"
fi
