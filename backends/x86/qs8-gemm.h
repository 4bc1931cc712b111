/* x86 w8a8 ("qs8") microkernels and activation quantizers for the GEMM
 * driver (backends/common/gemm.h, Q8 weights, A_Q8 activations): the
 * integer rules are core/quant.h's, so every kernel gives the same bits.
 * Activations are in the u8 form (u = q + 128, VPDPBUSD's unsigned side);
 * each panel's comp[] takes the offset off. The epilogue, in every kernel:
 *   y = (float)acc; y = y * sa[m]; y = y * sw[n]; y = y + bias[n];
 *   y = y + residual[m*ldr + n]; relu: y = y > 0 ? y : 0   (no FMA)
 *   GELU (erf or tanh form): vm_gelu / vm_gelu_tanh of core/vmath.h, in the
 *   AMX kernel's epilogue, else by the driver's `post` on each stored row.
 * The descriptors (tile, layout, blocking): gemm-kernels-x86.c;
 * docs/kernels-qs8.md has the packed layout and the measurements. */
#ifndef OCTET_X86_QS8_GEMM_H
#define OCTET_X86_QS8_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "backends/common/gemm.h"

/* Rows m < M of A (stride lda floats) -> q (stride ldq bytes) as u8 = qa +
 * 128, bytes [K, round_up(K, 4)) of each row 128; scale[m] = sa[m]
 * (octet_q8_quantize_rows_u8 of core/quant.h is the portable one). */
void octet_qs8_quantize_rows__avx2(const float *a, size_t M, size_t K, size_t lda, void *q,
                                   size_t ldq, float *scale);
void octet_qs8_quantize_rows__avx512(const float *a, size_t M, size_t K, size_t lda, void *q,
                                     size_t ldq, float *scale);

/* Microkernels (octet_gemm_ukernel_fn; kp = round_up(K, KALIGN)). */
void octet_qs8_gemm_ukernel_4x16c4__scalar(size_t mr, size_t nr, size_t kp, const void *a,
                                           size_t lda, const void *w, const float *acc,
                                           size_t ld_acc, void *c, size_t ldc,
                                           const octet_gemm_params *p);
void octet_qs8_gemm_ukernel_4x8c4__avx2(size_t mr, size_t nr, size_t kp, const void *a,
                                        size_t lda, const void *w, const float *acc,
                                        size_t ld_acc, void *c, size_t ldc,
                                        const octet_gemm_params *p);
void octet_qs8_gemm_ukernel_6x16c4__avxvnni(size_t mr, size_t nr, size_t kp, const void *a,
                                            size_t lda, const void *w, const float *acc,
                                            size_t ld_acc, void *c, size_t ldc,
                                            const octet_gemm_params *p);
void octet_qs8_gemm_ukernel_8x48c4__avx512vnni(size_t mr, size_t nr, size_t kp, const void *a,
                                               size_t lda, const void *w, const float *acc,
                                               size_t ld_acc, void *c, size_t ldc,
                                               const octet_gemm_params *p);
/* AMX: kp a multiple of 64; runs between octet_qs8_amx_begin() (loads the
 * tile configuration of the calling thread) and octet_qs8_amx_end(). */
void octet_qs8_gemm_ukernel_32x32c4__amx(size_t mr, size_t nr, size_t kp, const void *a,
                                         size_t lda, const void *w, const float *acc,
                                         size_t ld_acc, void *c, size_t ldc,
                                         const octet_gemm_params *p);
void octet_qs8_amx_begin(void);
void octet_qs8_amx_end(void);

#endif
