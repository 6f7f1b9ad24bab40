#!/usr/bin/env bash
# make bench: end-to-end benchmarks of the gluelens binary against reference tools, printed as one
# table. Each section is a function bench_<name>; SECTIONS lists them in the order they run. To add
# a section, write its function below the existing ones and append its name to SECTIONS.
#
# Where gluelens has a peer doing the same work (DuckDB's own reader or writer), the two run
# alternately BENCH_REPS times (default 3) and the table ends with one line per pair: the ratio of
# the medians (peer / gluelens: above 1 means gluelens is faster) with both figures beside it.
#
# Environment: BIN (default bin/gluelens), BENCH_OUT (default bench-out), BENCH_SIZE (decompressed
# size of the CloudTrail corpus, default 1GiB), BENCH_SEED (default 1), BENCH_REPS (default 3),
# BENCH_SECTIONS (override the list, e.g. "cloudtrail"; "scale" is the 10 GB Spark log, not run
# by default).
set -euo pipefail

BIN=${BIN:-bin/gluelens}
OUT=${BENCH_OUT:-bench-out}
SIZE=${BENCH_SIZE:-1GiB}
SEED=${BENCH_SEED:-1}
SECTIONS=(${BENCH_SECTIONS:-cloudtrail s3 export spark reports})
REPS=${BENCH_REPS:-3}
RESULTS="$OUT/results.tsv"
RATIOS="$OUT/ratios.txt"

# ensure_time installs GNU time when /usr/bin/time -v is missing.
ensure_time() {
	if /usr/bin/time -v true >/dev/null 2>&1; then
		return
	fi
	ensure_pkg time
}

# ensure_pkg PACKAGE installs a Debian package.
ensure_pkg() {
	echo "installing $1" >&2
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && apt-get install -y -qq "$1" >/dev/null
	else
		sudo apt-get update -qq && sudo apt-get install -y -qq "$1" >/dev/null
	fi
}

# timed SECTION LABEL CMD...: runs CMD under /usr/bin/time -v, keeps its stdout in
# $OUT/<section>-<n>.out, and appends a row to the results table: section, label, wall seconds,
# max RSS MiB, stdout file, CPU seconds (tab-separated).
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
	local wall rss cpu
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$log")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")
	# CPU seconds (user + system) say more than wall time on a machine shared with other work.
	cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$log")
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$label" "$wall" "$rss" "$out" "$cpu" >>"$RESULTS"
}

# pair SECTION WHAT LABEL_A FUNC_A LABEL_B FUNC_B: runs the functions FUNC_A (gluelens) and FUNC_B
# (its peer) alternately REPS times, each under timed with its label (FUNC_A LABEL_A runs its command
# under timed), and records the ratio of the median wall times, peer / gluelens, with the medians of
# both (wall and CPU) in $RATIOS.
pair() {
	local section=$1 what=$2 la=$3 fa=$4 lb=$5 fb=$6 i
	for i in $(seq "$REPS"); do
		"$fa" "$la"
		"$fb" "$lb"
	done
	local a b
	a=$(medians "$section" "$la")
	b=$(medians "$section" "$lb")
	awk -v what="$what" -v la="$la" -v lb="$lb" -v a="$a" -v b="$b" -v reps="$REPS" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		printf "%-48s %5.2fx  gluelens %6.2f s (CPU %6.2f s)  %s %6.2f s (CPU %6.2f s)  [%s; median of %d]\n",
			what, (x[1] > 0 ? y[1] / x[1] : 0), x[1], x[2], "peer", y[1], y[2], lb, reps }' >>"$RATIOS"
}

