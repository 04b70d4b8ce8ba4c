// LeptonData: Datasets and loaders, tables and CSV, cleaning, feature extraction, splits, and fitted preprocessing that ships with a model.
//
// The module is being built issue by issue; see Documentation/Architecture.md for its place in the package.
