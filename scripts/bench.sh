#!/usr/bin/env bash
# make bench: end-to-end benchmarks of the gluelens binary against reference tools, printed as one
# table. Each section is a function bench_<name>; SECTIONS lists them in the order they run. To add
# a section, write its function below the existing ones and append its name to SECTIONS.
#
# Environment: BIN (default bin/gluelens), BENCH_OUT (default bench-out), BENCH_SIZE (decompressed
# size of the CloudTrail corpus, default 1GiB), BENCH_SEED (default 1), BENCH_SECTIONS (override the
# list, e.g. "cloudtrail").
set -euo pipefail

BIN=${BIN:-bin/gluelens}
OUT=${BENCH_OUT:-bench-out}
SIZE=${BENCH_SIZE:-1GiB}
SEED=${BENCH_SEED:-1}
SECTIONS=(${BENCH_SECTIONS:-cloudtrail})
RESULTS="$OUT/results.tsv"

# ensure_time installs GNU time when /usr/bin/time -v is missing.
ensure_time() {
	if /usr/bin/time -v true >/dev/null 2>&1; then
		return
	fi
	echo "installing GNU time (package 'time')" >&2
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && apt-get install -y -qq time >/dev/null
	else
		sudo apt-get update -qq && sudo apt-get install -y -qq time >/dev/null
	fi
}

# timed SECTION LABEL CMD...: runs CMD under /usr/bin/time -v, keeps its stdout in
# $OUT/<section>-<n>.out, and appends wall seconds and max RSS to the results table.
timed() {
	local section=$1 label=$2
	shift 2
	local n
	n=$(($(wc -l <"$RESULTS") + 1))
	local log="$OUT/$section-$n.time" out="$OUT/$section-$n.out"
	echo "[$section] $label" >&2
	if ! /usr/bin/time -v -o "$log" "$@" >"$out"; then
		echo "[$section] $label FAILED (see $out, $log)" >&2
	fi
	local wall rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$log")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")
	printf '%s\t%s\t%s\t%s\t%s\n' "$section" "$label" "$wall" "$rss" "$out" >>"$RESULTS"
}

# corpus_cloudtrail generates the CloudTrail corpus once; a marker file records what was generated
# so a different BENCH_SIZE or BENCH_SEED regenerates it.
corpus_cloudtrail() {
	local dir="$OUT/cloudtrail" marker="$OUT/cloudtrail.done"
	local want="size=$SIZE seed=$SEED eni-share=0.005"
	if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
		echo "[cloudtrail] reusing corpus in $dir ($want)" >&2
		return
	fi
	rm -rf "$dir" "$marker"
	echo "[cloudtrail] generating corpus ($want)" >&2
	/usr/bin/time -f '[cloudtrail] generated in %e s, max RSS %M KiB' \
		"$BIN" synth cloudtrail-bench --out "$dir" --size "$SIZE" --seed "$SEED" --eni-share 0.005 >&2
	echo "$want" >"$marker"
}

# bench_cloudtrail: gluelens ingest vs DuckDB's read_json vs plain parallel gunzip, same files.
bench_cloudtrail() {
	corpus_cloudtrail
	local dir="$OUT/cloudtrail"
	local gz
	gz=$(du -sb "$dir" | cut -f1)
	echo "[cloudtrail] corpus: $(find "$dir" -name '*.json.gz' | wc -l) files, $((gz / 1024 / 1024)) MiB gzip" >&2

	rm -f "$OUT/ct.duckdb" "$OUT/ct.duckdb.wal"
	timed cloudtrail "gluelens ingest (fresh DB)" "$BIN" --db "$OUT/ct.duckdb" ingest --force --quiet "$dir"

	local sql="SELECT count(*) AS eni_records FROM (
  SELECT unnest(Records) AS r
  FROM read_json('$dir/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz',
    format = 'auto', compression = 'gzip', maximum_object_size = 1073741824,
    columns = {Records: 'STRUCT(eventID VARCHAR, eventTime VARCHAR, eventName VARCHAR, eventSource VARCHAR, awsRegion VARCHAR, recipientAccountId VARCHAR, errorCode VARCHAR, errorMessage VARCHAR, requestParameters JSON, responseElements JSON, userIdentity JSON)[]'}))
WHERE r.eventSource = 'ec2.amazonaws.com'
  AND r.eventName IN ('CreateNetworkInterface', 'DeleteNetworkInterface', 'AttachNetworkInterface', 'DetachNetworkInterface')"
	timed cloudtrail "DuckDB read_json + unnest + filter" "$BIN" --db :memory: query "$sql" --format csv

	timed cloudtrail "gunzip -dc, $(nproc) parallel" sh -c "find '$dir' -name '*.gz' -print0 | xargs -0 -P $(nproc) -n 64 gzip -dc > /dev/null"

	local kept duck
	kept=$("$BIN" --db "$OUT/ct.duckdb" query "SELECT count(*) FROM eni_events" --format csv | tail -n 1)
	duck=$(tail -n 1 "$(awk -F'\t' '$2 ~ /^DuckDB/ {f = $5} END {print f}' "$RESULTS")")
	echo "[cloudtrail] ENI records: gluelens eni_events=$kept, DuckDB count=$duck (duplicate eventIDs are kept once by gluelens)" >&2
}

print_results() {
	echo
	printf '%-12s %-40s %10s %12s\n' section run wall_s max_rss_MiB
	awk -F'\t' '{printf "%-12s %-40s %10s %12s\n", $1, $2, $3, $4}' "$RESULTS"
}

main() {
	if [ ! -x "$BIN" ]; then
		echo "bench: $BIN not found; run make build" >&2
		exit 1
	fi
	ensure_time
	mkdir -p "$OUT"
	: >"$RESULTS"
	echo "bench: $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%M:%SZ), $("$BIN" --version)" >&2
	for s in "${SECTIONS[@]}"; do
		"bench_$s"
	done
	print_results
}

main "$@"