# medians SECTION LABEL: the median wall and CPU seconds of the runs with that label.
medians() {
	awk -F'\t' -v s="$1" -v l="$2" '$1 == s && $2 == l {w[++n] = $3; c[n] = $6}
		END {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
				if (w[j] < w[i]) {t = w[i]; w[i] = w[j]; w[j] = t}
				if (c[j] < c[i]) {t = c[i]; c[i] = c[j]; c[j] = t}
			}
			m = int((n + 1) / 2); printf "%s %s", w[m], c[m]
		}' "$RESULTS"
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
		"$BIN" synth cloudtrail-bench -o "$dir" --size "$SIZE" --seed "$SEED" --eni-share 0.005 >&2
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
	timed cloudtrail "DuckDB read_json + unnest + filter" "$BIN" --db "$SCRATCH" query "$sql" --format csv

	timed cloudtrail "gunzip -dc, $(nproc) parallel" sh -c "find '$dir' -name '*.gz' -print0 | xargs -0 -P $(nproc) -n 64 gzip -dc > /dev/null"

	local kept duck
	kept=$("$BIN" --db "$OUT/ct.duckdb" query "SELECT count(*) FROM eni_events" --format csv | tail -n 1)
	duck=$(tail -n 1 "$(awk -F'\t' '$2 ~ /^DuckDB/ {f = $5} END {print f}' "$RESULTS")")
	echo "[cloudtrail] ENI records: gluelens eni_events=$kept, DuckDB count=$duck (duplicate eventIDs are kept once by gluelens)" >&2
}

# bench_s3: the CloudTrail corpus ingested from a loopback S3 server (scripts/s3serve: the
# in-memory fake S3 the tests use, in its own process) vs from local disk, fresh DB each; an
# incremental S3 re-run that must fetch nothing; then a server that answers after 30 ms (a remote
# S3's time to first byte) with --parallel 2 vs the default. The server holds the gzip corpus in
# memory and shares the CPUs with gluelens.
bench_s3() {
	corpus_cloudtrail
	local dir="$OUT/cloudtrail" srv="$OUT/s3serve"
	"${GO:-go}" build -o "$srv" ./scripts/s3serve
	local aws=(env AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_SESSION_TOKEN= AWS_REGION=us-east-1
		AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true)
	local db="$OUT/s3.duckdb"

	s3_start "$srv" "$dir" 0s
	rm -f "$OUT/s3-local.duckdb" "$OUT/s3-local.duckdb.wal" "$db" "$db.wal"
	timed s3 "gluelens ingest DIR (local disk)" "$BIN" --db "$OUT/s3-local.duckdb" ingest --quiet "$dir"
	timed s3 "gluelens ingest s3:// (loopback S3)" "${aws[@]}" "$BIN" --db "$db" ingest --quiet s3://bench/ --endpoint-url "$S3_URL"
	timed s3 "gluelens ingest s3:// again (unchanged)" "${aws[@]}" "$BIN" --db "$db" ingest --quiet s3://bench/ --endpoint-url "$S3_URL"
	local a b
	a=$("$BIN" --db "$OUT/s3-local.duckdb" query "SELECT count(*) FROM eni_events" --format csv | tail -n 1)
	b=$("$BIN" --db "$db" query "SELECT count(*) FROM eni_events" --format csv | tail -n 1)
	echo "[s3] eni_events: local=$a s3=$b" >&2
	s3_stop

	s3_start "$srv" "$dir" 30ms
	local p
	for p in 2 default; do
		rm -f "$db" "$db.wal"
		local flags=()
		[ "$p" = default ] || flags=(--parallel "$p")
		timed s3 "s3:// 30 ms latency, --parallel $p" "${aws[@]}" "$BIN" --db "$db" ingest --quiet s3://bench/ --endpoint-url "$S3_URL" "${flags[@]}"
	done
	s3_stop
}

# s3_start BIN DIR LATENCY: serves DIR as s3://bench/ in the background; sets S3_URL and S3_PID.
s3_start() {
	local urlfile="$OUT/s3.url" i
	rm -f "$urlfile"
	"$1" -dir "$2" -bucket bench -latency "$3" -url-file "$urlfile" >/dev/null &
	S3_PID=$!
	for i in $(seq 1200); do
		[ -s "$urlfile" ] && break
		kill -0 "$S3_PID" 2>/dev/null || { echo "[s3] s3serve exited" >&2; return 1; }
		sleep 0.1
	done
	S3_URL=$(cat "$urlfile")
	echo "[s3] serving $2 at $S3_URL (latency $3)" >&2
}

