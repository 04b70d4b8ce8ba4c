// Run-time detection of the instruction sets the float tile loops and the int8 loops need.

#include "CLeptonKernels.h"

LeptonCPUFeatures lepton_cpu_features(void) {
    LeptonCPUFeatures features = {0, 0, 0, 0};
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    features.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    features.avx512f = features.avx2_fma && __builtin_cpu_supports("avx512f");
    features.avx2 = __builtin_cpu_supports("avx2");
    features.avx512_vnni = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#endif
    return features;
}
