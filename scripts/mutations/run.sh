#!/usr/bin/env bash
# Shows that every guarantee test bites: applies each mutation of scripts/mutations/*.patch (one line
# removed or reordered in the engine, the guarantee broken) to a scratch copy of this tree, runs the test
# named in the patch's header, and reports whether that test failed, as it must.
#
#   bash scripts/mutations/run.sh            every mutation (about a minute each on 2 cores)
#   bash scripts/mutations/run.sh 02 05      only the mutations whose file names start with 02 or 05
#   bash scripts/mutations/run.sh --check    only check that every patch still applies (seconds; CI runs it)
#
# Exit status: 0 every mutation caught (or, with --check, every patch applies); 1 otherwise; 2 bad usage.
# The table of mutations, guarantees and tests, with a pasted run, is docs/testing.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
dir=scripts/mutations

check_only=false
select=()
for a in "$@"; do
  case "$a" in
    --check) check_only=true ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $a (try --help)" >&2; exit 2 ;;
    *) select+=("$a") ;;
  esac
done

patches=()
for p in "$dir"/*.patch; do
  name=$(basename "$p" .patch)
  if [ ${#select[@]} -gt 0 ]; then
    keep=false
    for s in "${select[@]}"; do [[ "$name" == "$s"* ]] && keep=true; done
    $keep || continue
  fi
  patches+=("$p")
done
if [ ${#patches[@]} -eq 0 ]; then
  echo "run.sh: no mutation matches ${select[*]:-anything} in $dir" >&2
  exit 2
fi

header() { sed -n "s/^# $2: //p" "$1" | head -1; }

if $check_only; then
  bad=0
  for p in "${patches[@]}"; do
    if git apply --check "$p" 2>/dev/null; then
      echo "applies  $(basename "$p")"
    else
      echo "STALE    $(basename "$p"): no longer applies to this tree; regenerate it (docs/testing.md)"
      bad=1
    fi
  done
  exit $bad
fi

scratch=$(mktemp -d /tmp/deferprobe-mutation.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
missed=0
printf '%-42s %-8s %s\n' "mutation" "result" "test (module)"
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  read -r module test <<<"$(header "$p" test)"
  rm -rf "$scratch/tree"
  mkdir -p "$scratch/tree"
  # a scratch copy of the working tree as it is (uncommitted changes included), without build output
  (cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$scratch/tree")
  if ! (cd "$scratch/tree" && git apply "$root/$p" 2>"$scratch/apply.err"); then
    printf '%-42s %-8s %s\n' "$name" "STALE" "patch does not apply: $(head -1 "$scratch/apply.err")"
    missed=1
    continue
  fi
  log="$scratch/$name.log"
  start=$(date +%s)
  (cd "$scratch/tree" && mvn -B -q -ntp -pl "$module" -am test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djacoco.skip=true >"$log" 2>&1)
  status=$?
  took=$(( $(date +%s) - start ))
  failed_line=$(grep -m1 -E "^\[ERROR\]   [A-Za-z]" "$log" | sed 's/^\[ERROR\]   //' | cut -c1-150)
  if [ $status -ne 0 ] && grep -q "Tests run:.*Failures: [1-9]\|Tests run:.*Errors: [1-9]" "$log"; then
    printf '%-42s %-8s %s (%s), %ss: %s\n' "$name" "caught" "$test" "$module" "$took" "$failed_line"
  elif [ $status -ne 0 ]; then
    printf '%-42s %-8s %s (%s): the build failed before the test ran:\n' "$name" "BROKEN" "$test" "$module"
    grep -m3 "ERROR" "$log" | sed 's/^/    /'
    missed=1
  else
    printf '%-42s %-8s %s (%s) passed with the guarantee broken\n' "$name" "MISSED" "$test" "$module"
    missed=1
  fi
done
exit $missed
