/* w8a8 GEMM microkernel: 6 rows x 16 columns (2 ymm), k in groups of 4,
 * AVX-VNNI (VEX vpdpbusd on ymm; 16 vector registers).
 *
 * Per 4 k: 2 ymm loads of packed weights (16 columns x 4 k, s8), 6
 * vpbroadcastd of 4 activation bytes (u8 = qa + 128), 12 VPDPBUSD into 12
 * int32 accumulators that start at the compensation -128 * colsum. The last
 * panel of a matrix may be 8 columns wide (the 1-ymm variant). Edge rows
 * repeat row mr-1 and are not stored. Then the fp32 epilogue. */
#include <immintrin.h>
#include <string.h>

#include "backends/x86/qs8-gemm.h"

static inline __m256i bcast4(const uint8_t *p) {
  int32_t x;
  memcpy(&x, p, 4);
  return _mm256_set1_epi32(x);
}

static inline __m256i dp(__m256i acc, __m256i a, __m256i w) {
  return _mm256_dpbusd_avx_epi32(acc, a, w);
}

/* acc[6][2] -> C, columns [0, nr) */
static void epilogue(size_t mr, size_t nr, const __m256i *acc, const float *sw,
                     float *c, size_t ldc, const octet_gemm_params *p) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (size_t i = 0; i < mr; i++, c += ldc, acc += 2) {
    const __m256 sa = _mm256_set1_ps(p->scale_a[i]);
    const float *res = p->residual ? p->residual + i * p->ldr : NULL;
    for (size_t j = 0; 8 * j < nr; j++) {
      const __m256i m =
          _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(nr - 8 * j)), lane);
      __m256 y = _mm256_cvtepi32_ps(_mm256_load_si256(acc + j));
      y = _mm256_mul_ps(y, sa);
      y = _mm256_mul_ps(y, _mm256_loadu_ps(sw + 8 * j));
      if (p->bias) y = _mm256_add_ps(y, _mm256_maskload_ps(p->bias + 8 * j, m));
      if (res) y = _mm256_add_ps(y, _mm256_maskload_ps(res + 8 * j, m));
      if (p->act == OCTET_ACT_RELU) y = _mm256_max_ps(y, _mm256_setzero_ps());
      _mm256_maskstore_ps(c + 8 * j, m, y);
    }
  }
}

#define ROW_POINTERS                            \
  const uint8_t *a0 = a;                        \
  const uint8_t *a1 = mr > 1 ? a0 + lda : a0;   \
  const uint8_t *a2 = mr > 2 ? a1 + lda : a1;   \
  const uint8_t *a3 = mr > 3 ? a2 + lda : a2;   \
  const uint8_t *a4 = mr > 4 ? a3 + lda : a3;   \
  const uint8_t *a5 = mr > 5 ? a4 + lda : a4

static void tile2(size_t mr, size_t nr, size_t kp, const uint8_t *a,
                  size_t lda, const int8_t *w, float *c, size_t ldc,
                  const octet_gemm_params *p) {
  ROW_POINTERS;
  __m256i c00 = _mm256_load_si256((const __m256i *)w);
  __m256i c01 = _mm256_load_si256((const __m256i *)(w + 32));
  __m256i c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
  __m256i c40 = c00, c41 = c01, c50 = c00, c51 = c01;
  const int8_t *b = w + 128;
  for (size_t k = 0; k < kp; k += 4, b += 64) {
    const __m256i w0 = _mm256_load_si256((const __m256i *)b);
    const __m256i w1 = _mm256_load_si256((const __m256i *)(b + 32));
    __m256i x;
    x = bcast4(a0 + k), c00 = dp(c00, x, w0), c01 = dp(c01, x, w1);
    x = bcast4(a1 + k), c10 = dp(c10, x, w0), c11 = dp(c11, x, w1);
    x = bcast4(a2 + k), c20 = dp(c20, x, w0), c21 = dp(c21, x, w1);
    x = bcast4(a3 + k), c30 = dp(c30, x, w0), c31 = dp(c31, x, w1);
    x = bcast4(a4 + k), c40 = dp(c40, x, w0), c41 = dp(c41, x, w1);
    x = bcast4(a5 + k), c50 = dp(c50, x, w0), c51 = dp(c51, x, w1);
  }
  __m256i acc[12] __attribute__((aligned(32)));
  _mm256_store_si256(acc + 0, c00), _mm256_store_si256(acc + 1, c01);
  _mm256_store_si256(acc + 2, c10), _mm256_store_si256(acc + 3, c11);
  _mm256_store_si256(acc + 4, c20), _mm256_store_si256(acc + 5, c21);
  _mm256_store_si256(acc + 6, c30), _mm256_store_si256(acc + 7, c31);
  _mm256_store_si256(acc + 8, c40), _mm256_store_si256(acc + 9, c41);
  _mm256_store_si256(acc + 10, c50), _mm256_store_si256(acc + 11, c51);
  epilogue(mr, nr, acc, (const float *)(w + 64), c, ldc, p);
}

static void tile1(size_t mr, size_t nr, size_t kp, const uint8_t *a,
                  size_t lda, const int8_t *w, float *c, size_t ldc,
                  const octet_gemm_params *p) {
  ROW_POINTERS;
  __m256i c0 = _mm256_load_si256((const __m256i *)w);
  __m256i c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  const int8_t *b = w + 64;
  for (size_t k = 0; k < kp; k += 4, b += 32) {
    const __m256i w0 = _mm256_load_si256((const __m256i *)b);
    c0 = dp(c0, bcast4(a0 + k), w0);
    c1 = dp(c1, bcast4(a1 + k), w0);
    c2 = dp(c2, bcast4(a2 + k), w0);
    c3 = dp(c3, bcast4(a3 + k), w0);
    c4 = dp(c4, bcast4(a4 + k), w0);
    c5 = dp(c5, bcast4(a5 + k), w0);
  }
  __m256i acc[12] __attribute__((aligned(32)));
  _mm256_store_si256(acc + 0, c0), _mm256_store_si256(acc + 2, c1);
  _mm256_store_si256(acc + 4, c2), _mm256_store_si256(acc + 6, c3);
  _mm256_store_si256(acc + 8, c4), _mm256_store_si256(acc + 10, c5);
  epilogue(mr, nr, acc, (const float *)(w + 32), c, ldc, p);
}

void octet_qs8_gemm_ukernel_6x16c4__avxvnni(size_t mr, size_t nr, size_t kp, const void *a_,
                                            size_t lda, const void *w_, const float *acc_, size_t ld_acc_,
                                            void *c_, size_t ldc, const octet_gemm_params *p) {
  (void)acc_, (void)ld_acc_;
  const uint8_t *a = a_;
  const int8_t *w = w_;
  float *c = c_;
  if (nr > 8)
    tile2(mr, nr, kp, a, lda, w, c, ldc, p);
  else
    tile1(mr, nr, kp, a, lda, w, c, ldc, p);
}
