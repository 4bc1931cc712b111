/* w8a8 GEMM microkernel: 8 rows x 48 columns (3 zmm), k in groups of 4,
 * AVX-512 VNNI.
 *
 * Per 4 k: 3 zmm loads of packed weights (48 columns x 4 k, s8), 8
 * vpbroadcastd of 4 activation bytes (u8 = qa + 128), 24 VPDPBUSD into 24
 * int32 accumulators. The accumulators start at the packed compensation
 * -128 * colsum, so they end as the exact sum of qa * qw. Then the fp32
 * epilogue (qs8-gemm.h), one rounding per operation.
 *
 * Edge tiles: rows i >= mr read row mr-1 again and are not stored; the last
 * panel of a matrix is packed 16, 32 or 48 columns wide and runs the 1-, 2-
 * or 3-zmm variant, with masked stores for nr % 16. Accumulators live in
 * named variables (GCC keeps arrays of vectors in memory in loops); a full
 * 8x48 tile runs its epilogue from registers, column block by column block,
 * an edge tile from a copy on the stack. The k loop is unrolled by 2 and
 * issues the driver's prefetch hint (one line per 4 k). */
#include <immintrin.h>
#include <string.h>

#include "backends/x86/qs8-gemm.h"

static inline __m512i bcast4(const uint8_t *p) {
  int32_t x;
  memcpy(&x, p, 4);
  return _mm512_set1_epi32(x);
}

static inline __m512i dp(__m512i acc, __m512i a, __m512i w) {
  return _mm512_dpbusd_epi32(acc, a, w);
}

/* The epilogue of an edge tile from its accumulators spilled to acc[8][3]
 * (keeping it out of the k loop's function keeps all 24 accumulators in
 * registers there). */
static void epilogue(size_t mr, size_t nr, const __m512i *acc,
                     const float *sw, float *c, size_t ldc,
                     const octet_gemm_params *p) {
  const float *bias = p->bias, *res = p->residual;
  const size_t ldr = p->ldr;
  const int relu = p->act == OCTET_ACT_RELU;
  const __m512 zero = _mm512_setzero_ps();
  for (size_t i = 0; i < mr; i++, c += ldc, acc += 3) {
    const __m512 sa = _mm512_set1_ps(p->scale_a[i]);
    const float *r = res ? res + i * ldr : NULL;
    for (size_t j = 0; 16 * j < nr; j++) {
      size_t left = nr - 16 * j;
      __mmask16 m = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
      __m512 y = _mm512_cvtepi32_ps(_mm512_load_si512(acc + j));
      y = _mm512_mul_ps(y, sa);
      y = _mm512_mul_ps(y, _mm512_loadu_ps(sw + 16 * j));
      if (bias) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, bias + 16 * j));
      if (r) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, r + 16 * j));
      if (relu) y = _mm512_max_ps(y, zero);
      _mm512_mask_storeu_ps(c + 16 * j, m, y);
    }
  }
}

/* One column block (16 columns) of a full tile, from registers: rows 0-7. */
static inline __attribute__((always_inline)) void out_col(
    float *c, size_t ldc, const octet_gemm_params *p, const float *sw,
    __m512i x0, __m512i x1, __m512i x2, __m512i x3, __m512i x4, __m512i x5,
    __m512i x6, __m512i x7) {
  const __m512 s = _mm512_loadu_ps(sw), zero = _mm512_setzero_ps();
  const __m512 b = p->bias ? _mm512_loadu_ps(p->bias) : zero;
  const __m512i x[8] = {x0, x1, x2, x3, x4, x5, x6, x7};
  for (size_t i = 0; i < 8; i++) {
    __m512 y = _mm512_mul_ps(_mm512_cvtepi32_ps(x[i]), _mm512_set1_ps(p->scale_a[i]));
    y = _mm512_mul_ps(y, s);
    if (p->bias) y = _mm512_add_ps(y, b);
    if (p->residual) y = _mm512_add_ps(y, _mm512_loadu_ps(p->residual + i * p->ldr));
    if (p->act == OCTET_ACT_RELU) y = _mm512_max_ps(y, zero);
    _mm512_storeu_ps(c + i * ldc, y);
  }
}

/* The 8 row pointers; rows past mr repeat the last valid one. */
#define ROW_POINTERS                                  \
  const uint8_t *a0 = a;                              \
  const uint8_t *a1 = mr > 1 ? a0 + lda : a0;         \
  const uint8_t *a2 = mr > 2 ? a1 + lda : a1;         \
  const uint8_t *a3 = mr > 3 ? a2 + lda : a2;         \
  const uint8_t *a4 = mr > 4 ? a3 + lda : a3;         \
  const uint8_t *a5 = mr > 5 ? a4 + lda : a4;         \
  const uint8_t *a6 = mr > 6 ? a5 + lda : a5;         \
  const uint8_t *a7 = mr > 7 ? a6 + lda : a6

/* One group of 4 k for 3 zmm of columns: weights at b + bo, activations
 * at column k + ko of each row. */
