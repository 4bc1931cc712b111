/* fp32 activation MatMul for AVX-512 (f32-matmul.h): tiles of 4 rows x 32
 * columns held in 8 zmm accumulators over all of K, the 4 B rows of a
 * k-group loaded once for the 4 rows. Every element gets exactly ref's
 * sequence (groups of 4 k restarting every 256, separate mul and add, no
 * FMA), so results are bit-identical to the ref backend. */
#include <immintrin.h>
#include <string.h>

#include "x86/f32-matmul.h"

#define KBLOCK 256

static inline __mmask16 lanes(size_t left) {
  return left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
}

/* c = c + (((a0*b0 + a1*b1) + a2*b2) + a3*b3) */
static inline __m512 group4(__m512 c, const float *a, __m512 b0, __m512 b1, __m512 b2,
                            __m512 b3) {
  __m512 t = _mm512_mul_ps(_mm512_set1_ps(a[0]), b0);
  t = _mm512_add_ps(t, _mm512_mul_ps(_mm512_set1_ps(a[1]), b1));
  t = _mm512_add_ps(t, _mm512_mul_ps(_mm512_set1_ps(a[2]), b2));
  t = _mm512_add_ps(t, _mm512_mul_ps(_mm512_set1_ps(a[3]), b3));
  return _mm512_add_ps(c, t);
}

/* Rows [0, R) (R <= 4) of A against 32 columns at j (masks m0, m1). */
static inline void tile(size_t R, size_t N, size_t K, const float *a, size_t lda,
                        const float *b, float *c, size_t ldc, size_t j, __mmask16 m0,
                        __mmask16 m1) {
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
         c30 = c00, c31 = c00;
  const float *a0 = a, *a1 = R > 1 ? a + lda : a, *a2 = R > 2 ? a + 2 * lda : a,
              *a3 = R > 3 ? a + 3 * lda : a;
  for (size_t k0 = 0; k0 < K; k0 += KBLOCK) {
    const size_t kn = K - k0 < KBLOCK ? K - k0 : KBLOCK;
    size_t q = 0;
    for (; q + 4 <= kn; q += 4) {
      const size_t k = k0 + q;
      const float *br = b + k * N + j;
      __m512 b00 = _mm512_maskz_loadu_ps(m0, br), b01 = _mm512_maskz_loadu_ps(m1, br + 16);
      __m512 b10 = _mm512_maskz_loadu_ps(m0, br + N), b11 = _mm512_maskz_loadu_ps(m1, br + N + 16);
      __m512 b20 = _mm512_maskz_loadu_ps(m0, br + 2 * N),
             b21 = _mm512_maskz_loadu_ps(m1, br + 2 * N + 16);
      __m512 b30 = _mm512_maskz_loadu_ps(m0, br + 3 * N),
             b31 = _mm512_maskz_loadu_ps(m1, br + 3 * N + 16);
      c00 = group4(c00, a0 + k, b00, b10, b20, b30);
      c01 = group4(c01, a0 + k, b01, b11, b21, b31);
      c10 = group4(c10, a1 + k, b00, b10, b20, b30);
      c11 = group4(c11, a1 + k, b01, b11, b21, b31);
      c20 = group4(c20, a2 + k, b00, b10, b20, b30);
      c21 = group4(c21, a2 + k, b01, b11, b21, b31);
      c30 = group4(c30, a3 + k, b00, b10, b20, b30);
      c31 = group4(c31, a3 + k, b01, b11, b21, b31);
    }
    for (; q < kn; q++) {
      const size_t k = k0 + q;
      const float *br = b + k * N + j;
      __m512 b0 = _mm512_maskz_loadu_ps(m0, br), b1 = _mm512_maskz_loadu_ps(m1, br + 16);
      __m512 x0 = _mm512_set1_ps(a0[k]), x1 = _mm512_set1_ps(a1[k]);
      __m512 x2 = _mm512_set1_ps(a2[k]), x3 = _mm512_set1_ps(a3[k]);
      c00 = _mm512_add_ps(c00, _mm512_mul_ps(x0, b0));
      c01 = _mm512_add_ps(c01, _mm512_mul_ps(x0, b1));
      c10 = _mm512_add_ps(c10, _mm512_mul_ps(x1, b0));
      c11 = _mm512_add_ps(c11, _mm512_mul_ps(x1, b1));
      c20 = _mm512_add_ps(c20, _mm512_mul_ps(x2, b0));
      c21 = _mm512_add_ps(c21, _mm512_mul_ps(x2, b1));
      c30 = _mm512_add_ps(c30, _mm512_mul_ps(x3, b0));
      c31 = _mm512_add_ps(c31, _mm512_mul_ps(x3, b1));
    }
  }
  _mm512_mask_storeu_ps(c + j, m0, c00);
  _mm512_mask_storeu_ps(c + j + 16, m1, c01);
  if (R > 1) {
    _mm512_mask_storeu_ps(c + ldc + j, m0, c10);
    _mm512_mask_storeu_ps(c + ldc + j + 16, m1, c11);
  }
  if (R > 2) {
    _mm512_mask_storeu_ps(c + 2 * ldc + j, m0, c20);
    _mm512_mask_storeu_ps(c + 2 * ldc + j + 16, m1, c21);
  }
  if (R > 3) {
    _mm512_mask_storeu_ps(c + 3 * ldc + j, m0, c30);
    _mm512_mask_storeu_ps(c + 3 * ldc + j + 16, m1, c31);
  }
}

void octet_f32_matmul__avx512(size_t M, size_t N, size_t K, const float *a, size_t lda,
                              const float *b, size_t ldb, float *c, size_t ldc) {
  if (K == 0) {
    for (size_t i = 0; i < M; i++) memset(c + i * ldc, 0, sizeof(float) * N);
    return;
  }
  for (size_t i = 0; i < M; i += 4) {
    const size_t R = M - i < 4 ? M - i : 4;
    for (size_t j = 0; j < N; j += 32) {
      const size_t left = N - j;
      tile(R, ldb, K, a + i * lda, lda, b, c + i * ldc, ldc, j, lanes(left),
           left > 16 ? lanes(left - 16) : 0);
    }
  }
}
