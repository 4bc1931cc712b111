/* qs8 2x8c8 kernel for any arm64 CPU: vmull_s8 (8 int16 products, exact
 * for int8 in [-127, 127]) and vpadalq_s16 (pairwise into int32). */
#include <arm_neon.h>

#include "backends/arm/qs8-gemm-arm.h"
#include "backends/arm/qs8-tile-arm.h"

void octet_arm_qs8_ukernel_2x8c8__neon(size_t kg, const int8_t *a0, const int8_t *a1,
                                       const int8_t *panel, int32_t acc[2][8]) {
  int32x4_t r0[8], r1[8];
  for (int c = 0; c < 8; c++) r0[c] = r1[c] = vdupq_n_s32(0);
  for (size_t g = 0; g < kg; g++) {
    const int8x8_t x0 = vld1_s8(a0 + 8 * g), x1 = vld1_s8(a1 + 8 * g);
    const int8_t *b = panel + 64 * g;
    for (int c = 0; c < 8; c++) {
      const int8x8_t w = vld1_s8(b + 8 * c);
      r0[c] = vpadalq_s16(r0[c], vmull_s8(x0, w));
      r1[c] = vpadalq_s16(r1[c], vmull_s8(x1, w));
    }
  }
  for (int c = 0; c < 8; c++) {
    acc[0][c] = vaddvq_s32(r0[c]);
    acc[1][c] = vaddvq_s32(r1[c]);
  }
}

OCTET_ARM_QS8_TILE_KERNEL(octet_qs8_gemm_ukernel_8x8c8__neon, octet_arm_qs8_ukernel_2x8c8__neon)