#define STEP3(ko, bo)                                                           \
  do {                                                                          \
    const __m512i w0 = _mm512_load_si512(b + (bo));                             \
    const __m512i w1 = _mm512_load_si512(b + (bo) + 64);                        \
    const __m512i w2 = _mm512_load_si512(b + (bo) + 128);                       \
    __m512i x;                                                                  \
    x = bcast4(a0 + k + (ko)), c00 = dp(c00, x, w0), c01 = dp(c01, x, w1), c02 = dp(c02, x, w2); \
    x = bcast4(a1 + k + (ko)), c10 = dp(c10, x, w0), c11 = dp(c11, x, w1), c12 = dp(c12, x, w2); \
    x = bcast4(a2 + k + (ko)), c20 = dp(c20, x, w0), c21 = dp(c21, x, w1), c22 = dp(c22, x, w2); \
    x = bcast4(a3 + k + (ko)), c30 = dp(c30, x, w0), c31 = dp(c31, x, w1), c32 = dp(c32, x, w2); \
    x = bcast4(a4 + k + (ko)), c40 = dp(c40, x, w0), c41 = dp(c41, x, w1), c42 = dp(c42, x, w2); \
    x = bcast4(a5 + k + (ko)), c50 = dp(c50, x, w0), c51 = dp(c51, x, w1), c52 = dp(c52, x, w2); \
    x = bcast4(a6 + k + (ko)), c60 = dp(c60, x, w0), c61 = dp(c61, x, w1), c62 = dp(c62, x, w2); \
    x = bcast4(a7 + k + (ko)), c70 = dp(c70, x, w0), c71 = dp(c71, x, w1), c72 = dp(c72, x, w2); \
  } while (0)

static void tile3(size_t mr, size_t nr, size_t kp, const uint8_t *a,
                  size_t lda, const int8_t *w, float *c, size_t ldc,
                  const octet_gemm_params *p) {
  ROW_POINTERS;
  __m512i c00 = _mm512_load_si512(w), c01 = _mm512_load_si512(w + 64),
          c02 = _mm512_load_si512(w + 128);
  __m512i c10 = c00, c11 = c01, c12 = c02, c20 = c00, c21 = c01, c22 = c02;
  __m512i c30 = c00, c31 = c01, c32 = c02, c40 = c00, c41 = c01, c42 = c02;
  __m512i c50 = c00, c51 = c01, c52 = c02, c60 = c00, c61 = c01, c62 = c02;
  __m512i c70 = c00, c71 = c01, c72 = c02;
  const float *sw = (const float *)(w + 192);
  const int8_t *b = w + 384;
  const char *pf = p->prefetch;
  const size_t pfs = p->prefetch_step;
  size_t k = 0;
  for (; k + 8 <= kp; k += 8, b += 384, pf += 2 * pfs) {
    _mm_prefetch(pf, _MM_HINT_T1);
    _mm_prefetch(pf + pfs, _MM_HINT_T1);
    STEP3(0, 0);
    STEP3(4, 192);
  }
  if (k < kp) STEP3(0, 0);
  if (mr == 8 && nr == 48) {
    octet_gemm_params q = *p;
    out_col(c, ldc, &q, sw, c00, c10, c20, c30, c40, c50, c60, c70);
    q.bias = p->bias ? p->bias + 16 : NULL, q.residual = p->residual ? p->residual + 16 : NULL;
    out_col(c + 16, ldc, &q, sw + 16, c01, c11, c21, c31, c41, c51, c61, c71);
    q.bias = p->bias ? p->bias + 32 : NULL, q.residual = p->residual ? p->residual + 32 : NULL;
    out_col(c + 32, ldc, &q, sw + 32, c02, c12, c22, c32, c42, c52, c62, c72);
    return;
  }
  __m512i acc[24] __attribute__((aligned(64)));
  _mm512_store_si512(acc + 0, c00), _mm512_store_si512(acc + 1, c01), _mm512_store_si512(acc + 2, c02);
  _mm512_store_si512(acc + 3, c10), _mm512_store_si512(acc + 4, c11), _mm512_store_si512(acc + 5, c12);
  _mm512_store_si512(acc + 6, c20), _mm512_store_si512(acc + 7, c21), _mm512_store_si512(acc + 8, c22);
  _mm512_store_si512(acc + 9, c30), _mm512_store_si512(acc + 10, c31), _mm512_store_si512(acc + 11, c32);
  _mm512_store_si512(acc + 12, c40), _mm512_store_si512(acc + 13, c41), _mm512_store_si512(acc + 14, c42);
  _mm512_store_si512(acc + 15, c50), _mm512_store_si512(acc + 16, c51), _mm512_store_si512(acc + 17, c52);
  _mm512_store_si512(acc + 18, c60), _mm512_store_si512(acc + 19, c61), _mm512_store_si512(acc + 20, c62);
  _mm512_store_si512(acc + 21, c70), _mm512_store_si512(acc + 22, c71), _mm512_store_si512(acc + 23, c72);
  epilogue(mr, nr, acc, sw, c, ldc, p);
}

