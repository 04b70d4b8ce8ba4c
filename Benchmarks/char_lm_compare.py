"""Alternates Lepton's char-lm (release build) and Benchmarks/char_lm_torch.py on the same data, configuration and
thread count, and prints the median and spread of each side's tokens/s and final validation loss.

  swift build -c release --product char-lm
  python Benchmarks/char_lm_compare.py --runs 3 --threads 2 --iterations 2000 [--python PY] [--data FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def last_json(output):
    return json.loads(output.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iterations", type=int, default=2000)
    p.add_argument("--eval-windows", type=int, default=20)
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--data")
    a = p.parse_args()
    common = ["--iterations", str(a.iterations), "--eval-interval", str(a.iterations), "--threads", str(a.threads),
              "--eval-windows", str(a.eval_windows), "--sample-length", "50"]
    if a.data:
        common += ["--data", a.data]
    sides = {
        "lepton": [os.path.join(ROOT, ".build", "release", "char-lm")] + common,
        "pytorch": [a.python, os.path.join(HERE, "char_lm_torch.py")] + common,
    }
    results = {name: [] for name in sides}
    for run in range(a.runs):
        for name, command in sides.items():
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            summary = last_json(out)
            results[name].append(summary)
            print(f"run {run + 1} {name}: {summary['tokens_per_second']:.0f} tokens/s, val_loss {summary['val_loss']:.4f}",
                  flush=True)
    report = {}
    for name, rows in results.items():
        speeds = [r["tokens_per_second"] for r in rows]
        losses = [r["val_loss"] for r in rows]
        report[name] = {"tokens_per_second_median": statistics.median(speeds),
                        "tokens_per_second_min": min(speeds), "tokens_per_second_max": max(speeds),
                        "val_loss_median": statistics.median(losses)}
    report["speed_ratio"] = report["lepton"]["tokens_per_second_median"] / report["pytorch"]["tokens_per_second_median"]
    report["val_loss_difference"] = report["lepton"]["val_loss_median"] - report["pytorch"]["val_loss_median"]
    report.update(threads=a.threads, iterations=a.iterations, runs=a.runs)
    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()
