#!/usr/bin/env python3
"""lepton-serve against the server a Python team would deploy, under wrk load, in one run (issue 13).

    python3 Benchmarks/compare_serving.py [--rounds 3] [--seconds 10] [--connections 1,16,64]
                                          [--server-cpus 1] [--client-cpus 0] [--framework auto]

What it does:
1. Builds `lepton-serve` and `lepton` in release in the nested package Integrations/LeptonServe (`--skip-build`:
   expects them there and says how to build them if they are missing).
2. Writes the model repository: the reference CNN (the design's MNIST CNN, `lepton mnist-bundle`, trained one
   epoch on the 5k MNIST subset embedded in the repository) as `mnist-cnn`, and the `credit` example of
   `lepton-serve --write-examples` (a tabular classifier with named columns and a fitted pipeline).
3. Exports the SAME weights into ONNX models (serving/export_onnx.py, the `onnx` helper API), plus the credit
   pipeline's fitted parameters, which the Python peer applies in numpy before ONNX Runtime.
4. Per round: starts lepton-serve and the Python peer (serving/python_peer.py: KServe's `ModelServer` wrapping
   ONNX Runtime when `kserve` imports, else FastAPI + uvicorn + ONNX Runtime; the output says which), both pinned
   with `taskset` to --server-cpus, waits until both are ready, checks that both give the same probabilities on
   a few requests per model (aborts if not), then for each model and connection count runs wrk (pinned to
   --client-cpus, serving/post_infer.lua posting the same v2 JSON body to both) against Lepton and the Python
   peer back to back, alternating which goes first from round to round; each measured run follows a discarded
   warm-up run. Both servers are stopped at the end of the round (SIGTERM).
5. Prints, per model and connection count, the median over rounds (min–max) of throughput, p50 and p99 latency,
   the summed non-2xx and socket error counts, Lepton's throughput over the peer's and the peer's p99 over
   Lepton's; the last line is one JSON object with everything, every run included.

Threads: ONNX Runtime gets as many intra-op threads as --server-cpus has CPUs; uvicorn/KServe one worker process.
Lepton sizes its compute pools by the machine's online processors (not the affinity mask), so with a 1-CPU mask
its threads share that CPU. lepton-serve runs with `--log-level warning` (no per-request log line) and the peer
without access log.
"""

import argparse
import gzip
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVE_PACKAGE = os.path.join(ROOT, "Integrations", "LeptonServe")
SERVING = os.path.join(ROOT, "Benchmarks", "serving")
MNIST_5K = os.path.join(ROOT, "Sources", "mnist-cnn", "Resources", "mnist_5k")
LUA = os.path.join(SERVING, "post_infer.lua")
MODELS = ("mnist-cnn", "credit")


def log(message):
    print(message, file=sys.stderr, flush=True)


def build(skip):
    command = ["swift", "build", "-c", "release", "--package-path", SERVE_PACKAGE]
    if not skip:
        for product in ("lepton-serve", "lepton"):
            log(f"building {product} (release)…")
            subprocess.run(command + ["--product", product], check=True, stdout=sys.stderr)
    bin_dir = subprocess.run(command + ["--show-bin-path"], check=True, capture_output=True, text=True).stdout.strip()
    binaries = {name: os.path.join(bin_dir, name) for name in ("lepton-serve", "lepton")}
    for name, path in binaries.items():
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{path} is missing: build it with `swift build -c release --package-path "
                             f"Integrations/LeptonServe --product {name}` (or run without --skip-build)")
    return binaries