static void tile2(size_t mr, size_t nr, size_t kp, const uint8_t *a,
                  size_t lda, const int8_t *w, float *c, size_t ldc,
                  const octet_gemm_params *p) {
  ROW_POINTERS;
  __m512i c00 = _mm512_load_si512(w), c01 = _mm512_load_si512(w + 64);
  __m512i c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
  __m512i c40 = c00, c41 = c01, c50 = c00, c51 = c01, c60 = c00, c61 = c01;
  __m512i c70 = c00, c71 = c01;
  const float *sw = (const float *)(w + 128);
  const int8_t *b = w + 256;
  for (size_t k = 0; k < kp; k += 4, b += 128) {
    const __m512i w0 = _mm512_load_si512(b);
    const __m512i w1 = _mm512_load_si512(b + 64);
    __m512i x;
    x = bcast4(a0 + k), c00 = dp(c00, x, w0), c01 = dp(c01, x, w1);
    x = bcast4(a1 + k), c10 = dp(c10, x, w0), c11 = dp(c11, x, w1);
    x = bcast4(a2 + k), c20 = dp(c20, x, w0), c21 = dp(c21, x, w1);
    x = bcast4(a3 + k), c30 = dp(c30, x, w0), c31 = dp(c31, x, w1);
    x = bcast4(a4 + k), c40 = dp(c40, x, w0), c41 = dp(c41, x, w1);
    x = bcast4(a5 + k), c50 = dp(c50, x, w0), c51 = dp(c51, x, w1);
    x = bcast4(a6 + k), c60 = dp(c60, x, w0), c61 = dp(c61, x, w1);
    x = bcast4(a7 + k), c70 = dp(c70, x, w0), c71 = dp(c71, x, w1);
  }
  __m512i acc[24] __attribute__((aligned(64)));
  _mm512_store_si512(acc + 0, c00), _mm512_store_si512(acc + 1, c01);
  _mm512_store_si512(acc + 3, c10), _mm512_store_si512(acc + 4, c11);
  _mm512_store_si512(acc + 6, c20), _mm512_store_si512(acc + 7, c21);
  _mm512_store_si512(acc + 9, c30), _mm512_store_si512(acc + 10, c31);
  _mm512_store_si512(acc + 12, c40), _mm512_store_si512(acc + 13, c41);
  _mm512_store_si512(acc + 15, c50), _mm512_store_si512(acc + 16, c51);
  _mm512_store_si512(acc + 18, c60), _mm512_store_si512(acc + 19, c61);
  _mm512_store_si512(acc + 21, c70), _mm512_store_si512(acc + 22, c71);
  epilogue(mr, nr, acc, sw, c, ldc, p);
}

static void tile1(size_t mr, size_t nr, size_t kp, const uint8_t *a,
                  size_t lda, const int8_t *w, float *c, size_t ldc,
                  const octet_gemm_params *p) {
  ROW_POINTERS;
  __m512i c0 = _mm512_load_si512(w);
  __m512i c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  const float *sw = (const float *)(w + 64);
  const int8_t *b = w + 128;
  for (size_t k = 0; k < kp; k += 4, b += 64) {
    const __m512i w0 = _mm512_load_si512(b);
    c0 = dp(c0, bcast4(a0 + k), w0);
    c1 = dp(c1, bcast4(a1 + k), w0);
    c2 = dp(c2, bcast4(a2 + k), w0);
    c3 = dp(c3, bcast4(a3 + k), w0);
    c4 = dp(c4, bcast4(a4 + k), w0);
    c5 = dp(c5, bcast4(a5 + k), w0);
    c6 = dp(c6, bcast4(a6 + k), w0);
    c7 = dp(c7, bcast4(a7 + k), w0);
  }
  __m512i acc[24] __attribute__((aligned(64)));
  _mm512_store_si512(acc + 0, c0), _mm512_store_si512(acc + 3, c1);
  _mm512_store_si512(acc + 6, c2), _mm512_store_si512(acc + 9, c3);
  _mm512_store_si512(acc + 12, c4), _mm512_store_si512(acc + 15, c5);
  _mm512_store_si512(acc + 18, c6), _mm512_store_si512(acc + 21, c7);
  epilogue(mr, nr, acc, sw, c, ldc, p);
}

void octet_qs8_gemm_ukernel_8x48c4__avx512vnni(size_t mr, size_t nr, size_t kp, const void *a_,
                                               size_t lda, const void *w_, const float *acc_, size_t ld_acc_,
                                               void *c_, size_t ldc, const octet_gemm_params *p) {
  (void)acc_, (void)ld_acc_;
  const uint8_t *a = a_;
  const int8_t *w = w_;
  float *c = c_;
  if (nr > 32)
    tile3(mr, nr, kp, a, lda, w, c, ldc, p);
  else if (nr > 16)
    tile2(mr, nr, kp, a, lda, w, c, ldc, p);
  else
    tile1(mr, nr, kp, a, lda, w, c, ldc, p);
}
