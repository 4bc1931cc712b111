/* The w8a8 integer rules (quant.h), in portable C: the definition every
 * vector version matches bit for bit. */
#include "core/quant.h"

#include <math.h>

void octet_q8_quantize_weights(const float *w, int64_t K, int64_t N, int8_t *q, float *scale) {
  for (int64_t n = 0; n < N; n++) {
    float amax = 0.0f;
    for (int64_t k = 0; k < K; k++) {
      float a = fabsf(w[k * N + n]);
      if (a > amax) amax = a;
    }
    float s = amax / 127.0f;
    int zero = !(s > 0.0f); /* zero column, or a scale that underflows */
    scale[n] = zero ? 1.0f : s;
    for (int64_t k = 0; k < K; k++) {
      float r = zero ? 0.0f : nearbyintf(w[k * N + n] / s);
      q[k * N + n] = (int8_t)(r >= 127.0f ? 127 : r <= -127.0f ? -127 : r == r ? (int)r : 0);
    }
  }
}

static float row_amax(const float *x, size_t K) {
  float amax = 0.0f;
  for (size_t k = 0; k < K; k++) {
    float a = fabsf(x[k]);
    if (a > amax) amax = a; /* NaN never wins, as with vmaxps(x, amax) */
  }
  return amax;
}

void octet_q8_quantize_row(const float *x, int64_t K, int8_t *q, float *scale) {
  float inv;
  octet_q8_row_scale(row_amax(x, (size_t)K), scale, &inv);
  for (int64_t k = 0; k < K; k++) q[k] = octet_q8_round(x[k] * inv);
}

void octet_q8_quantize_rows_u8(const float *a, size_t M, size_t K, size_t lda, void *q_,
                               size_t ldq, float *scale) {
  uint8_t *q = q_;
  const size_t kp = (K + 3) / 4 * 4;
  for (size_t m = 0; m < M; m++, a += lda, q += ldq) {
    float inv;
    octet_q8_row_scale(row_amax(a, K), &scale[m], &inv);
    for (size_t k = 0; k < K; k++) q[k] = (uint8_t)(octet_q8_round(a[k] * inv) + OCTET_Q8_U8_ZERO);
    for (size_t k = K; k < kp; k++) q[k] = OCTET_Q8_U8_ZERO;
  }
}

void octet_q8_u8_compensation(const int8_t *q, int64_t K, int64_t N, int32_t *comp) {
  for (int64_t n = 0; n < N; n++) comp[n] = 0;
  for (int64_t k = 0; k < K; k++)
    for (int64_t n = 0; n < N; n++) comp[n] += q[k * N + n];
  for (int64_t n = 0; n < N; n++) comp[n] *= OCTET_Q8_U8_ZERO;
}
