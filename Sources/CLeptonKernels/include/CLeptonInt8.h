// Int8 matrix-product loops for dynamically quantised inference, one per instruction set.
//
// As for the float tiles, only the innermost loops live in C: quantisation, packing, threading and the choice of
// loop happen in Swift (LeptonKernels' QuantizedGEMM). `__attribute__((target(...)))` compiles each loop for its
// instruction set, and `lepton_cpu_features` (CLeptonKernels.h) tells at run time which ones the CPU has.

#ifndef CLEPTON_INT8_H
#define CLEPTON_INT8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What an int8 loop does with each int32 sum before it stores it as a float.
///
/// `C[i, j] = float(sum_k A[i, k] * B[k, j]) * row_scale[i] * col_scale[j] + bias[j]`, then `max(0, .)` when
/// `relu` is non-zero.
typedef struct {
    /// One scale per row of A (`m` values).
    const float *row_scale;
    /// One scale per column of B, `n` rounded up to 32 values (the padding is read, not used).
    const float *col_scale;
    /// One bias per column (padded like `col_scale`), or NULL.
    const float *bias;
    /// `sum_k B[k, j]` per column (padded like `col_scale`): the VNNI loop adds 128 to A to make it unsigned and
    /// subtracts `128 * col_sums[j]` again.
    const int32_t *col_sums;
    int relu;
} LeptonInt8Epilogue;

/// AVX-512 VNNI loop: `C = A · B` for `m` rows and `n` columns with the epilogue.
///
/// - `a`: `m` rows of `k_padded` int8 values in [-127, 127], row `i` at `a + i * lda`; `k_padded` is a multiple of 4
///   and the padding is zero.
/// - `packed_b`: B packed in panels of 32 columns: panel `p` starts at `packed_b + p * k_padded * 32`; within it,
///   group `g` (k = 4g ... 4g+3) is 128 bytes: the four k-values of column 0, then of column 1, ..., column 31.
///   Columns past `n` are zero.
/// - `c`: row `i` at `c + i * ldc`; only `n` floats per row are written.
void lepton_int8_gemm_avx512vnni(long m, long n, long k_padded, const int8_t *a, long lda, const int8_t *packed_b,
                                 float *c, long ldc, const LeptonInt8Epilogue *epilogue);

/// AVX2 loop with the same arguments, using `vpmaddubsw` on |a| and b carrying a's sign (no saturation, since
/// |a|, |b| <= 127).
void lepton_int8_gemm_avx2(long m, long n, long k_padded, const int8_t *a, long lda, const int8_t *packed_b, float *c,
                           long ldc, const LeptonInt8Epilogue *epilogue);

/// Quantises `rows` rows of `columns` floats (row `r` at `source + r * source_stride`) to int8 with one symmetric
/// scale per row: `q = round-to-nearest-even(x / scale)` with `scale = max |x| / 127` (1 for a row of zeros; a row
/// holding NaN or infinity gets garbage, callers validate first), or, when `fixed_scale` is positive, with that
/// calibrated scale for every row (`q = round-to-nearest-even(x * (1 / fixed_scale))` clamped to [-127, 127]). Row
/// `r` goes to `destination + r * destination_stride`, zero-padded from `columns` up to `destination_stride`; its
/// scale to `scales[r]`.
void lepton_int8_quantize_rows_avx512(long rows, long columns, const float *source, long source_stride,
                                      int8_t *destination, long destination_stride, float *scales, float fixed_scale);

/// AVX2 version of `lepton_int8_quantize_rows_avx512`.
void lepton_int8_quantize_rows_avx2(long rows, long columns, const float *source, long source_stride,
                                    int8_t *destination, long destination_stride, float *scales, float fixed_scale);

/// One int8 direct convolution layer, prepared once for `lepton_int8_conv_*` (see `int8_conv_body.h`): NHWC images,
/// dilation 1, any stride and zero padding, bias and ReLU fused, and with `pool` 2×2 max pooling (stride 2, floor).
typedef struct {
    /// One input image: `height` × `width` × `cin` floats.
    long height, width, cin;
    /// The kernel and the output channels.
    long kh, kw, cout;
    /// The strides.
    long stride_h, stride_w;
    /// Zero rows above and zero columns left of the image.
    long pad_top, pad_left;
    /// The padded image the loop reads: `height + pad_top + pad_bottom` by `width + pad_left + pad_right`.
    long padded_height, padded_width;
    /// The convolution's output (before pooling).
    long out_height, out_width;
    /// `kw * cin` rounded up to a multiple of 4: the depth of one kernel row in `packed_weights`.
    long segment;
    /// The weights in the layout of `lepton_int8_gemm_avx512vnni`'s `packed_b` for depth `kh * segment`: kernel row
    /// `i`, tap `t < kw * cin` (HWIO order) is depth `i * segment + t`; the other depths are zero.
    const int8_t *packed_weights;
    /// Per output channel, padded with zeros to a multiple of 32: the weights' scale, their int8 sum, the bias
    /// (`bias` may be NULL).
    const float *channel_scale;
    const int32_t *channel_sums;
    const float *bias;
    /// Non-zero to apply ReLU after the bias; non-zero to fuse 2×2 max pooling.
    int relu, pool;
} LeptonInt8Convolution;

/// Convolves one image with AVX-512 VNNI. The image is quantised with `input_scale` when it is positive (codes
/// clamped to [-127, 127]) or else with its own scale `max |x| / 127` (1 for an all-zero image), into `scratch`, which
/// must hold `padded_height * padded_width * cin + 64` bytes. `output` receives `[out_height, out_width, cout]`
/// floats (halved, rounded down, when pooling).
void lepton_int8_conv_avx512vnni(const LeptonInt8Convolution *conv, const float *image, float input_scale,
                                 uint8_t *scratch, float *output);

/// The same convolution with AVX2.
void lepton_int8_conv_avx2(const LeptonInt8Convolution *conv, const float *image, float input_scale,
                           uint8_t *scratch, float *output);

#ifdef __cplusplus
}
#endif

#endif