def write_repository(binaries, work, epochs):
    repository = os.path.join(work, "repository")
    examples = os.path.join(work, "examples")
    os.makedirs(repository)
    subprocess.run([binaries["lepton-serve"], "--write-examples", examples, "--write-examples-only"], check=True,
                   stdout=sys.stderr)
    shutil.copy(os.path.join(examples, "credit.lepton"), os.path.join(repository, "credit.lepton"))
    subprocess.run([binaries["lepton"], "mnist-bundle", "--data", MNIST_5K, "--output",
                    os.path.join(repository, "mnist-cnn.lepton"), "--epochs", str(epochs), "--seed", "1"],
                   check=True, stdout=sys.stderr)
    onnx_dir = os.path.join(work, "onnx")
    subprocess.run([sys.executable, os.path.join(SERVING, "export_onnx.py"), "--output", onnx_dir]
                   + [os.path.join(repository, name + ".lepton") for name in MODELS], check=True, stdout=sys.stderr)
    return repository, onnx_dir


def mnist_images(count):
    """The first `count` test images of the embedded MNIST subset, as flat lists in [0, 1]."""
    with gzip.open(os.path.join(MNIST_5K, "t10k-images-idx3-ubyte.gz"), "rb") as handle:
        data = handle.read()
    rows, cols = int.from_bytes(data[8:12], "big"), int.from_bytes(data[12:16], "big")
    size = rows * cols
    return [[round(b / 255, 6) for b in data[16 + i * size:16 + (i + 1) * size]] for i in range(count)]


def cnn_body(image):
    return {"inputs": [{"name": "input", "shape": [1, 28, 28, 1], "datatype": "FP32", "data": image}],
            "outputs": [{"name": "probabilities"}]}


CREDIT_ROWS = [(41, 52, "car", True), (23, 21, "education", False), (67, 88, "business", True),
               (35, None, "car", False), (55, 40, "education", True)]


def credit_body(row):
    age, income, purpose, owns_home = row
    return {"inputs": [
        {"name": "age", "shape": [1], "datatype": "FP32", "data": [age]},
        {"name": "income", "shape": [1], "datatype": "FP32", "data": [income]},
        {"name": "purpose", "shape": [1], "datatype": "BYTES", "data": [purpose]},
        {"name": "owns_home", "shape": [1], "datatype": "BOOL", "data": [owns_home]}],
        "outputs": [{"name": "probabilities"}]}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(url, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Server:
    """A server process pinned to CPUs, with its logs in files."""

    def __init__(self, label, command, cpus, work, env=None):
        self.label = label
        self.stdout_path = os.path.join(work, f"{label}.stdout.log")
        self.stderr_path = os.path.join(work, f"{label}.stderr.log")
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.process = subprocess.Popen(["taskset", "-c", cpus] + command, stdout=out, stderr=err, env=env)

    def wait_ready(self, port, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.label} exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if all(http(f"http://127.0.0.1:{port}/v2/models/{m}/ready", timeout=2)[0] == 200 for m in MODELS):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.label} not ready within {timeout} s:\n{self.tail()}")

    def tail(self):
        text = ""
        for path in (self.stdout_path, self.stderr_path):
            with open(path, errors="replace") as handle:
                text += handle.read()[-3000:]
        return text

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_servers(binaries, repository, onnx_dir, args, work, round_index):
    lepton_port = free_port()
    lepton = Server(f"lepton-r{round_index}", [
        binaries["lepton-serve"], "--model-repository", repository, "--port", str(lepton_port),
        "--log-level", "warning", "--max-queue-size", "4096"], args.server_cpus, work)
    python_port = free_port()
    threads = len(cpu_list(args.server_cpus))
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    python = Server(f"python-r{round_index}", [
        sys.executable, os.path.join(SERVING, "python_peer.py"), "--models", onnx_dir, "--port", str(python_port),
        "--framework", args.framework, "--threads", str(threads)], args.server_cpus, work, env)
    try:
        lepton.wait_ready(lepton_port)
        python.wait_ready(python_port)
    except BaseException:
        lepton.stop()
        python.stop()
        raise
    with open(python.stdout_path) as handle:
        framework = "kserve" if "python-peer kserve" in handle.read() else "fastapi"
    return {"lepton": (lepton, lepton_port), "python": (python, python_port)}, framework


def probabilities(payload):
    for output in json.loads(payload)["outputs"]:
        if output["name"] == "probabilities":
            return [float(v) for v in output["data"]]
    raise ValueError("no probabilities output")


