#!/usr/bin/env python3
"""Lepton's recommenders against scikit-surprise 1.1.5 and implicit 0.7.3 on MovieLens small, in one run.

    python3 -m venv /tmp/recsys-venv
    /tmp/recsys-venv/bin/pip install "numpy<2" scikit-surprise==1.1.5 implicit==0.7.3
    /tmp/recsys-venv/bin/python Benchmarks/compare_recsys.py [--no-build] [--threads 2] [--runs 3] [--data DIR]

Data. ../shared/data/movielens_small/ratings.csv (userId,movieId,rating,timestamp) when it exists. MovieLens is
licensed for research only: this script reads it in place and writes its folds and splits only to a temporary
directory that is deleted at the end; nothing derived from it is committed. When the directory is missing the script
says so and exits 0.

Explicit ratings (Surprise's protocol). surprise.model_selection.KFold(n_splits=5, random_state=0, shuffle=True)
splits the ratings; each fold's training and test ratings are written as CSV for lepton-classical, so both libraries
fit and test on the same folds. Models: Surprise SVD() and BaselineOnly() with their defaults, Lepton's
MatrixFactorizationRecommender (factors 100, 20 epochs, lr 0.005, reg 0.02: Surprise's SVD defaults; Lepton
shuffles the ratings every epoch, Surprise does not) and BaselineOnlyRecommender (ALS, 10 epochs, reg_u 15, reg_i 10).
Predictions for users or items missing from a fold's training side follow Surprise (mean plus the known biases) and
are clipped to 0.5…5. RMSE is the mean over the five folds.

Implicit interactions. Every rating is one interaction (value 1). A seeded random 80/20 split of the rows
(numpy default_rng(0)); the catalogue is the training items, the evaluated users are the training users with test
items, the relevant set is a user's test items, and seen training items are filtered. implicit's
AlternatingLeastSquares(factors=64, regularization=0.05, iterations=15, alpha=1.0) against Lepton's
ImplicitALSRecommender with alpha 0 — implicit's confidence for a stored value r is alpha·r, Lepton's is
1 + alpha·r, so both give every interaction confidence 1 — and the same factors, λ and iterations (3 CG steps on
both sides).
BayesianPersonalizedRanking(factors=64, learning_rate=0.01, regularization=0.01, iterations=100) against Lepton's
BPRRecommender with the same values and the same sampler (the item of a random interaction as the negative, in
proportion to popularity, the triple skipped when the user has that item: implicit's verify_negative_samples, Lepton's
default `negativeSampling: .popularity`; `--set uniform_negatives=1` in lepton-classical draws uniformly instead).
Precision, recall, nDCG and MAP at 10 (Microsoft
Recommenders' definitions) are computed here, by one implementation, from both libraries' top-10 lists; Lepton's own
metric values are checked against them.

Timing. Each library fits in its own process per run (`--runs` >= 3 per side), libraries alternating, both at
`--threads` threads (implicit's num_threads, with BLAS held to 1 thread as implicit asks; Lepton's ComputeThreads;
Surprise is single-threaded and so are Lepton's SGD and BPR). Reported: the median and the min-max spread of the
per-run fit seconds (per fold for the explicit models). On a shared, loaded machine the timings are contended:
compare them within one run only.

The last line is one JSON object with each metric and fit time side by side.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.join(os.path.dirname(ROOT), "shared", "data", "movielens_small")
if not os.path.isdir(DEFAULT_DATA):
    DEFAULT_DATA = "/work/shared/data/movielens_small"
BINARY = os.path.join(ROOT, ".build", "release", "lepton-classical")
K = 10


def log(message):
    print(message, file=sys.stderr, flush=True)


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "lepton-classical"], cwd=ROOT, check=True,
                   stdout=sys.stderr)


def lepton(*arguments):
    result = subprocess.run([BINARY, "recsys", *arguments], cwd=ROOT, check=True, capture_output=True, text=True)
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")][-1]


def write_csv(path, rows):
    with open(path, "w") as file:
        file.write("userId,movieId,rating\n")
        for user, item, rating in rows:
            file.write(f"{user},{item},{rating!r}\n")


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


# ---------------------------------------------------------------- metrics (one implementation for both libraries)

def ranking_metrics(lists, relevant):
    """Microsoft Recommenders' precision/recall/nDCG/MAP at K over users with a list and relevant items."""
    import math
    precision = recall = ndcg = average_precision = 0.0
    users = 0
    for user, truth in relevant.items():
        ranked = lists.get(user, [])[:K]
        if not ranked or not truth:
            continue
        users += 1
        hits = [item in truth for item in ranked]
        precision += sum(hits) / K
        recall += sum(hits) / len(truth)
        dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(hits) if hit)
        ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(truth), K)))
        ndcg += dcg / ideal
        found, total = 0, 0.0
        for rank, hit in enumerate(hits):
            if hit:
                found += 1
                total += found / (rank + 1)
        average_precision += total / min(len(truth), K)
    return {"precision_at_10": precision / users, "recall_at_10": recall / users, "ndcg_at_10": ndcg / users,
            "map_at_10": average_precision / users, "users": users}


