/* The w8a8 GEMM oracle of the kernel tests (gemm-oracle.h). */
#include "gemm-oracle.h"

#include <stdlib.h>

#include "core/ir.h"
#include "core/quant.h"

octet_status gemm_oracle_q8(const float *w, int64_t K, int64_t N, int64_t M, const float *A,
                            int64_t lda, float *C, int64_t ldc, const octet_gemm_epilogue *ep) {
  if (K < 0 || N < 0 || M < 0 || lda < K || ldc < N || (ep && ep->residual && ep->ldr < N))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "oracle: bad sizes or strides");
  int8_t *qw = malloc((size_t)K * (size_t)N + 1), *qa = malloc((size_t)K + 1);
  float *sw = malloc((size_t)N * sizeof *sw + 1);
  if (!qw || !sw || !qa) {
    free(qw), free(sw), free(qa);
    return octet_fail(OCTET_ERR_NO_MEMORY, "oracle: out of memory");
  }
  octet_q8_quantize_weights(w, K, N, qw, sw);
  for (int64_t m = 0; m < M; m++) {
    float sa;
    octet_q8_quantize_row(A + m * lda, K, qa, &sa);
    for (int64_t n = 0; n < N; n++) {
      int32_t acc = 0;
      for (int64_t k = 0; k < K; k++) acc += (int32_t)qa[k] * qw[k * N + n];
      float y = octet_q8_dequant(acc, sa, sw[n]);
      if (ep && ep->bias) y = y + ep->bias[n];
      if (ep && ep->residual) y = y + ep->residual[m * ep->ldr + n];
      if (ep && ep->act == OCTET_ACT_RELU) y = y > 0.0f ? y : 0.0f;
      C[m * ldc + n] = y;
    }
  }
  free(qw), free(sw), free(qa);
  return OCTET_OK;
}
