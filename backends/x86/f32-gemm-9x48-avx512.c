/* fp32 GEMM microkernel, 9 rows × 48 columns, AVX-512F.
 *
 * 27 zmm accumulators (9 rows × 3 vectors of 16 columns), 3 zmm W loads and
 * 9 A broadcasts per k step: 27 FMAs for 12 loads. On the Sapphire Rapids
 * class cores this was measured against, a 14x32 tile (28 FMAs for 16
 * loads) lost ~5% more to load pressure; see docs/kernels-f32.md.
 *
 * Edge tiles: `mr` < 9 runs a copy of the loop with fewer rows and `nr` <= 32
 * (or <= 16) one with fewer column vectors (each a separate instantiation of
 * the inlined body, so every loop is fully unrolled with constant counts);
 * only the final store is masked to nr columns. */
#define KERNEL_FN octet_f32_gemm_ukernel_9x48__avx512
#define B_TYPE float
#define LOAD_B(b, j) _mm512_load_ps((b) + 16 * (j))
#include "backends/x86/f32-gemm-9x48-avx512-impl.h"
