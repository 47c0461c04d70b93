#!/usr/bin/env bash
# CI's jcstress gate (issue 3). Runs the two-actor races of the lock-free engines in a quick mode and
#  - fails if jcstress observed a FORBIDDEN outcome (or errored) on a real engine (LockFree, Indexed):
#    jcstress itself exits 0 in that case, so its report is checked here;
#  - fails unless every deliberately flawed variant (Flawed*) observed its forbidden outcome (declared
#    "Interesting" there): otherwise the test is not known to bite.
# Usage: bash jcstress/ci-check.sh            (from anywhere; builds the jar if it is missing)
# Env:   JCSTRESS_TIME=<ms per iteration, default 400>  JCSTRESS_OUT=<dir for log and report>
#        JCSTRESS_LOG=<an existing jcstress -v log>: check that log instead of running jcstress
# Exit:  0 all good; 1 a check failed; 2 the harness could not run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/jcstress.jar"
out="${JCSTRESS_OUT:-$here/target/jcstress-ci}"
time_ms="${JCSTRESS_TIME:-400}"

if [[ -n "${JCSTRESS_LOG:-}" ]]; then
  log="$JCSTRESS_LOG"
  echo "jcstress: checking $log (not running jcstress)"
else
  if [[ ! -f "$jar" ]]; then
    echo "jcstress: $jar missing, building it"
    (cd "$root" && { mvn -q -B -o -pl jcstress -am package -DskipTests || mvn -q -B -pl jcstress -am package -DskipTests; }) \
      || { echo "jcstress: build failed" >&2; exit 2; }
  fi
  rm -rf "$out" && mkdir -p "$out"
  log="$out/jcstress.log"
  echo "jcstress: running the lock-free races (quick mode, ${time_ms} ms per iteration); log in $log"
  # One JVM configuration, no split compilation, one fork: the whole run takes about two minutes on 2 cores.
  set +e
  (cd "$out" && timeout 900 java -jar "$jar" -m quick -c 2 -f 1 -iters 1 -time "$time_ms" -sc false \
      -jvmArgs "-XX:+UseSerialGC -Xmx256m" -t 'org\.deferprobe\.' -v -r "$out/report") >"$log" 2>&1
  status=$?
  set -e
  if [[ $status -ne 0 ]]; then
    tail -40 "$log" >&2
    echo "jcstress: the harness exited with status $status" >&2
    exit 2
  fi
fi

# Per test: its worst status line, and the samples of Forbidden and Interesting outcomes in its
# "Results across all configurations" table.
summary="$(awk '
  match($0, /^\.+ \[[A-Z_ ]+\] [A-Za-z0-9_.$]+/) {
    line = substr($0, RSTART, RLENGTH)
    sub(/^\.+ \[/, "", line); status = line; sub(/\].*/, "", status)
    test = line; sub(/^[^]]*\] /, "", test)
    seen[test] = 1
    if (status != "OK") bad[test] = status
    agg = 0
    next
  }
  /Results across all configurations/ { agg = 1; next }
  agg && test != "" {
    for (i = 3; i <= NF; i++) {
      if ($i ~ /^(Acceptable|Forbidden|Interesting)$/ && $(i-1) ~ /%$/) {
        n = $(i-2); gsub(",", "", n)
        if ($i == "Forbidden") forbidden[test] += n
        if ($i == "Interesting") interesting[test] += n
        break
      }
    }
  }
  END {
    for (t in seen) printf "%s %s %d %d\n", t, (t in bad ? bad[t] : "OK"), forbidden[t], interesting[t]
  }' "$log" | sort)"

fail=0
for property in DeferVsPublishStress TriggerVsPassEndStress RemoveVsAsyncAttachStress; do
  for variant in LockFree Indexed FlawedLockFree FlawedIndexed; do
    name="org.deferprobe.engine.$property.$variant"
    row="$(grep -F "$name " <<<"$summary" || true)"
    if [[ -z "$row" ]]; then
      echo "FAIL $name: not in the jcstress report"; fail=1; continue
    fi
    read -r _ status forbidden interesting <<<"$row"
    if [[ "$variant" == Flawed* ]]; then
      if [[ "$status" != OK || "$forbidden" -gt 0 ]]; then
        echo "FAIL $name: status $status, unexpected forbidden samples $forbidden"; fail=1
      elif [[ "$interesting" -eq 0 ]]; then
        echo "FAIL $name: the flawed variant never showed its forbidden outcome: the test does not bite"; fail=1
      else
        echo "ok   $name: the flaw showed $interesting times (the test bites)"
      fi
    else
      if [[ "$status" != OK || "$forbidden" -gt 0 ]]; then
        echo "FAIL $name: status $status, FORBIDDEN outcome observed $forbidden times on a real engine"; fail=1
      else
        echo "ok   $name: no forbidden outcome"
      fi
    fi
  done
done
if grep -q "Error tests: No matches" "$log"; then :; else
  echo "FAIL jcstress reported test errors (see $log)"; fail=1
fi
exit $fail