def check_same_outputs(servers, bodies):
    """Sends every body to both servers; aborts unless both answer 200 with the same probabilities."""
    worst = {}
    for model, model_bodies in bodies.items():
        worst[model] = 0.0
        for body in model_bodies:
            answers = {}
            for side, (_, port) in servers.items():
                status, payload = http(f"http://127.0.0.1:{port}/v2/models/{model}/infer", body)
                if status != 200:
                    raise SystemExit(f"{side} answered {status} to a {model} check request: {payload[:300]!r}")
                answers[side] = probabilities(payload)
            a, b = answers["lepton"], answers["python"]
            if len(a) != len(b):
                raise SystemExit(f"{model}: {len(a)} probabilities from Lepton, {len(b)} from the Python peer")
            for x, y in zip(a, b):
                difference = abs(x - y)
                if not difference <= 1e-5 + 1e-4 * abs(y):  # NaN fails too
                    raise SystemExit(f"{model}: outputs differ (Lepton {a}, Python {b}); not timing different models")
                worst[model] = max(worst[model], difference)
    return worst


def cpu_list(spec):
    cpus = []
    for part in spec.split(","):
        low, _, high = part.partition("-")
        cpus.extend(range(int(low), int(high or low) + 1))
    return cpus


def run_wrk(port, model, body_file, connections, seconds, args):
    url = f"http://127.0.0.1:{port}/v2/models/{model}/infer"
    threads = max(1, min(connections, len(cpu_list(args.client_cpus))))
    command = ["taskset", "-c", args.client_cpus, "wrk", "-t", str(threads), "-c", str(connections),
               "-d", f"{seconds}s", "--timeout", "10s", "-s", LUA, url]
    result = subprocess.run(command, env=dict(os.environ, INFER_BODY_FILE=body_file), capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed: {result.stderr[-2000:]}")
    for line in result.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            numbers = json.loads(line[len("WRK_JSON "):])
            numbers["throughput"] = numbers["requests"] / (numbers["duration_us"] / 1e6)
            numbers["socket_errors"] = sum(numbers[k] for k in ("connect_errors", "read_errors", "write_errors",
                                                                "timeouts"))
            return numbers
    raise SystemExit(f"no WRK_JSON line in wrk's output:\n{result.stdout[-2000:]}")


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="process runs per side and setting (>= 3)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each measured wrk run")
    parser.add_argument("--warmup-seconds", type=int, default=2, help="discarded wrk run before each measured one")
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--server-cpus", default="1", help="taskset CPU list of BOTH servers")
    parser.add_argument("--client-cpus", default="0", help="taskset CPU list of wrk")
    parser.add_argument("--framework", choices=["auto", "kserve", "fastapi"], default="auto")
    parser.add_argument("--epochs", type=int, default=1, help="training epochs of the reference CNN bundle")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (bundles, ONNX, logs)")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error("--rounds must be at least 3")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    if shutil.which("taskset") is None:
        raise SystemExit("taskset is missing (util-linux)")
    connections = [int(c) for c in args.connections.split(",")]
    models = args.models.split(",")

    binaries = build(args.skip_build)
    work = tempfile.mkdtemp(prefix="compare-serving-")
    try:
        repository, onnx_dir = write_repository(binaries, work, args.epochs)
        images = mnist_images(5)
        check_bodies = {"mnist-cnn": [cnn_body(image) for image in images],
                        "credit": [credit_body(row) for row in CREDIT_ROWS]}
        body_files = {}
        for model in models:
            body_files[model] = os.path.join(work, f"{model}.body.json")
            with open(body_files[model], "w") as handle:
                json.dump(check_bodies[model][0], handle)

        load_before = os.getloadavg()
        runs = []
        framework = None
        for round_index in range(args.rounds):
            servers, framework = start_servers(binaries, repository, onnx_dir, args, work, round_index)
            try:
                worst = check_same_outputs(servers, {m: check_bodies[m] for m in models})
                log(f"round {round_index + 1}/{args.rounds}: outputs agree (largest difference "
                    + ", ".join(f"{m} {d:.2e}" for m, d in worst.items()) + f"); Python peer: {framework}")
                order = ["lepton", "python"] if round_index % 2 == 0 else ["python", "lepton"]
                for model in models:
                    for count in connections:
                        for side in order:
                            port = servers[side][1]
                            if args.warmup_seconds > 0:
                                run_wrk(port, model, body_files[model], count, args.warmup_seconds, args)
                            numbers = run_wrk(port, model, body_files[model], count, args.seconds, args)
                            numbers.update(side=side, model=model, connections=count, round=round_index + 1)
                            runs.append(numbers)
                            log(f"  {model:9} c={count:<3} {side:6}: {numbers['throughput']:9.1f} req/s, "
                                f"p50 {numbers['p50_us'] / 1000:7.2f} ms, p99 {numbers['p99_us'] / 1000:7.2f} ms, "
                                f"non-2xx {numbers['non_2xx_3xx']}, socket errors {numbers['socket_errors']}")
            finally:
                for process, _ in servers.values():
                    process.stop()
        load_after = os.getloadavg()

        summary = []
        print(f"\nlepton-serve vs Python peer = {framework} + ONNX Runtime; servers pinned to CPUs "
              f"{args.server_cpus}, wrk to CPUs {args.client_cpus}; {args.rounds} rounds x {args.seconds} s; "
              f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after")
        print(f"{'model':9} {'conn':>4} {'side':7} {'req/s median [min-max]':>28} {'p50 ms':>22} {'p99 ms':>22} "
              f"{'non-2xx':>7} {'sock err':>8}")
        for model in models:
            for count in connections:
                entry = {"model": model, "connections": count}
                for side in ("lepton", "python"):
                    chosen = [r for r in runs if r["model"] == model and r["connections"] == count
                              and r["side"] == side]
                    stats = {"throughput": spread([r["throughput"] for r in chosen]),
                             "p50_ms": spread([r["p50_us"] / 1000 for r in chosen]),
                             "p99_ms": spread([r["p99_us"] / 1000 for r in chosen]),
                             "non_2xx": sum(r["non_2xx_3xx"] for r in chosen),
                             "socket_errors": sum(r["socket_errors"] for r in chosen),
                             "runs": len(chosen)}
                    entry[side] = stats

                    def show(s, digits):
                        return f"{s['median']:.{digits}f} [{s['min']:.{digits}f}-{s['max']:.{digits}f}]"
                    print(f"{model:9} {count:>4} {side:7} {show(stats['throughput'], 1):>28} "
                          f"{show(stats['p50_ms'], 2):>22} {show(stats['p99_ms'], 2):>22} {stats['non_2xx']:>7} "
                          f"{stats['socket_errors']:>8}")
                entry["throughput_ratio"] = (entry["lepton"]["throughput"]["median"]
                                             / entry["python"]["throughput"]["median"])
                entry["p99_ratio_python_over_lepton"] = (entry["python"]["p99_ms"]["median"]
                                                         / entry["lepton"]["p99_ms"]["median"])
                print(f"{'':9} {'':>4} ratio   Lepton/Python throughput {entry['throughput_ratio']:.2f}x, "
                      f"Python p99 / Lepton p99 {entry['p99_ratio_python_over_lepton']:.2f}x")
                summary.append(entry)
        print(json.dumps({
            "benchmark": "compare_serving", "python_peer": f"{framework}+onnxruntime",
            "onnxruntime": __import__("onnxruntime").__version__, "server_cpus": args.server_cpus,
            "client_cpus": args.client_cpus, "rounds": args.rounds, "seconds": args.seconds,
            "warmup_seconds": args.warmup_seconds, "loadavg_before": load_before, "loadavg_after": load_after,
            "results": summary, "runs": runs}, sort_keys=True))
    finally:
        if args.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
