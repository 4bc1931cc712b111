/* w8a8 GEMM on arm64 (the "qs8" family of backends/x86, same semantics):
 * C[M, N] = epilogue(qa[M, K] x qw[K, N]) with ref's quantization rules
 * (backends/ref/linear.c), exact int32 sums and ref's fp32 epilogue, so
 * outputs are bit-identical to ref and to x86.
 *
 * One packed layout serves every kernel: panels of 8 columns, K rounded up
 * to 8 ("c8"): panel[k8][col][8] holds 8 consecutive k of one column, zero
 * padded. Activations: int8 rows of kp = round_up(K, 8) bytes, zero padded.
 *
 * Kernels (2 rows x 8 columns of int32 per call, rows past mr ignored):
 *   neon     vmull_s8 + vpadalq_s16 (armv8-a: any arm64 CPU)
 *   dotprod  vdotq_s32 on two columns' 8 k at once (armv8.2-a+dotprod)
 *   i8mm     vmmlaq_s32: 2 rows x 2 columns x 8 k (armv8.6-a+i8mm)
 * Products of int8 in [-127, 127] fit int16 and the sums int32 (K at most
 * OCTET_ARM_QS8_MAX_K), so all three give the exact integer sums. */
#ifndef OCTET_ARM_QS8_GEMM_H
#define OCTET_ARM_QS8_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"
#include "octet.h"

#define OCTET_ARM_QS8_MAX_K 131072

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

/* One row of activations quantized by ref's rule (bit-identical to
 * octet_qs8_quantize_row_ref), with NEON. */
void octet_arm_qs8_quantize_row__neon(const float *x, int64_t K, int8_t *q, float *scale);

typedef struct octet_arm_qs8_weights octet_arm_qs8_weights;

/* Quantizes W (fp32 [K, N], row-major) per column and packs it for the
 * kernel of `isa` (NEON, DOTPROD or I8MM). */
octet_status octet_arm_qs8_pack(const float *w, int64_t K, int64_t N, octet_isa isa,
                                octet_arm_qs8_weights **out);
void octet_arm_qs8_free(octet_arm_qs8_weights *w);
size_t octet_arm_qs8_bytes(const octet_arm_qs8_weights *w);
const char *octet_arm_qs8_kernel_name(const octet_arm_qs8_weights *w);
/* Scratch for M rows: quantized activations and row scales. */
size_t octet_arm_qs8_scratch_bytes(const octet_arm_qs8_weights *w, int64_t M);

/* Y = act(dequant(quant(A) x W) + bias), then post (GELU) on each row;
 * act 0 none or 1 relu. */
octet_status octet_arm_qs8_gemm(const octet_arm_qs8_weights *w, int64_t M, const float *A,
                                float *Y, const float *bias, int act,
                                void (*post)(size_t n, const void *x, void *y), void *scratch,
                                int threads);

#endif
