#!/usr/bin/env bash
# measure-scale.sh: where one machine stops (docs/scale-out.md). For each --scale of
# `gluelens synth week` (default 1 4 16) it generates the week, ingests it into a fresh database,
# times the ENI analysis commands, exports an evidence pack and loads it back; then it ingests
# `synth cloudtrail-bench` corpora of growing size for the raw CloudTrail rate. Prints one
# Markdown table per part. Wall seconds and max RSS come from GNU time.
#
# Environment: BIN (default bin/gluelens), MEASURE_OUT (default measure-out), SCALES (default
# "1 4 16"), CT_SIZES (default "256MiB 1GiB").
set -euo pipefail

BIN=${BIN:-bin/gluelens}
OUT=${MEASURE_OUT:-measure-out}
SCALES=(${SCALES:-1 4 16})
CT_SIZES=(${CT_SIZES:-256MiB 1GiB})
mkdir -p "$OUT"

# t LOG CMD...: run CMD under GNU time; stdout to LOG.out; sets WALL (s) and RSS (MiB).
t() {
	local log=$1
	shift
	/usr/bin/time -f '%e %M' -o "$log.time" "$@" >"$log.out" 2>"$log.err" || { echo "FAILED: $* (see $log.err)" >&2; exit 1; }
	read -r WALL RSS <"$log.time"
	RSS=$((RSS / 1024))
}

rows() { "$BIN" --db "$1" query --format csv -- "SELECT count(*) FROM $2" | tail -n 1; }

echo "measure-scale: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $("$BIN" --version)" >&2
echo
echo "| scale | evidence (gzip MiB) | ingest s / RSS MiB | eni_events | glue_runs | spark_tasks | DB MiB | eni subnets s | eni exhaustion s | eni lifetimes s | export s | pack MiB | pack ingest s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in "${SCALES[@]}"; do
	ev="$OUT/week-$n" db="$OUT/week-$n.duckdb" pack="$OUT/week-$n-pack" db2="$OUT/week-$n-b.duckdb"
	[ -d "$ev" ] || "$BIN" synth week --scale "$n" -o "$ev" >/dev/null
	rm -rf "$db" "$db.wal" "$pack" "$db2" "$db2.wal"
	evmb=$(($(du -sb "$ev" | cut -f1) / 1048576))
	t "$OUT/ingest-$n" "$BIN" --db "$db" ingest --quiet "$ev"
	ingest="$WALL / $RSS"
	dbmb=$(($(du -sb "$db" | cut -f1) / 1048576))
	t "$OUT/subnets-$n" "$BIN" --db "$db" eni subnets --format csv
	q1=$WALL
	t "$OUT/exh-$n" "$BIN" --db "$db" eni exhaustion --format csv
	q2=$WALL
	t "$OUT/life-$n" "$BIN" --db "$db" eni lifetimes --format csv
	q3=$WALL
	t "$OUT/export-$n" "$BIN" --db "$db" export -o "$pack"
	ex=$WALL
	packmb=$(awk "BEGIN {printf \"%.1f\", $(du -sb "$pack" | cut -f1) / 1048576}")
	t "$OUT/packin-$n" "$BIN" --db "$db2" ingest --quiet "$pack"
	echo "| ${n}× | $evmb | $ingest | $(rows "$db" eni_events) | $(rows "$db" glue_runs) | $(rows "$db" spark_tasks) | $dbmb | $q1 | $q2 | $q3 | $ex | $packmb | $WALL |"
done

echo
echo "| CloudTrail corpus (decompressed) | gzip MiB | ingest s / RSS MiB | MiB/s decompressed | eni_events |"
echo "|---|---|---|---|---|"
for size in "${CT_SIZES[@]}"; do
	ev="$OUT/ct-$size" db="$OUT/ct-$size.duckdb"
	[ -d "$ev" ] || "$BIN" synth cloudtrail-bench --size "$size" -o "$ev" >/dev/null
	rm -f "$db" "$db.wal"
	gz=$(($(du -sb "$ev" | cut -f1) / 1048576))
	t "$OUT/ct-ingest-$size" "$BIN" --db "$db" ingest --quiet "$ev"
	bytes=$(numfmt --from=iec "${size%iB}")
	rate=$(awk "BEGIN {printf \"%.0f\", $bytes / 1048576 / $WALL}")
	echo "| $size | $gz | $WALL / $RSS | $rate | $(rows "$db" eni_events) |"
done
