"""Two checks of lepton-serve under load, with only the Python standard library.

  sigterm   64 connections send inference requests; SIGTERM arrives mid-load. Readiness must turn 503 during the
            drain delay (1 s, while requests are still answered). Every request the server accepted
            (logged `request accepted` with its X-Request-ID at debug level) must have reached the client as a
            complete response; requests refused while draining must be answered (503) or never read by the server.
  malformed 10,000 requests, 5% of them malformed in varied ways: each malformed one gets a 4xx with an `error`
            reason, every other one gets 200.

Usage: load_checks.py sigterm|malformed --binary PATH [--connections 64] [--requests 10000]
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time


def start_server(binary, workdir, extra=()):
    stdout = open(os.path.join(workdir, "stdout.log"), "w")
    stderr = open(os.path.join(workdir, "stderr.log"), "w")
    process = subprocess.Popen(
        [binary, "--write-examples", os.path.join(workdir, "models"), "--port", "0", "--log-level", "debug", *extra],
        stdout=stdout, stderr=stderr)
    deadline = time.time() + 120
    while time.time() < deadline:
        with open(os.path.join(workdir, "stdout.log")) as log:
            match = re.search(r"listening on http://[^:]+:(\d+)", log.read())
        if match:
            return process, int(match.group(1))
        if process.poll() is not None:
            raise SystemExit("lepton-serve exited before listening")
        time.sleep(0.1)
    process.kill()
    raise SystemExit("lepton-serve did not start")


def image_body(seed):
    data = [((i * 37 + seed * 11) % 64) / 63 for i in range(64)]
    return json.dumps({"inputs": [{"name": "input", "shape": [1, 8, 8, 1], "datatype": "FP32", "data": data}]})


CREDIT = {"inputs": [
    {"name": "age", "shape": [1], "datatype": "FP32", "data": [41]},
    {"name": "income", "shape": [1], "datatype": "FP32", "data": [52]},
    {"name": "purpose", "shape": [1], "datatype": "BYTES", "data": ["car"]},
    {"name": "owns_home", "shape": [1], "datatype": "BOOL", "data": [True]},
]}


def malformed_body(kind):
    """A malformed request of one of several kinds: (model, body bytes)."""
    good = json.loads(image_body(kind))
    if kind % 8 == 0:
        return "digits-cnn", b"{not json"
    if kind % 8 == 1:
        good["inputs"][0]["shape"] = [1, 4, 4, 4]
    elif kind % 8 == 2:
        good["inputs"][0]["datatype"] = "BYTES"
    elif kind % 8 == 3:
        good["inputs"][0]["data"] = good["inputs"][0]["data"][:-1]
    elif kind % 8 == 4:
        good["inputs"][0]["data"][3] = 7.5  # outside the schema range [0, 1]
    elif kind % 8 == 5:
        return "credit", json.dumps({"inputs": [dict(CREDIT["inputs"][2], data=["yacht"])] + CREDIT["inputs"][:2]
                                     + CREDIT["inputs"][3:]}).encode()
    elif kind % 8 == 6:
        return "credit", json.dumps({"inputs": CREDIT["inputs"][1:]}).encode()  # required column missing
    else:
        good["inputs"][0]["name"] = "pixels"
    return "digits-cnn", json.dumps(good).encode()


def malformed(binary, total, connections):
    workdir = tempfile.mkdtemp()
    process, port = start_server(binary, workdir)
    rng = random.Random(13)
    plan = [(index, rng.random() < 0.05) for index in range(total)]
    lock = threading.Lock()
    failures = []
    counts = {"ok": 0, "rejected_with_reason": 0}
    work = iter(plan)

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                item = next(work, None)
            if item is None:
                break
            index, bad = item
            model, body = malformed_body(index) if bad else ("digits-cnn", image_body(index).encode())
            connection.request("POST", f"/v2/models/{model}/infer", body=body,
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
            with lock:
                if bad:
                    reason = json.loads(payload).get("error", "") if payload else ""
                    if 400 <= response.status < 500 and reason:
                        counts["rejected_with_reason"] += 1
                    else:
                        failures.append((index, "malformed", response.status, payload[:200]))
                elif response.status == 200:
                    counts["ok"] += 1
                else:
                    failures.append((index, "valid", response.status, payload[:200]))

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    expected_bad = sum(1 for _, bad in plan if bad)
    print(f"malformed: {total} requests, {expected_bad} malformed; {counts['ok']} valid answered 200, "
          f"{counts['rejected_with_reason']} malformed answered 4xx with a reason; {len(failures)} failures")
    for failure in failures[:10]:
        print("  ", failure)
    return not failures and counts["ok"] == total - expected_bad and counts["rejected_with_reason"] == expected_bad


def readiness(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/v2/health/ready")
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def sigterm(binary, connections, seconds_before_term):
    workdir = tempfile.mkdtemp()
    process, port = start_server(binary, workdir, ["--drain-delay-ms", "1000"])
    ready_before = readiness(port)
    lock = threading.Lock()
    completed = {}
    unanswered = []
    stop = threading.Event()

    def worker(number):
        connection = None
        sequence = 0
        while not stop.is_set():
            request_id = f"c{number}-{sequence}"
            sequence += 1
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("POST", "/v2/models/digits-cnn/infer", body=image_body(sequence),
                                   headers={"Content-Type": "application/json", "X-Request-ID": request_id})
                response = connection.getresponse()
                payload = response.read()
                body = json.loads(payload)
                complete = (response.status == 200 and body.get("id") == request_id) or \
                           (response.status == 503 and "error" in body)
                with lock:
                    completed[request_id] = (response.status, complete)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException, ValueError):
                with lock:
                    unanswered.append(request_id)
                connection = None
                if process.poll() is not None:
                    return
                time.sleep(0.01)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    time.sleep(seconds_before_term)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)  # within the 1 s drain delay: still answering, but no longer ready
    ready_while_draining = readiness(port)
    status = process.wait(timeout=120)
    stop.set()
    for thread in threads:
        thread.join()
    with open(os.path.join(workdir, "stderr.log")) as log:
        accepted = {match.group(1) for line in log if "request accepted" in line
                    for match in [re.search(r"request_id=(\S+)", line)] if match}
    lost = [rid for rid in accepted if rid not in completed or not completed[rid][1]]
    ok = sum(1 for status_, complete in completed.values() if status_ == 200 and complete)
    print(f"sigterm: readiness {ready_before} before SIGTERM, {ready_while_draining} while draining")
    print(f"sigterm: {len(accepted)} requests accepted by the server, {ok} answered 200, "
          f"{len(completed) - ok} answered otherwise, {len(unanswered)} never read by the server; "
          f"{len(lost)} accepted requests lost; exit status {status}")
    for rid in lost[:10]:
        print("   lost", rid, completed.get(rid))
    return (not lost and status == 0 and len(accepted) > 0 and ready_before == 200
            and ready_while_draining == 503)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("check", choices=["sigterm", "malformed"])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=3)
    args = parser.parse_args()
    if args.check == "malformed":
        passed = malformed(args.binary, args.requests, min(args.connections, 16))
    else:
        passed = sigterm(args.binary, args.connections, args.seconds)
    print("PASS" if passed else "FAIL")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