# ---------------------------------------------------------------- explicit: Surprise folds

def explicit(ratings_path, work, threads, runs):
    from surprise import SVD, BaselineOnly, Dataset, Reader, accuracy
    from surprise.model_selection import KFold

    reader = Reader(line_format="user item rating timestamp", sep=",", skip_lines=1, rating_scale=(0.5, 5.0))
    data = Dataset.load_from_file(ratings_path, reader)
    folds = []
    for index, (trainset, testset) in enumerate(KFold(n_splits=5, random_state=0, shuffle=True).split(data)):
        train_path = os.path.join(work, f"fold{index}-train.csv")
        test_path = os.path.join(work, f"fold{index}-test.csv")
        write_csv(train_path, [(trainset.to_raw_uid(u), trainset.to_raw_iid(i), r)
                               for u, i, r in trainset.all_ratings()])
        write_csv(test_path, testset)
        folds.append((trainset, testset, train_path, test_path))
    results = {}
    for name, surprise_model, lepton_model, settings in [
        ("svd", lambda: SVD(random_state=0), "svd", ["--set", "factors=100", "--set", "epochs=20"]),
        ("baseline", lambda: BaselineOnly(verbose=False), "baseline", []),
    ]:
        surprise_rmse, lepton_rmse = [], []
        surprise_seconds, lepton_seconds = [], []
        for run in range(runs):
            for index, (trainset, testset, train_path, test_path) in enumerate(folds):
                order = ["lepton", "surprise"] if (run + index) % 2 == 0 else ["surprise", "lepton"]
                for side in order:
                    if side == "surprise":
                        model = surprise_model()
                        started = time.perf_counter()
                        model.fit(trainset)
                        surprise_seconds.append(time.perf_counter() - started)
                        if run == 0:
                            surprise_rmse.append(accuracy.rmse(model.test(testset), verbose=False))
                    else:
                        report = lepton("--train", train_path, "--test", test_path, "--model", lepton_model,
                                        "--threads", str(threads), *settings)
                        lepton_seconds.append(report["median_fit_seconds"])
                        if run == 0:
                            lepton_rmse.append(report["rmse"])
            log(f"  {name} run {run + 1}/{runs} done")
        results[name] = {
            "surprise_rmse": statistics.mean(surprise_rmse), "lepton_rmse": statistics.mean(lepton_rmse),
            "surprise_fold_rmse": surprise_rmse, "lepton_fold_rmse": lepton_rmse,
            "surprise_fit_seconds_per_fold": summary(surprise_seconds),
            "lepton_fit_seconds_per_fold": summary(lepton_seconds),
        }
        log(f"{name}: RMSE Surprise {results[name]['surprise_rmse']:.4f}, Lepton {results[name]['lepton_rmse']:.4f}; "
            f"fit s/fold median Surprise {summary(surprise_seconds)['median']:.3f}, "
            f"Lepton {summary(lepton_seconds)['median']:.3f}")
    return results


