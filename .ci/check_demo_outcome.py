#!/usr/bin/env python3
"""Checks the outcome of lepton-demo, not just its exit code.

Usage: swift run -c release lepton-demo | tee demo.out; python3 .ci/check_demo_outcome.py demo.out

Reads the last line of the demo's output that starts with '{' (its JSON summary) and checks that the story it tells is consistent:
retraining only after a drift alert, promotion only through a passed gate, the gate's interval around its lift,
a worse challenger refused, the production version matching the promotion, and sane serving numbers.
Exits 1 with one line per failed check.
"""
import json
import math
import sys


def main(path):
    with open(path, encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip().startswith("{")]
    if not lines:
        return ["the demo printed no JSON summary line"]
    try:
        summary = json.loads(lines[-1])
    except json.JSONDecodeError as error:
        return [f"the last line is not JSON ({error}): {lines[-1][:200]}"]
    required = ["cv_score", "test_score", "drift_detected", "retrained", "gate_passed", "promoted",
                "requests_served", "requests_rejected", "p99_latency_ms", "production_version", "gate_lift",
                "gate_lift_lower", "gate_lift_upper", "worse_challenger_refused", "retraining_rows"]
    missing = [key for key in required if key not in summary]
    if missing:
        return [f"summary lacks {missing}"]
    s = summary
    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)

    def finite(value):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    check(finite(s["test_score"]) and 0.5 < s["test_score"] <= 1, f"test AUC {s['test_score']} not in (0.5, 1]")
    check(finite(s["cv_score"]) and 0.5 < s["cv_score"] <= 1, f"CV AUC {s['cv_score']} not in (0.5, 1]")
    check(s["drift_detected"] is True, "the injected market shift was not detected")
    check(s["retrained"] == s["drift_detected"], "retraining must happen exactly when an alert fired")
    check(not s["retrained"] or s["retraining_rows"] > 0, "retrained without training rows")
    check(not s["promoted"] or s["gate_passed"], "promoted without passing the gate")
    check((s["production_version"] == "v2") == bool(s["promoted"]),
          f"production version {s['production_version']} does not match promoted={s['promoted']}")
    if s["retrained"]:
        lower, lift, upper = s["gate_lift_lower"], s["gate_lift"], s["gate_lift_upper"]
        check(all(finite(v) for v in (lower, lift, upper)) and lower <= lift <= upper,
              f"gate interval [{lower}, {upper}] does not contain its lift {lift}")
        check(not s["gate_passed"] or (finite(lower) and lower > 0),
              f"the gate passed with the lower bound of its lift at {lower}")
        check(s["worse_challenger_refused"] is True, "the weaker challenger was not refused")
    check(isinstance(s["requests_served"], int) and s["requests_served"] > 0, "no request served")
    check(isinstance(s["requests_rejected"], int) and s["requests_rejected"] > 0,
          "the malformed requests were not rejected")
    check(finite(s["p99_latency_ms"]) and s["p99_latency_ms"] > 0, f"p99 latency {s['p99_latency_ms']} ms")
    return failures


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    problems = main(sys.argv[1])
    for problem in problems:
        print(f"check_demo_outcome: {problem}")
    if problems:
        sys.exit(1)
    print("check_demo_outcome: the demo's outcome is consistent")
