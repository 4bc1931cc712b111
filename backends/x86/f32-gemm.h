/* x86 floating-point microkernels for the GEMM driver
 * (backends/common/gemm.h, A_DIRECT: A fp32 read in place): "f32" with
 * fp32 weights, "f16w" with weights stored fp16 and widened with F16C in
 * the kernel (accumulation fp32 always), and the panel wideners the driver
 * uses to run the f32 kernel over widened f16w panels when a task has
 * several row tiles. The descriptors: gemm-kernels-x86.c; the microkernel
 * contract and measurements: docs/kernels-f32.md. */
#ifndef OCTET_X86_F32_GEMM_H
#define OCTET_X86_F32_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "backends/common/gemm.h"

#define OCTET_X86_F32_UKERNEL(name)                                                        \
  void name(size_t mr, size_t nr, size_t kc, const void *a, size_t lda, const void *b,    \
            const float *acc, size_t ld_acc, void *out, size_t ld_out,                     \
            const octet_gemm_params *st)

OCTET_X86_F32_UKERNEL(octet_f32_gemm_ukernel_4x8__scalar);
OCTET_X86_F32_UKERNEL(octet_f16w_gemm_ukernel_4x8__scalar);
OCTET_X86_F32_UKERNEL(octet_f32_gemm_ukernel_6x16__avx2);
OCTET_X86_F32_UKERNEL(octet_f16w_gemm_ukernel_6x16__avx2);
OCTET_X86_F32_UKERNEL(octet_f32_gemm_ukernel_9x48__avx512);
OCTET_X86_F32_UKERNEL(octet_f16w_gemm_ukernel_9x48__avx512);

/* n fp16 values (a packed panel block) to fp32. */
void octet_f16w_convert__scalar(size_t n, const uint16_t *src, float *dst);
void octet_f16w_convert__avx2(size_t n, const uint16_t *src, float *dst);
void octet_f16w_convert__avx512(size_t n, const uint16_t *src, float *dst);

#endif
