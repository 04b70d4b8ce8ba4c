"""Writes drift_expectations.json: inputs and SciPy/NumPy results for the LeptonDeploy drift statistics tests.

Run from this folder with `python3 make_drift_expectations.py` (SciPy 1.17.1, NumPy 2.4.6 produced the committed
file). Every number the Swift tests compare with comes from SciPy or NumPy here, following the formulas documented in
Sources/LeptonDeploy/Monitoring/Drift/DriftStatistics.swift.
"""

import json

import numpy as np
from scipy import special, stats
from scipy.spatial import distance

PSI_EPSILON = 1e-4


def quantile_edges(reference, bins):
    """Inner edges of `bins` equal-frequency bins (NumPy's linear quantiles), repeated edges removed."""
    edges = np.quantile(np.asarray(reference), [i / bins for i in range(1, bins)])
    unique = []
    for edge in edges:
        if not unique or unique[-1] != edge:
            unique.append(float(edge))
    return np.array(unique)


def bin_proportions(values, edges):
    """Proportions per bin; bin k holds e_{k-1} <= x < e_k, so a value equal to an edge goes up."""
    index = np.searchsorted(edges, np.asarray(values), side="right")
    counts = np.bincount(index, minlength=len(edges) + 1)
    return counts / len(values)


def psi_from_proportions(ref, cur):
    ref = np.where(ref > 0, ref, PSI_EPSILON)
    cur = np.where(cur > 0, cur, PSI_EPSILON)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def category_proportions(reference, current):
    categories = sorted(set(reference) | set(current))
    ref = np.array([reference.count(c) for c in categories]) / len(reference)
    cur = np.array([current.count(c) for c in categories]) / len(current)
    return categories, ref, cur


def rounded(values, digits=6):
    return [round(float(v), digits) for v in values]


