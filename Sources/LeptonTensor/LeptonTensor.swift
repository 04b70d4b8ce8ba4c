// LeptonTensor: The Tensor value type, shapes and broadcasting, operations, reverse-mode autodiff, seeded random numbers and safetensors I/O.
//
// The module is being built issue by issue; see Documentation/Architecture.md for its place in the package.
