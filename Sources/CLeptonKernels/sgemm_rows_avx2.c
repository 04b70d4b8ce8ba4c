// AVX2 + FMA loop for products with very few rows: up to 4 rows of C times 16 columns (two YMM registers per row).
// The loop itself is `sgemm_rows_body.h`, shared with the AVX-512 file.

#define VECTOR_BITS 256
#define FUNCTION lepton_sgemm_rows_avx2
#include "sgemm_rows_body.h"
