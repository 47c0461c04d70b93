#!/usr/bin/env bash
# Is each broken engine caught by the CI soak (400 devices, 64 threads, 4 s), 10 times out of 10, with its own
# check and its own bug? One fresh JVM per engine and seed (1 to 10), as a user would run it.
#
#   bash scripts/soak-catches.sh [ENGINE...]     default: racy-2012 racy-2014 remove-race locking-2026
#
# Needs stress/target/stress.jar (mvn -B -q package -DskipTests) and python3. A run counts as caught when it
# exits 1, the summary's `caught` holds the engine's own bug, and a violation event of the engine's own check
# explained by that bug was printed ("first" is the round of the first one). Exit status 0 when every run is
# caught, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
jar=stress/target/stress.jar
[ -f "$jar" ] || { echo "soak-catches.sh: $jar is missing; build it first (mvn -B -q package -DskipTests)" >&2; exit 2; }
engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(racy-2012 racy-2014 remove-race locking-2026)
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null), $(nproc) CPUs, $(java -version 2>&1 | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
all=0
tmp=$(mktemp /tmp/soak-catches.XXXXXX)
trap 'rm -f "$tmp"' EXIT
for engine in "${engines[@]}"; do
  case "$engine" in
    racy-2012|racy-2014) check=lost-probe; bug=B1_LOST_PROBE ;;
    remove-race) check=bound-after-removal; bug=B3_REMOVE_VS_ASYNC ;;
    locking-2026) check=registration-blocked; bug=B4_PROBE_REGISTERS_DRIVER,STUCK_PROBE_BLOCKS_REGISTRATION ;;
    *) echo "soak-catches.sh: no expected check for $engine" >&2; exit 2 ;;
  esac
  caught=0
  for seed in 1 2 3 4 5 6 7 8 9 10; do
    java -jar "$jar" soak --engine "$engine" --seed "$seed" --devices 400 --threads 64 --duration 4s --json \
      >"$tmp" 2>/dev/null
    status=$?
    line=$(python3 - "$engine" "$seed" "$status" "$check" "$bug" "$tmp" <<'EOF'
import json, sys
engine, seed, status, check, bug = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
first, summary = None, None
for raw in open(sys.argv[6]):
    o = json.loads(raw)
    if o["event"] == "violation" and first is None and o["check"] == check:
        first = o
    elif o["event"] == "summary":
        summary = o
# every listed bug must be caught (locking-2026: the recursive locking of B4 and the revert's case 1, whose
# registration-blocked comes first, in phase 0)
ok = status == 1 and summary is not None and all(b in summary["caught"] for b in bug.split(",")) and first is not None
print("%s %-13s seed %2d exit %d  first %-22s %5.1f s  rounds %2d %s" % ("caught" if ok else "MISSED", engine, seed,
      status, (first["check"] + " round " + str(first["round"])) if first else "-",
      summary["elapsedMillis"] / 1000 if summary else 0, summary["rounds"] if summary else 0,
      json.dumps(summary["violations"]) if summary else "no summary"))
EOF
)
    echo "$line"
    [[ "$line" == caught* ]] && caught=$((caught + 1))
  done
  echo "$engine: caught $caught/10 with $check ($bug)"
  [ "$caught" -eq 10 ] || all=1
done
exit $all
