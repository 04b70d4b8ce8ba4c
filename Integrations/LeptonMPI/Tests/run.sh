#!/usr/bin/env bash
# LeptonMPI's tests: data-parallel training over Open MPI against one process, the MPI collective against the
# in-process one, and a killed rank ending the job.
#
#   Integrations/LeptonMPI/Tests/run.sh [debug|release]
#
# Needs Open MPI (Debian: apt-get install -y libopenmpi-dev openmpi-bin) and python3. Builds the package first.
# Runs as root in containers: mpirun is given --allow-run-as-root, and --oversubscribe so that a machine with fewer
# cores than ranks still runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-debug}"
case "$config" in debug | release) ;; *) echo "usage: $0 [debug|release]" >&2; exit 2 ;; esac

export LC_ALL=C.UTF-8
swift build -c "$config" -Xswiftc -warnings-as-errors
bin=".build/$config"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mpirun=(mpirun --allow-run-as-root --oversubscribe)
step() { printf '\n== %s (%s)\n' "$1" "$(date +%H:%M:%S)"; }

step "(a) 50 steps on 2 MPI ranks give the losses of 1 process with the same global batch and seed (1e-4 relative)"
args=(--steps 50 --batch-size 32 --seed 7 --threads 1)
"$bin/mnist-cnn-distributed" --no-mpi "${args[@]}" > "$work/single.out"
"${mpirun[@]}" -np 2 "$bin/mnist-cnn-distributed" "${args[@]}" > "$work/distributed.out"
# The same with 64 KB buckets: about 22 all-reductions per step, most of them on the communication thread while
# backward still runs (the default 25 MB bucket holds the whole model and can only go after backward).
"${mpirun[@]}" -np 2 "$bin/mnist-cnn-distributed" "${args[@]}" --bucket-bytes 65536 > "$work/overlapped.out"
for distributed in "$work/distributed.out" "$work/overlapped.out"; do
python3 - "$work/single.out" "$distributed" <<'PY'
import json, sys

def losses(path):
    lines = open(path).read().splitlines()
    steps = [line.split() for line in lines if line.startswith("step ")]
    return [float(fields[3]) for fields in steps], json.loads(lines[-1])

single, single_summary = losses(sys.argv[1])
distributed, distributed_summary = losses(sys.argv[2])
assert distributed_summary["ranks"] == 2 and single_summary["ranks"] == 1, (single_summary, distributed_summary)
assert len(single) == 50 and len(distributed) == 50, f"{len(single)} and {len(distributed)} steps, expected 50"
worst = 0.0
for step, (a, b) in enumerate(zip(single, distributed), 1):
    relative = abs(a - b) / abs(a)  # NaN fails the comparison below
    if not relative <= 1e-4:
        sys.exit(f"step {step}: 1 process {a!r}, 2 ranks {b!r} (relative difference {relative:.3g})")
    worst = max(worst, relative)
assert single[-1] < 0.5 * single[0], "the loss did not fall: the comparison would be trivial"
print(f"50 steps: losses agree, largest relative difference {worst:.3g}; "
      f"loss {single[0]:.4f} -> {single[-1]:.4f}; test accuracy {single_summary['test_accuracy']} (1 process), "
      f"{distributed_summary['test_accuracy']} (2 ranks, {sys.argv[2].rsplit('/', 1)[-1]})")
PY
done

step "(b) MPICollective equals InProcessCollective bit for bit on random data (2 and 3 ranks, uneven sizes)"
"${mpirun[@]}" -np 2 "$bin/mpi-collective-check"
"${mpirun[@]}" -np 3 "$bin/mpi-collective-check"

# Starts a long 2-rank run, sends `signal` to rank 1 once training is under way, and checks that the whole job
# ends, with a non-zero status and a message matching `pattern`, within 30 s.
interrupt_rank() {
    local signal="$1" pattern="$2" out="$work/$1.out" err="$work/$1.err"
    "${mpirun[@]}" -np 2 "$bin/mnist-cnn-distributed" --epochs 1000 --batch-size 32 --threads 1 \
        --collective-timeout 15 > "$out" 2> "$err" &
    local job=$!
    for _ in $(seq 1 600); do
        if [ "$(grep -c '^rank .* pid ' "$err" || true)" -ge 2 ] && grep -q '^step 3 ' "$out"; then break; fi
        if ! kill -0 "$job" 2> /dev/null; then cat "$err" >&2; echo "the job ended before the signal" >&2; exit 1; fi
        sleep 0.2
    done
    local victim survivor
    victim=$(sed -n 's/^rank 1 of 2: pid \([0-9]*\)$/\1/p' "$err")
    survivor=$(sed -n 's/^rank 0 of 2: pid \([0-9]*\)$/\1/p' "$err")
    [ -n "$victim" ] && [ -n "$survivor" ] || { cat "$err" >&2; echo "no rank pids" >&2; exit 1; }
    local sent_at status=0 elapsed
    sent_at=$(date +%s.%N)
    kill "-$signal" "$victim"
    wait "$job" || status=$?
    elapsed=$(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$sent_at")
    # Rank 0 may linger a moment as a zombie until init reaps it; it must not keep running.
    alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)" != Z ]; }
    for _ in $(seq 1 50); do alive "$survivor" || break; sleep 0.2; done
    if alive "$survivor"; then echo "rank 0 (pid $survivor) still runs after mpirun ended" >&2; exit 1; fi
    echo "SIG$signal to rank 1 (pid $victim); mpirun exited with status $status after $elapsed s; the messages:"
    grep -v -e '^step ' -e '^rank ' -e '^---' "$err" | sed 's/^/    /' | head -12
    [ "$status" -ne 0 ] || { echo "mpirun reported success after SIG$signal to a rank" >&2; exit 1; }
    python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 30 else 1)" "$elapsed" ||
        { echo "the job took $elapsed s (more than 30 s) to end after SIG$signal" >&2; exit 1; }
    grep -q -E "$pattern" "$err" || { echo "no clear error message (expected /$pattern/)" >&2; exit 1; }
}

step "(c) killing one rank ends the job with a clear error within 30 s"
interrupt_rank KILL "process rank 1 .* exited on signal 9"

step "(c') a rank that hangs (stopped) makes the other rank's watchdog end the job within 30 s"
interrupt_rank STOP "LeptonMPI rank 0: .* has waited .* a peer process probably died or hangs"

step "done"
