"""numpy's relu, add and a·x + y on 10,000,000 float32 values, written into existing storage (`out=`), timed
the way lepton-bench times its element-wise operations. numpy has no fused a·x + y, so its axpy is the two
passes a numpy user writes: multiply into `out`, then add into `out`.

numpy's element-wise ufuncs run on one thread whatever `--threads` says (the rows record `"threads": 1`), so a
2-thread comparison needs a multi-threaded peer: `--library numexpr` evaluates the same three expressions with
numexpr on `--threads` threads (`numexpr.set_num_threads`), one fused pass each, into the same storage.

    python3 numpy_elementwise.py --threads 1 --seconds 1.5
    python3 numpy_elementwise.py --library numexpr --threads 2 --seconds 1.5
"""

import argparse
import json
import time

import numpy as np


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--count", type=int, default=10_000_000)
    parser.add_argument("--seconds", type=float, default=1.5)
    parser.add_argument("--library", choices=["numpy", "numexpr"], default="numpy")
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
    framework, version, threads = "numpy", np.__version__, 1
    if args.library == "numexpr":
        import numexpr
        numexpr.set_num_threads(args.threads)
        names = {"x": x, "y": y, "zero": np.float32(0), "half": np.float32(0.5)}
        evaluate = lambda expression: numexpr.evaluate(expression, local_dict=names, out=out, casting="same_kind")
        # numexpr's where() is several times slower than a multiply by the comparison here; give it its best form.
        relu = min(("where(x > zero, x, zero)", "x * (x > zero)"),
                   key=lambda expression: min(timed(lambda: evaluate(expression)) for _ in range(3)))
        tasks = [("relu", 2, lambda: evaluate(relu)),
                 ("add", 3, lambda: evaluate("x + y")),
                 ("axpy", 3, lambda: evaluate("half * x + y"))]
        framework, version, threads = "numexpr", numexpr.__version__, args.threads
        expected = [np.maximum(x, 0), x + y, np.float32(0.5) * x + y]
        for (name, _, fn), truth in zip(tasks, expected):
            fn()
            if not np.allclose(out, truth, rtol=1e-6, atol=1e-6):
                raise SystemExit(f"numexpr {name} disagrees with numpy")
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
        print(json.dumps({"framework": framework, "version": version, "task": name, "shape": [n],
                          "threads": threads, "threads_requested": args.threads, "median_seconds": median, "repeats": len(samples),
                          "throughput": n * floats * 4 / median / 1e9, "units": "GB/s",
                          "elements_per_second": n / median}), flush=True)


if __name__ == "__main__":
    main()
