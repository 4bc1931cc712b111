/* fp32 GEMM microkernel with fp16-stored weights, 9 rows × 48 columns,
 * AVX-512F: each k step loads 3×16 fp16 weights and widens them with
 * VCVTPH2PS zmm (2 uops on the FMA ports each), then 27 fp32 FMAs. Used
 * where a W panel serves few rows (small M); for larger M the driver widens
 * whole panels once with octet_f16w_convert__avx512 and runs the fp32 kernel
 * on them (docs/kernels-f32.md).
 *
 * Edge tiles: `mr` < 9 runs a copy of the loop with fewer rows and `nr` <= 32
 * (or <= 16) one with fewer column vectors (each a separate instantiation of
 * the inlined body, so every loop is fully unrolled with constant counts);
 * only the final store is masked to nr columns. */
#include <immintrin.h>

#include "backends/x86/f32-gemm.h"

#define KERNEL_FN octet_f16w_gemm_ukernel_9x48__avx512
#define B_TYPE uint16_t
#define LOAD_B(b, j) _mm512_cvtph_ps(_mm256_load_si256((const __m256i *)((b) + 16 * (j))))
#include "backends/x86/f32-gemm-9x48-avx512-impl.h"

void octet_f16w_convert__avx512(size_t n, const uint16_t *src, float *dst) {
  for (; n >= 64; n -= 64) {
    const __m512 v0 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)src));
    const __m512 v1 =
        _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(src + 16)));
    const __m512 v2 =
        _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(src + 32)));
    const __m512 v3 =
        _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(src + 48)));
    _mm512_storeu_ps(dst, v0);
    _mm512_storeu_ps(dst + 16, v1);
    _mm512_storeu_ps(dst + 32, v2);
    _mm512_storeu_ps(dst + 48, v3);
    src += 64;
    dst += 64;
  }
  for (; n >= 16; n -= 16) {
    _mm512_storeu_ps(dst,
                     _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)src)));
    src += 16;
    dst += 16;
  }
  if (n != 0) {
    const __mmask16 m = (__mmask16)((1u << n) - 1u);
    _mm512_mask_storeu_ps(dst, m,
                          _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, src)));
  }
}
