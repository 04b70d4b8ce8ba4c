// AVX-512 loop for products with very few rows: up to 4 rows of C times 32 columns (two ZMM registers per row).
// The loop itself is `sgemm_rows_body.h`, shared with the AVX2 file.

#define VECTOR_BITS 512
#define FUNCTION lepton_sgemm_rows_avx512
#include "sgemm_rows_body.h"
