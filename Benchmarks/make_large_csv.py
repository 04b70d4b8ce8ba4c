#!/usr/bin/env python3
"""Writes a large CSV for the streaming-describe measurement: numeric, categorical, boolean and text columns,
with missing values and quoted fields, generated from a fixed seed.

    python3 Benchmarks/make_large_csv.py /tmp/large.csv --gigabytes 1
"""

import argparse
import os
import random


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--gigabytes", type=float, default=1.0)
    args = parser.parse_args()
    target = int(args.gigabytes * 1e9)
    rng = random.Random(20261130)
    cities = ["Berlin", "Paris", "Madrid", "Rome", "Lisbon", "Vienna", "Prague", "Oslo", "Dublin", "Athens"]
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
    with open(args.path, "w", newline="") as out:
        out.write("id,amount,score,age,city,active,comment\n")
        written = 0
        row = 0
        while written < target:
            lines = []
            for _ in range(10000):
                amount = "" if rng.random() < 0.01 else f"{rng.lognormvariate(8, 1):.2f}"
                score = f"{rng.gauss(600, 50):.1f}"
                age = str(rng.randint(18, 90))
                city = rng.choice(cities)
                active = "true" if rng.random() < 0.7 else "false"
                comment = '"' + ", ".join(rng.choice(words) for _ in range(3)) + '"'
                lines.append(f"{row},{amount},{score},{age},{city},{active},{comment}\n")
                row += 1
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk)
    print(f"{args.path}: {os.path.getsize(args.path) / 1e9:.2f} GB, {row} rows")


if __name__ == "__main__":
    main()
