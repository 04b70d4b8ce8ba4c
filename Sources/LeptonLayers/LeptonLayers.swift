// LeptonLayers: Protocol-oriented neural-network modules: Dense, Conv2D, pooling, normalisation, recurrent and attention blocks, Sequential.
//
// The module is being built issue by issue; see Documentation/Architecture.md for its place in the package.