def main():
    rng = np.random.default_rng(20250601)
    out = {"generator": "make_drift_expectations.py", "scipy": __import__("scipy").__version__}

    # Kolmogorov-Smirnov, exact p-values (n*m <= 1e6 in Swift; SciPy method="exact").
    ks_cases = []
    for n, m, shift, digits in [(60, 45, 0.4, 6), (80, 80, 0.25, 6), (50, 70, 0.3, 1), (400, 300, 0.1, 6)]:
        reference = rounded(rng.normal(0.0, 1.0, n), digits)
        current = rounded(rng.normal(shift, 1.0, m), digits)
        result = stats.ks_2samp(reference, current, method="exact")
        ks_cases.append({"reference": reference, "current": current, "statistic": float(result.statistic),
                         "pvalue": float(result.pvalue), "method": "exact"})
    # Asymptotic: n*m > 1e6, Kolmogorov distribution with Stephens' correction, via scipy.special.kolmogorov.
    for n, m, shift in [(1500, 900, 0.05), (1200, 1100, 0.0)]:
        reference = rounded(rng.normal(0.0, 1.0, n))
        current = rounded(rng.normal(shift, 1.0, m))
        d = float(stats.ks_2samp(reference, current).statistic)
        en = np.sqrt(n * m / (n + m))
        pvalue = float(special.kolmogorov((en + 0.12 + 0.11 / en) * d))
        ks_cases.append({"reference": reference, "current": current, "statistic": d, "pvalue": pvalue,
                         "method": "asymptotic"})
    out["kolmogorovSmirnov"] = ks_cases

    lambdas = [0.05, 0.3, 0.5, 0.8, 1.0, 1.17, 1.19, 1.36, 1.63, 2.0, 3.0]
    out["kolmogorovSurvival"] = [{"lambda": x, "value": float(special.kolmogorov(x))} for x in lambdas]

    gamma_points = [(0.5, 0.1), (0.5, 3.0), (1.0, 1.0), (2.5, 1.0), (2.5, 7.0), (10.0, 3.0), (10.0, 12.0),
                    (50.0, 45.0), (50.0, 70.0), (250.0, 260.0), (1.5, 40.0)]
    out["regularizedGammaQ"] = [{"a": a, "x": x, "value": float(special.gammaincc(a, x))} for a, x in gamma_points]
    out["logGamma"] = [{"x": x, "value": float(special.gammaln(x))} for x in [0.5, 1.0, 1.5, 2.0, 3.7, 14.9, 15.0,
                                                                              100.25, 1e4]]

    # Chi-square test of homogeneity (scipy.stats.chi2_contingency, no continuity correction).
    chi_cases = []
    specs = [
        (["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1], [0.35, 0.3, 0.2, 0.15], 300, 200),
        (["red", "green", "blue"], [0.5, 0.3, 0.2], [0.3, 0.3, 0.4], 150, 120),
        (["yes", "no"], [0.7, 0.3], [0.62, 0.38], 400, 250),
        (["x", "y", "z"], [0.6, 0.4, 0.0], [0.5, 0.3, 0.2], 100, 90),
    ]
    for categories, p_ref, p_cur, n, m in specs:
        reference = list(rng.choice(categories, size=n, p=p_ref))
        current = list(rng.choice(categories, size=m, p=p_cur))
        seen = sorted(set(reference) | set(current))
        table = np.array([[reference.count(c) for c in seen], [current.count(c) for c in seen]])
        statistic, pvalue, dof, _ = stats.chi2_contingency(table, correction=False)
        chi_cases.append({"reference": [str(v) for v in reference], "current": [str(v) for v in current],
                          "statistic": float(statistic), "degreesOfFreedom": int(dof), "pvalue": float(pvalue)})
    out["chiSquare"] = chi_cases

    # PSI and Jensen-Shannon (numeric: reference quantile bins; categorical: shared categories).
    numeric_cases = []
    for n, m, shift, scale, bins in [(500, 400, 0.0, 1.0, 10), (800, 300, 0.5, 1.3, 10), (300, 200, 2.5, 1.0, 5),
                                     (400, 350, 0.2, 1.0, 20)]:
        reference = rounded(rng.normal(0.0, 1.0, n))
        current = rounded(rng.normal(shift, scale, m))
        edges = quantile_edges(reference, bins)
        ref_p = bin_proportions(reference, edges)
        cur_p = bin_proportions(current, edges)
        numeric_cases.append({
            "reference": reference, "current": current, "binCount": bins,
            "psi": psi_from_proportions(ref_p, cur_p),
            "jensenShannon": float(distance.jensenshannon(ref_p, cur_p)),
            "wasserstein": float(stats.wasserstein_distance(reference, current)),
            "normalizedWasserstein": float(stats.wasserstein_distance(reference, current)
                                           / max(np.std(reference), 0.001)),
        })
    # Heavy ties: a rounded reference whose quantile edges repeat.
    reference = [float(v) for v in rng.integers(0, 4, 300)]
    current = [float(v) for v in rng.integers(0, 5, 250)]
    edges = quantile_edges(reference, 10)
    ref_p = bin_proportions(reference, edges)
    cur_p = bin_proportions(current, edges)
    numeric_cases.append({
        "reference": reference, "current": current, "binCount": 10, "psi": psi_from_proportions(ref_p, cur_p),
        "jensenShannon": float(distance.jensenshannon(ref_p, cur_p)),
        "wasserstein": float(stats.wasserstein_distance(reference, current)),
        "normalizedWasserstein": float(stats.wasserstein_distance(reference, current) / max(np.std(reference), 0.001)),
    })
    out["numeric"] = numeric_cases

    categorical_cases = []
    for case in chi_cases:
        _, ref_p, cur_p = category_proportions(case["reference"], case["current"])
        categorical_cases.append({"reference": case["reference"], "current": case["current"],
                                  "psi": psi_from_proportions(ref_p, cur_p),
                                  "jensenShannon": float(distance.jensenshannon(ref_p, cur_p))})
    out["categorical"] = categorical_cases

    with open("drift_expectations.json", "w") as handle:
        json.dump(out, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()
