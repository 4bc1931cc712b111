/* fp32 transpose, AVX-512 (f32-matmul.h): 16 x 16 blocks moved through
 * registers (16 loads, four rounds of unpack / 128-bit shuffles, 16
 * stores), the edges element by element. Only moves bits: the result is
 * the portable transpose's exactly. Used for attention's K^T. */
#include <immintrin.h>

#include "backends/x86/f32-matmul.h"

/* dst[c][r] = src[r][c] for one full 16 x 16 block. */
static void block16(const float *src, size_t lds, float *dst, size_t ldd) {
  __m512 r[16], t[16];
  for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + (size_t)i * lds);
  /* 32-bit interleave of row pairs */
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  /* 64-bit interleave of pair pairs */
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
  }
  /* now r[4g + q] holds, in each 128-bit lane L, column 4L + q' of rows
   * 4g..4g+3 (q' = 0, 1, 2, 3 for q = 0, 1, 2, 3); gather the lanes */
  for (int q = 0; q < 4; q++) {
    __m512 a = _mm512_shuffle_f32x4(r[q], r[4 + q], 0x88);      /* lanes 0,2 | 0,2 */
    __m512 b = _mm512_shuffle_f32x4(r[q], r[4 + q], 0xDD);      /* lanes 1,3 | 1,3 */
    __m512 c = _mm512_shuffle_f32x4(r[8 + q], r[12 + q], 0x88);
    __m512 d = _mm512_shuffle_f32x4(r[8 + q], r[12 + q], 0xDD);
    t[q] = _mm512_shuffle_f32x4(a, c, 0x88);      /* column q */
    t[8 + q] = _mm512_shuffle_f32x4(a, c, 0xDD);  /* column 8 + q */
    t[4 + q] = _mm512_shuffle_f32x4(b, d, 0x88);  /* column 4 + q */
    t[12 + q] = _mm512_shuffle_f32x4(b, d, 0xDD); /* column 12 + q */
  }
  for (int i = 0; i < 16; i++) _mm512_storeu_ps(dst + (size_t)i * ldd, t[i]);
}

void octet_f32_transpose__avx512(size_t rows, size_t cols, const float *src, size_t lds,
                                 float *dst, size_t ldd) {
  const size_t rb = rows & ~(size_t)15, cb = cols & ~(size_t)15;
  for (size_t r = 0; r < rb; r += 16)
    for (size_t c = 0; c < cb; c += 16) block16(src + r * lds + c, lds, dst + c * ldd + r, ldd);
  for (size_t r = 0; r < rows; r++)
    for (size_t c = r < rb ? cb : 0; c < cols; c++) dst[c * ldd + r] = src[r * lds + c];
}
