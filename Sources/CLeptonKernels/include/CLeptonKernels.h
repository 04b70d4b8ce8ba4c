// Register-tile loops for single-precision GEMM, one per instruction set.
//
// Everything else about GEMM (packing, cache blocking, threading, edge planning) lives in Swift, in
// LeptonKernels. The loops here exist in C only because Swift has no way to compile one function for
// AVX2 or AVX-512 without changing the flags of the whole package: `__attribute__((target(...)))` does
// that per function, and `lepton_cpu_features` picks the right loop at run time.

#ifndef CLEPTON_KERNELS_H
#define CLEPTON_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "CLeptonInt8.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set features of the running CPU that the float tile loops and the int8 loops can use: the one
/// probe of the package (LeptonKernels' `CPUFeatures` reads it once).
typedef struct {
    /// AVX2 and FMA3 (x86-64-v3).
    int avx2_fma;
    /// AVX-512 Foundation (with the OS saving the ZMM state).
    int avx512f;
    /// AVX2 (`vpmaddubsw`, for the int8 loop).
    int avx2;
    /// AVX-512 F + BW + VL + VNNI (`vpdpbusd`, for the int8 loop).
    int avx512_vnni;
} LeptonCPUFeatures;

/// Reads the running CPU's features (cheap; callers may cache the result).
LeptonCPUFeatures lepton_cpu_features(void);

/// What a tile loop does with its accumulated sum before it stores it.
///
/// The tile computes `acc = sum_p A[i,p] * B[p,j]` and then stores
/// `C[i,j] = alpha * acc + beta * C[i,j] + row_bias[i] + col_bias[j]`, followed by `max(0, .)` when `relu`
/// is non-zero. When `beta == 0` the old value of C is not read (so NaN in uninitialised C never leaks).
typedef struct {
    float alpha;
    float beta;
    /// One value per tile row, or NULL.
    const float *row_bias;
    /// One value per tile column, or NULL.
    const float *col_bias;
    int relu;
} LeptonTileEpilogue;

/// AVX-512 tile: 12 rows by 32 columns.
///
/// - `a`: A, `kc` groups of 12 floats (one per tile row) `a_step` floats apart: packed A (`a_step` 12, zero-padded
///   past `mr` rows) or a transposed A read in place (`a_step` = its leading dimension; all 12 rows must exist).
/// - `b`: B rows, 32 floats each (the first `nr` meaningful; the rest must be readable), `b_stride` floats apart.
/// - `c`: the tile's top-left element, rows `ldc` floats apart; only `mr` x `nr` elements are touched.
void lepton_sgemm_tile_avx512_12x32(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                    long mr, long nr, const LeptonTileEpilogue *epilogue);

/// AVX2 + FMA tile: 6 rows by 16 columns; arguments as for the AVX-512 tile.
void lepton_sgemm_tile_avx2_6x16(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                 long mr, long nr, const LeptonTileEpilogue *epilogue);

/// AVX2 + FMA tile of 6 rows by 16 columns reading A in place, row `i` at `a + i * lda` (rows past `mr` are not read).
void lepton_sgemm_tile_avx2_6x16_rows(long kc, const float *a, long lda, const float *b, long b_stride, float *c,
                                      long ldc, long mr, long nr, const LeptonTileEpilogue *epilogue);

/// AVX2 + FMA loop for products of 1 to 4 rows (`mr`) by at most 16 columns (`nr`), A and B read where they are
/// stored (B's rows through lane masks); arguments as for ``lepton_sgemm_rows_avx512``.
void lepton_sgemm_rows_avx2(long kc, long mr, const float *a, long lda, const float *b, long b_stride, float *c,
                            long ldc, long nr, const LeptonTileEpilogue *epilogue);

/// Packs `rows` rows of an untransposed A with AVX2 into panels of `mr` rows: row `r` at `a + r * lda`, contiguous
/// along the depth, becomes `out[(r / mr) * mr * kc + p * mr + r % mr]` for depth steps `p` < `kc`; the last panel is
/// padded with zero rows.
void lepton_sgemm_pack_rows_avx2(long rows, long kc, const float *a, long lda, long mr, float *out);

