/* fp32 GEMM microkernel with fp16-stored weights, 6 rows × 16 columns,
 * AVX2 + FMA + F16C: each k step loads 2×8 fp16 weights, widens them with
 * VCVTPH2PS ymm and runs 12 fp32 FMAs (15 of the 16 ymm registers). For
 * larger M the driver widens whole panels once with octet_f16w_convert__avx2
 * and runs the fp32 kernel instead (docs/kernels-f32.md). Edge
 * tiles use instantiations with fewer rows / one column vector; the final
 * store is masked to nr columns. */
#include <immintrin.h>
#include <string.h>

#include "backends/x86/f32-gemm.h"

#define KERNEL_FN octet_f16w_gemm_ukernel_6x16__avx2
#define B_TYPE uint16_t
#define LOAD_B(b, j) _mm256_cvtph_ps(_mm_load_si128((const __m128i *)((b) + 8 * (j))))
#include "backends/x86/f32-gemm-6x16-avx2-impl.h"

void octet_f16w_convert__avx2(size_t n, const uint16_t *src, float *dst) {
  for (; n >= 32; n -= 32) {
    const __m256 v0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)src));
    const __m256 v1 =
        _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + 8)));
    const __m256 v2 =
        _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + 16)));
    const __m256 v3 =
        _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + 24)));
    _mm256_storeu_ps(dst, v0);
    _mm256_storeu_ps(dst + 8, v1);
    _mm256_storeu_ps(dst + 16, v2);
    _mm256_storeu_ps(dst + 24, v3);
    src += 32;
    dst += 32;
  }
  for (; n >= 8; n -= 8) {
    _mm256_storeu_ps(dst,
                     _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)src)));
    src += 8;
    dst += 8;
  }
  if (n != 0) {
    uint16_t tmp[8] = {0};
    float f[8];
    memcpy(tmp, src, n * sizeof(uint16_t));
    _mm256_storeu_ps(f, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)tmp)));
    memcpy(dst, f, n * sizeof(float));
  }
}
