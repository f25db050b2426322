#!/usr/bin/env bash
# Runs the peer benchmarks (peerbench/) in interleaved rounds and prints,
# per benchmark and codec, the median over the rounds of the process's CPU
# time per op (cpu-ns/op; steadier than wall-clock ns/op on a shared
# machine) and how many times faster trailkit's median is than the codec's.
# Usage: scripts/peerbench.sh [rounds] [benchtime]
set -euo pipefail
cd "$(dirname "$0")/../peerbench"
rounds=${1:-7}
benchtime=${2:-20x}
go test -run '^$' -bench . -benchmem -benchtime "$benchtime" -rounds "$rounds" . |
  tee /dev/stderr |
  awk '/^Benchmark/ {
      split($1, p, "/"); bench = p[1]; sub(/-[0-9]+$/, "", p[3]); codec = p[3]
      for (i = 2; i < NF; i++) if ($(i + 1) == "cpu-ns/op") cpu = $i
      key = bench " " codec; n[key]++; v[key, n[key]] = cpu
      if (!(bench in seen)) { seen[bench] = 1; order[++nb] = bench }
      if (!((bench, codec) in cs)) { cs[bench, codec] = 1; codecs[bench, ++nc[bench]] = codec }
    }
    function median(key,   i, j, t, m, a) {
      m = n[key]; for (i = 1; i <= m; i++) a[i] = v[key, i]
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
      for (b = 1; b <= nb; b++) {
        bench = order[b]; tk = median(bench " trailkit")
        printf "%s (median of %d rounds)\n", bench, n[bench " trailkit"]
        for (c = 1; c <= nc[bench]; c++) {
          codec = codecs[bench, c]; m = median(bench " " codec)
          printf "  %-14s %12.0f cpu-ns/op   trailkit is %.2fx\n", codec, m, m / tk
        }
      }
    }'