/// Packs `kc` rows of `columns` columns of an untransposed B with AVX2 into panels of `nr` columns (a multiple of 8):
/// `b[p * ldb + j]` becomes `out[(j / nr) * nr * kc + p * nr + j % nr]`; the last panel is padded with zero columns
/// and nothing past column `columns` is read.
void lepton_sgemm_pack_columns_avx2(long kc, long columns, const float *b, long ldb, long nr, float *out);

/// AVX-512 tile of 12 rows by 32 columns reading A in place, row `i` at `a + i * lda` (rows past `mr` are not read).
void lepton_sgemm_tile_avx512_12x32_rows(long kc, const float *a, long lda, const float *b, long b_stride, float *c,
                                         long ldc, long mr, long nr, const LeptonTileEpilogue *epilogue);

/// Sets flush-to-zero and denormals-are-zero for SSE/AVX arithmetic on this thread; returns the previous state
/// for ``lepton_flush_denormals_end``. No effect off x86-64.
unsigned int lepton_flush_denormals_begin(void);

/// Restores the state returned by ``lepton_flush_denormals_begin``.
void lepton_flush_denormals_end(unsigned int previous);

/// Tells the processor that the caller is in a busy-wait loop (`pause` on x86-64, `yield` on AArch64).
void lepton_spin_pause(void);

/// AVX-512 direct convolution of one NHWC image with few input channels (stride 1, no padding, HWIO weights),
/// bias and ReLU fused, and with `pool` set, 2×2 max pooling (stride 2, floor) fused too. `output` receives
/// `[outHeight, outWidth, cout]` (halved, rounded down, when pooling). With `pool` and `winners` (else null), each
/// pooled value's winner is recorded as its offset in the unpooled `[outHeight, outWidth, cout]` output, the first of
/// equal values winning, and the result is non-zero when the image produced NaN or infinity (0 otherwise).
int lepton_conv_small_channels_avx512(const float *input, long height, long width, long cin, const float *weights,
                                      long kh, long kw, long cout, const float *bias, int relu, int pool, float *output,
                                      int32_t *winners);

/// The same convolution with AVX2 + FMA (16 output channels per block), for CPUs without AVX-512.
int lepton_conv_small_channels_avx2(const float *input, long height, long width, long cin, const float *weights,
                                    long kh, long kw, long cout, const float *bias, int relu, int pool, float *output,
                                    int32_t *winners);

/// AVX-512 loop for 1 to 4 rows of C (`mr`) by up to 32 columns (`nr`), reading A unpacked (`a[i * lda + p]`) and
/// `nr` floats of each B row (`b_stride` floats apart) with masked loads, so nothing past the matrices is read.
void lepton_sgemm_rows_avx512(long kc, long mr, const float *a, long lda, const float *b, long b_stride, float *c,
                              long ldc, long nr, const LeptonTileEpilogue *epilogue);

/// LSTM forward gate math of one batch row (AVX2 + FMA, `units` a multiple of 8): the pre-activations `gates`
/// (4 * units: input, forget, cell, output) become the activations in place; writes the new cell state, the new
/// hidden state and tanh of the new cell state.
void lepton_lstm_gates_forward_avx2(float *gates, const float *cell_previous, float *cell, float *hidden,
                                    float *cell_tanh, long units);

/// LSTM backward gate math of one batch row (AVX2 + FMA, `units` a multiple of 8): from the activations i, f, g, o
/// (4 * units), the previous cell state, tanh of the cell state, the hidden state's gradient `d_hidden` plus, unless
/// NULL, the step output's gradient `d_output`, and the cell state's gradient `d_cell` (replaced by the previous cell
/// state's), writes the pre-activation gradients `d_gates` (4 * units).
void lepton_lstm_gates_backward_avx2(const float *activations, const float *cell_previous, const float *cell_tanh,
                                     const float *d_hidden, const float *d_output, float *d_cell, float *d_gates,
                                     long units);

/// GRU forward gate math of one batch row (AVX2 + FMA, `units` a multiple of 8): `gates` (3 * units, input side with
/// its bias) become the activations r, z, n in place; `recurrent` is h W_hh^T + b_hh; writes the new hidden state
/// and the recurrent part of the new gate.
void lepton_gru_gates_forward_avx2(float *gates, const float *recurrent, const float *hidden_previous, float *hidden,
                                   float *recurrent_new, long units);

