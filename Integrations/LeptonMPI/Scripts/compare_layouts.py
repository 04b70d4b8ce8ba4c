#!/usr/bin/env python3
"""Times 2 MPI processes x 1 thread against 1 process x 2 threads (and x 1 thread) at the same global batch, in turn.

Usage: python3 Scripts/compare_layouts.py [--config release] [--rounds 3] [--epochs 2] [--batch-size 64]

Runs from Integrations/LeptonMPI after `swift build -c CONFIG`. Each round runs both layouts once, in turn; prints
every run's JSON summary, then the median (and min-max) of seconds per step, samples per second and test accuracy
per layout, with the load average, and writes the 1-process summaries to .build/layouts-single.json for
Scripts/scaling_model.py.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="release")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    binary = f".build/{args.config}/mnist-cnn-distributed"
    common = ["--epochs", str(args.epochs), "--batch-size", str(args.batch_size), "--seed", "3"]
    layouts = {
        "2 processes x 1 thread": ["mpirun", "--allow-run-as-root", "-np", "2", binary, "--threads", "1"] + common,
        "1 process x 2 threads": [binary, "--no-mpi", "--threads", "2"] + common,
        "1 process x 1 thread": [binary, "--no-mpi", "--threads", "1"] + common,
    }
    results = {name: [] for name in layouts}
    print(f"load average before: {os.getloadavg()}")
    for round_index in range(args.rounds):
        for name, command in layouts.items():
            summary = run(command)
            results[name].append(summary)
            print(f"round {round_index + 1}, {name}: {json.dumps(summary, sort_keys=True)}")
    print(f"load average after: {os.getloadavg()}\n")
    print("| layout | runs | ms/step median (min-max) | of which collectives, ms | samples/s median (min-max) "
          "| test accuracy |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, summaries in results.items():
        step = [1e3 * s["seconds_per_step"] for s in summaries]
        rate = [s["samples_per_second"] for s in summaries]
        accuracy = sorted({s["test_accuracy"] for s in summaries})
        communication = statistics.median(1e3 * s.get("communication_seconds_per_step", 0) for s in summaries)
        print(f"| {name} | {len(summaries)} | {statistics.median(step):.1f} ({min(step):.1f}-{max(step):.1f}) | "
              f"{communication:.1f} | "
              f"{statistics.median(rate):.0f} ({min(rate):.0f}-{max(rate):.0f}) | "
              f"{', '.join(f'{a:.4f}' for a in accuracy)} |")
    single = results["1 process x 2 threads"]
    median_run = sorted(single, key=lambda s: s["seconds_per_step"])[len(single) // 2]
    os.makedirs(".build", exist_ok=True)
    with open(".build/layouts-single.json", "w") as handle:
        handle.write(json.dumps(median_run, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
