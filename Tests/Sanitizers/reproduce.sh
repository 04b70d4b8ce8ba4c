#!/usr/bin/env bash
# The ten-line ThreadSanitizer reproducer, built twice: with `Synchronization.Mutex` (MutexTSanReproducer.swift) and
# with Lepton's `PthreadMutex` (PthreadMutexTSanReproducer.swift + Sources/LeptonKernels/Threading/PthreadMutex.swift).
# Runs each RUNS times (default 10) and counts the runs with a TSan report.
#   Tests/Sanitizers/reproduce.sh [RUNS]
# Fails if any PthreadMutex run reports a race or does not count to 40 000 (the lock Lepton relies on must stay
# TSan-clean), or if the Mutex run taken to the end miscounts (the lock works; the report is the upstream false
# positive). The other Mutex runs stop at their first report. How many Mutex runs report is printed, not required.
set -euo pipefail
runs="${1:-10}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/mutex" "$work/pthread"
cp "$root/Tests/Sanitizers/MutexTSanReproducer.swift" "$work/mutex/main.swift"
cp "$root/Tests/Sanitizers/PthreadMutexTSanReproducer.swift" "$work/pthread/main.swift"
cp "$root/Sources/LeptonKernels/Threading/PthreadMutex.swift" "$work/pthread/PthreadMutex.swift"
started=$SECONDS
swiftc -sanitize=thread -O -g "$work/mutex/main.swift" -o "$work/mutex-tsan"
swiftc -sanitize=thread -O -g -package-name Reproducer "$work/pthread/main.swift" "$work/pthread/PthreadMutex.swift" \
    -o "$work/pthread-tsan"
built=$SECONDS
count_reports() {
    local binary="$1" full_runs="$2" reported=0 wrong=0 run=0
    for _ in $(seq "$runs"); do
        run=$((run + 1))
        # The first `full_runs` runs use halt_on_error=0: they go to the end, so their count is checked too. The
        # others stop at the first report (halt_on_error=1), whose detection is all they are for: a program that
        # races is reported on every contended access, and going on through 40 000 of them took 15 s a run in CI
        # (under 1 s by hand). symbolize=0: only the report's first line is counted.
        local halt=1
        if ((run <= full_runs)); then halt=0; fi
        output="$(TSAN_OPTIONS=halt_on_error=$halt:symbolize=0 "$binary" 2>&1 || true)"
        if grep -q 'WARNING: ThreadSanitizer' <<<"$output"; then reported=$((reported + 1)); fi
        if ((halt == 0)) && ! grep -qx 'count 40000' <<<"$output"; then wrong=$((wrong + 1)); fi
    done
    echo "$reported $wrong"
}
# The two programs are counted side by side, one per core of the CI machine.
count_reports "$work/mutex-tsan" 1 >"$work/mutex.count" &
mutex_job=$!
count_reports "$work/pthread-tsan" "$runs" >"$work/pthread.count" &
pthread_job=$!
wait "$mutex_job"
wait "$pthread_job"
# The step has taken minutes in CI where it takes seconds by hand: say where the time went, and what else ran.
echo "built both in $((built - started)) s, ran them in $((SECONDS - built)) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
if ((SECONDS - started > 60)); then ps -eo pcpu,etime,args --sort=-pcpu | head -6 | cut -c1-160; fi
read -r mutex_reported mutex_wrong <"$work/mutex.count"
read -r pthread_reported pthread_wrong <"$work/pthread.count"
echo "Synchronization.Mutex: TSan report in $mutex_reported of $runs runs (count wrong in $mutex_wrong of the 1 run taken to the end)"
echo "PthreadMutex:          TSan report in $pthread_reported of $runs runs (count wrong in $pthread_wrong of $runs)"
if ((pthread_reported > 0 || pthread_wrong > 0 || mutex_wrong > 0)); then
    echo "FAIL: PthreadMutex must give no TSan report and every program must count to 40000" >&2
    exit 1
fi
