/// Single-precision general matrix multiply: `C = alpha·op(A)·op(B) + beta·C`, with an optional fused epilogue.
///
/// Matrices are row-major: element (i, j) of a matrix with leading dimension `ld` is at `pointer[i * ld + j]`.
/// op(A) is `m`×`k`, op(B) is `k`×`n` and C is `m`×`n`. A stored matrix may be wider than its logical width
/// (its leading dimension larger), so sub-matrices of a larger array can be used in place.
///
/// The product is computed with packed, cache-blocked panels and a register-tiled loop for the best
/// instruction set of the running CPU (AVX-512, AVX2+FMA, or portable SIMD), split over `pool`'s threads when
/// the problem is large enough to gain from it. When `beta` is 0, C is written without being read.
///
/// - Parameters:
///   - transA: Whether A is used as stored (`m`×`k`, leading dimension ≥ k) or transposed (stored `k`×`m`).
///   - transB: Whether B is used as stored (`k`×`n`, leading dimension ≥ n) or transposed (stored `n`×`k`).
///   - m: Rows of op(A) and of C.
///   - n: Columns of op(B) and of C.
///   - k: Columns of op(A), rows of op(B).
///   - alpha: Scale of the product.
///   - a: The stored A.
///   - lda: Leading dimension of the stored A.
///   - b: The stored B.
///   - ldb: Leading dimension of the stored B.
///   - beta: Scale of the old C; 0 overwrites C.
///   - c: The output C.
///   - ldc: Leading dimension of C (≥ n).
///   - epilogue: A bias and activation fused into the store.
///   - pool: The threads to use.
package func sgemm(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue = .none, pool: ThreadPool = .shared
) {
    GEMMDriver(
        transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
        epilogue: epilogue, kernel: .best
    ).run(pool: pool)
}

/// The name of the register-tile loop that ``sgemm(_:_:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:epilogue:pool:)``
/// uses on this CPU: `"avx512"`, `"avx2"` or `"portable"`.
package var sgemmKernelName: String { TileKernel.best.name }
