"""numpy's float32 matmul (OpenBLAS sgemm) timed the way lepton-bench times sgemm.

    OPENBLAS_NUM_THREADS=2 python3 numpy_sgemm.py --sizes 512,1024 --threads 2 --seconds 1.5

Prints one JSON line per size with the fields lepton-bench prints. The caller sets OPENBLAS_NUM_THREADS
before this process starts (OpenBLAS reads it when numpy loads) and removes OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE so that OpenBLAS picks its kernels for the CPU it runs on (or sets OPENBLAS_CORETYPE=Haswell to
force its AVX2 kernels: `compare.py gemm --avx2`). The kernel family OpenBLAS chose is in the "architecture" field
when threadpoolctl is installed.
"""

import argparse
import json
import time

import numpy as np


def openblas_architecture():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return next((info.get("architecture") for info in threadpoolctl.threadpool_info()
                 if info.get("internal_api") == "openblas"), None)


def percentile(samples, fraction):
    return float(np.percentile(np.asarray(samples), fraction * 100))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="256,512,1024,2048")
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    rng = np.random.default_rng(42)
    architecture = openblas_architecture()
    for n in [int(s) for s in args.sizes.split(",")]:
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        for _ in range(3):
            np.matmul(a, b, out=c)
        samples = []
        start = time.perf_counter()
        while len(samples) < 10 or (time.perf_counter() - start < args.seconds and len(samples) < 5000):
            t0 = time.perf_counter()
            np.matmul(a, b, out=c)
            samples.append(time.perf_counter() - t0)
        median = percentile(samples, 0.5)
        gflop = 2.0 * n ** 3 / 1e9
        print(json.dumps({
            "framework": "numpy", "version": np.__version__, "task": "sgemm", "shape": [n, n, n],
            "threads": args.threads, "median_seconds": median, "p10": percentile(samples, 0.1),
            "p90": percentile(samples, 0.9), "min": min(samples), "max": max(samples),
            "repeats": len(samples), "throughput": gflop / median, "gflops": gflop / median, "units": "GFLOP/s",
            "architecture": architecture,
        }), flush=True)


if __name__ == "__main__":
    main()
