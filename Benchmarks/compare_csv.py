#!/usr/bin/env python3
"""Lepton against pandas and polars on a large CSV file, alternating process by process, each side run
--rounds times (at least 3); prints the median and the range of the time and of the peak memory (RSS) per side.

    python3 Benchmarks/make_large_csv.py /tmp/large.csv --gigabytes 1
    swift build -c release --product lepton-bench
    python3 Benchmarks/compare_csv.py --file /tmp/large.csv --threads 2 --rounds 3 --tasks describe
    python3 Benchmarks/compare_csv.py --file /tmp/large100m.csv --threads 2 --rounds 3 --tasks load

Tasks:
- describe: `lepton-bench describe-csv` (one streaming pass, per-column count, missing, distinct, mean, std,
  min, max, quartiles, top values), pandas `read_csv(chunksize=1_000_000)` with `describe(include="all")` of
  each chunk, and a polars lazy scan (`scan_csv`) computing count, nulls, mean, std, min, max, median and
  distinct counts of every column (mean, std and median of the numeric ones).
- load: `lepton-bench load-csv` (`Table(csv:)`, the whole table in memory) against pandas `read_csv`.

Time is the wall time of the whole process (start-up and imports included), separately the time each program
reports for the work alone, and the process's CPU time (user + system, all threads; less sensitive to other load on
the machine than wall time). Peak memory is the child's maximum resident set size from wait4. polars is
given --threads through POLARS_MAX_THREADS; pandas' parser is single-threaded."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def worker(kind, path, threads):
    """Runs one Python side in this process and prints {"seconds": work time}."""
    if kind == "pandas-describe":
        import pandas as pd

        start = time.perf_counter()
        rows = 0
        for chunk in pd.read_csv(path, chunksize=1_000_000):
            chunk.describe(include="all")
            rows += len(chunk)
        seconds = time.perf_counter() - start
    elif kind == "polars-describe":
        import polars as pl

        start = time.perf_counter()
        frame = pl.scan_csv(path)
        schema = frame.collect_schema()
        expressions = [pl.len().alias("rows")]
        for name, dtype in schema.items():
            column = pl.col(name)
            expressions += [
                column.count().alias(f"{name}.count"),
                column.null_count().alias(f"{name}.nulls"),
                column.n_unique().alias(f"{name}.distinct"),
                column.min().alias(f"{name}.min"),
                column.max().alias(f"{name}.max"),
            ]
            if dtype.is_numeric():
                expressions += [
                    column.mean().alias(f"{name}.mean"),
                    column.std().alias(f"{name}.std"),
                    column.median().alias(f"{name}.median"),
                ]
        result = frame.select(expressions).collect()
        rows = result["rows"][0]
        seconds = time.perf_counter() - start
    elif kind == "pandas-load":
        import pandas as pd

        start = time.perf_counter()
        rows = len(pd.read_csv(path))
        seconds = time.perf_counter() - start
    else:
        sys.exit(f"compare_csv.py: unknown worker {kind}")
    print(json.dumps({"seconds": seconds, "rows": int(rows)}))


def run(command, environment):
    """Runs `command`; returns (wall seconds, peak RSS in MB, the work seconds it reported, CPU seconds)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"compare_csv.py: {' '.join(command)} failed with {process.returncode}")
    reported = None
    for line in output.decode().splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            reported = row.get("median_seconds", row.get("seconds"))
    peak_megabytes = usage.ru_maxrss / 1024  # kilobytes on Linux
    return wall, peak_megabytes, reported, usage.ru_utime + usage.ru_stime


def summary(values):
    return f"{statistics.median(values):8.2f} [{min(values):.2f}-{max(values):.2f}]"


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", required=True)
    parser.add_argument("--lepton", default=".build/release/lepton-bench")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tasks", default="describe", help="comma-separated: describe, load")
    parser.add_argument(
        "--sides", default="", help="comma-separated subset of the sides to run (default: all of the task's)")
    options = parser.parse_args()
    if options.rounds < 3:
        sys.exit("compare_csv.py: at least 3 rounds per side")
    environment = dict(os.environ, POLARS_MAX_THREADS=str(options.threads), OMP_NUM_THREADS=str(options.threads))
    me = os.path.abspath(__file__)
    threads = str(options.threads)
    sides_of_task = {
        "describe": {
            "lepton describe-csv": [options.lepton, "describe-csv", "--file", options.file, "--threads", threads],
            "pandas chunked describe": [sys.executable, me, "--worker", "pandas-describe", options.file, threads],
            "polars lazy statistics": [sys.executable, me, "--worker", "polars-describe", options.file, threads],
        },
        "load": {
            "lepton Table(csv:)": [options.lepton, "load-csv", "--file", options.file, "--threads", threads],
            "pandas read_csv": [sys.executable, me, "--worker", "pandas-load", options.file, threads],
        },
    }
    size = os.path.getsize(options.file) / 1e6
    print(f"file {options.file} ({size:.0f} MB), threads {options.threads}, rounds {options.rounds}")
    wanted = [side for side in options.sides.split(",") if side]
    for task in options.tasks.split(","):
        sides = sides_of_task[task]
        if wanted:
            sides = {name: command for name, command in sides.items() if any(w in name for w in wanted)}
        results = {name: [] for name in sides}
        names = list(sides)
        for round_index in range(options.rounds):
            # Alternate the order so that no side always runs first (or right after the same other side).
            order = names if round_index % 2 == 0 else list(reversed(names))
            for name in order:
                results[name].append(run(sides[name], environment))
        print(f"\n{task}: median [min-max] over {options.rounds} processes each")
        print(f"{'side':<26} {'wall s':>22} {'work s':>22} {'CPU s (user+sys)':>22} {'peak RSS MB':>26}")
        for name in names:
            walls = [r[0] for r in results[name]]
            peaks = [r[1] for r in results[name]]
            works = [r[2] for r in results[name] if r[2] is not None]
            cpus = [r[3] for r in results[name]]
            work_text = summary(works) if works else "-"
            print(f"{name:<26} {summary(walls):>22} {work_text:>22} {summary(cpus):>22} {summary(peaks):>26}")


if __name__ == "__main__":
    main()
