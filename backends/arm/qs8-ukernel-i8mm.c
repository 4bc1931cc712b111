/* qs8 2x8c8 kernel with the int8 matrix-multiply extension
 * (armv8.6-a+i8mm): vmmlaq_s32 takes 2 rows x 8 k and 2 columns x 8 k and
 * accumulates the 2x2 block [r0c0, r0c1, r1c0, r1c1]. */
#include <arm_neon.h>

#include "backends/arm/qs8-gemm-arm.h"
#include "backends/arm/qs8-tile-arm.h"

void octet_arm_qs8_ukernel_2x8c8__i8mm(size_t kg, const int8_t *a0, const int8_t *a1,
                                       const int8_t *panel, int32_t acc[2][8]) {
  int32x4_t r[4];
  for (int p = 0; p < 4; p++) r[p] = vdupq_n_s32(0);
  for (size_t g = 0; g < kg; g++) {
    const int8x16_t x = vcombine_s8(vld1_s8(a0 + 8 * g), vld1_s8(a1 + 8 * g));
    const int8_t *b = panel + 64 * g;
    for (int p = 0; p < 4; p++) r[p] = vmmlaq_s32(r[p], x, vld1q_s8(b + 16 * p));
  }
  for (int p = 0; p < 4; p++) {
    acc[0][2 * p] = vgetq_lane_s32(r[p], 0);
    acc[0][2 * p + 1] = vgetq_lane_s32(r[p], 1);
    acc[1][2 * p] = vgetq_lane_s32(r[p], 2);
    acc[1][2 * p + 1] = vgetq_lane_s32(r[p], 3);
  }
}

OCTET_ARM_QS8_TILE_KERNEL(octet_qs8_gemm_ukernel_8x8c8__i8mm, octet_arm_qs8_ukernel_2x8c8__i8mm)
