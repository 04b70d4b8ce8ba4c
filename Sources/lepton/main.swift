// lepton: inspect, verify, run and benchmark `.lepton` model bundles.
//
//   lepton inspect model.lepton
//   lepton verify model.lepton
//   lepton predict model.lepton input.csv
//   lepton bench model.lepton --mnist Sources/mnist-cnn/Resources/mnist_5k
//
// The commands live in the LeptonCommandLine target, so they are tested as library functions.

import Foundation
import LeptonCommandLine

let status = await LeptonCommandLine.run(Array(CommandLine.arguments.dropFirst()))
exit(status)
