#!/usr/bin/env bash
# Runs a project script under Node >= 22.12 (wrangler, miniflare and vitest 5 need it).
# When the machine's Node is older, a Node 24 binary is installed from the npm registry
# into .tools/ (git-ignored) — the platform package ships the binary, no download step.
# Then dependencies are installed if missing, and the script runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if ! node_ok; then
  platform="$(uname -s | tr '[:upper:]' '[:lower:]')"
  arch="$(uname -m)"
  case "$arch" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; esac
  tools="$root/.tools"
  bin="$tools/node_modules/node-$platform-$arch/bin"
  if [ ! -x "$bin/node" ]; then
    echo "steno: Node $(node --version 2>/dev/null || echo none) is too old; installing Node 24 into .tools/ ..." >&2
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund \
      "node-$platform-$arch@24" >&2
  fi
  export PATH="$bin:$PATH"
  node_ok || { echo "steno: could not get Node >= 22.12" >&2; exit 1; }
fi

# Install dependencies when missing or older than the lockfile. Under a lock, and checked again
# once it is held: scripts started together (a test run and a benchmark) must not run two
# `npm ci` at once, each deleting the node_modules the other is filling.
needs_install() {
  [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] ||
    { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }
}
if needs_install; then
  exec 9>"$root/.install.lock"
  command -v flock >/dev/null 2>&1 && flock 9
  if needs_install; then
    echo "steno: installing dependencies ..." >&2
    if [ -f package-lock.json ]; then
      npm ci --no-audit --no-fund >&2
    else
      npm install --no-audit --no-fund >&2
    fi
  fi
  exec 9>&-
fi

exec node "$@"
