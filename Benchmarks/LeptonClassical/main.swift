// lepton-classical: runs one classical estimator on a numeric CSV and prints JSON lines; driven by
// Benchmarks/compare_sklearn.py, which runs scikit-learn with the same settings.
//
//   lepton-classical cv --data iris.csv --target target --estimator logistic --folds 5 --stratified --set c=1
//   lepton-classical inertia --data iris.csv --target target --set clusters=3 --set initializations=10
//   lepton-classical time --data train.csv --test test.csv --target y --estimator ridge --repeats 7 --threads 1
//   lepton-classical recsys --train train.csv --test test.csv --model svd --repeats 3 --threads 1

import Foundation
import Lepton

let commands: [String: (ClassicalArguments) throws -> Void] = [
    "cv": runCrossValidation,
    "inertia": runInertia,
    "time": runTimedFit,
    "recsys": runRecommender,
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let command = commands[name] else {
    let known = commands.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: lepton-classical <\(known)> [--option value …]\n".utf8))
    exit(2)
}
do {
    try command(try ClassicalArguments(Array(arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("lepton-classical \(name): \(error)\n".utf8))
    exit(1)
}
