/* fp32 activation MatMul, vectorised by the compiler for AVX-512 (16 lanes). */
#define MATMUL_FN octet_f32_matmul__avx512
#include "x86/f32-matmul-impl.h"
