/* Softmax of one contiguous row, NEON, in the vmath order: the 16 virtual
 * lanes in four q registers (lanes 4j..4j+3 in v[j]); the n % 16 tail goes
 * to lanes 0..tail-1, four at a time, the last partial group under a lane
 * mask so the other lanes keep their value:
 * m = max x, e = exp(x - m), s = sum e, y = e * (1/s), NaN canonical.
 * float32 keeps e in y between the passes; float16 keeps it in a stack
 * buffer for rows of up to VEC_SOFTMAX_F16_KEEP elements and recomputes it
 * (the same value) for longer ones. */
#include <math.h>

#include "backends/arm/vec-math-neon.h"
#include "backends/arm/vec-ukernels-neon.h"

#define VEC_SOFTMAX_F16_KEEP 4096

/* acc = vm_max(acc, x) lane by lane over the row. */
static inline __attribute__((always_inline)) float row_max(size_t n,
                                                           const void *x,
                                                           bool f16) {
  vn_lanes16 acc = vn_lanes16_set(-INFINITY);
  size_t nb = n & ~(size_t)15, i = 0;
  for (; i < nb; i += 16)
    for (int j = 0; j < 4; j++)
      acc.v[j] = vn_max(acc.v[j], vn_ld(x, f16, i + 4 * (size_t)j));
  for (int j = 0; i < n; i += 4, j++) {
    size_t m = n - i;
    if (m >= 4) {
      acc.v[j] = vn_max(acc.v[j], vn_ld(x, f16, i));
    } else {
      float32x4_t r = vn_max(acc.v[j], vn_ld_tail(x, f16, i, m));
      acc.v[j] = vbslq_f32(vn_tail_mask(m), r, acc.v[j]);
    }
  }
  return vn_hmax16(acc);
}

/* e = exp(x - m) into `keep` (NULL: nowhere), summed in 16 lanes. */
static inline __attribute__((always_inline)) float row_exp_sum(
    size_t n, const void *x, bool f16, float32x4_t vm, float *keep) {
  vn_lanes16 acc = vn_lanes16_set(0.0f);
  size_t nb = n & ~(size_t)15, i = 0;
  for (; i < nb; i += 16)
    for (int j = 0; j < 4; j++) {
      size_t k = i + 4 * (size_t)j;
      float32x4_t e = vn_exp(vsubq_f32(vn_ld(x, f16, k), vm));
      if (keep) vst1q_f32(keep + k, e);
      acc.v[j] = vaddq_f32(acc.v[j], e);
    }
  for (int j = 0; i < n; i += 4, j++) {
    size_t m = n - i;
    if (m >= 4) {
      float32x4_t e = vn_exp(vsubq_f32(vn_ld(x, f16, i), vm));
      if (keep) vst1q_f32(keep + i, e);
      acc.v[j] = vaddq_f32(acc.v[j], e);
    } else {
      float32x4_t e = vn_exp(vsubq_f32(vn_ld_tail(x, f16, i, m), vm));
      if (keep) vn_st_f32_tail(keep + i, m, e);
      acc.v[j] = vbslq_f32(vn_tail_mask(m), vaddq_f32(acc.v[j], e), acc.v[j]);
    }
  }
  return vn_hsum16(acc);
}

void octet_f32_softmax_ukernel__neon(size_t n, const void *xv, void *yv) {
  float *y = yv;
  float32x4_t vm = vn_set(row_max(n, xv, false));
  float32x4_t inv = vn_set(1.0f / row_exp_sum(n, xv, false, vm, y));
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    vst1q_f32(y + i, vn_canon_nan(vmulq_f32(vld1q_f32(y + i), inv)));
  if (i < n)
    vn_st_f32_tail(y + i, n - i,
                   vn_canon_nan(vmulq_f32(vn_ld_f32_tail(y + i, n - i), inv)));
}

void octet_f16_softmax_ukernel__neon(size_t n, const void *xv, void *yv) {
  const uint16_t *x = xv;
  uint16_t *y = yv;
  float e32[VEC_SOFTMAX_F16_KEEP]; /* e, for rows that fit */
  bool keep = n <= VEC_SOFTMAX_F16_KEEP;
  float32x4_t vm = vn_set(row_max(n, x, true));
  float32x4_t inv =
      vn_set(1.0f / row_exp_sum(n, x, true, vm, keep ? e32 : NULL));
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    float32x4_t e =
        keep ? vld1q_f32(e32 + i) : vn_exp(vsubq_f32(vn_ld_f16(x + i), vm));
    vn_st_f16(y + i, vn_canon_nan(vmulq_f32(e, inv)));
  }
  if (i < n) {
    size_t m = n - i;
    float32x4_t e = keep ? vn_ld_f32_tail(e32 + i, m)
                         : vn_exp(vsubq_f32(vn_ld_f16_tail(x + i, m), vm));
    vn_st_f16_tail(y + i, m, vn_canon_nan(vmulq_f32(e, inv)));
  }
}
