"""Writes expected.json: small data sets and scikit-learn 1.9.1 results for LeptonTrain's classical-model tests.

    /work/baselines-venv/bin/python Tests/LeptonTrainTests/Resources/classical/make_expected.py

Every feature and target is rounded to float32 first (Lepton's tensors hold Float), so both sides fit identical
data. Solvers run to tight tolerances so the reference is the optimum, not an iterate (liblinear at 1e-8: at 1e-12
its dual coordinate descent stalls away from the optimum on this data and never meets the tolerance).
"""

import json
import os
import warnings

import numpy as np
import scipy.stats
import sklearn
from sklearn.calibration import _sigmoid_calibration, calibration_curve
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs, make_classification, make_regression
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import (average_precision_score, brier_score_loss, confusion_matrix, explained_variance_score,
                             log_loss, mean_absolute_error, mean_squared_error, precision_recall_fscore_support,
                             r2_score, roc_auc_score)
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.svm import LinearSVC

warnings.simplefilter("ignore")


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def lst(a):
    return np.asarray(a, dtype=np.float64).tolist()


def logistic(**kw):
    return LogisticRegression(tol=1e-12, max_iter=100000, **kw)


def saga(**kw):
    return LogisticRegression(solver="saga", tol=1e-15, max_iter=1000000, random_state=0, **kw)


def fitted_linear(model, x):
    return {"coef": lst(np.atleast_2d(model.coef_)), "intercept": lst(np.atleast_1d(model.intercept_)),
            "n_iter": int(np.max(model.n_iter_))}


def binary_case():
    x, y = make_classification(n_samples=80, n_features=4, n_informative=3, n_redundant=0, weights=[0.7],
                               flip_y=0.05, random_state=1)
    x = f32(x)
    labels = np.where(y == 1, 7, 3)
    test = f32(np.random.default_rng(11).normal(size=(12, 4)))
    out = {"x": lst(x), "y": labels.tolist(), "test": lst(test)}
    models = {
        "logistic_c1": logistic(C=1.0),
        "logistic_c01_balanced": logistic(C=0.1, class_weight="balanced"),
        "logistic_l1": saga(C=0.5, l1_ratio=1.0),
        "logistic_elasticnet": saga(C=0.5, l1_ratio=0.5),
    }
    for name, model in models.items():
        model.fit(x, labels)
        out[name] = fitted_linear(model, x) | {"proba": lst(model.predict_proba(test)),
                                               "decision": lst(model.decision_function(test))}
    for name, model in {"svc_hinge": LinearSVC(loss="hinge", C=0.5, dual=True, tol=1e-8, max_iter=100000),
                        "svc_squared": LinearSVC(C=1.0, dual=True, tol=1e-8, max_iter=100000)}.items():
        model.fit(x, labels)
        out[name] = fitted_linear(model, x) | {"decision": lst(model.decision_function(test))}
    for name, weights in {"knn_uniform": "uniform", "knn_distance": "distance"}.items():
        model = KNeighborsClassifier(n_neighbors=5, weights=weights).fit(x, labels)
        out[name] = {"predict": model.predict(test).tolist(), "proba": lst(model.predict_proba(test))}
    # Calibration of the C=1 model's decision values.
    base = models["logistic_c1"]
    scores = base.decision_function(x)
    a, b = _sigmoid_calibration(scores, labels == 7)
    iso = IsotonicRegression(out_of_bounds="clip").fit(scores, labels == 7)
    out["platt"] = {"scores": lst(scores), "a": float(a), "b": float(b)}
    test_scores = base.decision_function(test)
    out["isotonic"] = {"test_scores": lst(test_scores), "predict": lst(iso.predict(test_scores)),
                       "train_predict": lst(iso.predict(scores))}
    return out


def metrics_case():
    rng = np.random.default_rng(5)
    positives = rng.random(200) < 0.35
    probabilities = np.clip(0.35 + 0.3 * (positives - 0.35) + rng.normal(scale=0.2, size=200), 0.001, 0.999)
    probabilities = np.round(probabilities, 2)  # ties on purpose
    out = {"probabilities": lst(probabilities), "positives": positives.tolist(),
           "roc_auc": roc_auc_score(positives, probabilities),
           "average_precision": average_precision_score(positives, probabilities),
           "ks": scipy.stats.ks_2samp(probabilities[positives], probabilities[~positives]).statistic,
           "log_loss": log_loss(positives, probabilities),
           "brier": brier_score_loss(positives, probabilities),
           "confusion_at_0_4": confusion_matrix(positives, probabilities >= 0.4).tolist()}
    for strategy in ["uniform", "quantile"]:
        observed, predicted = calibration_curve(positives, probabilities, n_bins=5, strategy=strategy)
        out["calibration_" + strategy] = {"observed": lst(observed), "predicted": lst(predicted)}
    actual = rng.integers(0, 4, size=60)
    predicted = np.where(rng.random(60) < 0.6, actual, rng.integers(0, 4, size=60))
    predicted[predicted == 3] = 2  # class 3 never predicted: precision 0 by convention
    p, r, f, s = precision_recall_fscore_support(actual, predicted, zero_division=0)
    macro = precision_recall_fscore_support(actual, predicted, average="macro", zero_division=0)
    weighted = precision_recall_fscore_support(actual, predicted, average="weighted", zero_division=0)
    out["report"] = {"actual": actual.tolist(), "predicted": predicted.tolist(), "precision": lst(p),
                     "recall": lst(r), "f1": lst(f), "support": s.tolist(), "macro": lst(macro[:3]),
                     "weighted": lst(weighted[:3])}
    targets = f32(rng.normal(size=40) * 3 + 1)
    predictions = f32(targets + rng.normal(size=40))
    out["regression"] = {"targets": lst(targets), "predictions": lst(predictions),
                         "mse": mean_squared_error(targets, predictions),
                         "mae": mean_absolute_error(targets, predictions), "r2": r2_score(targets, predictions),
                         "explained_variance": explained_variance_score(targets, predictions)}
    return out


