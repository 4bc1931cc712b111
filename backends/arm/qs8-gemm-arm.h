/* arm64 w8a8 ("qs8") kernels for the GEMM driver (backends/common/gemm.h,
 * Q8 weights, A_Q8 activations): the rules of core/quant.h, exact int32
 * sums and ref's fp32 epilogue, so outputs are bit-identical to ref and to
 * x86. Activations are signed int8 (no u8 offset: the panels' comp[] is
 * not read), rows of kp = round_up(K, 8) bytes, zero padded.
 *
 * The packed panels are the driver's Q8 layout with NR = 8, KR = 8 ("c8"):
 * after the 32-byte comp and 32-byte scale headers, q[k8][col][8] holds 8
 * consecutive k of one column. Inner kernels, one file each (2 rows x 8
 * columns of int32 per call):
 *   neon     vmull_s8 + vpadalq_s16 (armv8-a: any arm64 CPU)
 *   dotprod  vdotq_s32 on two columns' 8 k at once (armv8.2-a+dotprod)
 *   i8mm     vmmlaq_s32: 2 rows x 2 columns x 8 k (armv8.6-a+i8mm)
 * Products of int8 in [-127, 127] fit int16 and the sums int32 (K at most
 * OCTET_Q8_MAX_K), so all three give the exact integer sums. The tile
 * microkernels (8 x 8) run one over row pairs and apply the epilogue
 * (qs8-tile-arm.h). */
#ifndef OCTET_ARM_QS8_GEMM_H
#define OCTET_ARM_QS8_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "backends/common/gemm.h"

/* acc[r][c] (r < 2, c < 8) = sum over k8 < kg of the 8-byte groups;
 * a1 may equal a0 (one row). */
typedef void (*octet_arm_qs8_ukernel_fn)(size_t kg, const int8_t *a0, const int8_t *a1,
                                         const int8_t *panel, int32_t acc[2][8]);
void octet_arm_qs8_ukernel_2x8c8__neon(size_t kg, const int8_t *a0, const int8_t *a1,
                                       const int8_t *panel, int32_t acc[2][8]);
void octet_arm_qs8_ukernel_2x8c8__dotprod(size_t kg, const int8_t *a0, const int8_t *a1,
                                          const int8_t *panel, int32_t acc[2][8]);
void octet_arm_qs8_ukernel_2x8c8__i8mm(size_t kg, const int8_t *a0, const int8_t *a1,
                                       const int8_t *panel, int32_t acc[2][8]);

/* Tile microkernels (octet_gemm_ukernel_fn), 8 rows x 8 columns. */
#define OCTET_ARM_QS8_UKERNEL(name)                                                      \
  void name(size_t mr, size_t nr, size_t kp, const void *a, size_t lda, const void *w,  \
            const float *acc, size_t ld_acc, void *c, size_t ldc, const octet_gemm_params *p)
OCTET_ARM_QS8_UKERNEL(octet_qs8_gemm_ukernel_8x8c8__neon);
OCTET_ARM_QS8_UKERNEL(octet_qs8_gemm_ukernel_8x8c8__dotprod);
OCTET_ARM_QS8_UKERNEL(octet_qs8_gemm_ukernel_8x8c8__i8mm);

/* One row of activations by core/quant.h's rule, with NEON. */
void octet_arm_qs8_quantize_row__neon(const float *x, int64_t K, int8_t *q, float *scale);
/* Rows m < M (octet_gemm_quantize_fn): int8, bytes [K, round_up(K, 8)) 0. */
void octet_arm_qs8_quantize_rows__neon(const float *a, size_t M, size_t K, size_t lda, void *q,
                                       size_t ldq, float *scale);

#endif
