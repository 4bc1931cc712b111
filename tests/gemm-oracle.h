/* The w8a8 GEMM in plain C straight from fp32 W, by the rules of
 * core/quant.h and in the GEMM driver's epilogue order (y = dequant(acc);
 * + bias; + residual; relu): the oracle the x86 and arm GEMM tests compare
 * every kernel with, bit for bit. */
#ifndef OCTET_TEST_GEMM_ORACLE_H
#define OCTET_TEST_GEMM_ORACLE_H

#include "backends/common/gemm.h"

/* C[m, n] (row stride ldc) for A [M, K] (row stride lda); ep may be NULL
 * (its post is not applied). Allocates its temporaries. */
octet_status gemm_oracle_q8(const float *w, int64_t K, int64_t N, int64_t M, const float *A,
                            int64_t lda, float *C, int64_t ldc, const octet_gemm_epilogue *ep);

#endif
