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
"$bin" synth ip-exhaustion --out "$dir/ip-exhaustion" --seed 1

step "Ingesting it (CloudTrail, Glue get-job-runs/get-jobs/get-connections, EC2 describe-subnets)"
"$bin" --db "$db" ingest "$dir/ip-exhaustion"

step "Ingesting it again: nothing is read twice"
"$bin" --db "$db" ingest --quiet "$dir/ip-exhaustion"

step "Subnets: peak IPs in use, time above 90 %, failed creates"
"$bin" --db "$db" eni subnets

step "Every failure for lack of IPs, and who held the subnet's IPs at that moment"
"$bin" --db "$db" eni exhaustion
