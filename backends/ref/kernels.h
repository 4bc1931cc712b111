/* Building blocks of the ref backend that other kernels reuse so that their
 * results stay those of the ref ops, bit for bit (the fused OctetAttention
 * repeats MatMul and Softmax with them). */
#ifndef OCTET_REF_KERNELS_H
#define OCTET_REF_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

/* C[M, N] = A[M, K] x B[K, N], row-major fp32 with row strides lda, ldb,
 * ldc, with ref MatMul's summation order for every element
 * (backends/ref/linalg.c). */
void octet_ref_matmul_f32(size_t M, size_t N, size_t K, const float *a, size_t lda,
                          const float *b, size_t ldb, float *c, size_t ldc);
/* ref Softmax of one contiguous row of n > 0 elements, float32 or float16
 * (x and y of that dtype), y != x. */
void octet_ref_softmax_row(const void *x, void *y, bool f16, size_t n);

#endif
