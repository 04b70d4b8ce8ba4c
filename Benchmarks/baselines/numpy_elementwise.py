"""numpy's relu, add and a·x + y on 10,000,000 float32 values, written into existing storage (`out=`), timed
the way lepton-bench times its element-wise operations. numpy has no fused a·x + y, so its axpy is the two
passes a numpy user writes: multiply into `out`, then add into `out`.

    python3 numpy_elementwise.py --threads 1 --seconds 1.5
"""

import argparse
import json
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--count", type=int, default=10_000_000)
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    n = args.count
    x = rng.uniform(-1, 1, n).astype(np.float32)
    y = rng.uniform(-1, 1, n).astype(np.float32)
    out = np.empty(n, dtype=np.float32)

    def axpy():
        np.multiply(x, np.float32(0.5), out=out)
        np.add(out, y, out=out)

    tasks = [("relu", 2, lambda: np.maximum(x, np.float32(0), out=out)),
             ("add", 3, lambda: np.add(x, y, out=out)),
             ("axpy", 3, axpy)]
    for name, floats, fn in tasks:
        for _ in range(3):
            fn()
        samples = []
        start = time.perf_counter()
        while len(samples) < 10 or time.perf_counter() - start < args.seconds:
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
        median = float(np.median(samples))
        print(json.dumps({"framework": "numpy", "version": np.__version__, "task": name, "shape": [n],
                          "threads": args.threads, "median_seconds": median, "repeats": len(samples),
                          "throughput": n * floats * 4 / median / 1e9, "units": "GB/s",
                          "elements_per_second": n / median}), flush=True)


if __name__ == "__main__":
    main()
