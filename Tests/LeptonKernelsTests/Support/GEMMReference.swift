@testable import LeptonKernels

/// Plain triple-loop GEMM in Double, the truth the packed kernels are checked against.
func referenceGEMM(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
    b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int, epilogue: (bias: [Float]?, perRow: Bool, relu: Bool)
) -> [Float] {
    var result = c
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let aValue = transA == .none ? a[i * lda + p] : a[p * lda + i]
                let bValue = transB == .none ? b[p * ldb + j] : b[j * ldb + p]
                sum += Double(aValue) * Double(bValue)
            }
            var value = Double(alpha) * sum
            if beta != 0 { value += Double(beta) * Double(c[i * ldc + j]) }
            if let bias = epilogue.bias { value += Double(epilogue.perRow ? bias[i] : bias[j]) }
            if epilogue.relu { value = max(value, 0) }
            result[i * ldc + j] = Float(value)
        }
    }
    return result
}
