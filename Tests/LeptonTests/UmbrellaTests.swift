import Lepton
import Testing

/// `import Lepton` reaches the user-facing modules and the thread-count knob; that it does not reach the kernels
/// or the command-line tool is checked by `.ci/check_umbrella_exports.sh`, which must compile code that fails.
@Suite("The umbrella module")
struct UmbrellaTests {
    @Test("import Lepton reaches tensors and the thread count")
    func reachesTensorsAndThreads() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2])
        let b = Tensor([5, 6, 7, 8], shape: [2, 2])
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        ComputeThreads.count = 1
        #expect(ComputeThreads.count == 1)
        #expect(matmul(a, b).scalars == [19, 22, 43, 50])
        ComputeThreads.count = 0
        #expect(ComputeThreads.count == 1)
        #expect(ComputeThreads.available >= 1)
    }
}