def multiclass_case():
    x, y = make_classification(n_samples=90, n_features=5, n_informative=3, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, random_state=2)
    x = f32(x)
    test = f32(np.random.default_rng(12).normal(size=(10, 5)))
    out = {"x": lst(x), "y": y.tolist(), "test": lst(test)}
    for name, model in {"logistic_c1": logistic(C=1.0), "logistic_l1": saga(C=1.0, l1_ratio=1.0)}.items():
        model.fit(x, y)
        out[name] = fitted_linear(model, x) | {"proba": lst(model.predict_proba(test))}
    lr = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(x, y)
    out["log_loss_train"] = log_loss(y, lr.predict_proba(x))
    out["roc_auc_ovr_train"] = roc_auc_score(y, lr.predict_proba(x), multi_class="ovr")
    svc = LinearSVC(C=0.5, dual=True, tol=1e-8, max_iter=100000, class_weight="balanced").fit(x, y)
    out["svc_balanced"] = fitted_linear(svc, x) | {"predict": svc.predict(test).tolist()}
    knn = KNeighborsClassifier(n_neighbors=7).fit(x, y)
    out["knn"] = {"predict": knn.predict(test).tolist(), "proba": lst(knn.predict_proba(test))}
    return out


def regression_case():
    x, y = make_regression(n_samples=60, n_features=5, n_informative=4, noise=5.0, random_state=3)
    x = f32(x * np.array([1.0, 2.0, 0.5, 3.0, 1.0]) + np.array([0.0, 5.0, -2.0, 1.0, 10.0]))
    y = f32(y + 40)
    test = f32(np.random.default_rng(13).normal(size=(8, 5)) * 2)
    out = {"x": lst(x), "y": lst(y), "test": lst(test)}
    models = {"linear": LinearRegression(), "ridge": Ridge(alpha=2.5),
              "lasso": Lasso(alpha=0.8, tol=1e-14, max_iter=1000000),
              "elasticnet": ElasticNet(alpha=0.5, l1_ratio=0.3, tol=1e-14, max_iter=1000000)}
    for name, model in models.items():
        model.fit(x, y)
        out[name] = {"coef": lst(model.coef_), "intercept": float(model.intercept_),
                     "predict": lst(model.predict(test))}
    knn = KNeighborsRegressor(n_neighbors=4, weights="distance").fit(x, y)
    out["knn_distance"] = {"predict": lst(knn.predict(test))}
    return out


def blobs_case():
    x, _ = make_blobs(n_samples=90, centers=3, n_features=3, cluster_std=0.7, random_state=4)
    x = f32(x)
    model = KMeans(n_clusters=3, n_init=10, random_state=0).fit(x)
    centers = model.cluster_centers_[np.argsort(model.cluster_centers_[:, 0])]
    return {"x": lst(x), "inertia": float(model.inertia_), "centers": lst(centers)}


def folds_case():
    labels = np.array([2, 0, 1, 1, 0, 2, 2, 1, 0, 0, 1, 2, 0, 0, 1, 2, 1, 0, 0, 2, 1, 0, 0])
    stratified = [test.tolist() for _, test in StratifiedKFold(5).split(np.zeros(len(labels)), labels)]
    plain = [test.tolist() for _, test in KFold(4).split(np.zeros(len(labels)))]
    return {"labels": labels.tolist(), "stratified_5": stratified, "kfold_4": plain}


def main():
    expected = {"sklearn_version": sklearn.__version__, "binary": binary_case(), "multiclass": multiclass_case(),
                "regression": regression_case(), "blobs": blobs_case(), "metrics": metrics_case(),
                "folds": folds_case()}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.json")
    with open(path, "w") as file:
        json.dump(expected, file, indent=None, separators=(",", ":"))
        file.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
