#!/usr/bin/env python3
"""Lepton's classical models against scikit-learn: cross-validated scores (parity) and fit time (speed).

    /work/baselines-venv/bin/python Benchmarks/compare_sklearn.py [--no-build] [--threads 1] [--rounds 3]

Parity. The data sets in Benchmarks/data (iris, wine, digits, diabetes, german_credit) are prepared once here:
rows shuffled with a fixed seed (iris and wine are sorted by class), german_credit's categorical columns one-hot
encoded (every level, in order of first appearance) and its target coded bad = 1, good = 0. Features are then
standardised over the whole set (a parity check, not a model-quality estimate: both sides see identical inputs), and
the prepared CSVs written to the work directory. Both libraries use unshuffled 5-fold splits of those rows —
StratifiedKFold for classifiers, KFold for regressors; Lepton's FoldStrategy reproduces scikit-learn's folds exactly
— with the same hyperparameters, and the script prints both mean scores and their difference. k-means is fitted on
the raw (unscaled) features with 10 k-means++ starts on each side; its "score" is the inertia and the difference
reported for it is relative, (Lepton − scikit-learn) / scikit-learn, since the random starts differ.

Speed. make_classification(100000, 50, random_state=0) and make_regression(100000, 50, noise=10.0, random_state=0),
split 80/20 with train_test_split(random_state=0), written to CSV once (the work directory caches them). scikit-learn
fits LogisticRegression() and Ridge(alpha=1.0) on float64 arrays under threadpool_limits(threads); lepton-classical
fits the same models on the CSV's values (as Float tensors) with its thread pool set to the same count. Each round
times one untimed warm-up fit and then `repeats` fits per library, alternating libraries between rounds; the figure
per library is the median over all its timed fits. Only `fit` is timed.

The last line of output is one JSON object: max_abs_score_difference, logistic_time_ratio and ridge_time_ratio
(Lepton over scikit-learn; below 1 means Lepton is faster), and the details.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "Benchmarks", "data")
BINARY = os.path.join(ROOT, ".build", "release", "lepton-classical")


def log(message):
    print(message, file=sys.stderr, flush=True)


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "lepton-classical"], cwd=ROOT, check=True,
                   stdout=sys.stderr)


def lepton(*arguments):
    result = subprocess.run([BINARY, *arguments], cwd=ROOT, check=True, capture_output=True, text=True)
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")][-1]


def read_numeric(name):
    import numpy as np
    with open(os.path.join(DATA, name, name + ".csv"), newline="") as file:
        rows = list(csv.reader(file))
    values = np.array(rows[1:], dtype=np.float64)
    return values[:, :-1], values[:, -1]


def read_german_credit():
    """One-hot encodes the 13 categorical columns (every level, first-appearance order); target bad = 1."""
    import numpy as np
    with open(os.path.join(DATA, "german_credit", "german_credit.csv"), newline="") as file:
        rows = list(csv.reader(file))
    header, body = rows[0], rows[1:]
    target_index = header.index("creditability")
    columns = []
    for index, name in enumerate(header):
        if index == target_index:
            continue
        cells = [row[index] for row in body]
        try:
            columns.append(np.array(cells, dtype=np.float64)[:, None])
        except ValueError:
            levels = list(dict.fromkeys(cells))
            columns.append(np.array([[cell == level for level in levels] for cell in cells], dtype=np.float64))
    target = np.array([row[target_index] == "bad" for row in body], dtype=np.float64)
    return np.hstack(columns), target


def prepare(work):
    """Writes <name>_std.csv (standardised) and <name>_raw.csv, shuffled, target last; returns the arrays."""
    import numpy as np
    sets = {name: read_numeric(name) for name in ["iris", "wine", "digits", "diabetes"]}
    sets["german_credit"] = read_german_credit()
    prepared = {}
    for name, (x, y) in sets.items():
        order = np.random.default_rng(0).permutation(len(y))
        x, y = x[order], y[order]
        scale = x.std(axis=0)
        scale[scale == 0] = 1
        standardised = ((x - x.mean(axis=0)) / scale).astype(np.float32).astype(np.float64)
        for kind, features in [("std", standardised), ("raw", x.astype(np.float32).astype(np.float64))]:
            path = os.path.join(work, f"{name}_{kind}.csv")
            header = ",".join(f"f{i}" for i in range(features.shape[1])) + ",target"
            np.savetxt(path, np.hstack([features, y[:, None]]), delimiter=",", header=header, comments="",
                       fmt="%.9g")
            prepared[(name, kind)] = (features, y, path)
    return prepared


PARITY = [
    # (estimator, data sets, kind, scoring, scikit-learn factory, Lepton settings)
    ("logistic", ["iris", "wine", "digits", "german_credit"], "accuracy",
     lambda: __import__("sklearn.linear_model").linear_model.LogisticRegression(C=1.0, max_iter=1000),
     ["C=1", "max_iter=1000"]),
    ("logistic", ["german_credit"], "roc_auc",
     lambda: __import__("sklearn.linear_model").linear_model.LogisticRegression(C=1.0, max_iter=1000),
     ["C=1", "max_iter=1000"]),
    ("linear-svc", ["iris", "wine", "digits", "german_credit"], "accuracy",
     lambda: __import__("sklearn.svm").svm.LinearSVC(C=1.0, dual=True, max_iter=10000),
     ["C=1", "max_iter=10000"]),
    ("knn", ["iris", "wine", "digits", "german_credit"], "accuracy",
     lambda: __import__("sklearn.neighbors").neighbors.KNeighborsClassifier(n_neighbors=5), ["n_neighbors=5"]),
    ("ridge", ["diabetes"], "r2", lambda: __import__("sklearn.linear_model").linear_model.Ridge(alpha=1.0),
     ["alpha=1"]),
    ("lasso", ["diabetes"], "r2", lambda: __import__("sklearn.linear_model").linear_model.Lasso(alpha=1.0),
     ["alpha=1"]),
]

CLUSTERS = {"iris": 3, "wine": 3, "digits": 10}


def parity(prepared):
    from sklearn.cluster import KMeans
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
    rows = []
    for estimator, names, scoring, make, settings in PARITY:
        for name in names:
            x, y, path = prepared[(name, "std")]
            classifier = scoring != "r2"
            folds = StratifiedKFold(5) if classifier else KFold(5)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reference = float(cross_val_score(make(), x, y, cv=folds, scoring=scoring).mean())
            arguments = ["cv", "--data", path, "--estimator", estimator, "--scoring", scoring, "--folds", "5"]
            arguments += ["--stratified"] if classifier else []
            for setting in settings:
                arguments += ["--set", setting]
            ours = lepton(*arguments)["mean"]
            rows.append({"estimator": estimator, "data": name, "score": scoring, "lepton": ours, "sklearn": reference,
                         "difference": ours - reference})
    for name, clusters in CLUSTERS.items():
        x, _, path = prepared[(name, "raw")]
        reference = float(KMeans(clusters, n_init=10, random_state=0).fit(x).inertia_)
        ours = lepton("inertia", "--data", path, "--set", f"n_clusters={clusters}", "--set", "n_init=10",
                      "--set", "seed=0")["inertia"]
        rows.append({"estimator": "kmeans", "data": name, "score": "inertia", "lepton": ours, "sklearn": reference,
                     "difference": (ours - reference) / reference})
    return rows


def timing_data(work):
    """Writes the 80/20 splits of the two synthetic problems once; returns the arrays and CSV paths."""
    import numpy as np
    from sklearn.datasets import make_classification, make_regression
    from sklearn.model_selection import train_test_split
    problems = {
        "classification": make_classification(n_samples=100_000, n_features=50, random_state=0),
        "regression": make_regression(n_samples=100_000, n_features=50, noise=10.0, random_state=0),
    }
    out = {}
    for kind, (x, y) in problems.items():
        x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0)
        paths = []
        for part, (features, target) in [("train", (x_train, y_train)), ("test", (x_test, y_test))]:
            path = os.path.join(work, f"{kind}_{part}.csv")
            if not os.path.exists(path):
                log(f"writing {path}")
                header = ",".join(f"f{i}" for i in range(features.shape[1])) + ",target"
                np.savetxt(path, np.hstack([features, target[:, None]]), delimiter=",", header=header, comments="",
                           fmt="%.9g")
            paths.append(path)
        out[kind] = (x_train, y_train, x_test, y_test, *paths)
    return out


def speed(data, threads, rounds, repeats):
    from sklearn.linear_model import LogisticRegression, Ridge
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=threads)
    rows = []
    for name, kind, make, estimator in [("LogisticRegression", "classification", LogisticRegression, "logistic"),
                                        ("Ridge", "regression", lambda: Ridge(alpha=1.0), "ridge")]:
        x_train, y_train, x_test, y_test, train_path, test_path = data[kind]
        sklearn_times, lepton_times, lepton_score = [], [], None
        for round_index in range(rounds):
            def run_sklearn():
                make().fit(x_train, y_train)
                for _ in range(repeats):
                    started = time.perf_counter()
                    model = make().fit(x_train, y_train)
                    sklearn_times.append(time.perf_counter() - started)
                return model

            def run_lepton():
                result = lepton("time", "--data", train_path, "--test", test_path, "--estimator", estimator,
                                "--repeats", str(repeats), "--threads", str(threads))
                lepton_times.extend(result["times"])
                return result

            if round_index % 2 == 0:
                model, result = run_sklearn(), run_lepton()
            else:
                result, model = run_lepton(), run_sklearn()
            lepton_score = result["test_score"]
        sklearn_score = float(model.score(x_test, y_test))
        rows.append({"estimator": name, "threads": threads, "lepton_seconds": statistics.median(lepton_times),
                     "sklearn_seconds": statistics.median(sklearn_times), "lepton_test_score": lepton_score,
                     "sklearn_test_score": sklearn_score})
        rows[-1]["ratio"] = rows[-1]["lepton_seconds"] / rows[-1]["sklearn_seconds"]
    return rows


def main():
    global BINARY
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-build", action="store_true", help="use the existing release build")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "lepton-compare-sklearn"))
    parser.add_argument("--binary", default=BINARY, help="the lepton-classical executable (implies --no-build)")
    parser.add_argument("--parity-only", action="store_true", help="skip the timing part")
    arguments = parser.parse_args()
    if arguments.binary != BINARY:
        BINARY, arguments.no_build = arguments.binary, True
    import sklearn
    os.makedirs(arguments.work_dir, exist_ok=True)
    if not arguments.no_build:
        build()
    log("parity: preparing data and cross-validating")
    rows = parity(prepare(arguments.work_dir))
    print(f"{'estimator':<12}{'data':<15}{'score':<10}{'Lepton':>14}{'sklearn':>14}{'difference':>12}")
    for row in rows:
        print(f"{row['estimator']:<12}{row['data']:<15}{row['score']:<10}{row['lepton']:>14.6g}"
              f"{row['sklearn']:>14.6g}{row['difference']:>12.2e}")
    if arguments.parity_only:
        print(json.dumps({"max_abs_score_difference": max(abs(row["difference"]) for row in rows), "parity": rows}))
        return
    log("speed: fitting 80,000 x 50")
    timings = speed(timing_data(arguments.work_dir), arguments.threads, arguments.rounds, arguments.repeats)
    print()
    print(f"{'fit':<20}{'threads':>8}{'Lepton s':>12}{'sklearn s':>12}{'ratio':>8}{'Lepton test':>13}"
          f"{'sklearn test':>14}")
    for row in timings:
        print(f"{row['estimator']:<20}{row['threads']:>8}{row['lepton_seconds']:>12.4f}{row['sklearn_seconds']:>12.4f}"
              f"{row['ratio']:>8.3f}{row['lepton_test_score']:>13.4f}{row['sklearn_test_score']:>14.4f}")
    summary = {
        "max_abs_score_difference": max(abs(row["difference"]) for row in rows),
        "logistic_time_ratio": timings[0]["ratio"],
        "ridge_time_ratio": timings[1]["ratio"],
        "sklearn_version": sklearn.__version__,
        "threads": arguments.threads,
        "parity": rows,
        "speed": timings,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
