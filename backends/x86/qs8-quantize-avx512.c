/* Per-row dynamic activation quantization, AVX-512 (F/BW): bit-identical to
 * octet_qs8_quantize_rows_scalar.
 *
 * Per row: max |a| (NaNs ignored: vmaxps returns its second operand when
 * either is NaN), then 64 values at a time a * inv -> vcvtps2dq (MXCSR
 * rounding, nearest-even by default, like nearbyintf; NaN gives INT32_MIN)
 * -> saturating packs to int8 -> max(-127) -> + 128 (xor 0x80).
 * The max pass streams the row from L2 (bandwidth-bound), the quantize pass
 * re-reads it from L1 (port-bound), so the loop runs the quantize pass of
 * row m together with the max pass of row m + 2: the two overlap. */
#include <immintrin.h>

#include "backends/x86/qs8-gemm.h"
#include "core/quant.h"

#define PREFETCH_BYTES 2048

static inline __mmask16 mask16(size_t n) {
  return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
}

/* 64 values (lanes off in m0..m3 read as 0) -> 64 bytes u8 = q + 128. */
static inline __m512i quant64(const float *x, __m512 inv, __mmask16 m0,
                              __mmask16 m1, __mmask16 m2, __mmask16 m3) {
  /* packs interleave 128-bit lanes; this puts the 16 dwords back in order */
  const __m512i order =
      _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  __m512i i0 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m0, x), inv));
  __m512i i1 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m1, x + 16), inv));
  __m512i i2 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m2, x + 32), inv));
  __m512i i3 = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m3, x + 48), inv));
  __m512i b = _mm512_packs_epi16(_mm512_packs_epi32(i0, i1), _mm512_packs_epi32(i2, i3));
  b = _mm512_permutexvar_epi32(order, b);
  b = _mm512_max_epi8(b, _mm512_set1_epi8(-127));
  return _mm512_xor_si512(b, _mm512_set1_epi8((char)0x80));
}

/* acc = max(|x|, acc) over 16 values (lanes off in m read as 0) */
static inline __m512 amax16(const float *x, __mmask16 m, __m512 acc) {
  const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
  return _mm512_max_ps(_mm512_and_ps(_mm512_maskz_loadu_ps(m, x), absmask), acc);
}

static inline float reduce4(__m512 v0, __m512 v1, __m512 v2, __m512 v3) {
  return _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(v0, v1), _mm512_max_ps(v2, v3)));
}

/* Quantizes row `a` (scale from amax) into q; when `next` is not NULL also
 * returns max |next|, else 0. */
static float quant_row(const float *a, float amax, size_t K, uint8_t *q,
                       float *scale, const float *next) {
  const size_t kp = (K + 3) / 4 * 4;
  float inv;
  octet_q8_row_scale(amax, scale, &inv);
  const __m512 vinv = _mm512_set1_ps(inv);
  __m512 v0 = _mm512_setzero_ps(), v1 = v0, v2 = v0, v3 = v0;
  size_t k = 0;
  if (next) {
    for (; k + 64 <= K; k += 64) {
      /* the L1 streamer alone leaves L2 bandwidth unused */
      _mm_prefetch((const char *)(next + k) + PREFETCH_BYTES, _MM_HINT_T0);
      _mm_prefetch((const char *)(next + k) + PREFETCH_BYTES + 64, _MM_HINT_T0);
      _mm_prefetch((const char *)(next + k) + PREFETCH_BYTES + 128, _MM_HINT_T0);
      _mm_prefetch((const char *)(next + k) + PREFETCH_BYTES + 192, _MM_HINT_T0);
      v0 = amax16(next + k, 0xFFFF, v0);
      v1 = amax16(next + k + 16, 0xFFFF, v1);
      v2 = amax16(next + k + 32, 0xFFFF, v2);
      v3 = amax16(next + k + 48, 0xFFFF, v3);
      _mm512_storeu_si512(q + k, quant64(a + k, vinv, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF));
    }
  } else {
    for (; k + 64 <= K; k += 64)
      _mm512_storeu_si512(q + k, quant64(a + k, vinv, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF));
  }
  if (k < kp) { /* masked-off lanes load 0 and quantize to 0 (u8 128) */
    size_t left = K - k;
    __mmask16 m0 = mask16(left), m1 = mask16(left > 16 ? left - 16 : 0);
    __mmask16 m2 = mask16(left > 32 ? left - 32 : 0);
    __mmask16 m3 = mask16(left > 48 ? left - 48 : 0);
    if (next) {
      v0 = amax16(next + k, m0, v0), v1 = amax16(next + k + 16, m1, v1);
      v2 = amax16(next + k + 32, m2, v2), v3 = amax16(next + k + 48, m3, v3);
    }
    size_t n = kp - k; /* 1..64 */
    _mm512_mask_storeu_epi8(q + k, n >= 64 ? ~0ull : (1ull << n) - 1,
                            quant64(a + k, vinv, m0, m1, m2, m3));
  }
  return reduce4(v0, v1, v2, v3);
}

/* max |a| of one row alone */
static float absmax(const float *a, size_t K) {
  __m512 v0 = _mm512_setzero_ps(), v1 = v0, v2 = v0, v3 = v0;
  size_t k = 0;
  for (; k + 64 <= K; k += 64) {
    _mm_prefetch((const char *)(a + k) + PREFETCH_BYTES, _MM_HINT_T0);
    _mm_prefetch((const char *)(a + k) + PREFETCH_BYTES + 64, _MM_HINT_T0);
    _mm_prefetch((const char *)(a + k) + PREFETCH_BYTES + 128, _MM_HINT_T0);
    _mm_prefetch((const char *)(a + k) + PREFETCH_BYTES + 192, _MM_HINT_T0);
    v0 = amax16(a + k, 0xFFFF, v0), v1 = amax16(a + k + 16, 0xFFFF, v1);
    v2 = amax16(a + k + 32, 0xFFFF, v2), v3 = amax16(a + k + 48, 0xFFFF, v3);
  }
  for (; k < K; k += 16) v0 = amax16(a + k, mask16(K - k), v0);
  return reduce4(v0, v1, v2, v3);
}

/* Row m is quantized while max |a| of row m + 2 is taken, so a row's scale
 * is ready a whole row before it is needed (the reduction and the division
 * are off the critical path). */
void octet_qs8_quantize_rows__avx512(const float *a, size_t M, size_t K,
                                     size_t lda, void *q_, size_t ldq,
                                     float *scale) {
  uint8_t *q = q_;
  if (M == 0) return;
  float am0 = absmax(a, K), am1 = M > 1 ? absmax(a + lda, K) : 0.0f;
  for (size_t m = 0; m < M; m++, a += lda, q += ldq) {
    float am2 = quant_row(a, am0, K, q, &scale[m], m + 2 < M ? a + 2 * lda : NULL);
    am0 = am1, am1 = am2;
  }
}
