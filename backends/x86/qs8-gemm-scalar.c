/* Portable C pieces of the w8a8 GEMM: the weight quantizer, the 4x16c4
 * microkernel (the kernel of OCTET_ISA=ref) and the whole-GEMM oracle.
 * These define the semantics every vector kernel reproduces bit for bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ir.h"
#include "backends/x86/qs8-gemm.h"

/* The fp32 epilogue, one operation at a time (built with -ffp-contract=off). */
static float epilogue(int32_t acc, float sa, float sw, const float *bias,
                      const float *res, int act) {
  float y = (float)acc;
  y = y * sa;
  y = y * sw;
  if (bias) y = y + *bias;
  if (res) y = y + *res;
  if (act == OCTET_GEMM_ACT_RELU) y = y > 0.0f ? y : 0.0f;
  return y;
}

void octet_qs8_quantize_weights_scalar(const float *w, size_t K, size_t N,
                                       int8_t *q, float *scale) {
  for (size_t n = 0; n < N; n++) {
    float amax = 0.0f;
    for (size_t k = 0; k < K; k++) {
      float v = fabsf(w[k * N + n]);
      if (v > amax) amax = v;
    }
    float s = amax / 127.0f;
    int zero = !(s > 0.0f); /* amax == 0, or so small that s underflows */
    scale[n] = zero ? 1.0f : s;
    for (size_t k = 0; k < K; k++) {
      float r = zero ? 0.0f : nearbyintf(w[k * N + n] / s);
      int v = r >= 127.0f ? 127 : r <= -127.0f ? -127 : r == r ? (int)r : 0;
      q[k * N + n] = (int8_t)v;
    }
  }
}

void octet_qs8_gemm_ukernel_4x16c4__scalar(size_t mr, size_t nr, size_t kp,
                                           const uint8_t *a, size_t lda,
                                           const int8_t *w, float *c,
                                           size_t ldc,
                                           const octet_qs8_ukernel_params *p) {
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

octet_status octet_qs8_gemm_scalar(const float *w, int64_t K, int64_t N,
                                   int64_t M, const float *A, int64_t lda,
                                   float *C, int64_t ldc,
                                   const octet_gemm_epilogue *ep) {
  if (K < 0 || N < 0 || M < 0 || lda < K || ldc < N ||
      (ep && ep->residual && ep->ldr < N))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "qs8 gemm: bad sizes or strides");
  size_t kp = ((size_t)K + 3) / 4 * 4;
  int8_t *qw = malloc((size_t)K * (size_t)N + 1);
  float *sw = malloc((size_t)N * sizeof *sw + 1);
  uint8_t *qa = malloc(kp + 1);
  if (!qw || !sw || !qa) {
    free(qw), free(sw), free(qa);
    return octet_fail(OCTET_ERR_NO_MEMORY, "qs8 gemm: out of memory");
  }
  octet_qs8_quantize_weights_scalar(w, (size_t)K, (size_t)N, qw, sw);
  for (int64_t m = 0; m < M; m++) {
    float sa;
    octet_qs8_quantize_rows_scalar(A + m * lda, 1, (size_t)K, (size_t)lda, qa,
                                   kp, &sa);
    for (int64_t n = 0; n < N; n++) {
      int32_t acc = 0;
      for (int64_t k = 0; k < K; k++)
        acc += ((int32_t)qa[k] - 128) * (int32_t)qw[k * N + n];
      const float *bias = ep && ep->bias ? ep->bias + n : NULL;
      const float *res = ep && ep->residual ? ep->residual + m * ep->ldr + n : NULL;
      C[m * ldc + n] = epilogue(acc, sa, sw[n], bias, res,
                                ep ? ep->act : OCTET_GEMM_ACT_NONE);
    }
  }
  free(qw), free(sw), free(qa);
  return OCTET_OK;
}
