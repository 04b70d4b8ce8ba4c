#!/usr/bin/env python3
"""Runs one lepton-bench task with two builds of lepton-bench (say, before and after a change), alternating them
process by process, and prints each measurement's median and spread per build and the new/old ratio.

    python3 Benchmarks/compare_builds.py OLD/lepton-bench NEW/lepton-bench --rounds 3 -- cnn-infer --threads 1,2

Everything after `--` is passed to both binaries. Each binary prints JSON lines (task, shape, threads, batch_size,
throughput, median_seconds, p99); rows are matched on (task, shape, threads, batch_size). Throughput is compared
(higher is better). The rounds are also paired: each round runs both builds back to back, so the per-round new/old
ratios cancel slow drifts of the machine; their median and their geometric mean with a 95 % confidence interval
(Student's t over the log-ratios) are printed too. For latency rows (`unit` == "call") the median and p99 latencies are shown as well."""
import argparse
import json
import math
import statistics
import subprocess
import sys


def run(binary, arguments):
    output = subprocess.run([binary, *arguments], check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in output.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        row = json.loads(line)
        key = (row["task"], tuple(row.get("shape", [])), row.get("threads"), row.get("batch_size"))
        rows[key] = row
    return rows


# The 97.5 % quantiles of Student's t for 1-30 degrees of freedom (beyond, the normal 1.96 is close enough).
T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
         2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def paired_ratios(old, new):
    """The per-round new/old ratios: their median, and their geometric mean with a 95 % confidence interval."""
    logs = [math.log(n / o) for o, n in zip(old, new)]
    mean = statistics.fmean(logs)
    spread = statistics.stdev(logs) / math.sqrt(len(logs))
    t = T_975[len(logs) - 2] if len(logs) - 2 < len(T_975) else 1.96
    return {"ratios": [math.exp(x) for x in logs], "median": math.exp(statistics.median(logs)),
            "geometric_mean": math.exp(mean), "low": math.exp(mean - t * spread), "high": math.exp(mean + t * spread)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--rounds", type=int, default=3)
    if "--" not in sys.argv:
        parser.error("give the lepton-bench arguments after --")
    split = sys.argv.index("--")
    options = parser.parse_args(sys.argv[1:split])
    arguments = sys.argv[split + 1 :]
    if options.rounds < 3:
        sys.exit("compare_builds.py: at least 3 rounds per build")
    results = {"old": [], "new": []}
    for round_index in range(options.rounds):
        order = ["old", "new"] if round_index % 2 == 0 else ["new", "old"]
        for which in order:
            results[which].append(run(getattr(options, which), arguments))
    keys = sorted(set(results["old"][0]) & set(results["new"][0]), key=str)
    summary = []
    print(f"{'task':<24} {'threads':>7} {'batch':>5}  {'old median [min-max]':>30}  {'new median [min-max]':>30}  new/old")
    for key in keys:
        task, shape, threads, batch = key
        old = [rows[key]["throughput"] for rows in results["old"] if key in rows]
        new = [rows[key]["throughput"] for rows in results["new"] if key in rows]
        old_median, new_median = statistics.median(old), statistics.median(new)
        ratio = new_median / old_median
        units = results["new"][0][key].get("units", "")
        paired = paired_ratios(old, new)
        print(
            f"{task:<24} {threads!s:>7} {batch!s:>5}  {old_median:>12.1f} [{min(old):.1f}-{max(old):.1f}]"
            f"  {new_median:>12.1f} [{min(new):.1f}-{max(new):.1f}]  {ratio:.3f} ({units})"
            f"  paired: median {paired['median']:.3f}, geometric mean {paired['geometric_mean']:.3f}"
            f" [95% CI {paired['low']:.3f}-{paired['high']:.3f}]")
        summary.append({"task": task, "shape": list(shape), "threads": threads, "batch_size": batch,
                        "old": old, "new": new, "old_median": old_median, "new_median": new_median,
                        "ratio": ratio, "units": units, "paired": paired})
    print(json.dumps({"rounds": options.rounds, "arguments": arguments, "rows": summary}))


if __name__ == "__main__":
    main()
