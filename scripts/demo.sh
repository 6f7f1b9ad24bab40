#!/usr/bin/env bash
# make demo: generate the built-in sample scenarios, ingest them into a fresh database and show
# what gluelens finds. Usage: scripts/demo.sh BIN DIR
set -euo pipefail
bin=${1:-bin/gluelens}
dir=${2:-demo}
rm -rf "$dir"
mkdir -p "$dir"
db="$dir/gluelens.duckdb"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Generating the subnet IP-exhaustion scenario"
"$bin" synth ip-exhaustion -o "$dir/ip-exhaustion" --seed 1

step "Ingesting it (CloudTrail, Glue get-job-runs/get-jobs/get-connections, EC2 describe-subnets/describe-vpcs)"
"$bin" --db "$db" ingest "$dir/ip-exhaustion"

step "Ingesting it again: nothing is read twice"
"$bin" --db "$db" ingest --quiet "$dir/ip-exhaustion"

step "Subnets: peak IPs in use, time above 90 %, failed creates"
"$bin" --db "$db" eni subnets

step "Every failure for lack of IPs, and who held the subnet's IPs at that moment"
"$bin" --db "$db" eni exhaustion

# Reports (incident, capacity, compare): one self-contained HTML file each, plus JSON and Markdown.
step "Incident report on the first refused ENI create"
first=$("$bin" --db "$db" eni exhaustion --format csv | sed -n 2p | cut -d, -f1)
"$bin" --db "$db" report incident --at "$first" -o "$dir/incident.html"
"$bin" --db "$db" report incident --at "$first" --format md -o "$dir/incident.md"

step "The launch gate: the thresholds a scheduler would read (dry run of --publish), then gate an export and an ingest run against the subnet's describe-subnets output (39 free IPs)"
"$bin" --db "$db" plan thresholds --publish dynamodb://gluelens-launch-thresholds --dry-run > "$dir/thresholds-put-items.jsonl"
echo "  the PutItem requests are in $dir/thresholds-put-items.jsonl (aws dynamodb put-item --cli-input-json)"
# gate exits 0 = launch, 75 = wait; anything else is an error and stops the demo.
gate() {
	local rc=0
	"$bin" --db "$db" gate --subnets-file "$dir/ip-exhaustion/ec2/describe-subnets.json" "$@" || rc=$?
	case $rc in
	0) echo "  exit 0: launch" ;;
	75) echo "  exit 75: wait" ;;
	*) echo "  exit $rc: the gate failed" >&2; exit "$rc" ;;
	esac
}
gate --category export
gate --category ingest
gate --job ingest-orders --enis-file "$dir/ip-exhaustion/ec2/describe-network-interfaces.json"

step "The same account and the disk-full job a week later, after the fix (split subnets, gated launches, zstd + right-sized partitions + AQE), and the before/after comparison"
# The disk-full "before" runs on 2026-11-02 02:00, inside the before window; after-fix's fixed run on 2026-11-09 02:00.
"$bin" synth disk-full -o "$dir/disk-full" --seed 1
"$bin" synth after-fix -o "$dir/after-fix" --seed 1
cdb="$dir/compare.duckdb"
"$bin" --db "$cdb" ingest --quiet "$dir/ip-exhaustion" "$dir/disk-full" "$dir/after-fix"
"$bin" --db "$cdb" report compare --before-from 2026-11-02 --before-to 2026-11-03 --after-from 2026-11-09 --after-to 2026-11-10 -o "$dir/compare.html"
"$bin" --db "$cdb" report compare --before-from 2026-11-02 --before-to 2026-11-03 --after-from 2026-11-09 --after-to 2026-11-10 --format md

step "A week of a busy account with both failure modes: capacity report and the disk-full incident"
"$bin" synth week -o "$dir/week" --seed 1
wdb="$dir/week.duckdb"
"$bin" --db "$wdb" ingest --quiet "$dir/week"
"$bin" --db "$wdb" report capacity --week 2026-W47 -o "$dir/capacity.html"
"$bin" --db "$wdb" report capacity --week 2026-W47 --format json -o "$dir/capacity.json"
diskrun=$("$bin" --db "$wdb" runs --format csv | grep ',disk_full,' | head -1 | cut -d, -f1)
"$bin" --db "$wdb" report incident --run "$diskrun" -o "$dir/incident-disk.html"

step "Reports"
for f in incident.html incident.md compare.html capacity.html capacity.json incident-disk.html; do
	printf '  %s\n' "$(cd "$dir" && pwd)/$f"
done
