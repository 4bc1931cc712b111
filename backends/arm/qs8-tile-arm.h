/* The arm qs8 tile microkernel around a 2x8 inner kernel (qs8-gemm-arm.h):
 * row pairs of the tile through the inner kernel, then ref's fp32
 * epilogue, one operation at a time:
 *   y = dequant(acc, sa[r], sw[c]); y = y + bias[c]; relu;
 *   y = y + residual[r, c]
 * Inline in each kernel's file, so the inner kernel is called directly. */
#ifndef OCTET_ARM_QS8_TILE_H
#define OCTET_ARM_QS8_TILE_H

#include <string.h>

#include "backends/arm/qs8-gemm-arm.h"
#include "core/quant.h"

static inline void octet_arm_qs8_tile(octet_arm_qs8_ukernel_fn inner, size_t mr, size_t nr,
                                      size_t kp, const int8_t *a, size_t lda, const int8_t *w,
                                      float *c, size_t ldc, const octet_gemm_params *p) {
  float sw[8];
  memcpy(sw, w + 32, sizeof sw); /* after comp[8] */
  const int8_t *panel = w + 64;
  for (size_t r = 0; r < mr; r += 2) {
    const int rows = mr - r > 1 ? 2 : 1;
    const int8_t *a0 = a + r * lda, *a1 = rows > 1 ? a0 + lda : a0;
    int32_t acc[2][8];
    inner(kp / 8, a0, a1, panel, acc);
    for (int i = 0; i < rows; i++) {
      float *y = c + (r + (size_t)i) * ldc;
      const float *res = p->residual ? p->residual + (r + (size_t)i) * p->ldr : NULL;
      for (size_t j = 0; j < nr; j++) {
        float v = octet_q8_dequant(acc[i][j], p->scale_a[r + (size_t)i], sw[j]);
        if (p->bias) v = v + p->bias[j];
        if (p->act == OCTET_ACT_RELU) v = v > 0.0f ? v : 0.0f;
        if (res) v = v + res[j];
        y[j] = v;
      }
    }
  }
}

#define OCTET_ARM_QS8_TILE_KERNEL(name, inner)                                        \
  OCTET_ARM_QS8_UKERNEL(name) {                                                        \
    (void)acc, (void)ld_acc;                                                           \
    octet_arm_qs8_tile(inner, mr, nr, kp, (const int8_t *)a, lda, (const int8_t *)w,  \
                       (float *)c, ldc, p);                                            \
  }

#endif
