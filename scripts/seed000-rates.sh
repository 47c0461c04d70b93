#!/usr/bin/env bash
# How often each engine loses kirkwood-spdif-audio.1 on the seed-000 concurrent scenario: N runs per engine, each
# a fresh JVM, on all the machine's CPUs and on one CPU (taskset -c 0, as the uniprocessor Dove of the report).
#
#   bash scripts/seed000-rates.sh [N]          default N=20; needs stress/target/stress.jar (mvn -B -q package -DskipTests)
#
# Prints one line per engine and CPU setting: runs, lost, and the reasons the card was left deferred or unbound.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
jar=stress/target/stress.jar
scenario=scenarios/seed-000-kirkwood-concurrent.json
[ -f "$jar" ] || { echo "seed000-rates.sh: $jar is missing; build it first (mvn -B -q package -DskipTests)" >&2; exit 2; }
echo "# $(date -u +%FT%TZ), $(nproc) CPUs, $(java -version 2>&1 | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
for cpus in all one; do
  for engine in racy-2012 racy-2014 global-lock kernel lock-free indexed; do
    lost=0; states=()
    for i in $(seq 1 "$n"); do
      if [ "$cpus" = one ]; then
        line=$(taskset -c 0 java -XX:ActiveProcessorCount=1 -jar "$jar" run --scenario "$scenario" --engine "$engine" --json || true)
      else
        line=$(java -jar "$jar" run --scenario "$scenario" --engine "$engine" --json || true)
      fi
      state=$(python3 -c 'import json,sys
o=json.loads(sys.argv[1]); d="kirkwood-spdif-audio.1"
print("bound" if d in o["bound"] else ("deferred: " + o["deferred"][d]) if d in o["deferred"] else "unbound" if d in o["unbound"] else "failed")' "$line")
      if [ "$state" != bound ]; then lost=$((lost + 1)); states+=("$state"); fi
    done
    why=$(printf '%s\n' "${states[@]+"${states[@]}"}" | sed '/^$/d' | sort | uniq -c | sed 's/^ *//' | paste -sd';' -)
    printf '%-4s CPUs  %-12s lost %3d of %3d%s\n' "$cpus" "$engine" "$lost" "$n" "${why:+  ($why)}"
  done
done
