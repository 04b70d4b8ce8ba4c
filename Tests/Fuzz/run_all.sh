#!/usr/bin/env bash
# Builds every libFuzzer target one after the other, then fuzzes each for SECONDS seconds, JOBS targets at a time
# (default 2: one per core of the CI machine; each target still gets SECONDS of a whole core).
#   Tests/Fuzz/run_all.sh SECONDS [JOBS]
# Each target's output goes to .build/fuzz/TARGET/log; the final statistics of every target are printed, and the
# whole log of any target that failed (a crash, a leak or a sanitizer report), which fails the run.
set -euo pipefail
seconds="${1:?usage: run_all.sh SECONDS [JOBS]}"
jobs="${2:-2}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
targets=(gzip csv idx safetensors table-csv bundle request model-json)
for target in "${targets[@]}"; do
    echo "== building $target"
    rm -f "$root/.build/fuzz/$target/log.status"
    FUZZ_BUILD_ONLY=1 bash "$here/run.sh" "$target" "$seconds"
done
echo "== fuzzing ${#targets[@]} targets for $seconds s each, $jobs at a time"
# Each job records its exit status next to its log, so a failure is reported however xargs counts it.
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c '
    log="'"$root"'/.build/fuzz/{}/log"
    if FUZZ_SKIP_BUILD=1 bash "'"$here"'/run.sh" {} '"$seconds"' >"$log" 2>&1; then echo 0 >"$log.status"
    else echo $? >"$log.status"; fi' || true
failed=()
for target in "${targets[@]}"; do
    log="$root/.build/fuzz/$target/log"
    status="$(cat "$log.status" 2>/dev/null || echo missing)"
    echo "== $target: exit status $status"
    grep -E '^stat::|^Done [0-9]+ runs' "$log" || true
    if [[ "$status" != 0 ]]; then
        failed+=("$target")
        cat "$log"
    fi
done
if ((${#failed[@]} > 0)); then
    echo "FAIL: fuzz targets with findings or errors: ${failed[*]}" >&2
    exit 1
fi
echo "all ${#targets[@]} fuzz targets ran $seconds s without a finding"
