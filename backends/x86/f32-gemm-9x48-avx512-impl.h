/* The body of the 9x48 AVX-512 microkernels (f32-gemm.h contract), written
 * once: included by f32-gemm-9x48-avx512.c and f16w-gemm-9x48-avx512.c after they
 * define KERNEL_FN, B_TYPE (the stored weight) and LOAD_B(b, j) (vector j
 * of a k step's weights, as fp32). */
#include <immintrin.h>

#include "backends/x86/f32-gemm.h"

#define MR 9
#define NR 48

static inline __attribute__((always_inline)) __mmask16 col_mask(size_t nr,
                                                                size_t j) {
  if (nr >= 16 * (j + 1)) return (__mmask16)0xffff;
  if (nr <= 16 * j) return 0;
  return (__mmask16)((1u << (nr - 16 * j)) - 1u);
}

/* The final store: bias, residual, relu, fp32 or fp16, masked to nr. */
static inline __attribute__((always_inline)) void store_tile(
    const size_t M, const size_t V, __m512 c[MR][3], size_t nr, void *out,
    size_t ld_out, const octet_gemm_params *st) {
  const float *bias = st->bias, *res = st->residual;
  const size_t ldr = st->ldr;
  const bool relu = st->act == OCTET_ACT_RELU, f16 = st->out_f16;
  __mmask16 mask[3];
  __m512 bv[3];
#pragma GCC unroll 3
  for (size_t j = 0; j < V; j++) {
    mask[j] = col_mask(nr, j);
    bv[j] = bias ? _mm512_maskz_loadu_ps(mask[j], bias + 16 * j)
                 : _mm512_setzero_ps();
  }
#pragma GCC unroll 9
  for (size_t i = 0; i < M; i++) {
#pragma GCC unroll 3
    for (size_t j = 0; j < V; j++) {
      __m512 y = _mm512_add_ps(c[i][j], bv[j]);
      if (res)
        y = _mm512_add_ps(
            y, _mm512_maskz_loadu_ps(mask[j], res + i * ldr + 16 * j));
      if (relu) y = _mm512_max_ps(y, _mm512_setzero_ps());
      if (f16)
        _mm256_mask_storeu_epi16(
            (uint16_t *)out + i * ld_out + 16 * j, mask[j],
            _mm512_cvtps_ph(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
      else
        _mm512_mask_storeu_ps((float *)out + i * ld_out + 16 * j, mask[j], y);
    }
  }
}

static inline __attribute__((always_inline)) void tile(
    const size_t M, const size_t V, size_t nr, size_t kc, const float *a,
    size_t lda, const B_TYPE *b, const float *acc, size_t ld_acc, void *out,
    size_t ld_out, const octet_gemm_params *st) {
  __m512 c[MR][3];
#pragma GCC unroll 9
  for (size_t i = 0; i < M; i++)
#pragma GCC unroll 3
    for (size_t j = 0; j < V; j++)
      c[i][j] = acc ? _mm512_loadu_ps(acc + i * ld_acc + 16 * j)
                    : _mm512_setzero_ps();

  for (; kc != 0; kc--) {
    __m512 bv[3];
#pragma GCC unroll 3
    for (size_t j = 0; j < V; j++) bv[j] = LOAD_B(b, j);
#pragma GCC unroll 9
    for (size_t i = 0; i < M; i++) {
      const __m512 ai = _mm512_set1_ps(a[i * lda]);
#pragma GCC unroll 3
      for (size_t j = 0; j < V; j++)
        c[i][j] = _mm512_fmadd_ps(ai, bv[j], c[i][j]);
    }
    a += 1;
    b += NR;
  }

  if (st == NULL) { /* partial sums: whole vectors, buffer is padded */
    float *o = out;
#pragma GCC unroll 9
    for (size_t i = 0; i < M; i++)
#pragma GCC unroll 3
      for (size_t j = 0; j < V; j++)
        _mm512_storeu_ps(o + i * ld_out + 16 * j, c[i][j]);
    return;
  }

  store_tile(M, V, c, nr, out, ld_out, st);
}

/* One instantiation per (rows, column vectors). */
#define ROWS(m)                                                    \
  case m:                                                          \
    if (nr > 32)                                                   \
      tile(m, 3, nr, kc, a, lda, b, acc, ld_acc, out, ld_out, st); \
    else if (nr > 16)                                              \
      tile(m, 2, nr, kc, a, lda, b, acc, ld_acc, out, ld_out, st); \
    else                                                           \
      tile(m, 1, nr, kc, a, lda, b, acc, ld_acc, out, ld_out, st); \
    break;

void KERNEL_FN(size_t mr, size_t nr, size_t kc,
                                         const void *a_, size_t lda,
                                         const void *bv, const float *acc,
                                         size_t ld_acc, void *out,
                                         size_t ld_out,
                                         const octet_gemm_params *st) {
  const float *a = a_;
  const B_TYPE *b = bv;
  switch (mr) {
    ROWS(9)
    ROWS(8)
    ROWS(7)
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
