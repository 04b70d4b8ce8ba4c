import Foundation
import LeptonTestSupport

/// The PyTorch fixtures of this test target, in its Resources/ folder.
let fixtures = PyTorchFixtures(
    folder: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources"))
