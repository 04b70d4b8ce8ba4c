// Run-time detection of the instruction sets the int8 loops need.

#include "CLeptonKernels.h"

LeptonInt8Features lepton_int8_features(void) {
    LeptonInt8Features features = {0, 0};
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    features.avx2 = __builtin_cpu_supports("avx2");
    features.avx512_vnni = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#endif
    return features;
}
