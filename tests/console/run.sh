#!/usr/bin/env bash
# run.sh — the console's end-to-end tests in headless Chromium.  Builds nothing: it
# runs against JOBD_BIN (default build/asan/jobd, which scripts/test.sh builds first).
# The last line is "N passed, N failed"; the exit code is non-zero on any failure.
#   tests/console/run.sh [name-substring]        run all tests, or those matching
#   SCREENSHOTS=docs/console tests/console/run.sh also refresh the README screenshots
set -uo pipefail
cd "$(dirname "$0")/../.."
JOBD_BIN=${JOBD_BIN:-build/asan/jobd}
fail() { echo "console: $*"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$JOBD_BIN" ] || fail "$JOBD_BIN is not built (make V=asan, or set JOBD_BIN)"
command -v node >/dev/null || fail "node is not installed (scripts/install-deps.sh)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "chromium is not installed (scripts/install-deps.sh)"
[ -d tests/console/node_modules/playwright-core ] || fail "playwright-core is not installed (scripts/install-deps.sh)"
export JOBD_BIN
# ASan: leaks are real failures, but the report must not abort the server mid-test
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
exec node tests/console/run.mjs "$@"
