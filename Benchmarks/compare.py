#!/usr/bin/env python3
"""Runs Lepton and a baseline framework alternately in one run and prints Lepton's speed ratio.

    python3 Benchmarks/compare.py gemm --sizes 256,512,1024,2048 --threads 1,2 --rounds 3

gemm: lepton-bench's sgemm against numpy's matmul (OpenBLAS), same sizes and thread counts. Each round runs
every (size, threads) pair once for Lepton and once for numpy, back to back, so both see the same machine
state; the reported figure per framework is the median over rounds of each run's median GFLOP/s, and the
ratio is Lepton over numpy. All measurements are also written as JSON lines to --output.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "lepton-bench")


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "lepton-bench"], cwd=ROOT, check=True,
                   stdout=sys.stderr)


def run_json_lines(command, env=None):
    result = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def numpy_environment(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    return env


def compare_gemm(args, log):
    sizes = [int(s) for s in args.sizes.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    results = {}  # (framework, n, t) -> [gflops per round]
    for round_index in range(args.rounds):
        for n in sizes:
            for t in threads:
                lepton = run_json_lines([BENCH, "gemm", "--sizes", str(n), "--threads", str(t),
                                         "--seconds", str(args.seconds)])
                numpy = run_json_lines([sys.executable, os.path.join(ROOT, "Benchmarks", "baselines",
                                        "numpy_sgemm.py"), "--sizes", str(n), "--threads", str(t),
                                        "--seconds", str(args.seconds)], env=numpy_environment(t))
                for line in lepton + numpy:
                    line["round"] = round_index
                    log.write(json.dumps(line) + "\n")
                    results.setdefault((line["framework"], n, t), []).append(line["gflops"])
                print(f"round {round_index + 1}/{args.rounds} n={n} threads={t}: "
                      f"lepton {lepton[0]['gflops']:.1f}, numpy {numpy[0]['gflops']:.1f} GFLOP/s", file=sys.stderr)
    print("| n | threads | Lepton GFLOP/s | OpenBLAS (numpy) GFLOP/s | Lepton / OpenBLAS |")
    print("|---:|---:|---:|---:|---:|")
    worst = {}
    for n in sizes:
        for t in threads:
            ours = statistics.median(results[("lepton", n, t)])
            theirs = statistics.median(results[("numpy", n, t)])
            print(f"| {n} | {t} | {ours:.1f} | {theirs:.1f} | {ours / theirs:.2f} |")
            worst[(n, t)] = ours / theirs
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=["gemm"])
    parser.add_argument("--sizes", default="256,512,1024,2048")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--output", default=None, help="JSON lines file (default Benchmarks/results/<date>-<task>.jsonl)")
    args = parser.parse_args()
    if not args.no_build:
        build()
    output = args.output or os.path.join(ROOT, "Benchmarks", "results",
                                         f"{datetime.date.today().isoformat()}-{args.task}.jsonl")
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as log:
        compare_gemm(args, log)
    print(f"measurements: {os.path.relpath(output, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
