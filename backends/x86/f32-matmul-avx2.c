/* fp32 activation MatMul, vectorised by the compiler for AVX2 (8 lanes). */
#define MATMUL_FN octet_f32_matmul__avx2
#include "x86/f32-matmul-impl.h"
