/* Peak microbenchmarks, AVX2 + FMA (and AVX-VNNI): compiled with
 * -mavx2 -mfma (-mavxvnni); called only when the active ISA level has them
 * (see peaks.h). */
#include <immintrin.h>

#include "peaks.h"

#define OPAQUE(v) __asm__ volatile("" : "+x"(v))

double peak_fma_avx2(int64_t iters) {
  __m256 m = _mm256_set1_ps(0.9999f), c = _mm256_set1_ps(1e-4f);
  __m256 a0 = _mm256_set1_ps(0.0f), a1 = _mm256_set1_ps(0.1f), a2 = _mm256_set1_ps(0.2f),
         a3 = _mm256_set1_ps(0.3f), a4 = _mm256_set1_ps(0.4f), a5 = _mm256_set1_ps(0.5f),
         a6 = _mm256_set1_ps(0.6f), a7 = _mm256_set1_ps(0.7f), a8 = _mm256_set1_ps(0.8f),
         a9 = _mm256_set1_ps(0.9f), a10 = _mm256_set1_ps(1.0f), a11 = _mm256_set1_ps(1.1f);
  for (int64_t i = 0; i < iters; i++) {
    a0 = _mm256_fmadd_ps(a0, m, c);
    a1 = _mm256_fmadd_ps(a1, m, c);
    a2 = _mm256_fmadd_ps(a2, m, c);
    a3 = _mm256_fmadd_ps(a3, m, c);
    a4 = _mm256_fmadd_ps(a4, m, c);
    a5 = _mm256_fmadd_ps(a5, m, c);
    a6 = _mm256_fmadd_ps(a6, m, c);
    a7 = _mm256_fmadd_ps(a7, m, c);
    a8 = _mm256_fmadd_ps(a8, m, c);
    a9 = _mm256_fmadd_ps(a9, m, c);
    a10 = _mm256_fmadd_ps(a10, m, c);
    a11 = _mm256_fmadd_ps(a11, m, c);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  float f[8];
  _mm256_storeu_ps(f, s);
  return (double)f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
}

static double hsum_epi32(__m256i s) {
  int32_t v[8];
  _mm256_storeu_si256((__m256i *)v, s);
  return (double)v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
}

#define INT_CHAINS(step)                                                          \
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, \
          a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;                 \
  for (int64_t i = 0; i < iters; i++) {                                           \
    OPAQUE(x);                                                                    \
    OPAQUE(y);                                                                    \
    a0 = step(a0, x, y);                                                          \
    a1 = step(a1, x, y);                                                          \
    a2 = step(a2, x, y);                                                          \
    a3 = step(a3, x, y);                                                          \
    a4 = step(a4, x, y);                                                          \
    a5 = step(a5, x, y);                                                          \
    a6 = step(a6, x, y);                                                          \
    a7 = step(a7, x, y);                                                          \
    a8 = step(a8, x, y);                                                          \
    a9 = step(a9, x, y);                                                          \
    a10 = step(a10, x, y);                                                        \
    a11 = step(a11, x, y);                                                        \
  }                                                                               \
  __m256i s = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(a0, a1),          \
                                                _mm256_add_epi32(a2, a3)),         \
                               _mm256_add_epi32(_mm256_add_epi32(a4, a5),          \
                                                _mm256_add_epi32(a6, a7)));        \
  s = _mm256_add_epi32(s, _mm256_add_epi32(_mm256_add_epi32(a8, a9),               \
                                           _mm256_add_epi32(a10, a11)));           \
  return hsum_epi32(s);

#define MADD_STEP(acc, x, y) _mm256_add_epi32(acc, _mm256_madd_epi16(x, y))

double peak_madd_avx2(int64_t iters) {
  __m256i x = _mm256_set1_epi16(3), y = _mm256_set1_epi16(-2);
  INT_CHAINS(MADD_STEP)
}

#if defined(__AVXVNNI__)
#define VNNI_STEP(acc, x, y) _mm256_dpbusd_avx_epi32(acc, x, y)
double peak_vnni_avxvnni(int64_t iters) {
  __m256i x = _mm256_set1_epi8(3), y = _mm256_set1_epi8(-2);
  INT_CHAINS(VNNI_STEP)
}
#else
/* The compiler cannot emit AVX-VNNI: measure the exact fallback instead. */
double peak_vnni_avxvnni(int64_t iters) { return peak_madd_avx2(iters); }
#endif

uint64_t peak_read_avx2(const void *p, size_t bytes) {
  const __m256i *q = (const __m256i *)p;
  __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i < bytes / 32; i += 8) {
    s0 = _mm256_xor_si256(s0, _mm256_load_si256(q + i));
    s1 = _mm256_xor_si256(s1, _mm256_load_si256(q + i + 1));
    s2 = _mm256_xor_si256(s2, _mm256_load_si256(q + i + 2));
    s3 = _mm256_xor_si256(s3, _mm256_load_si256(q + i + 3));
    s0 = _mm256_xor_si256(s0, _mm256_load_si256(q + i + 4));
    s1 = _mm256_xor_si256(s1, _mm256_load_si256(q + i + 5));
    s2 = _mm256_xor_si256(s2, _mm256_load_si256(q + i + 6));
    s3 = _mm256_xor_si256(s3, _mm256_load_si256(q + i + 7));
  }
  s0 = _mm256_xor_si256(_mm256_xor_si256(s0, s1), _mm256_xor_si256(s2, s3));
  int64_t v[4];
  _mm256_storeu_si256((__m256i *)v, s0);
  return (uint64_t)(v[0] ^ v[1] ^ v[2] ^ v[3]);
}
