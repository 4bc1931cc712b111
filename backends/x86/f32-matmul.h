/* MatMul of two activations (attention's QK^T and PV) in fp32 or fp16,
 * bit-identical to the ref backend (backends/ref/linalg.c).
 *
 * ref's float32 engine gives each output element this sequence of fp32
 * operations, which the kernels here repeat lane by lane (vectorised over
 * the columns j, built with -ffp-contract=off):
 *   c = 0; for each block of 256 k: for each group of 4 k in it:
 *     c = c + (((a[k]*b[k][j] + a[k+1]*b[k+1][j]) + a[k+2]*b[k+2][j])
 *              + a[k+3]*b[k+3][j]);
 *   then the remaining k of the block one at a time: c = c + a[k]*b[k][j].
 * fp16 operands are converted to fp32 exactly, the result rounded to fp16
 * at the end, as ref does. So w8a8 models, whose attention stays in float,
 * keep their bit-identity across ISA levels. */
#ifndef OCTET_X86_F32_MATMUL_H
#define OCTET_X86_F32_MATMUL_H

#include <stddef.h>

#include "backends/backend.h"
#include "core/cpu.h"

/* C[M, N] = A[M, K] x B[K, N], row-major fp32 with row strides lda, ldb,
 * ldc (elements; >= K, N, N). */
typedef void (*octet_f32_matmul_fn)(size_t M, size_t N, size_t K, const float *a, size_t lda,
                                    const float *b, size_t ldb, float *c, size_t ldc);
void octet_f32_matmul__avx2(size_t M, size_t N, size_t K, const float *a, size_t lda,
                            const float *b, size_t ldb, float *c, size_t ldc);
void octet_f32_matmul__avx512(size_t M, size_t N, size_t K, const float *a, size_t lda,
                              const float *b, size_t ldb, float *c, size_t ldc);
/* dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols (fp32). */
void octet_f32_transpose__avx512(size_t rows, size_t cols, const float *src, size_t lds,
                                 float *dst, size_t ldd);

/* The x86 backend's MatMul: both operands float32 (or both float16) with
 * the same batch dims, or B a single matrix. */
bool octet_x86_matmul_supports(const octet_node *n, const octet_tview *in, int n_in,
                               const octet_tview *out, int n_out);
octet_status octet_x86_matmul_prepare(const octet_node *n, const octet_tview *in,
                                      const octet_tview *out, int threads, octet_isa isa,
                                      octet_node_kernel *k);

#endif