# ---------------------------------------------------------------- implicit: one random split

IMPLICIT_RUNNER = r"""
import json, sys, time
import numpy as np, scipy.sparse as sp
from threadpoolctl import threadpool_limits
train_path, test_path, model_name, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def read(path):
    rows = [line.strip().split(",") for line in open(path)][1:]
    return [(u, i) for u, i, _ in rows]
train, test = read(train_path), read(test_path)
users = sorted({u for u, _ in train}); items = sorted({i for _, i in train})
uix = {u: n for n, u in enumerate(users)}; iix = {i: n for n, i in enumerate(items)}
coordinates = ([uix[u] for u, _ in train], [iix[i] for _, i in train])
matrix = sp.csr_matrix((np.ones(len(train), dtype=np.float32), coordinates),
                       shape=(len(users), len(items)))
import implicit
if model_name == "als":
    model = implicit.cpu.als.AlternatingLeastSquares(factors=64, regularization=0.05, iterations=15, alpha=1.0,
                                                     num_threads=threads, random_state=0)
else:
    model = implicit.cpu.bpr.BayesianPersonalizedRanking(factors=64, learning_rate=0.01, regularization=0.01,
                                                         iterations=100, num_threads=threads, random_state=0)
with threadpool_limits(1, "blas"):  # implicit asks for single-threaded BLAS; it threads itself
    started = time.perf_counter()
    model.fit(matrix, show_progress=False)
    seconds = time.perf_counter() - started
evaluated = sorted({u for u, _ in test if u in uix})
ids = np.array([uix[u] for u in evaluated])
with threadpool_limits(1, "blas"):  # implicit asks for single-threaded BLAS; it threads itself
    started = time.perf_counter()
    recommended, _ = model.recommend(ids, matrix[ids], N=10, filter_already_liked_items=True)
    recommend_seconds = time.perf_counter() - started
lists = {u: [items[j] for j in row if j >= 0] for u, row in zip(evaluated, recommended)}
print(json.dumps({"fit_seconds": seconds, "recommend_seconds": recommend_seconds, "lists": lists}))
"""


