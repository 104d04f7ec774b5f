#!/usr/bin/env bash
# Browser tests: build vanban, install playwright-core, and run the scenarios in Debian's
# Chromium against `vanban serve --demo` on a temp SQLite database (started and stopped by the
# tests themselves). Screenshots go to tests/browser/artefacts/ (or $VANBAN_ARTEFACTS).
# A missing Chromium is installed with apt-get (as root); anything missing or failing fails
# the run, with no silent skip.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/vanban-target}"

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "browser tests: installing Debian's chromium"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    [ -x /usr/bin/chromium ] || { echo "browser tests: /usr/bin/chromium is missing (apt-get install chromium)" >&2; exit 1; }
fi
command -v node >/dev/null && command -v npm >/dev/null ||
    { echo "browser tests: Node.js 20+ and npm are needed" >&2; exit 1; }

(cd ../.. && cargo build --quiet --bin vanban)
npm ci --no-audit --no-fund --loglevel=error

# Last run's screenshots cleared once here: a test file that cleared them itself wiped the
# other file's (the every-page check's `pages/`), whichever ran first.
rm -rf "${VANBAN_ARTEFACTS:-artefacts}"

# Node's test runner; --test-concurrency=1: the scenarios share one server and one browser.
node --test --test-concurrency=1 --test-reporter=spec scenarios.test.mjs pages.test.mjs
