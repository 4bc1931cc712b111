/* Per-row activation quantization with NEON, bit-identical to
 * octet_q8_quantize_row (core/quant.h):
 *   amax: vmaxnmq_f32 ignores NaN as ref's `a > amax` does (amax starts at 0);
 *   scale and reciprocal: the same two scalar fp32 divisions as ref;
 *   q = clamp(round-half-even(x * inv), -127, 127), NaN -> -127: vcvtnq_s32
 *   rounds like nearbyintf; |x * inv| <= 127 for finite rows, so only NaN
 *   (from inf * 0 or a NaN input) needs the explicit select. */
#include <arm_neon.h>
#include <string.h>

#include "backends/arm/qs8-gemm-arm.h"
#include "core/quant.h"

void octet_arm_qs8_quantize_row__neon(const float *x, int64_t K, int8_t *q, float *scale) {
  float32x4_t m0 = vdupq_n_f32(0.0f), m1 = m0;
  int64_t k = 0;
  for (; k + 8 <= K; k += 8) {
    m0 = vmaxnmq_f32(m0, vabsq_f32(vld1q_f32(x + k)));
    m1 = vmaxnmq_f32(m1, vabsq_f32(vld1q_f32(x + k + 4)));
  }
  float amax = vmaxnmvq_f32(vmaxnmq_f32(m0, m1));
  for (; k < K; k++) {
    float a = x[k] < 0.0f ? -x[k] : x[k];
    if (a > amax) amax = a;
  }
  float inv;
  octet_q8_row_scale(amax, scale, &inv);
  const float32x4_t vinv = vdupq_n_f32(inv);
  const int32x4_t lo = vdupq_n_s32(-127), hi = vdupq_n_s32(127);
  for (k = 0; k + 4 <= K; k += 4) {
    float32x4_t y = vmulq_f32(vld1q_f32(x + k), vinv);
    int32x4_t i = vminq_s32(vmaxq_s32(vcvtnq_s32_f32(y), lo), hi);
    i = vbslq_s32(vceqq_f32(y, y), i, lo); /* NaN -> -127 */
    int16x4_t h = vmovn_s32(i);
    int8x8_t b = vmovn_s16(vcombine_s16(h, h));
    q[k] = vget_lane_s8(b, 0);
    q[k + 1] = vget_lane_s8(b, 1);
    q[k + 2] = vget_lane_s8(b, 2);
    q[k + 3] = vget_lane_s8(b, 3);
  }
  for (; k < K; k++) {
    float y = x[k] * inv;
    int32_t i = y == y ? vcvtns_s32_f32(y) : -127;
    q[k] = (int8_t)(i < -127 ? -127 : i > 127 ? 127 : i);
  }
}

void octet_arm_qs8_quantize_rows__neon(const float *a, size_t M, size_t K, size_t lda, void *q,
                                       size_t ldq, float *scale) {
  const size_t kp = (K + 7) / 8 * 8;
  for (size_t m = 0; m < M; m++) {
    int8_t *row = (int8_t *)q + m * ldq;
    octet_arm_qs8_quantize_row__neon(a + m * lda, (int64_t)K, row, &scale[m]);
    memset(row + K, 0, kp - K);
  }
}
