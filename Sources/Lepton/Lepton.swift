// The umbrella module: `import Lepton` brings in every user-facing Lepton library module. The kernels
// (LeptonKernels) are plumbing with package-level access; their one user knob, the thread count, is
// `ComputeThreads` in LeptonTensor.

@_exported import LeptonData
@_exported import LeptonDeploy
@_exported import LeptonLayers
@_exported import LeptonTensor
@_exported import LeptonTrain
