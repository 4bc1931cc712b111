/* The body of the 6x16 AVX2 microkernels (f32-gemm.h contract), written
 * once: included by f32-gemm-6x16-avx2.c and f16w-gemm-6x16-avx2.c after they
 * define KERNEL_FN, B_TYPE (the stored weight) and LOAD_B(b, j) (vector j
 * of a k step's weights, as fp32). */
#include <immintrin.h>
#include <string.h>

#include "backends/x86/f32-gemm.h"

#define MR 6
#define NR 16

static inline __attribute__((always_inline)) __m256i col_mask(size_t nr,
                                                              size_t j) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const int n = (int)(nr > 8 * j ? nr - 8 * j : 0);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), idx);
}

static inline __attribute__((always_inline)) void store_row(__m256 y, void *out,
                                                            size_t nr, size_t j,
                                                            __m256i mask,
                                                            bool out_f16) {
  const size_t n = nr > 8 * j ? (nr - 8 * j < 8 ? nr - 8 * j : 8) : 0;
  if (out_f16) {
    const __m128i h =
        _mm256_cvtps_ph(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    if (n == 8) {
      _mm_storeu_si128((__m128i *)out, h);
    } else {
      uint16_t tmp[8];
      _mm_storeu_si128((__m128i *)tmp, h);
      memcpy(out, tmp, n * sizeof(uint16_t));
    }
  } else if (n == 8) {
    _mm256_storeu_ps(out, y);
  } else {
    _mm256_maskstore_ps(out, mask, y);
  }
}

static inline __attribute__((always_inline)) void tile(
    const size_t M, const size_t V, size_t nr, size_t kc, const float *a,
    size_t lda, const B_TYPE *b, const float *acc, size_t ld_acc, void *out,
    size_t ld_out, const octet_gemm_params *st) {
  __m256 c[MR][2];
#pragma GCC unroll 6
  for (size_t i = 0; i < M; i++)
#pragma GCC unroll 2
    for (size_t j = 0; j < V; j++)
      c[i][j] =
          acc ? _mm256_loadu_ps(acc + i * ld_acc + 8 * j) : _mm256_setzero_ps();

  for (; kc != 0; kc--) {
    __m256 bv[2];
#pragma GCC unroll 2
    for (size_t j = 0; j < V; j++) bv[j] = LOAD_B(b, j);
#pragma GCC unroll 6
    for (size_t i = 0; i < M; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i * lda);
#pragma GCC unroll 2
      for (size_t j = 0; j < V; j++)
        c[i][j] = _mm256_fmadd_ps(ai, bv[j], c[i][j]);
    }
    a += 1;
    b += NR;
  }

  if (st == NULL) {
    float *o = out;
#pragma GCC unroll 6
    for (size_t i = 0; i < M; i++)
#pragma GCC unroll 2
      for (size_t j = 0; j < V; j++)
        _mm256_storeu_ps(o + i * ld_out + 8 * j, c[i][j]);
    return;
  }

  __m256i mask[2];
  __m256 bias[2];
#pragma GCC unroll 2
  for (size_t j = 0; j < V; j++) {
    mask[j] = col_mask(nr, j);
    bias[j] = st->bias ? _mm256_maskload_ps(st->bias + 8 * j, mask[j])
                       : _mm256_setzero_ps();
  }
  const size_t esize = st->out_f16 ? 2 : 4;
#pragma GCC unroll 6
  for (size_t i = 0; i < M; i++) {
#pragma GCC unroll 2
    for (size_t j = 0; j < V; j++) {
      __m256 y = _mm256_add_ps(c[i][j], bias[j]);
      if (st->residual)
        y = _mm256_add_ps(
            y, _mm256_maskload_ps(st->residual + i * st->ldr + 8 * j, mask[j]));
      if (st->act == OCTET_ACT_RELU)
        y = _mm256_max_ps(y, _mm256_setzero_ps());
      store_row(y, (char *)out + (i * ld_out + 8 * j) * esize, nr, j, mask[j],
                st->out_f16);
    }
  }
}

#define ROWS(m)                                                    \
  case m:                                                          \
    if (nr > 8)                                                    \
      tile(m, 2, nr, kc, a, lda, b, acc, ld_acc, out, ld_out, st); \
    else                                                           \
      tile(m, 1, nr, kc, a, lda, b, acc, ld_acc, out, ld_out, st); \
    break;

void KERNEL_FN(size_t mr, size_t nr, size_t kc,
                                       const void *a_, size_t lda,
                                       const void *bv, const float *acc,
                                       size_t ld_acc, void *out, size_t ld_out,
                                       const octet_gemm_params *st) {
  const float *a = a_;
  const B_TYPE *b = bv;
  switch (mr) {
    ROWS(6)
    ROWS(5)
    ROWS(4)
    ROWS(3)
    ROWS(2)
    ROWS(1)
    default:
      break;
  }
}
