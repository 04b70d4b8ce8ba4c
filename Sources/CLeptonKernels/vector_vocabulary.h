// The small vector vocabulary that the loop bodies shared by the AVX2 and AVX-512 files are written in
// (`conv_small_channels_body.h`, `sgemm_rows_body.h`, `sgemm_tile_body.h`, `sgemm_epilogue.h`). A file defines
// VECTOR_BITS before including it: 256 for AVX2 + FMA (8-lane YMM), 512 for AVX-512 (16-lane ZMM).
//   VEC, MASK, LANES      a vector of LANES floats and a lane mask
//   MASK_FIRST(n)         the mask of the first n lanes (n may exceed LANES or be negative)
//   SET1(x), ZERO()       broadcast, zero; BROADCAST(p) broadcasts *p
//   LOADU(p), STOREU(p,v) unmasked load and store
//   LOAD(mask, p)         masked load (unselected lanes 0, nothing read there); STORE(p, mask, v)
//   LOAD_EDGE(full, mask, p), STORE_EDGE(full, p, mask, v)
//                         a load or store of a possibly partial vector: AVX2 takes the unmasked instruction when
//                         `full` (its masked ones are slower), AVX-512 always the masked one (`full` not evaluated)
//   FMA(a, b, c)          a·b + c; ADD, MUL, MAX
//   TARGET                the function attribute naming the instruction set
// The operations whose intrinsics differ only in the register width are spelled once, by pasting the width.

#ifndef LEPTON_VECTOR_VOCABULARY_H
#define LEPTON_VECTOR_VOCABULARY_H

#include <immintrin.h>

#define LEPTON_PASTE_(a, b, c) a##b##c
#define LEPTON_PASTE(a, b, c) LEPTON_PASTE_(a, b, c)
#define LEPTON_PS(op) LEPTON_PASTE(_mm, VECTOR_BITS, _##op##_ps)

#define VEC LEPTON_PASTE(__m, VECTOR_BITS, )
#define LANES (VECTOR_BITS / 32)
#define SET1(x) LEPTON_PS(set1)(x)
#define ZERO() LEPTON_PS(setzero)()
#define LOADU(p) LEPTON_PS(loadu)(p)
#define STOREU(p, v) LEPTON_PS(storeu)(p, v)
#define FMA(a, b, c) LEPTON_PS(fmadd)(a, b, c)
#define ADD(a, b) LEPTON_PS(add)(a, b)
#define MUL(a, b) LEPTON_PS(mul)(a, b)
#define MAX(a, b) LEPTON_PS(max)(a, b)

#if VECTOR_BITS == 512
#define MASK __mmask16
#define MASK_FIRST(n) ((n) >= 16 ? (__mmask16)0xFFFF : ((n) <= 0 ? (__mmask16)0 : (__mmask16)((1u << (n)) - 1u)))
#define BROADCAST(p) _mm512_set1_ps(*(p))
#define LOAD(mask, p) _mm512_maskz_loadu_ps(mask, p)
#define STORE(p, mask, v) _mm512_mask_storeu_ps(p, mask, v)
#define LOAD_EDGE(full, mask, p) LOAD(mask, p)
#define STORE_EDGE(full, p, mask, v) STORE(p, mask, v)
#define TARGET __attribute__((target("avx512f,avx2,fma")))
#elif VECTOR_BITS == 256
#define MASK __m256i
#define MASK_FIRST(n) \
    _mm256_cmpgt_epi32(_mm256_set1_epi32((int)((n) >= 8 ? 8 : ((n) <= 0 ? 0 : (n)))), \
                       _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define BROADCAST(p) _mm256_broadcast_ss(p)
#define LOAD(mask, p) _mm256_maskload_ps(p, mask)
#define STORE(p, mask, v) _mm256_maskstore_ps(p, mask, v)
#define LOAD_EDGE(full, mask, p) ((full) ? LOADU(p) : LOAD(mask, p))
#define STORE_EDGE(full, p, mask, v) ((full) ? STOREU(p, v) : STORE(p, mask, v))
#define TARGET __attribute__((target("avx2,fma")))
#else
#error "define VECTOR_BITS as 256 or 512 before including vector_vocabulary.h"
#endif

#endif
