/* w8a8 GEMM microkernel: 4 rows x 8 columns, k in groups of 4, AVX2 without
 * VNNI, still exact (never the saturating vpmaddubsw).
 *
 * Per 4 k: the packed 8 columns x 4 k of s8 weights are sign-extended to
 * int16 (two ymm: columns 0-3 and 4-7, each column's 4 k in two dwords);
 * each row's 4 activation bytes (u8 = qa + 128) are broadcast and
 * zero-extended to int16 in the same pattern, and vpmaddwd adds the products
 * pairwise into int32: lane 2c holds k0,k1 and lane 2c+1 holds k2,k3 of
 * column c. At the end vphaddd folds the lane pairs, and the packed
 * compensation -128 * colsum makes the sums exact. Then the fp32 epilogue. */
#include <immintrin.h>

#include "backends/x86/qs8-gemm.h"

/* 4 activation bytes, broadcast (a pure load) and zero-extended to int16. */
static inline __m256i bcast4(const uint8_t *p) {
  return _mm256_cvtepu8_epi16(_mm_castps_si128(_mm_broadcast_ss((const float *)p)));
}

static inline __m256i mac(__m256i acc, __m256i a, __m256i w) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(a, w));
}

/* The epilogue from the pair accumulators spilled to pairs[4][2] (kept out
 * of the k loop's function so its accumulators stay in registers): vphaddd
 * folds lanes 2c, 2c+1 into column c, the compensation makes the sums exact,
 * then the fp32 epilogue. */
static void epilogue(size_t mr, size_t nr, const __m256i *pairs,
                     const int8_t *w, float *c, size_t ldc,
                     const octet_gemm_params *p) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr), lane);
  const __m256i comp = _mm256_load_si256((const __m256i *)w);
  const __m256 vsw = _mm256_loadu_ps((const float *)(w + 32));
  const __m256 vb = p->bias ? _mm256_maskload_ps(p->bias, m) : _mm256_setzero_ps();
  for (size_t i = 0; i < mr; i++, c += ldc, pairs += 2) {
    __m256i s = _mm256_hadd_epi32(_mm256_load_si256(pairs), _mm256_load_si256(pairs + 1));
    s = _mm256_add_epi32(_mm256_permute4x64_epi64(s, 0xD8), comp);
    __m256 y = _mm256_cvtepi32_ps(s);
    y = _mm256_mul_ps(y, _mm256_set1_ps(p->scale_a[i]));
    y = _mm256_mul_ps(y, vsw);
    if (p->bias) y = _mm256_add_ps(y, vb);
    if (p->residual)
      y = _mm256_add_ps(y, _mm256_maskload_ps(p->residual + i * p->ldr, m));
    if (p->act == OCTET_ACT_RELU) y = _mm256_max_ps(y, _mm256_setzero_ps());
    _mm256_maskstore_ps(c, m, y);
  }
}

void octet_qs8_gemm_ukernel_4x8c4__avx2(size_t mr, size_t nr, size_t kp, const void *a_,
                                        size_t lda, const void *w_, const float *acc_, size_t ld_acc_,
                                        void *c_, size_t ldc, const octet_gemm_params *p) {
  (void)acc_, (void)ld_acc_;
  const uint8_t *a = a_;
  const int8_t *w = w_;
  float *c = c_;
  const uint8_t *a0 = a;
  const uint8_t *a1 = mr > 1 ? a0 + lda : a0;
  const uint8_t *a2 = mr > 2 ? a1 + lda : a1;
  const uint8_t *a3 = mr > 3 ? a2 + lda : a2;
  __m256i l0 = _mm256_setzero_si256(), h0 = l0, l1 = l0, h1 = l0;
  __m256i l2 = l0, h2 = l0, l3 = l0, h3 = l0;
  const int8_t *b = w + 64;
  for (size_t k = 0; k < kp; k += 4, b += 32) {
    const __m256i wl = _mm256_cvtepi8_epi16(_mm_load_si128((const __m128i *)b));
    const __m256i wh =
        _mm256_cvtepi8_epi16(_mm_load_si128((const __m128i *)(b + 16)));
    __m256i x;
    x = bcast4(a0 + k), l0 = mac(l0, x, wl), h0 = mac(h0, x, wh);
    x = bcast4(a1 + k), l1 = mac(l1, x, wl), h1 = mac(h1, x, wh);
    x = bcast4(a2 + k), l2 = mac(l2, x, wl), h2 = mac(h2, x, wh);
    x = bcast4(a3 + k), l3 = mac(l3, x, wl), h3 = mac(h3, x, wh);
  }
  __m256i pairs[8] __attribute__((aligned(32)));
  _mm256_store_si256(pairs + 0, l0), _mm256_store_si256(pairs + 1, h0);
  _mm256_store_si256(pairs + 2, l1), _mm256_store_si256(pairs + 3, h1);
  _mm256_store_si256(pairs + 4, l2), _mm256_store_si256(pairs + 5, h2);
  _mm256_store_si256(pairs + 6, l3), _mm256_store_si256(pairs + 7, h3);
  epilogue(mr, nr, pairs, w, c, ldc, p);
}
