/* fp32 GEMM microkernel, 6 rows × 16 columns, AVX2 + FMA.
 *
 * 12 ymm accumulators (6 rows × 2 vectors of 8 columns), 2 ymm W loads and
 * 6 A broadcasts per k step: 12 FMAs, 15 of the 16 ymm registers. Edge
 * tiles use instantiations with fewer rows / one column vector; the final
 * store is masked to nr columns. */
#define KERNEL_FN octet_f32_gemm_ukernel_6x16__avx2
#define B_TYPE float
#define LOAD_B(b, j) _mm256_load_ps((b) + 8 * (j))
#include "backends/x86/f32-gemm-6x16-avx2-impl.h"
