#!/usr/bin/env python3
"""Runs Lepton and the baseline frameworks alternately in one run and prints Lepton's speed ratios.

    python3 Benchmarks/compare.py gemm        --sizes 256,512,1024,2048 --threads 1,2 --rounds 3
    python3 Benchmarks/compare.py gemm        --avx2 --threads 1,2   # AVX2 against AVX2 (OPENBLAS_CORETYPE=Haswell)
    python3 Benchmarks/compare.py elementwise --threads 1,2 --rounds 3   # needs numpy and numexpr
    python3 Benchmarks/compare.py cnn-train   --batch-sizes 32,128 --threads 1,2 --epochs 2 --venv VENV
    python3 Benchmarks/compare.py cnn-infer   --threads 1,2 --venv VENV
    python3 Benchmarks/compare.py lstm        --threads 1,2 --venv VENV
    python3 Benchmarks/compare.py transformer-layer --threads 1,2 --venv VENV
    python3 Benchmarks/compare.py mlp-train   --threads 1,2 --venv VENV

gemm, elementwise: against numpy (OpenBLAS for sgemm; `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` are removed
from numpy's environment only). cnn-train: against PyTorch and Keras (TensorFlow with
`TF_ENABLE_ONEDNN_OPTS=1`) with the protocol of baselines/bench_cnn_train.py. cnn-infer: against ONNX Runtime,
PyTorch and Keras (`tf.function`). lstm, transformer-layer: against PyTorch with the protocol of baselines/bench_torch_misc.py
(forward, MSE loss, backward; LSTM 32→128 on [64, 50, 32], encoder layer d 128, 4 heads, ff 512, train mode, on
[32, 64, 128]). mlp-train: against PyTorch with the `mlp` protocol of baselines/bench_torch_misc.py (784-128-10
Linear-ReLU-Linear, SGD lr 0.01, cross-entropy, batch 128, epochs of 60,000 synthetic samples, median epoch). The Python frameworks come from a virtualenv made by
`Benchmarks/baselines/setup.sh` (`--venv`); gemm and elementwise only need numpy.

Each round runs every configuration once per framework, back to back, so all see the same machine state; the
figure reported per framework is the median over rounds (at least 3) with the range, and the ratio is Lepton over
the baseline (above 1 means Lepton is faster, for latency: the baseline's time over Lepton's). Both sides run at
the same thread count; numpy's element-wise ufuncs cannot thread, so elementwise also compares with numexpr on the
same threads, and cnn-infer shows ONNX Runtime's per-call overhead (an Identity model of the same input). Every measurement is also written as
a JSON line to --output.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASELINES = os.path.join(ROOT, "Benchmarks", "baselines")
BENCH = os.path.join(ROOT, ".build", "release", "lepton-bench")


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "lepton-bench"], cwd=ROOT, check=True,
                   stdout=sys.stderr)


WAIT_QUIET = False


def json_lines(command, env=None):
    if WAIT_QUIET:
        subprocess.run([sys.executable, os.path.join(BASELINES, "wait_quiet.py"), "--max-wait", "300"], check=False)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-2000:])
        raise SystemExit(f"command failed: {' '.join(command)}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def environment(threads, **changes):
    env = dict(os.environ)
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(key, None)
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
    env.update(changes)
    return env


class Results:
    """Measurements per (framework, configuration) over rounds, logged as JSON lines."""

    def __init__(self, log):
        self.values = {}
        self.log = log

    def add(self, lines, key_of, value_of, round_index):
        for line in lines:
            line["round"] = round_index
            self.log.write(json.dumps(line) + "\n")
            key = key_of(line)
            if key is not None:
                self.values.setdefault(key, []).append(value_of(line))

    def median(self, key):
        values = self.values.get(key)
        return statistics.median(values) if values else None


    def spread(self, key, scale=1.0, digits=1):
        """The median with the range over rounds: `median (min-max)`."""
        values = self.values.get(key)
        if not values:
            return "n/a"
        return (f"{statistics.median(values) * scale:,.{digits}f} "
                f"({min(values) * scale:,.{digits}f}-{max(values) * scale:,.{digits}f})")


def ratio_text(ours, theirs, higher_is_better=True):
    if ours is None or theirs is None:
        return "n/a"
    return f"{(ours / theirs if higher_is_better else theirs / ours):.2f}"


def compare_gemm(args, results):
    sizes = [int(s) for s in args.sizes.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    for round_index in range(args.rounds):
        for n in sizes:
            for t in threads:
                key = lambda line: (line["framework"], tuple(line["shape"]), line["threads"])
                ours_env = dict(os.environ, LEPTON_SGEMM_KERNEL="avx2") if args.avx2 else None
                theirs_env = environment(t, OPENBLAS_CORETYPE="Haswell") if args.avx2 else environment(t)
                results.add(json_lines([BENCH, "gemm", "--sizes", str(n), "--threads", str(t), "--seconds",
                                        str(args.seconds)], env=ours_env), key, lambda l: l["gflops"], round_index)
                results.add(json_lines([args.python, os.path.join(BASELINES, "numpy_sgemm.py"), "--sizes", str(n),
                                        "--threads", str(t), "--seconds", str(args.seconds)],
                                       env=theirs_env), key, lambda l: l["gflops"], round_index)
    if args.avx2:
        print("AVX2 against AVX2: Lepton with LEPTON_SGEMM_KERNEL=avx2, OpenBLAS with OPENBLAS_CORETYPE=Haswell")
    print("| n | threads | Lepton GFLOP/s, median (min-max) | OpenBLAS (numpy) GFLOP/s | Lepton / OpenBLAS |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        for t in threads:
            ours = results.median(("lepton", (n, n, n), t))
            theirs = results.median(("numpy", (n, n, n), t))
            print(f"| {n} | {t} | {results.spread(('lepton', (n, n, n), t))} | "
                  f"{results.spread(('numpy', (n, n, n), t))} | {ratio_text(ours, theirs)} |")


def compare_elementwise(args, results):
    """numpy's ufuncs are single-threaded, so every thread count is also compared with numexpr on the same number
    of threads; numpy's 1-thread figure is shown beside each row, labelled as such."""
    threads = [int(t) for t in args.threads.split(",")]
    key = lambda line: (line["framework"], line["task"], line["threads"])
    script = os.path.join(BASELINES, "numpy_elementwise.py")
    for round_index in range(args.rounds):
        results.add(json_lines([args.python, script, "--threads", "1", "--seconds", str(args.seconds)],
                               env=environment(1)), key, lambda l: l["throughput"], round_index)
        for t in threads:
            results.add(json_lines([BENCH, "elementwise", "--threads", str(t), "--seconds", str(args.seconds)]),
                        key, lambda l: l["throughput"], round_index)
            results.add(json_lines([args.python, script, "--library", "numexpr", "--threads", str(t), "--seconds",
                                    str(args.seconds)], env=environment(t)),
                        key, lambda l: l["throughput"], round_index)
    print("| operation (10M floats, into existing storage) | threads | Lepton GB/s, median (min-max) | "
          "numexpr, same threads | Lepton / numexpr | numpy (1 thread: ufuncs do not thread) | Lepton / numpy |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for task in ("relu", "add", "axpy"):
        for t in threads:
            ours = results.median(("lepton", task, t))
            numexpr = results.median(("numexpr", task, t))
            numpy = results.median(("numpy", task, 1))
            print(f"| {task} | {t} | {results.spread(('lepton', task, t))} | "
                  f"{results.spread(('numexpr', task, t))} | {ratio_text(ours, numexpr)} | "
                  f"{results.spread(('numpy', task, 1))} | {ratio_text(ours, numpy)} |")


def venv_python(args):
    python = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(python):
        raise SystemExit(f"no virtualenv at {args.venv}: run `VENV={args.venv} bash Benchmarks/baselines/setup.sh`")
    return python


def compare_cnn_train(args, results):
    python = venv_python(args)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    script = os.path.join(BASELINES, "bench_cnn_train.py")
    key = lambda line: (line["framework"], line.get("batch_size") or line.get("params", {}).get("batch_size"),
                        line["threads"])
    tf_env = {"TF_ENABLE_ONEDNN_OPTS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    for round_index in range(args.rounds):
        for b in batch_sizes:
            for t in threads:
                results.add(json_lines([BENCH, "cnn-train", "--batch-size", str(b), "--threads", str(t), "--epochs",
                                        str(args.epochs)]), key, lambda l: l["throughput"], round_index)
                results.add(json_lines([python, script, "--framework", "torch", "--batch-size", str(b), "--threads",
                                        str(t), "--epochs", str(args.epochs)], env=environment(t)),
                            key, lambda l: l["throughput"], round_index)
                results.add(json_lines([python, script, "--framework", "keras", "--batch-size", str(b), "--threads",
                                        str(t), "--epochs", str(args.epochs)], env=environment(t, **tf_env)),
                            key, lambda l: l["throughput"], round_index)
                print(f"round {round_index + 1}: batch {b}, {t} threads done", file=sys.stderr)
    print("| batch | threads | Lepton samples/s, median (min-max) | PyTorch | Keras (oneDNN) | "
          "Lepton / best of the two |")
    print("|---:|---:|---:|---:|---:|---:|")
    for b in batch_sizes:
        for t in threads:
            ours = results.median(("lepton", b, t))
            torch = results.median(("torch", b, t))
            keras = results.median(("keras", b, t))
            best = max(v for v in (torch, keras) if v is not None)
            cells = " | ".join(results.spread((f, b, t), digits=0) for f in ("lepton", "torch", "keras"))
            print(f"| {b} | {t} | {cells} | {ratio_text(ours, best)} |")


def compare_cnn_infer(args, results):
    python = venv_python(args)
    threads = [int(t) for t in args.threads.split(",")]
    script = os.path.join(BASELINES, "bench_cnn_infer.py")

    def key(line):
        api = line.get("params", {}).get("api", "")
        if line["framework"] == "keras" and "tf.function" not in api:
            return None
        return (line["framework"], line["task"], line["threads"])

    value = lambda line: line["median_seconds"] if "latency" in line["task"] else line["throughput"]
    tf_env = {"TF_ENABLE_ONEDNN_OPTS": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    peers = (("onnxruntime", {}), ("onnxruntime-identity", {}), ("torch", {}), ("keras", tf_env))
    for round_index in range(args.rounds):
        for t in threads:
            results.add(json_lines([BENCH, "cnn-infer", "--threads", str(t)]), key, value, round_index)
            for framework, env in peers:
                results.add(json_lines([python, script, "--framework", framework, "--threads", str(t)],
                                       env=environment(t, **env)), key, value, round_index)
            print(f"round {round_index + 1}: {t} threads done", file=sys.stderr)
    frameworks = ("onnxruntime", "torch", "keras")
    print("Each cell: median (min-max) over rounds. ORT call overhead: ONNX Runtime's session.run on a one-node "
          "Identity model of the same input, same options.")
    print("| measure | threads | Lepton | ONNX Runtime | ORT call overhead | PyTorch | Keras tf.function | "
          "Lepton vs ONNX Runtime | Lepton vs ONNX Runtime without its call overhead |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for task, label in (("cnn_infer_latency", "batch-1 latency (µs)"),
                        ("cnn_infer_throughput", "batch-256 throughput (samples/s)")):
        latency = "latency" in task
        for t in threads:
            ours = results.median(("lepton", task, t))
            ort = results.median(("onnxruntime", task, t))
            identity = results.median(("onnxruntime_identity", task, t))
            if latency:
                cell = lambda f: results.spread((f, task, t), scale=1e6)
                overhead = identity
                ort_alone = None if ort is None or identity is None else ort - identity
            else:
                cell = lambda f: results.spread((f, task, t), digits=0)
                # Throughput rows: the identity's time per batch-256 call is its overhead.
                overhead = None if identity is None else 256 / identity
                ort_alone = None if ort is None or overhead is None else 256 / (256 / ort - overhead)
            overhead_text = (results.spread(("onnxruntime_identity", task, t), scale=1e6) if latency else
                             "n/a" if overhead is None else f"{overhead * 1e6:,.1f} µs per call")
            print(f"| {label} | {t} | {cell('lepton')} | {cell('onnxruntime')} | {overhead_text} | "
                  f"{cell('torch')} | {cell('keras')} | {ratio_text(ours, ort, higher_is_better=not latency)} | "
                  f"{ratio_text(ours, ort_alone, higher_is_better=not latency)} |")


def compare_sequence(args, results):
    """lstm, transformer-layer or mlp-train: Lepton against PyTorch, alternating processes, same thread count."""
    python = venv_python(args)
    threads = [int(t) for t in args.threads.split(",")]
    script = os.path.join(BASELINES, "bench_torch_misc.py")
    task, only, unit = {"lstm": ("lstm_fwd_bwd", "lstm", "sequences/s"),
                        "transformer-layer": ("transformer_fwd_bwd", "transformer", "sequences/s"),
                        "mlp-train": ("mlp_train", "mlp", "samples/s")}[args.task]
    key = lambda line: (line["framework"], line["task"], line["threads"])
    for round_index in range(args.rounds):
        for t in threads:
            results.add(json_lines([BENCH, args.task, "--threads", str(t)]), key, lambda l: l["throughput"],
                        round_index)
            results.add(json_lines([python, script, "--threads", str(t), "--only", only], env=environment(t)),
                        key, lambda l: l["throughput"], round_index)
            print(f"round {round_index + 1}: {t} threads done", file=sys.stderr)
    print(f"| task | threads | Lepton {unit} (median, min-max over rounds) | PyTorch | Lepton / PyTorch |")
    print("|---|---:|---:|---:|---:|")
    for t in threads:
        ours = results.median(("lepton", task, t))
        theirs = results.median(("torch", task, t))
        spread = lambda f: results.values.get((f, task, t), [])
        low_high = lambda f: f"{min(spread(f)):,.1f}-{max(spread(f)):,.1f}" if spread(f) else "n/a"
        print(f"| {task} | {t} | {ours:,.1f} ({low_high('lepton')}) | {theirs:,.1f} ({low_high('torch')}) | "
              f"{ratio_text(ours, theirs)} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=["gemm", "elementwise", "cnn-train", "cnn-infer", "lstm", "transformer-layer",
                                         "mlp-train"])
    parser.add_argument("--sizes", default="256,512,1024,2048")
    parser.add_argument("--batch-sizes", default="32,128")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--venv", default=os.environ.get("LEPTON_BASELINES_VENV", "/tmp/lepton-baselines/venv"))
    parser.add_argument("--python", default=sys.executable, help="python with numpy for gemm and elementwise")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--avx2", action="store_true",
                        help="gemm: both sides on their AVX2 + FMA kernels (LEPTON_SGEMM_KERNEL=avx2, "
                             "OPENBLAS_CORETYPE=Haswell), as a CPU without AVX-512 would run them")
    parser.add_argument("--wait-quiet", action="store_true", help="wait for an idle machine before each measurement")
    parser.add_argument("--output", default=None, help="JSON lines file (default Benchmarks/results/<date>-<task>.jsonl)")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: every figure is a median over alternating process runs")
    global WAIT_QUIET
    WAIT_QUIET = args.wait_quiet
    if not args.no_build:
        build()
    output = args.output or os.path.join(ROOT, "Benchmarks", "results",
                                         f"{datetime.date.today().isoformat()}-{args.task}.jsonl")
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as log:
        results = Results(log)
        {"gemm": compare_gemm, "elementwise": compare_elementwise, "cnn-train": compare_cnn_train,
         "cnn-infer": compare_cnn_infer, "lstm": compare_sequence,
         "transformer-layer": compare_sequence, "mlp-train": compare_sequence}[args.task](args, results)
    print(f"measurements: {os.path.relpath(output, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
