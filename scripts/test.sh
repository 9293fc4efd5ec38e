#!/usr/bin/env bash
# test.sh — the README's test command: installs dependencies, builds the sanitizer
# variant (ASan + UBSan), then runs unit tests, fuzz-corpus replay and the integration
# tests that drive the real kubectl against a real jobd server.  The last line is the
# total "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh || exit 1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
JOBS=$(nproc 2>/dev/null || echo 2)
if ! make -s V=asan -j"$JOBS" all unit fuzz-replay; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
add_counts() { # parse "N passed, N failed" from the last matching line of $1
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + $(echo "$line" | awk '{print $1}')))
  failed=$((failed + $(echo "$line" | awk '{print $3}')))
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "== unit tests"
for t in build/asan/tests/test_*; do
  [ -x "$t" ] || continue
  if "$t" >"$out" 2>&1; then rc=0; else rc=$?; fi
  printf '  %-28s %s\n' "$(basename "$t")" "$(tail -n 1 "$out")"
  [ $rc -eq 0 ] || sed 's/^/    /' "$out" | tail -n 40
  if [ $rc -ne 0 ] && ! grep -qE '^[0-9]+ passed, [1-9]' "$out"; then failed=$((failed + 1)); fi
  add_counts "$out"
done

echo "== fuzz corpus replay"
for f in build/asan/fuzz/fuzz_*-replay; do
  [ -x "$f" ] || continue
  name=$(basename "$f" -replay); name=${name#fuzz_}
  if "$f" "fuzz/corpus/$name" >"$out" 2>&1; then
    printf '  %-28s %s\n' "$name" "$(tail -n 1 "$out")"
    add_counts "$out"
  else
    printf '  %-28s CRASH\n' "$name"; tail -n 30 "$out"; failed=$((failed + 1))
  fi
done

echo "== integration tests (real kubectl, jobd built with ASan+UBSan)"
for t in tests/integration/test_*.py; do
  if python3 "$t" >"$out" 2>&1; then rc=0; else rc=$?; fi
  printf '  %-28s %s\n' "$(basename "$t")" "$(tail -n 1 "$out")"
  [ $rc -eq 0 ] || sed 's/^/    /' "$out" | tail -n 60
  if [ $rc -ne 0 ] && ! grep -qE '^[0-9]+ passed, [1-9]' "$out"; then failed=$((failed + 1)); fi
  add_counts "$out"
done

echo "== console end-to-end tests (headless Chromium)"
if tests/console/run.sh >"$out" 2>&1; then rc=0; else rc=$?; fi
printf '  %-28s %s\n' "console" "$(tail -n 1 "$out")"
[ $rc -eq 0 ] || sed 's/^/    /' "$out" | tail -n 80
if [ $rc -ne 0 ] && ! grep -qE '^[0-9]+ passed, [1-9]' "$out"; then failed=$((failed + 1)); fi
add_counts "$out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
