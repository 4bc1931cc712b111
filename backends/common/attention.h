/* The OctetAttention driver (src/ops/attention.c has the op's semantics),
 * shared by the ref, x86 and arm backends: the loops over (batch, head), the
 * gathers of one head's Q, K^T and V into dense fp32 tiles and the scatter
 * of its output are written once; each backend supplies the row kernels
 * through octet_attention_kernels (ref: portable C; x86: AVX2 / AVX-512
 * and arm: NEON kernels that are bit-identical to ref), so all produce the
 * decomposed graph's result bit for bit. */
#ifndef OCTET_COMMON_ATTENTION_H
#define OCTET_COMMON_ATTENTION_H

#include <stddef.h>

#include "backends/backend.h"
#include "core/ir.h"

/* y[i] = x[i] converted (n elements). */
typedef void (*octet_att_cvt_fn)(size_t n, const void *x, void *y);
/* y[i] = a[i] op b[i] (same shape) or a[i] op b[0] (the "c" forms). */
typedef void (*octet_att_binary_fn)(size_t n, const void *a, const void *b, void *y);
/* Softmax of one contiguous row of n > 0 elements (y != x). */
typedef void (*octet_att_softmax_fn)(size_t n, const void *x, void *y);
/* C[M, N] = A[M, K] x B[K, N], fp32 with row strides lda, ldb, ldc, ref's
 * MatMul summation order. */
typedef void (*octet_att_matmul_fn)(size_t M, size_t N, size_t K, const float *a, size_t lda,
                                    const float *b, size_t ldb, float *c, size_t ldc);
/* dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols (fp32). */
typedef void (*octet_att_transpose_fn)(size_t rows, size_t cols, const float *src, size_t lds,
                                       float *dst, size_t ldd);

/* float32 score rows after the first MatMul, in one call: row r (of n > 0
 * elements) is z = x + r * ldx, then z = z * c (scale_op 1) or z / c (2),
 * then z = z + m when mask is not NULL (m = mask + r * ldm: n values when
 * mask_cols, else its first value for every column), and y + r * ldy =
 * softmax(z). Each element must get exactly the operations of mulc / divc,
 * add / addc and softmax run in turn. Optional: NULL runs those three. */
typedef void (*octet_att_softmax_rows_fn)(size_t rows, size_t n, const float *x, size_t ldx,
                                          int scale_op, float c, const float *mask, size_t ldm,
                                          bool mask_cols, float *y, size_t ldy);

/* One set per activation dtype: the binary and softmax kernels read and
 * write that dtype (computing in fp32); cvt converts to and from fp32. */
typedef struct octet_attention_kernels {
  octet_att_matmul_fn matmul;
  octet_att_transpose_fn transpose;
  octet_att_cvt_fn to_f32, from_f32; /* f16 <-> f32; unused for float32 */
  octet_att_binary_fn mulc, divc, add, addc;
  octet_att_softmax_fn softmax;
  octet_att_softmax_rows_fn softmax_rows; /* float32 only; may be NULL */
} octet_attention_kernels;

/* The shapes of one node, from its input views. */
typedef struct octet_attention_dims {
  int64_t B, Sq, Sk, H, D;
  bool f16;
  int scale_op;              /* 0 none, 1 mul, 2 div */
  bool mask;
  int64_t mstride[4];        /* mask strides over [B, H, Sq, Sk] (0: broadcast) */
} octet_attention_dims;

/* Fills d from the node and its inputs (as checked by octet_infer_Attention). */
void octet_attention_dims_of(const octet_node *n, const octet_tview *in, int n_in,
                             octet_attention_dims *d);
/* Bytes of scratch one thread needs. */
size_t octet_attention_scratch_bytes(const octet_attention_dims *d);

/* The portable transpose (any backend's table may use it). */
void octet_attention_transpose_f32(size_t rows, size_t cols, const float *src, size_t lds,
                                   float *dst, size_t ldd);

/* Runs the node: `scratch` holds `threads` blocks of
 * octet_attention_scratch_bytes(d) bytes, 64-byte aligned. */
void octet_attention_run(const octet_attention_dims *d, const octet_attention_kernels *k,
                         const octet_tview *in, int n_in, octet_tview *out, void *scratch,
                         int threads);

/* The node for a vector backend (attention-node.c): supports() declines
 * other ops and nodes whose per-thread scratch would pass 64 MiB (saying
 * why); prepare() allocates the scratch of `threads` threads and runs with
 * the float32 or float16 table (and kernel name) by the node's dtype. */
bool octet_attention_node_supports(const octet_node *n, const octet_tview *in, int n_in,
                                   const octet_plan_ctx *ctx);
octet_status octet_attention_node_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                          int threads, const octet_attention_kernels *f32,
                                          const octet_attention_kernels *f16,
                                          const char *name_f32, const char *name_f16,
                                          octet_node_kernel *k);

#endif
