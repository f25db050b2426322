#!/usr/bin/env bash
# Counts the instructions, and cachegrind's simulated cache misses, per
# record of the insights record-path benchmarks: deterministic figures
# that, unlike ns/op, do not change with the load on a shared machine.
#
# Usage: scripts/insights-instructions.sh [benchmark regexp ...]
# Default: DetectorAddBatch/apis=5200 DetectorAdd/apis=5200 BaselineMapCount/apis=5200
# Needs valgrind (cachegrind). Each benchmark runs twice under cachegrind,
# at 100,000 and 400,000 records; the difference divided by 300,000 leaves
# out the setup (generating the records, warming the detector). The
# simulated last-level cache is 32 MiB; ±15 instructions between runs
# come from the per-process hash seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 1; }
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(DetectorAddBatch/apis=5200 DetectorAdd/apis=5200 BaselineMapCount/apis=5200)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/insights.test" ./insights/
run() { # bench n -> "instructions D1-read-misses LL-read-misses"
	local pat="^Benchmark$1\$"
	[[ $1 != */* ]] || pat="^Benchmark${1%%/*}\$/^${1#*/}\$"
	GOMAXPROCS=1 GOGC=off valgrind --tool=cachegrind --cache-sim=yes --LL=33554432,16,64 \
		--cachegrind-out-file=/dev/null "$tmp/insights.test" -test.run '^$' \
		-test.bench "$pat" -test.benchtime "$2x" 2>&1 >/dev/null |
		awk '/I *refs:/ {i=$4} /D1  misses:/ {d=$6} /LLd misses:/ {l=$6} END {gsub(/,/,"",i); gsub(/,/,"",d); gsub(/,/,"",l); print i, d, l}'
}
printf '%-32s %14s %14s %14s\n' benchmark instr/record D1rd-miss/rec LLrd-miss/rec
for b in "${benches[@]}"; do
	run "$b" 100000 >"$tmp/1" &
	run "$b" 400000 >"$tmp/4" &
	wait
	read -r i1 d1 l1 <"$tmp/1"
	read -r i4 d4 l4 <"$tmp/4"
	awk -v b="$b" -v i="$((i4 - i1))" -v d="$((d4 - d1))" -v l="$((l4 - l1))" \
		'BEGIN {printf "%-32s %14.0f %14.1f %14.2f\n", b, i/300000, d/300000, l/300000}'
done
