// LeptonTrain: Losses, optimizers, schedules, metrics, the training loop, evaluation, hyperparameter search and classical models.
//
// The module is being built issue by issue; see Documentation/Architecture.md for its place in the package.
