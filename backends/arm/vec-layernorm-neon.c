/* LayerNormalization of one contiguous row, NEON, in the vmath order (16
 * virtual lanes in four q registers, the tail under a lane mask, as in
 * vec-softmax-neon.c): mean = (sum x) / n; var = (sum (x - mean)^2) / n;
 * inv = 1 / sqrt(var + eps); y = ((x - mean) * inv) * scale (+ bias). */
#include <math.h>

#include "backends/arm/vec-math-neon.h"
#include "backends/arm/vec-ukernels-neon.h"

/* acc += x (centre absent) or acc += (x - centre)^2, lane by lane. */
static inline __attribute__((always_inline)) float32x4_t ln_term(
    float32x4_t x, const float32x4_t *centre) {
  if (!centre) return x;
  float32x4_t d = vsubq_f32(x, *centre);
  return vmulq_f32(d, d);
}

static inline __attribute__((always_inline)) float row_sum(
    size_t n, const void *x, bool f16, const float32x4_t *centre) {
  vn_lanes16 acc = vn_lanes16_set(0.0f);
  size_t nb = n & ~(size_t)15, i = 0;
  for (; i < nb; i += 16)
    for (int j = 0; j < 4; j++)
      acc.v[j] = vaddq_f32(acc.v[j],
                           ln_term(vn_ld(x, f16, i + 4 * (size_t)j), centre));
  for (int j = 0; i < n; i += 4, j++) {
    size_t m = n - i;
    if (m >= 4) {
      acc.v[j] = vaddq_f32(acc.v[j], ln_term(vn_ld(x, f16, i), centre));
    } else {
      float32x4_t r =
          vaddq_f32(acc.v[j], ln_term(vn_ld_tail(x, f16, i, m), centre));
      acc.v[j] = vbslq_f32(vn_tail_mask(m), r, acc.v[j]);
    }
  }
  return vn_hsum16(acc);
}

/* y = ((x - mean) * inv) * g (+ b), NaN canonical: ln_apply in ref/norm.c. */
static inline __attribute__((always_inline)) float32x4_t ln_apply(
    float32x4_t x, float32x4_t mean, float32x4_t inv, float32x4_t g,
    const float32x4_t *b) {
  float32x4_t y = vsubq_f32(x, mean);
  y = vmulq_f32(y, inv);
  y = vmulq_f32(y, g);
  if (b) y = vaddq_f32(y, *b);
  return vn_canon_nan(y);
}

static inline __attribute__((always_inline)) void layernorm_row(
    size_t n, const void *x, const void *s, const void *b, float eps, void *y,
    bool f16) {
  float mean = row_sum(n, x, f16, NULL) / (float)n;
  float32x4_t vmean = vn_set(mean);
  float var = row_sum(n, x, f16, &vmean) / (float)n;
  float32x4_t inv = vn_set(1.0f / sqrtf(var + eps));
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    float32x4_t bias = b ? vn_ld(b, f16, i) : vn_set(0.0f);
    vn_st(y, f16, i,
          ln_apply(vn_ld(x, f16, i), vmean, inv, vn_ld(s, f16, i),
                   b ? &bias : NULL));
  }
  if (i < n) {
    size_t m = n - i;
    float32x4_t bias = b ? vn_ld_tail(b, f16, i, m) : vn_set(0.0f);
    vn_st_tail(y, f16, i, m,
               ln_apply(vn_ld_tail(x, f16, i, m), vmean, inv,
                        vn_ld_tail(s, f16, i, m), b ? &bias : NULL));
  }
}

void octet_f32_layernorm_ukernel__neon(size_t n, const void *x, const void *s,
                                       const void *b, float eps, void *y) {
  layernorm_row(n, x, s, b, eps, y, false);
}

void octet_f16_layernorm_ukernel__neon(size_t n, const void *x, const void *s,
                                       const void *b, float eps, void *y) {
  layernorm_row(n, x, s, b, eps, y, true);
}
