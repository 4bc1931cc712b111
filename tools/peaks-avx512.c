/* Peak microbenchmarks, AVX-512 (F, BW, VNNI): compiled with
 * -mavx512f -mavx512bw -mavx512vnni -mfma; called only when the active ISA
 * level has them (see peaks.h). */
#include <immintrin.h>

#include "peaks.h"

/* An empty asm that "modifies" v: stops the compiler from hoisting
 * loop-invariant work or folding chains, costs no instruction. */
#define OPAQUE(v) __asm__ volatile("" : "+v"(v))

double peak_fma_avx512(int64_t iters) {
  __m512 m = _mm512_set1_ps(0.9999f), c = _mm512_set1_ps(1e-4f);
  __m512 a0 = _mm512_set1_ps(0.0f), a1 = _mm512_set1_ps(0.1f), a2 = _mm512_set1_ps(0.2f),
         a3 = _mm512_set1_ps(0.3f), a4 = _mm512_set1_ps(0.4f), a5 = _mm512_set1_ps(0.5f),
         a6 = _mm512_set1_ps(0.6f), a7 = _mm512_set1_ps(0.7f), a8 = _mm512_set1_ps(0.8f),
         a9 = _mm512_set1_ps(0.9f), a10 = _mm512_set1_ps(1.0f), a11 = _mm512_set1_ps(1.1f);
  for (int64_t i = 0; i < iters; i++) {
    a0 = _mm512_fmadd_ps(a0, m, c);
    a1 = _mm512_fmadd_ps(a1, m, c);
    a2 = _mm512_fmadd_ps(a2, m, c);
    a3 = _mm512_fmadd_ps(a3, m, c);
    a4 = _mm512_fmadd_ps(a4, m, c);
    a5 = _mm512_fmadd_ps(a5, m, c);
    a6 = _mm512_fmadd_ps(a6, m, c);
    a7 = _mm512_fmadd_ps(a7, m, c);
    a8 = _mm512_fmadd_ps(a8, m, c);
    a9 = _mm512_fmadd_ps(a9, m, c);
    a10 = _mm512_fmadd_ps(a10, m, c);
    a11 = _mm512_fmadd_ps(a11, m, c);
  }
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                           _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
  return (double)_mm512_reduce_add_ps(s);
}

/* Sum of the lanes in double (no int overflow). */
static double hsum_epi32(__m512i s) {
  int32_t v[16];
  _mm512_storeu_si512(v, s);
  double t = 0.0;
  for (int i = 0; i < 16; i++) t += v[i];
  return t;
}

#define INT_CHAINS(step)                                                        \
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, \
          a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;               \
  for (int64_t i = 0; i < iters; i++) {                                         \
    OPAQUE(x);                                                                  \
    OPAQUE(y);                                                                  \
    a0 = step(a0, x, y);                                                        \
    a1 = step(a1, x, y);                                                        \
    a2 = step(a2, x, y);                                                        \
    a3 = step(a3, x, y);                                                        \
    a4 = step(a4, x, y);                                                        \
    a5 = step(a5, x, y);                                                        \
    a6 = step(a6, x, y);                                                        \
    a7 = step(a7, x, y);                                                        \
    a8 = step(a8, x, y);                                                        \
    a9 = step(a9, x, y);                                                        \
    a10 = step(a10, x, y);                                                      \
    a11 = step(a11, x, y);                                                      \
  }                                                                             \
  __m512i s = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(a0, a1),        \
                                                _mm512_add_epi32(a2, a3)),       \
                               _mm512_add_epi32(_mm512_add_epi32(a4, a5),        \
                                                _mm512_add_epi32(a6, a7)));      \
  s = _mm512_add_epi32(s, _mm512_add_epi32(_mm512_add_epi32(a8, a9),             \
                                           _mm512_add_epi32(a10, a11)));         \
  return hsum_epi32(s);

#define VNNI_STEP(acc, x, y) _mm512_dpbusd_epi32(acc, x, y)
#define MADD_STEP(acc, x, y) _mm512_add_epi32(acc, _mm512_madd_epi16(x, y))

double peak_vnni_avx512(int64_t iters) {
  __m512i x = _mm512_set1_epi8(3), y = _mm512_set1_epi8(-2);
  INT_CHAINS(VNNI_STEP)
}

double peak_madd_avx512(int64_t iters) {
  __m512i x = _mm512_set1_epi16(3), y = _mm512_set1_epi16(-2);
  INT_CHAINS(MADD_STEP)
}

uint64_t peak_read_avx512(const void *p, size_t bytes) {
  const __m512i *q = (const __m512i *)p;
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i < bytes / 64; i += 4) {
    s0 = _mm512_xor_si512(s0, _mm512_load_si512(q + i));
    s1 = _mm512_xor_si512(s1, _mm512_load_si512(q + i + 1));
    s2 = _mm512_xor_si512(s2, _mm512_load_si512(q + i + 2));
    s3 = _mm512_xor_si512(s3, _mm512_load_si512(q + i + 3));
  }
  s0 = _mm512_xor_si512(_mm512_xor_si512(s0, s1), _mm512_xor_si512(s2, s3));
  uint64_t v[8], x = 0;
  _mm512_storeu_si512(v, s0);
  for (int i = 0; i < 8; i++) x ^= v[i];
  return x;
}
