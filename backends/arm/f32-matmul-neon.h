/* MatMul of two activations in fp32 (attention's QK^T and PV) with
 * baseline NEON, bit-identical to the ref backend (backends/ref/linalg.c).
 *
 * ref's float32 engine gives each output element this sequence of fp32
 * operations, which the kernel repeats lane by lane (vectorised over the
 * columns j; vmulq_f32 then vaddq_f32, never FMLA, and built with the
 * project-wide -ffp-contract=off):
 *   c = 0; for each block of 256 k: for each group of 4 k in it:
 *     c = c + (((a[k]*b[k][j] + a[k+1]*b[k+1][j]) + a[k+2]*b[k+2][j])
 *              + a[k+3]*b[k+3][j]);
 *   then the remaining k of the block one at a time: c = c + a[k]*b[k][j]. */
#ifndef OCTET_ARM_F32_MATMUL_NEON_H
#define OCTET_ARM_F32_MATMUL_NEON_H

#include <stddef.h>

/* C[M, N] = A[M, K] x B[K, N], row-major fp32 with row strides lda, ldb,
 * ldc (elements; >= K, N, N). Reads and writes nothing past a row's width. */
void octet_f32_matmul__neon(size_t M, size_t N, size_t K, const float *a, size_t lda,
                            const float *b, size_t ldb, float *c, size_t ldc);

#endif
