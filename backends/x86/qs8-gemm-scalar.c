/* The portable w8a8 microkernel, 4 rows x 16 columns (the kernel of
 * OCTET_ISA=ref): the plainest statement of the contract every vector
 * kernel reproduces bit for bit. */
#include <string.h>

#include "backends/x86/qs8-gemm.h"
#include "core/quant.h"

/* The fp32 epilogue, one operation at a time (built with -ffp-contract=off). */
static float epilogue(int32_t acc, float sa, float sw, const float *bias,
                      const float *res, octet_act act) {
  float y = octet_q8_dequant(acc, sa, sw);
  if (bias) y = y + *bias;
  if (res) y = y + *res;
  if (act == OCTET_ACT_RELU) y = y > 0.0f ? y : 0.0f;
  return y;
}

void octet_qs8_gemm_ukernel_4x16c4__scalar(size_t mr, size_t nr, size_t kp, const void *a_,
                                           size_t lda, const void *w_, const float *acc_, size_t ld_acc_,
                                           void *c_, size_t ldc, const octet_gemm_params *p) {
  (void)acc_, (void)ld_acc_;
  const uint8_t *a = a_;
  const int8_t *w = w_;
  float *c = c_;
  enum { MR = 4, NR = 16, NG = 4 };
  size_t np = nr >= NR ? NR : (nr + NG - 1) / NG * NG;
  uint32_t acc[MR][NR]; /* wraps like vpdpbusd; the final sum fits int32 */
  float sw[NR];
  for (size_t j = 0; j < nr; j++) {
    int32_t comp;
    memcpy(&comp, w + 4 * j, 4);
    memcpy(&sw[j], w + 4 * np + 4 * j, 4);
    for (size_t i = 0; i < mr; i++) acc[i][j] = (uint32_t)comp;
  }
  const int8_t *q = w + 8 * np;
  for (size_t k = 0; k < kp; k += 4, q += 4 * np)
    for (size_t i = 0; i < mr; i++)
      for (size_t j = 0; j < nr; j++)
        for (size_t t = 0; t < 4; t++)
          acc[i][j] += (uint32_t)((int32_t)a[i * lda + k + t] * q[4 * j + t]);
  for (size_t i = 0; i < mr; i++)
    for (size_t j = 0; j < nr; j++)
      c[i * ldc + j] = epilogue((int32_t)acc[i][j], p->scale_a[i], sw[j],
                                p->bias ? p->bias + j : NULL,
                                p->residual ? p->residual + i * p->ldr + j : NULL,
                                p->act);
}
