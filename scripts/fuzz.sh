#!/usr/bin/env bash
# make fuzz: run every Fuzz target for FUZZTIME each (default 30s). Crashers are kept by Go
# under the package's testdata/fuzz/, where the normal `go test` then replays them.
set -euo pipefail
fuzztime=${FUZZTIME:-30s}
grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u | while read -r pkg; do
	for target in $(grep -h '^func Fuzz' "$pkg"/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do
		echo "== $pkg $target ($fuzztime)"
		go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"
	done
done
