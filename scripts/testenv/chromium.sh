#!/usr/bin/env bash
# Provisions the browser tests (DashboardBrowserIT): Debian's Chromium and playwright-core from npm.
# Idempotent and quiet; downloads only from Debian's and npm's registries (never a browser build of
# Playwright's own: tests-browser/ uses playwright-core with executablePath /usr/bin/chromium).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

command -v node >/dev/null || { echo "chromium.sh: node (Node.js) is required for tests-browser/" >&2; exit 1; }

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -d tests-browser/node_modules/playwright-core ] \
   || [ tests-browser/package-lock.json -nt tests-browser/node_modules/.package-lock.json ]; then
  (cd tests-browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

/usr/bin/chromium --version >/dev/null 2>&1 || { echo "chromium.sh: /usr/bin/chromium does not start" >&2; exit 1; }
echo "chromium.sh: $(/usr/bin/chromium --version 2>/dev/null), playwright-core $(node -p "require('./tests-browser/node_modules/playwright-core/package.json').version")"
