/* The last step of the arm float microkernels (f32-gemm-arm.h): a finished
 * fp32 tile (row stride ldt) through the epilogue into the output, exactly
 * mr x nr elements, in ref's order of single fp32 operations:
 *   y = acc; y = y + bias[j]; relu (y > 0 ? y : 0); y = y + residual[j];
 * fp16 outputs rounded to nearest even with vcvt_f16_f32 (FCVTN; the tail
 * goes through the same instruction). Inline in each kernel's library, so
 * it is compiled with that library's -march. */
#ifndef OCTET_ARM_GEMM_TILE_H
#define OCTET_ARM_GEMM_TILE_H

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/arm/f32-gemm-arm.h"

static inline uint16_t octet_arm_f32_to_f16_bits(float y) {
  return vget_lane_u16(vreinterpret_u16_f16(vcvt_f16_f32(vdupq_n_f32(y))), 0);
}

static inline void octet_arm_gemm_store_tile(size_t mr, size_t nr, const float *t, size_t ldt,
                                             void *out, size_t ld_out,
                                             const octet_gemm_params *st) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  for (size_t r = 0; r < mr; r++) {
    const float *tr = t + r * ldt;
    const float *res = st->residual ? st->residual + r * st->ldr : NULL;
    float *o32 = (float *)out + r * ld_out;
    uint16_t *o16 = (uint16_t *)out + r * ld_out;
    size_t j = 0;
    for (; j + 4 <= nr; j += 4) {
      float32x4_t y = vld1q_f32(tr + j);
      if (st->bias) y = vaddq_f32(y, vld1q_f32(st->bias + j));
      if (st->act == OCTET_ACT_RELU) y = vbslq_f32(vcgtq_f32(y, zero), y, zero);
      if (res) y = vaddq_f32(y, vld1q_f32(res + j));
      if (st->out_f16)
        vst1_u16(o16 + j, vreinterpret_u16_f16(vcvt_f16_f32(y)));
      else
        vst1q_f32(o32 + j, y);
    }
    for (; j < nr; j++) {
      float y = tr[j];
      if (st->bias) y = y + st->bias[j];
      if (st->act == OCTET_ACT_RELU) y = y > 0.0f ? y : 0.0f;
      if (res) y = y + res[j];
      if (st->out_f16)
        o16[j] = octet_arm_f32_to_f16_bits(y);
      else
        o32[j] = y;
    }
  }
}

#endif
