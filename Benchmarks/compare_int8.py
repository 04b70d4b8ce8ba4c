#!/usr/bin/env python3
"""Lepton int8 against Lepton float32 and ONNX Runtime's static int8 of the same model, alternating processes.

    python3 Benchmarks/compare_int8.py --mnist /work/shared/data/mnist --threads 1,2 --rounds 3
    python3 Benchmarks/compare_int8.py --bundle /tmp/mnist-full.lepton --mnist DIR --percentile 99.99 --no-build

The model is the reference CNN of `lepton mnist-bundle` (Conv2D 3x3x32 + ReLU + MaxPool 2x2, Dense 64 + ReLU,
Dense 10 + softmax). Without --bundle it is trained once on DIR (one epoch) with its int8 ranges calibrated on the
first --calibration-images training images (min-max, or --percentile P) and written to
/tmp/lepton-int8/mnist-<method>.lepton. ONNX Runtime gets the same weights (Benchmarks/baselines/bench_int8_ort.py
prepare: the bundle exported to ONNX, quantised with onnxruntime.quantization.quantize_static, QDQ format,
per-channel int8 weights, uint8 activations, the same calibration images and method).

Accuracy: every MNIST test image (10,000), Lepton float32 and int8 (`lepton bench --mnist`), ONNX Runtime float32
and int8. Speed: each round runs `lepton bench BUNDLE --no-concurrency` and then the ONNX Runtime timing process, per
thread count, back to back; Lepton's figure is its `outputs(for:)` row (stacked tensors, the model alone, as
`session.run`), both sides at the same thread count (ONNX Runtime intra-op threads = T, inter-op 1). Throughput is
batch / median seconds per call; each cell is the median over rounds (at least 3) with the range. Needs a release
build of `lepton` and the baselines virtualenv (Benchmarks/baselines/setup.sh) with onnx and onnxruntime.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEPTON = os.path.join(ROOT, ".build", "release", "lepton")
ORT_SCRIPT = os.path.join(ROOT, "Benchmarks", "baselines", "bench_int8_ort.py")


def run_json(command, env=None):
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-2000:] + result.stderr[-2000:])
        raise SystemExit(f"command failed: {' '.join(command)}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def spread(values, digits=0):
    if not values:
        return "n/a"
    return f"{statistics.median(values):,.{digits}f} ({min(values):,.{digits}f}-{max(values):,.{digits}f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist", default="/work/shared/data/mnist", help="directory with the MNIST IDX files")
    parser.add_argument("--bundle", default=None, help="a bundle of `lepton mnist-bundle` (default: train one)")
    parser.add_argument("--calibration-images", type=int, default=1000)
    parser.add_argument("--percentile", type=float, default=None, help="percentile calibration (default min-max)")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--batch-sizes", default="1,8,32,256")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--venv", default=os.environ.get("LEPTON_BASELINES_VENV", "/tmp/lepton-baselines/venv"))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--output", default=None)
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3: every figure is a median over alternating process runs")
    if not os.path.isdir(args.mnist):
        raise SystemExit(f"MNIST directory {args.mnist} is missing (it needs the four IDX files, .gz or not)")
    python = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(python):
        raise SystemExit(f"no virtualenv at {args.venv}: run Benchmarks/baselines/setup.sh or pass --venv")
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "lepton"], cwd=ROOT, check=True,
                       stdout=sys.stderr)
    method = f"percentile:{args.percentile}" if args.percentile else "minmax"
    work = "/tmp/lepton-int8"
    os.makedirs(work, exist_ok=True)
    bundle = args.bundle or os.path.join(work, f"mnist-{method.replace(':', '-')}.lepton")
    if not args.bundle and not os.path.exists(bundle):
        print(f"training {bundle} on {args.mnist} …", file=sys.stderr)
        subprocess.run([LEPTON, "mnist-bundle", "--data", args.mnist, "--output", bundle, "--calibration", method,
                        "--calibration-images", str(args.calibration_images)], cwd=ROOT, check=True,
                       stdout=sys.stderr)
    ort_dir = os.path.join(work, "ort-" + os.path.basename(bundle).rsplit(".", 1)[0])
    prepare = [python, ORT_SCRIPT, "prepare", "--bundle", bundle, "--mnist", args.mnist, "--out", ort_dir,
               "--calibration-images", str(args.calibration_images)]
    if args.percentile:
        prepare += ["--percentile", str(args.percentile)]
    output = args.output or os.path.join(ROOT, "Benchmarks", "results",
                                         f"{datetime.date.today().isoformat()}-int8.jsonl")
    os.makedirs(os.path.dirname(output), exist_ok=True)
    values = {}
    accuracy = {}
    with open(output, "w") as log:
        def record(lines, round_index):
            for line in lines:
                line["round"] = round_index
                log.write(json.dumps(line) + "\n")
        lines = run_json(prepare)
        record(lines, -1)
        for line in lines:
            accuracy[("onnxruntime", line["precision"])] = line["accuracy"]
        threads = [int(t) for t in args.threads.split(",")]
        for round_index in range(args.rounds):
            for t in threads:
                ours = run_json([LEPTON, "bench", bundle, "--mnist", args.mnist, "--no-concurrency", "--json",
                                 "--batch-sizes", args.batch_sizes, "--seconds", str(args.seconds),
                                 "--threads", str(t)])
                record(ours, round_index)
                for line in ours:
                    if line.get("benchmark") == "batch" and line.get("mode") == "tensor":
                        key = ("lepton", line["precision"], line["batch_size"], t)
                        values.setdefault(key, []).append(line["batch_size"] / line["median_seconds"])
                    elif line.get("benchmark") == "int8_accuracy":
                        accuracy[("lepton", "float32")] = line.get("float32_accuracy")
                        accuracy[("lepton", "int8")] = line.get("int8_accuracy")
                        accuracy["samples"] = line.get("samples")
                env = dict(os.environ, OMP_NUM_THREADS=str(t))
                theirs = run_json([python, ORT_SCRIPT, "time", "--out", ort_dir, "--mnist", args.mnist,
                                   "--threads", str(t), "--batch-sizes", args.batch_sizes,
                                   "--seconds", str(args.seconds)], env=env)
                record(theirs, round_index)
                for line in theirs:
                    key = ("onnxruntime", line["precision"], line["batch_size"], t)
                    values.setdefault(key, []).append(line["throughput"])
                print(f"round {round_index + 1}: {t} threads done", file=sys.stderr)

    def pct(key):
        value = accuracy.get(key)
        return "n/a" if value is None else f"{value * 100:.2f}%"

    print(f"Model: {bundle} (calibration {method} on the first {args.calibration_images} training images)")
    print(f"Accuracy on {accuracy.get('samples', 'the')} MNIST test images: Lepton float32 {pct(('lepton', 'float32'))}, "
          f"int8 {pct(('lepton', 'int8'))}; ONNX Runtime float32 {pct(('onnxruntime', 'float32'))}, "
          f"static int8 {pct(('onnxruntime', 'int8'))}")
    lf, li = accuracy.get(("lepton", "float32")), accuracy.get(("lepton", "int8"))
    if lf is not None and li is not None:
        print(f"Lepton int8 accuracy change: {(li - lf) * 100:+.2f} points (bar: no worse than -0.5)")
    print("Throughput, predictions/s = batch / median seconds per call; median (min-max) over "
          f"{args.rounds} alternating rounds. Lepton: outputs(for:); ONNX Runtime: session.run.")
    print("| batch | threads | Lepton float32 | Lepton int8 | ORT float32 | ORT static int8 | "
          "Lepton int8 / Lepton float32 | Lepton int8 / ORT int8 |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in [int(t) for t in args.threads.split(",")]:
        for b in [int(b) for b in args.batch_sizes.split(",")]:
            cell = lambda f, p: values.get((f, p, b, t), [])
            med = lambda f, p: statistics.median(cell(f, p)) if cell(f, p) else None
            ratio = lambda x, y: "n/a" if x is None or y is None else f"{x / y:.2f}"
            print(f"| {b} | {t} | {spread(cell('lepton', 'float32'))} | {spread(cell('lepton', 'int8'))} | "
                  f"{spread(cell('onnxruntime', 'float32'))} | {spread(cell('onnxruntime', 'int8'))} | "
                  f"{ratio(med('lepton', 'int8'), med('lepton', 'float32'))} | "
                  f"{ratio(med('lepton', 'int8'), med('onnxruntime', 'int8'))} |")
    print(f"measurements: {os.path.relpath(output, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
