#!/usr/bin/env bash
# Installs what the tests need beyond Go: Debian's chromium for the report tests (headless, driven
# by chromedp). A no-op when it is already there; needs root (or sudo) on Debian/Ubuntu otherwise.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -n "${GLUELENS_CHROMIUM:-}" ]; then
	exit 0
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "installing Debian's chromium for the report tests" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