/// The per-step constants of an Adam-family update (see `OptimizerKernels.adam` in LeptonKernels).
typedef struct {
    /// Decay of the first moment.
    float beta1;
    /// Decay of the second moment.
    float beta2;
    /// Added to the denominator.
    float epsilon;
    /// The learning rate over the first moment's bias correction.
    float step_size;
    /// One over the square root of the second moment's bias correction.
    float inverse_sqrt_correction2;
    /// Weight decay added to the gradient (Adam's L2 form); 0 for AdamW.
    float coupled_decay;
    /// The factor applied to the parameter (1 − lr·λ for AdamW); 1 for Adam.
    float decoupled_factor;
} LeptonAdamCoefficients;

/// One Adam / AdamW / AMSGrad update of `count` parameters in place, 16 lanes at a time with AVX-512 F (masked tail);
/// `maximum_second_moment` is NULL except for AMSGrad. Bit-identical to the portable Swift loop.
void lepton_adam_update_avx512(float *parameter, const float *gradient, float *first_moment, float *second_moment,
                               float *maximum_second_moment, long count, const LeptonAdamCoefficients *coefficients);

/// The same update eight lanes at a time with AVX2 (scalar tail).
void lepton_adam_update_avx2(float *parameter, const float *gradient, float *first_moment, float *second_moment,
                             float *maximum_second_moment, long count, const LeptonAdamCoefficients *coefficients);

/// The exact GELU `y = x·Φ(x)` of `count` floats, 16 lanes at a time with AVX-512 F; bit-identical to the portable
/// Swift loop (`GELUErfFunction`) and to the AVX2 loop.
void lepton_gelu_erf_forward_avx512(const float *x, float *y, long count);

/// GELU's backward pass `dx = dy·(Φ(x) + x·φ(x))`, or `dx += …` when `accumulate` is non-zero, 16 lanes at a time with
/// AVX-512 F; bit-identical to the portable Swift loop (`GELUErfDerivative`).
void lepton_gelu_erf_backward_avx512(const float *x, const float *dy, float *dx, long count, int accumulate);

/// The exact GELU forward eight lanes at a time with AVX2.
void lepton_gelu_erf_forward_avx2(const float *x, float *y, long count);

/// GELU's backward pass eight lanes at a time with AVX2.
void lepton_gelu_erf_backward_avx2(const float *x, const float *dy, float *dx, long count, int accumulate);

/// Max pooling's forward pass over one NHWC image without padding, 16 lanes of channels at a time with AVX-512 F:
/// `output` gets each window's maximum and `argmax` (when not null) the flat index of the winner, the image's
/// elements numbered from `image_offset`; the first of equal values wins. Returns non-zero when the image holds NaN or
/// infinity, whose windows the caller recomputes with NaN propagation; bit-identical to the portable Swift loop.
int lepton_max_pool_forward_avx512(const float *image, long height, long width, long channels, long window_height,
                                   long window_width, long stride_height, long stride_width, long out_height,
                                   long out_width, long image_offset, float *output, int32_t *argmax);

/// The same forward pass eight lanes at a time with AVX2.
int lepton_max_pool_forward_avx2(const float *image, long height, long width, long channels, long window_height,
                                 long window_width, long stride_height, long stride_width, long out_height,
                                 long out_width, long image_offset, float *output, int32_t *argmax);

/// The routing step of max pooling's backward pass over one NHWC image whose windows tile it (stride = window, no
/// padding), 16 lanes of channels at a time with AVX-512 F: `gradient` (the image, `height`·`width`·`channels`
/// floats) gets each pooled gradient at its window's winner (`winners`: offsets within the image) and 0 everywhere
/// else; with `relu`, pooled outputs that are not positive route nothing.
void lepton_max_pool_route_avx512(const float *pooled_gradient, const float *pooled_output, const int32_t *winners,
                                  int relu, long height, long width, long channels, long window_height,
                                  long window_width, long out_height, long out_width, float *gradient);

/// The same routing eight lanes at a time with AVX2.
void lepton_max_pool_route_avx2(const float *pooled_gradient, const float *pooled_output, const int32_t *winners,
                                int relu, long height, long width, long channels, long window_height,
                                long window_width, long out_height, long out_width, float *gradient);

#ifdef __cplusplus
}
#endif

#endif
