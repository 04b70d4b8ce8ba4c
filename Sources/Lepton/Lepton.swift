// The umbrella module: `import Lepton` brings in every Lepton library module.

@_exported import LeptonData
@_exported import LeptonDeploy
@_exported import LeptonKernels
@_exported import LeptonLayers
@_exported import LeptonTensor
@_exported import LeptonTrain
