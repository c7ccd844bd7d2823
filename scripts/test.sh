#!/usr/bin/env bash
# The test command (README): installs what the tests need, then runs them all.
# Browser tests need Debian's Chromium and axe-core; both are installed here when
# missing, so a fresh machine and CI run them too (they are never skipped there).
set -euo pipefail
cd "$(dirname "$0")/.."

# A virtual environment of the project's own (system Pythons may refuse pip installs: PEP 668).
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
    python3 -m venv .venv
fi
"$PY" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

apt_install() {  # Debian packages the tests need, installed once (root here; sudo elsewhere)
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! command -v chromium >/dev/null 2>&1; then
    echo "Installing Chromium (Debian package) for the browser tests..."
    apt_install chromium
fi
if [ -f tests/browser/package.json ] && [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "Installing npm (Debian package) to install axe-core..."
        apt_install npm
    fi
    echo "Installing axe-core for the accessibility tests..."
    (cd tests/browser && npm install --no-audit --no-fund --silent)
fi

exec "$PY" -m pytest "$@"
