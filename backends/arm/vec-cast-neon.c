/* Cast float32 <-> float16, NEON (FCVTN round to nearest even / FCVTL), 8
 * elements per step, then 4, the last n % 4 through a padded buffer. NaNs
 * come out as octet_fp32_to_fp16 / octet_fp16_to_fp32 make them, so the
 * result equals the ref bit for bit: float32 NaN -> sign | 0x7e00, and a
 * signalling half NaN keeps its quiet bit clear. */
#include "backends/arm/vec-math-neon.h"
#include "backends/arm/vec-ukernels-neon.h"

void octet_f32_f16_vcvt_ukernel__neon(size_t n, const void *xv, void *yv) {
  const float *x = xv;
  uint16_t *y = yv;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint16x4_t a = vn_to_f16(vld1q_f32(x + i));
    uint16x4_t b = vn_to_f16(vld1q_f32(x + i + 4));
    vst1q_u16(y + i, vcombine_u16(a, b));
  }
  for (; i + 4 <= n; i += 4) vn_st_f16(y + i, vld1q_f32(x + i));
  if (i < n) vn_st_f16_tail(y + i, n - i, vn_ld_f32_tail(x + i, n - i));
}

/* FCVTL sets the quiet bit of a signalling NaN; clear it again. A half is
 * a signalling NaN when its exponent is all ones, its quiet bit (0x0200)
 * clear and its mantissa not zero. */
static inline float32x4_t f16_to_f32(uint16x4_t h) {
  float32x4_t v = vcvt_f32_f16(vreinterpret_f16_u16(h));
  uint32x4_t w = vmovl_u16(h);
  uint32x4_t nan_exp =
      vceqq_u32(vandq_u32(w, vdupq_n_u32(0x7e00)), vdupq_n_u32(0x7c00));
  uint32x4_t snan = vandq_u32(nan_exp, vtstq_u32(w, vdupq_n_u32(0x03ff)));
  uint32x4_t quiet = vandq_u32(snan, vdupq_n_u32(0x00400000));
  return vn_float(vbicq_u32(vn_bits(v), quiet));
}

void octet_f16_f32_vcvt_ukernel__neon(size_t n, const void *xv, void *yv) {
  const uint16_t *x = xv;
  float *y = yv;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint16x8_t h = vld1q_u16(x + i);
    float32x4_t a = f16_to_f32(vget_low_u16(h));
    float32x4_t b = f16_to_f32(vget_high_u16(h));
    vst1q_f32(y + i, a);
    vst1q_f32(y + i + 4, b);
  }
  for (; i + 4 <= n; i += 4) vst1q_f32(y + i, f16_to_f32(vld1_u16(x + i)));
  if (i < n) {
    uint16_t b[4] = {0, 0, 0, 0};
    memcpy(b, x + i, (n - i) * sizeof(uint16_t));
    vn_st_f32_tail(y + i, n - i, f16_to_f32(vld1_u16(b)));
  }
}
