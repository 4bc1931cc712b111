/* Per-row dynamic activation quantization, portable C: the definition the
 * vector versions reproduce bit for bit (see qs8-gemm.h). */
#include <math.h>

#include "backends/x86/qs8-gemm.h"

void octet_qs8_quantize_rows_scalar(const float *a, size_t M, size_t K,
                                    size_t lda, uint8_t *q, size_t ldq,
                                    float *scale) {
  size_t kp = (K + 3) / 4 * 4;
  for (size_t m = 0; m < M; m++, a += lda, q += ldq) {
    float amax = 0.0f;
    for (size_t k = 0; k < K; k++) {
      float v = fabsf(a[k]);
      if (v > amax) amax = v; /* NaNs never win, as with vmaxps(v, amax) */
    }
    float inv;
    octet_qs8_row_scale(amax, &scale[m], &inv);
    for (size_t k = 0; k < K; k++) {
      float r = nearbyintf(a[k] * inv);
      /* cvtps2dq: NaN and out-of-range give INT32_MIN */
      int32_t v = r >= -2147483648.0f && r < 2147483648.0f ? (int32_t)r
                                                           : INT32_MIN;
      v = v < -127 ? -127 : v > 127 ? 127 : v;
      q[k] = (uint8_t)(v + 128);
    }
    for (size_t k = K; k < kp; k++) q[k] = 128;
  }
}
