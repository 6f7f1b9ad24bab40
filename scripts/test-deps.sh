#!/usr/bin/env bash
# Installs what the tests need beyond Go: Debian's chromium for the report tests (headless, driven
# by chromedp), jq (the subnet advice's re-pointing lines run in a test), and dynalite (npm), the DynamoDB-compatible server of the launch-gate tests, into
# .cache/node (ignored by git). Each is a no-op when already there; the apt installs need root (or
# sudo) on Debian/Ubuntu otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if ! command -v chromium >/dev/null 2>&1 && [ -z "${GLUELENS_CHROMIUM:-}" ]; then
	echo "installing Debian's chromium for the report tests" >&2
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "installing Debian's jq for the pasteable re-pointing lines' test" >&2
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends jq >/dev/null
fi
if [ -z "${GLUELENS_DYNALITE:-}" ] && [ ! -f "$root/.cache/node/node_modules/dynalite/package.json" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "installing Debian's nodejs and npm for dynalite" >&2
		$sudo apt-get update -qq
		$sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
	fi
	echo "installing dynalite into .cache/node for the DynamoDB tests" >&2
	npm install --prefix "$root/.cache/node" --no-audit --no-fund --loglevel=error dynalite@4.0.0 >/dev/null
fi
