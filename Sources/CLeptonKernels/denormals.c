// Flushing denormal floats to zero while a kernel runs.
//
// Optimizer state decays geometrically (Adam's second moment by β2 each step); once values fall below
// FLT_MIN, x86 processes them through microcode assists a hundred times slower than normal floats. Measured on
// the reference CNN trained on random labels: after a few thousand steps the Adam update took 63% of the time.
// Deep-learning frameworks run with FTZ/DAZ set for this reason; Lepton sets it around its kernels and restores
// the caller's setting afterwards.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <xmmintrin.h>

unsigned int lepton_flush_denormals_begin(void) {
    const unsigned int previous = _mm_getcsr();
    _mm_setcsr(previous | 0x8040u);  // FTZ (bit 15) and DAZ (bit 6)
    return previous;
}

void lepton_flush_denormals_end(unsigned int previous) { _mm_setcsr(previous); }

#else

unsigned int lepton_flush_denormals_begin(void) { return 0; }

void lepton_flush_denormals_end(unsigned int previous) { (void)previous; }

#endif
