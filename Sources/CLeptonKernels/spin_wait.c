// A hint for busy-wait loops.
//
// A thread that waits for another by reading a flag in a loop tells the processor so: on x86-64 `pause` yields the
// core's execution resources to its other hyperthread and avoids the memory-order flush when the flag changes; on
// AArch64 `yield` is the same hint.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

void lepton_spin_pause(void) { _mm_pause(); }

#elif defined(__aarch64__)

void lepton_spin_pause(void) { __asm__ __volatile__("yield"); }

#else

void lepton_spin_pause(void) {}

#endif
