/* Per-row dynamic activation quantization, AVX-512 (F/BW): bit-identical to
 * octet_qs8_quantize_rows_scalar. Two passes over each row: max |a| (NaNs
 * ignored: vmaxps returns its second operand when either is NaN), then 64
 * values at a time a * inv -> cvtps2dq (round to nearest even; NaN gives
 * INT32_MIN) -> saturating packs to int8 -> max(-127) -> + 128. */
#include <immintrin.h>

#include "x86/qs8-gemm.h"

static inline __mmask16 mask16(size_t n) {
  return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
}

static inline __m512i quant16(const float *x, __mmask16 m, __m512 inv) {
  __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x), inv);
  return _mm512_cvt_roundps_epi32(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

void octet_qs8_quantize_rows__avx512(const float *a, size_t M, size_t K,
                                     size_t lda, uint8_t *q, size_t ldq,
                                     float *scale) {
  const size_t kp = (K + 3) / 4 * 4;
  const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
  /* packs interleave 128-bit lanes; this puts the 16 dwords back in order */
  const __m512i order =
      _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  const __m512i lo = _mm512_set1_epi8(-127), bias = _mm512_set1_epi8((char)0x80);
  for (size_t m = 0; m < M; m++, a += lda, q += ldq) {
    __m512 vmax0 = _mm512_setzero_ps(), vmax1 = _mm512_setzero_ps();
    size_t k = 0;
    for (; k + 32 <= K; k += 32) {
      vmax0 = _mm512_max_ps(_mm512_and_ps(_mm512_loadu_ps(a + k), absmask), vmax0);
      vmax1 = _mm512_max_ps(_mm512_and_ps(_mm512_loadu_ps(a + k + 16), absmask), vmax1);
    }
    for (; k < K; k += 16) {
      __m512 v = _mm512_maskz_loadu_ps(mask16(K - k), a + k);
      vmax0 = _mm512_max_ps(_mm512_and_ps(v, absmask), vmax0);
    }
    float amax = _mm512_reduce_max_ps(_mm512_max_ps(vmax0, vmax1));
    float inv;
    octet_qs8_row_scale(amax, &scale[m], &inv);
    const __m512 vinv = _mm512_set1_ps(inv);
    for (k = 0; k < kp; k += 64) {
      size_t left = K > k ? K - k : 0;
      __m512i i0, i1, i2, i3;
      if (left >= 64) {
        i0 = quant16(a + k, 0xFFFF, vinv);
        i1 = quant16(a + k + 16, 0xFFFF, vinv);
        i2 = quant16(a + k + 32, 0xFFFF, vinv);
        i3 = quant16(a + k + 48, 0xFFFF, vinv);
      } else { /* masked-off lanes load 0 and quantize to 0 (u8 128) */
        i0 = quant16(a + k, mask16(left), vinv);
        i1 = quant16(a + k + 16, mask16(left > 16 ? left - 16 : 0), vinv);
        i2 = quant16(a + k + 32, mask16(left > 32 ? left - 32 : 0), vinv);
        i3 = quant16(a + k + 48, mask16(left > 48 ? left - 48 : 0), vinv);
      }
      __m512i h01 = _mm512_packs_epi32(i0, i1), h23 = _mm512_packs_epi32(i2, i3);
      __m512i b = _mm512_permutexvar_epi32(order, _mm512_packs_epi16(h01, h23));
      b = _mm512_xor_si512(_mm512_max_epi8(b, lo), bias);
      size_t n = kp - k;
      if (n >= 64)
        _mm512_storeu_si512(q + k, b);
      else
        _mm512_mask_storeu_epi8(q + k, (__mmask64)((1ull << n) - 1), b);
    }
  }
}