s3_stop() {
	kill "$S3_PID" 2>/dev/null || true
	wait "$S3_PID" 2>/dev/null || true
}

# bench_export: evidence packs. gluelens export (each dt file a DuckDB COPY with ZSTD, then the manifest)
# vs DuckDB's own COPY (SELECT …) TO '…' (FORMAT PARQUET, COMPRESSION ZSTD) on the same generated
# eni_events and spark_tasks (ingest/parquetpack/testdata/bench_*.sql, BENCH_EXPORT_ROWS rows each,
# default 1000000), file sizes side by side, then loading the pack into a fresh database.
bench_export() {
	local rows=${BENCH_EXPORT_ROWS:-1000000} db="$OUT/export.duckdb"
	local sqldir
	sqldir="$(dirname "$0")/../ingest/parquetpack/testdata"
	rm -rf "$db" "$db.wal" "$OUT/export-pack" "$OUT/export-copy"
	mkdir -p "$OUT/export-copy"
	for t in eni_events spark_tasks; do
		"$BIN" --db "$db" query "${WRITE[@]}" --format csv -- "$(sed "s/__ROWS__/$rows/" "$sqldir/bench_$t.sql")" >/dev/null
	done
	EXPORT_DB=$db EXPORT_ROWS=$rows
	pair export "export vs DuckDB COPY (2 tables x $rows rows)" \
		"gluelens export, 2 tables x $rows rows" run_export "DuckDB COPY both tables, ZSTD" run_copy
	for t in eni_events spark_tasks; do
		local ours theirs
		ours=$(du -sb "$OUT/export-pack/table=$t" | cut -f1)
		theirs=$(stat -c %s "$OUT/export-copy/$t.parquet")
		echo "[export] $t bytes: gluelens $ours, DuckDB COPY $theirs" >&2
		awk -v t="$t" -v a="$ours" -v b="$theirs" 'BEGIN {printf "%-48s %5.2fx  gluelens %d bytes  DuckDB COPY %d bytes\n", "export file size " t, a / b, a, b}' >>"$RATIOS"
	done

	# The peer of loading a pack: DuckDB's read_parquet inserting the same files into the same
	# tables of a fresh database (no manifest, no per-file transaction, no deduplication).
	PEER_INSERT=""
	for t in eni_events spark_tasks; do
		PEER_INSERT+="INSERT INTO $t SELECT * EXCLUDE (\"dt\", \"table\") FROM read_parquet('$OUT/export-pack/table=$t/*/*.parquet', hive_partitioning = true); "
	done
	pair export "pack load vs DuckDB read_parquet" \
		"gluelens ingest pack (fresh DB)" run_pack_load "DuckDB read_parquet into the same tables (fresh DB)" run_read_parquet
	local a b
	a=$("$BIN" --db "$OUT/export-b.duckdb" query "SELECT (SELECT count(*) FROM eni_events) + (SELECT count(*) FROM spark_tasks)" --format csv | tail -n 1)
	b=$("$BIN" --db "$OUT/export-peer.duckdb" query "SELECT (SELECT count(*) FROM eni_events) + (SELECT count(*) FROM spark_tasks)" --format csv | tail -n 1)
	echo "[export] rows loaded: gluelens $a, DuckDB read_parquet $b" >&2
}

run_export() {
	rm -rf "$OUT/export-pack"
	timed export "$1" "$BIN" --db "$EXPORT_DB" export -o "$OUT/export-pack" --tables eni_events,spark_tasks
}

run_copy() {
	local q=""
	for t in eni_events spark_tasks; do
		q+="COPY (SELECT * FROM $t) TO '$OUT/export-copy/$t.parquet' (FORMAT PARQUET, COMPRESSION ZSTD); "
	done
	timed export "$1" "$BIN" --db "$EXPORT_DB" query "$q" --format csv
}

run_pack_load() {
	rm -f "$OUT/export-b.duckdb" "$OUT/export-b.duckdb.wal"
	timed export "$1" "$BIN" --db "$OUT/export-b.duckdb" ingest --quiet "$OUT/export-pack"
}

