// LeptonDeploy: The model bundle, the inference engine, batching, registry and rollout, monitoring, drift and the feedback loop.
//
// The module is being built issue by issue; see Documentation/Architecture.md for its place in the package.
