import Lepton
import Testing

@Suite("The umbrella module")
struct UmbrellaTests {
    @Test("import Lepton reaches the kernels")
    func reachesKernels() {
        let a: [Float] = [1, 2, 3, 4]
        let b: [Float] = [5, 6, 7, 8]
        var c = [Float](repeating: 0, count: 4)
        c.withUnsafeMutableBufferPointer { output in
            sgemm(.none, .none, m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2, c: output.baseAddress!, ldc: 2)
        }
        #expect(c == [19, 22, 43, 50])
    }
}