# run_read_parquet: the schema is created before the timed run, as the pack load's fresh
# database creates it inside its own.
run_read_parquet() {
	local peer="$OUT/export-peer.duckdb"
	rm -f "$peer" "$peer.wal"
	"$BIN" --db "$peer" query "${WRITE[@]}" "SELECT 1" --format csv >/dev/null
	timed export "$1" "$BIN" --db "$peer" query "${WRITE[@]}" "$PEER_INSERT" --format csv
}

# corpus_spark generates the Spark event log once (gluelens synth spark-bench, about 3.9 KB per
# task); a marker records the task count and seed so other values regenerate it.
corpus_spark() {
	local tasks=$1 dir="$OUT/spark-$1" marker="$OUT/spark-$1.done"
	local want="tasks=$tasks seed=$SEED"
	if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
		echo "[spark] reusing event log in $dir ($want)" >&2
		return
	fi
	rm -rf "$dir" "$marker"
	echo "[spark] generating event log ($want)" >&2
	/usr/bin/time -f '[spark] generated in %e s, max RSS %M KiB' \
		"$BIN" synth spark-bench -o "$dir" --tasks "$tasks" --seed "$SEED" >&2
	echo "$want" >"$marker"
}

# bench_spark: a Spark 3.3 event log of BENCH_SPARK_TASKS tasks (default 200000, about 750 MiB):
# gluelens ingest (fresh DB) side by side with DuckDB's own read_json reading the same TaskEnd
# fields with explicit column types, twice: reading only (every field hashed, so none is skipped),
# and reading into a table of a fresh DuckDB file with spark_tasks' 38 columns (what the ingest
# does with them, without its hashing and line checks). BENCH_SPARK_BIG_TASKS (e.g. 1400000,
# about 5 GiB) adds a second gluelens ingest for the peak-memory target.
bench_spark() {
	local tasks=${BENCH_SPARK_TASKS:-200000}
	corpus_spark "$tasks"
	local dir="$OUT/spark-$tasks"
	echo "[spark] event log: $(du -sb "$dir" | cut -f1) bytes, $tasks tasks" >&2
	local reader="read_json('$dir/spark-application-*', format = 'newline_delimited', maximum_object_size = 67108864,
    columns = {Event: 'VARCHAR', \"Stage ID\": 'INTEGER', \"Stage Attempt ID\": 'INTEGER', \"Task Type\": 'VARCHAR',
      \"Task End Reason\": 'STRUCT(Reason VARCHAR, Description VARCHAR)',
      \"Task Info\": 'STRUCT(\"Task ID\" BIGINT, \"Index\" INTEGER, Attempt INTEGER, \"Partition ID\" INTEGER, \"Launch Time\" BIGINT, \"Executor ID\" VARCHAR, Host VARCHAR, Speculative BOOLEAN, \"Finish Time\" BIGINT, Failed BOOLEAN, Killed BOOLEAN)',
      \"Task Metrics\": 'STRUCT(\"Executor Run Time\" BIGINT, \"Executor CPU Time\" BIGINT, \"JVM GC Time\" BIGINT, \"Result Size\" BIGINT, \"Peak Execution Memory\" BIGINT, \"Memory Bytes Spilled\" BIGINT, \"Disk Bytes Spilled\" BIGINT, \"Shuffle Read Metrics\" STRUCT(\"Remote Bytes Read\" BIGINT, \"Local Bytes Read\" BIGINT, \"Remote Bytes Read To Disk\" BIGINT, \"Total Records Read\" BIGINT), \"Shuffle Write Metrics\" STRUCT(\"Shuffle Bytes Written\" BIGINT, \"Shuffle Write Time\" BIGINT, \"Shuffle Records Written\" BIGINT), \"Input Metrics\" STRUCT(\"Bytes Read\" BIGINT, \"Records Read\" BIGINT), \"Output Metrics\" STRUCT(\"Bytes Written\" BIGINT, \"Records Written\" BIGINT))'})"
	local sql="SELECT count(*) AS tasks, sum(hash(t)) AS h FROM (
  SELECT \"Stage ID\" AS stage_id, \"Stage Attempt ID\" AS stage_attempt, \"Task Type\" AS task_type,
         \"Task End Reason\".Reason AS end_reason, \"Task End Reason\".Description AS description,
         \"Task Info\".\"Task ID\" AS task_id, \"Task Info\".\"Index\" AS task_index, \"Task Info\".Attempt AS task_attempt,
         \"Task Info\".\"Partition ID\" AS partition_id, \"Task Info\".\"Executor ID\" AS executor_id, \"Task Info\".Host AS host,
         to_timestamp(\"Task Info\".\"Launch Time\" / 1000) AS launch_time, to_timestamp(\"Task Info\".\"Finish Time\" / 1000) AS finish_time,
         \"Task Info\".Failed AS failed, \"Task Info\".Killed AS killed, \"Task Info\".Speculative AS speculative,
         \"Task Metrics\" AS m
  FROM $reader
  WHERE Event = 'SparkListenerTaskEnd') t"
	timed spark "DuckDB read_json, TaskEnd fields typed" "$BIN" --db "$SCRATCH" query "$sql" --format csv

	# The same reader storing what the ingest stores of each task, in spark_tasks' column order.
	local m='"Task Metrics"'
	local store="CREATE TABLE tasks AS SELECT 'app' AS app_id, '' AS attempt_id, \"Task Info\".\"Task ID\" AS task_id,
  \"Stage ID\" AS stage_id, \"Stage Attempt ID\" AS stage_attempt, \"Task Info\".\"Index\" AS task_index,
  \"Task Info\".Attempt AS task_attempt, \"Task Info\".\"Partition ID\" AS partition_id,
  \"Task Info\".\"Executor ID\" AS executor_id, \"Task Info\".Host AS host,
  make_timestamp(\"Task Info\".\"Launch Time\" * 1000) AS launch_time, make_timestamp(\"Task Info\".\"Finish Time\" * 1000) AS finish_time,
  \"Task Type\" AS task_type, \"Task End Reason\".Reason AS end_reason,
  \"Task Info\".Failed AS failed, \"Task Info\".Killed AS killed, \"Task Info\".Speculative AS speculative,
  \"Task End Reason\".Description AS error_description, $m IS NOT NULL AS has_metrics,
  $m.\"Executor Run Time\", $m.\"Executor CPU Time\", $m.\"JVM GC Time\", $m.\"Result Size\", $m.\"Peak Execution Memory\",
  $m.\"Memory Bytes Spilled\", $m.\"Disk Bytes Spilled\",
  $m.\"Shuffle Write Metrics\".\"Shuffle Bytes Written\", $m.\"Shuffle Write Metrics\".\"Shuffle Records Written\",
  $m.\"Shuffle Write Metrics\".\"Shuffle Write Time\",
  $m.\"Shuffle Read Metrics\".\"Remote Bytes Read\", $m.\"Shuffle Read Metrics\".\"Local Bytes Read\",
  $m.\"Shuffle Read Metrics\".\"Remote Bytes Read To Disk\", $m.\"Shuffle Read Metrics\".\"Total Records Read\",
  $m.\"Input Metrics\".\"Bytes Read\", $m.\"Input Metrics\".\"Records Read\",
  $m.\"Output Metrics\".\"Bytes Written\", $m.\"Output Metrics\".\"Records Written\",
  1::BIGINT AS log_events
FROM $reader
WHERE Event = 'SparkListenerTaskEnd'"
	SPARK_DIR=$dir SPARK_STORE=$store
	pair spark "spark ingest vs DuckDB read_json into a table" \
		"gluelens ingest ($tasks tasks, fresh DB)" run_spark_ingest "DuckDB read_json into a table (same 38 columns, file DB)" run_spark_peer

	# The decoder alone on the same bytes (held in memory: no file reads, no SHA-256, no database).
	local log per
	log=$(realpath "$(ls "$dir"/spark-application-* | head -n 1)")
	echo "[spark] decoder alone (go test -bench, same log in memory)" >&2
	GLUELENS_BENCH_SPARKLOG="$log" go test -run '^$' -bench '^BenchmarkDecodeLargeLog$' -benchtime 3x ./ingest/sparklog/ >"$OUT/spark-decoder.out"
	per=$(awk '/^BenchmarkDecodeLargeLog/ {printf "%.2f", $3 / 1e9}' "$OUT/spark-decoder.out")
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' spark "decoder alone (in memory, no hash, no DB)" "$per" "-" "$OUT/spark-decoder.out" "-" >>"$RESULTS"

	local kept duck stored
	kept=$("$BIN" --db "$OUT/spark.duckdb" query "SELECT count(*) FROM spark_tasks" --format csv | tail -n 1)
	duck=$(tail -n 1 "$(awk -F'\t' '$2 ~ /^DuckDB read_json, TaskEnd/ {f = $5} END {print f}' "$RESULTS")" | cut -d, -f1)
	stored=$("$BIN" --db "$OUT/spark-peer.duckdb" query "SELECT count(*) FROM tasks" --format csv | tail -n 1)
	echo "[spark] tasks: gluelens spark_tasks=$kept, DuckDB TaskEnd rows=$duck, DuckDB table rows=$stored" >&2

	if [ -n "${BENCH_SPARK_BIG_TASKS:-}" ]; then
		corpus_spark "$BENCH_SPARK_BIG_TASKS"
		echo "[spark] big event log: $(du -sb "$OUT/spark-$BENCH_SPARK_BIG_TASKS" | cut -f1) bytes" >&2
		rm -f "$OUT/spark-big.duckdb" "$OUT/spark-big.duckdb.wal"
		timed spark "gluelens ingest ($BENCH_SPARK_BIG_TASKS tasks, fresh DB)" "$BIN" --db "$OUT/spark-big.duckdb" ingest --force --quiet "$OUT/spark-$BENCH_SPARK_BIG_TASKS"
	fi
}

run_spark_ingest() {
	rm -f "$OUT/spark.duckdb" "$OUT/spark.duckdb.wal"
	timed spark "$1" "$BIN" --db "$OUT/spark.duckdb" ingest --force --quiet "$SPARK_DIR"
}

run_spark_peer() {
	rm -f "$OUT/spark-peer.duckdb" "$OUT/spark-peer.duckdb.wal"
	"$BIN" --db "$OUT/spark-peer.duckdb" query "${WRITE[@]}" "SELECT 1" --format csv >/dev/null # the file, outside the timing
	timed spark "$1" "$BIN" --db "$OUT/spark-peer.duckdb" query "${WRITE[@]}" "$SPARK_STORE" --format csv
}

# bench_scale: the scale point, a Spark event log of BENCH_SCALE_TASKS tasks (default 2,730,000:
# about 10 GiB decompressed, 3.9 KB a task) compressed with zstd as Spark writes it
# (spark.eventLog.compression.codec=zstd). gluelens synth writes into a named pipe that zstd reads,
# so the decompressed log never lands on disk; the .zst is deleted after the ingest, whose wall
# time, CPU time and peak RSS are the figures.
bench_scale() {
	local tasks=${BENCH_SCALE_TASKS:-2730000}
	local dir="$OUT/scale" db="$OUT/scale.duckdb"
	rm -rf "$dir" "$db" "$db.wal"
	command -v zstd >/dev/null || ensure_pkg zstd
	# The file name synth writes (its application id) from a one-task log of the same seed.
	mkdir -p "$dir/name" "$dir/gen"
	"$BIN" synth spark-bench -o "$dir/name" --tasks 1 --seed "$SEED" >/dev/null
	local name
	name=$(basename "$(ls "$dir/name"/spark-application-*)")
	rm -rf "$dir/name"
	mkfifo "$dir/gen/$name"
	zstd -v -T1 -3 <"$dir/gen/$name" >"$dir/$name.zst" 2>"$dir/zstd.log" &
	local zpid=$!
	echo "[scale] generating $tasks tasks into $dir/$name.zst" >&2
	/usr/bin/time -f '[scale] generated in %e s' "$BIN" synth spark-bench -o "$dir/gen" --tasks "$tasks" --seed "$SEED" >&2
	wait "$zpid"
	rm -rf "$dir/gen"
	# zstd -v ends with "(N B => M B, …)": N is the decompressed size of the log.
	echo "[scale] zstd log: $(stat -c %s "$dir/$name.zst") bytes for $tasks tasks; zstd: $(tr '\r' '\n' <"$dir/zstd.log" | grep '=>' | tail -n 1)" >&2
	timed scale "gluelens ingest, $tasks tasks, zstd (fresh DB)" "$BIN" --db "$db" ingest --force --quiet "$dir"
	echo "[scale] spark_tasks rows: $("$BIN" --db "$db" query "SELECT count(*) FROM spark_tasks" --format csv | tail -n 1)" >&2
	rm -rf "$dir" "$db" "$db.wal"
}

# bench_reports: the reports on a week of a busy account (gluelens synth week --scale
# BENCH_REPORT_SCALE, default 1; 10 gives about 5,800 runs and 63,000 ENIs): the capacity report of
# the week, the incident report of its first refused create and a compare of its first three days
# with the next three, each from the ingested database, with the HTML sizes.
bench_reports() {
	local scale=${BENCH_REPORT_SCALE:-1}
	local dir="$OUT/week-$scale" marker="$OUT/week-$scale.done" db="$OUT/week-$scale.duckdb"
	local want="scale=$scale seed=$SEED"
	if [ ! -f "$marker" ] || [ "$(cat "$marker")" != "$want" ]; then
		rm -rf "$dir" "$marker"
		"$BIN" synth week -o "$dir" --scale "$scale" --seed "$SEED" >&2
		echo "$want" >"$marker"
	fi
	rm -f "$db" "$db.wal"
	timed reports "gluelens ingest (week, scale $scale)" "$BIN" --db "$db" ingest --quiet "$dir"
	timed reports "report capacity --week 2026-W47 (scale $scale)" "$BIN" --db "$db" report capacity --week 2026-W47 -o "$OUT/capacity-$scale.html"
	local first
	first=$("$BIN" --db "$db" eni exhaustion --format csv | sed -n 2p | cut -d, -f1)
	timed reports "report incident --at first failure (scale $scale)" "$BIN" --db "$db" report incident --at "$first" -o "$OUT/incident-$scale.html"
	timed reports "report compare, 3 days vs 3 days (scale $scale)" "$BIN" --db "$db" report compare --before-from 2026-11-16 --before-to 2026-11-19 --after-from 2026-11-19 --after-to 2026-11-22 -o "$OUT/compare-$scale.html"
	for r in capacity incident compare; do
		echo "[reports] $r-$scale.html: $(stat -c %s "$OUT/$r-$scale.html") bytes" >&2
	done
}

print_results() {
	echo
	printf '%-12s %-44s %10s %10s %12s\n' section run wall_s cpu_s max_rss_MiB
	awk -F'\t' '{printf "%-12s %-44s %10s %10s %12s\n", $1, $2, $3, $6, $4}' "$RESULTS"
	if [ -s "$RATIOS" ]; then
		echo
		echo "ratios (peer / gluelens; above 1: gluelens is faster; file sizes gluelens / DuckDB):"
		cat "$RATIOS"
	fi
	echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
}

main() {
	if [ ! -x "$BIN" ]; then
		echo "bench: $BIN not found; run make build" >&2
		exit 1
	fi
	ensure_time
	mkdir -p "$OUT"
	# query opens the database read-only unless given --write (older builds have no --write and write).
	WRITE=()
	# grep reads the whole help (not -q): under pipefail an early exit makes the help's writer fail.
	if "$BIN" query --help 2>/dev/null | grep -- '--write' >/dev/null; then
		WRITE=(--write)
	fi
	# A database for the DuckDB peers that only read files (query needs a database file).
	SCRATCH="$OUT/scratch.duckdb"
	rm -f "$SCRATCH" "$SCRATCH.wal"
	"$BIN" --db "$SCRATCH" query "${WRITE[@]}" "SELECT 1" --format csv >/dev/null
	: >"$RESULTS"
	: >"$RATIOS"
	echo "bench: $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%M:%SZ), $("$BIN" --version)" >&2
	for s in "${SECTIONS[@]}"; do
		"bench_$s"
	done
	print_results
}

main "$@"