def implicit_side(ratings_path, work, threads, runs):
    import csv

    import numpy as np

    with open(ratings_path, newline="") as file:
        rows = [(row["userId"], row["movieId"], 1) for row in csv.DictReader(file)]
    generator = np.random.default_rng(0)
    is_test = generator.random(len(rows)) < 0.2
    train_rows = [row for row, test in zip(rows, is_test) if not test]
    test_rows = [row for row, test in zip(rows, is_test) if test]
    train_path, test_path = os.path.join(work, "implicit-train.csv"), os.path.join(work, "implicit-test.csv")
    write_csv(train_path, train_rows)
    write_csv(test_path, test_rows)
    train_users = {str(u) for u, _, _ in train_rows}
    train_items = {str(i) for _, i, _ in train_rows}
    relevant = {}
    for u, i, _ in test_rows:
        if str(u) in train_users:
            relevant.setdefault(str(u), set()).add(str(i))
    log(f"implicit split: {len(train_rows)} train, {len(test_rows)} test interactions; {len(relevant)} users "
        f"evaluated; {len(train_items)} catalogue items")
    runner = os.path.join(work, "implicit_runner.py")
    with open(runner, "w") as file:
        file.write(IMPLICIT_RUNNER)
    settings = {
        "als": ["--set", "factors=64", "--set", "reg=0.05", "--set", "iterations=15", "--set", "alpha=0"],
        "bpr": ["--set", "factors=64", "--set", "lr=0.01", "--set", "reg=0.01", "--set", "iterations=100"],
    }
    results = {}
    for name in ["als", "bpr"]:
        implicit_seconds, lepton_seconds, implicit_recommend, lepton_recommend = [], [], [], []
        implicit_metrics = lepton_metrics = lepton_native = None
        for run in range(runs):
            for side in (["lepton", "implicit"] if run % 2 == 0 else ["implicit", "lepton"]):
                if side == "implicit":
                    output = subprocess.run([sys.executable, runner, train_path, test_path, name, str(threads)],
                                            check=True, capture_output=True, text=True).stdout
                    report = json.loads(output.strip().splitlines()[-1])
                    implicit_seconds.append(report["fit_seconds"])
                    implicit_recommend.append(report["recommend_seconds"])
                    if implicit_metrics is None:
                        implicit_metrics = ranking_metrics(report["lists"], relevant)
                else:
                    lists_path = os.path.join(work, f"lepton-{name}-lists.json")
                    report = lepton("--train", train_path, "--test", test_path, "--model", name, "--threads",
                                    str(threads), "--lists", lists_path, *settings[name])
                    lepton_seconds.append(report["median_fit_seconds"])
                    lepton_recommend.append(report["recommend_seconds"])
                    if lepton_metrics is None:
                        with open(lists_path) as file:
                            lepton_metrics = ranking_metrics(json.load(file), relevant)
                        lepton_native = {key: report[key.replace("_10", "_k")] for key in
                                         ["precision_at_10", "recall_at_10", "ndcg_at_10", "map_at_10"]}
            log(f"  {name} run {run + 1}/{runs} done")
        agreement = max(abs(lepton_native[key] - lepton_metrics[key]) for key in lepton_native)
        results[name] = {
            "implicit": implicit_metrics, "lepton": lepton_metrics,
            "lepton_metric_vs_python_max_abs_difference": agreement,
            "implicit_fit_seconds": summary(implicit_seconds), "lepton_fit_seconds": summary(lepton_seconds),
            "implicit_recommend_seconds": summary(implicit_recommend),
            "lepton_recommend_seconds": summary(lepton_recommend),
        }
        log(f"{name}: nDCG@10 implicit {implicit_metrics['ndcg_at_10']:.4f}, "
            f"Lepton {lepton_metrics['ndcg_at_10']:.4f}; "
            f"P@10 {implicit_metrics['precision_at_10']:.4f} / {lepton_metrics['precision_at_10']:.4f}; fit s median "
            f"implicit {summary(implicit_seconds)['median']:.3f}, Lepton {summary(lepton_seconds)['median']:.3f}")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="use the existing release build")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="process runs per library (at least 3)")
    parser.add_argument("--data", default=DEFAULT_DATA, help="directory with MovieLens ratings.csv")
    parser.add_argument("--skip", choices=["explicit", "implicit"], action="append", default=[])
    arguments = parser.parse_args()
    ratings_path = os.path.join(arguments.data, "ratings.csv")
    if not os.path.exists(ratings_path):
        message = (f"MovieLens small not found at {ratings_path}: nothing to compare (the data is research-only "
                   "and is never part of the repository)")
        print(message)
        print(json.dumps({"skipped": True, "reason": message}))
        return 0
    try:
        import implicit  # noqa: F401
        import surprise  # noqa: F401
    except ImportError as error:
        print(f"missing peer library ({error}); install: pip install 'numpy<2' scikit-surprise==1.1.5 implicit==0.7.3")
        return 1
    if not arguments.no_build:
        build()
    work = tempfile.mkdtemp(prefix="lepton-recsys-")
    try:
        result = {"data": arguments.data, "threads": arguments.threads, "runs": arguments.runs,
                  "note": "timings on a shared machine are contended; compare within this run only"}
        if "explicit" not in arguments.skip:
            result["explicit"] = explicit(ratings_path, work, arguments.threads, arguments.runs)
        if "implicit" not in arguments.skip:
            result["implicit"] = implicit_side(ratings_path, work, arguments.threads, arguments.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
