/* Floating-point GEMM for linear layers: C[M,N] = A[M,K] · W[K,N] + epilogue.
 *
 * A is fp32 row-major (lda). W is packed once, in the layout of the kernel
 * chosen for the ISA, either as fp32 ("f32") or as fp16 rounded to nearest
 * even ("f16w", ~2·K·N bytes; converted back to fp32 with F16C inside the
 * kernels, accumulation is always fp32). C is fp32 or fp16 (out_f16).
 * The packed layout and the microkernel contract: docs/kernels-f32.md. */
#ifndef OCTET_X86_F32_GEMM_H
#define OCTET_X86_F32_GEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"
#include "octet.h"
#include "backends/x86/gemm-common.h"

typedef struct octet_f32_weights octet_f32_weights; /* packed, opaque */

typedef enum { OCTET_WEIGHTS_F32, OCTET_WEIGHTS_F16 } octet_weight_type;

/* Packs w[K, N] (row-major, ONNX MatMul's B) for the best kernel at or below
 * `isa` that the CPU supports. Errors: bad sizes, overflow, no memory. */
octet_status octet_f32_weights_pack(const float *w, int64_t K, int64_t N,
                                    octet_weight_type type, octet_isa isa,
                                    octet_f32_weights **out);
void octet_f32_weights_free(octet_f32_weights *w);
size_t octet_f32_weights_bytes(const octet_f32_weights *w);
/* e.g. "f32 9x48 avx512", "f16w 9x48 avx512". */
const char *octet_f32_kernel_name(const octet_f32_weights *w);
int64_t octet_f32_weights_k(const octet_f32_weights *w);
int64_t octet_f32_weights_n(const octet_f32_weights *w);
/* Scratch that octet_f32_gemm needs for M rows and `threads` threads (call
 * it with the same M and thread count; 0 when none is needed). */
size_t octet_f32_scratch_bytes(const octet_f32_weights *w, int64_t M,
                               int threads);

/* C[m, n] (ldc elements per row; fp16 when out_f16) = act(sum_k A[m,k] W[k,n]
 * + bias[n] + residual[m*ldr + n]). `ep` may be NULL (no epilogue). The
 * residual may alias C when out_f16 is false and ldr == ldc. `scratch` holds
 * at least octet_f32_scratch_bytes(w, M, threads) bytes (any alignment);
 * it may be NULL when that size is 0. Output tiles are shared out over
 * `threads` OpenMP threads; the result does not depend on their number.
 * Allocates nothing. */
octet_status octet_f32_gemm(const octet_f32_weights *w, int64_t M,
                            const float *A, int64_t lda, void *C, int64_t ldc,
                            bool out_f16, const octet_gemm_epilogue *ep,
                            void *scratch, int threads);

/* ---- microkernel contract (see docs/kernels-f32.md) ----------------------
 *
 * One call computes an mr × nr tile (1 <= mr <= MR, 1 <= nr <= NR) over kc:
 *   a    A itself, not packed: row i, step k at a[i*lda + k] (rows >= mr
 *        are never read),
 *   b    a packed W panel: kc steps of NR elements (fp32, or fp16 for f16w
 *        kernels), 64-byte aligned; columns >= nr are zero and may be read,
 *   acc  fp32 partial sums to start from (row stride ld_acc), or NULL (0).
 * With `st` NULL the raw fp32 sums go to `out` (float, row stride ld_out),
 * which is padded so that whole vectors up to NR columns may be written;
 * otherwise `st` is applied and exactly mr × nr elements are written to
 * `out` (fp32 or fp16 per st->out_f16). Strides are in elements. */
typedef struct octet_f32_gemm_store {
  const float *bias;     /* at the tile's first column, or NULL */
  const float *residual; /* at the tile's (m0, n0), or NULL */
  size_t ldr;
  int act;
  bool out_f16;
} octet_f32_gemm_store;

typedef void (*octet_f32_gemm_ukernel_fn)(size_t mr, size_t nr, size_t kc,
                                          const float *a, size_t lda,
                                          const void *b, const float *acc,
                                          size_t ld_acc, void *out,
                                          size_t ld_out,
                                          const octet_f32_gemm_store *st);
/* Converts n fp16 values (a packed panel) to fp32. */
typedef void (*octet_f16w_convert_fn)(size_t n, const uint16_t *src,
                                      float *dst);

void octet_f32_gemm_ukernel_4x8__scalar(size_t mr, size_t nr, size_t kc,
                                        const float *a, size_t lda,
                                        const void *b, const float *acc,
                                        size_t ld_acc, void *out, size_t ld_out,
                                        const octet_f32_gemm_store *st);
void octet_f16w_gemm_ukernel_4x8__scalar(size_t mr, size_t nr, size_t kc,
                                         const float *a, size_t lda,
                                         const void *b, const float *acc,
                                         size_t ld_acc, void *out,
                                         size_t ld_out,
                                         const octet_f32_gemm_store *st);
void octet_f16w_convert__scalar(size_t n, const uint16_t *src, float *dst);

void octet_f32_gemm_ukernel_6x16__avx2(size_t mr, size_t nr, size_t kc,
                                       const float *a, size_t lda,
                                       const void *b, const float *acc,
                                       size_t ld_acc, void *out, size_t ld_out,
                                       const octet_f32_gemm_store *st);
void octet_f16w_gemm_ukernel_6x16__avx2(size_t mr, size_t nr, size_t kc,
                                        const float *a, size_t lda,
                                        const void *b, const float *acc,
                                        size_t ld_acc, void *out, size_t ld_out,
                                        const octet_f32_gemm_store *st);
void octet_f16w_convert__avx2(size_t n, const uint16_t *src, float *dst);

void octet_f32_gemm_ukernel_9x48__avx512(size_t mr, size_t nr, size_t kc,
                                         const float *a, size_t lda,
                                         const void *b, const float *acc,
                                         size_t ld_acc, void *out,
                                         size_t ld_out,
                                         const octet_f32_gemm_store *st);
void octet_f16w_gemm_ukernel_9x48__avx512(size_t mr, size_t nr, size_t kc,
                                          const float *a, size_t lda,
                                          const void *b, const float *acc,
                                          size_t ld_acc, void *out,
                                          size_t ld_out,
                                          const octet_f32_gemm_store *st);
void octet_f16w_convert__avx512(size_t n, const uint16_t *src, float *dst);

/* The kernel table the driver chooses from (also used by tests and bench). */
typedef struct octet_f32_gemm_kernel {
  const char *name; /* "f32 9x48 avx512" */
  octet_isa isa;    /* the CPU level it needs */
  octet_weight_type wtype;
  int mr, nr;
  octet_f32_gemm_ukernel_fn ukernel;     /* reads W as stored */
  octet_f32_gemm_ukernel_fn ukernel_f32; /* f16w: fp32 kernel, same MR×NR,
                                            for panels converted up front */
  octet_f16w_convert_fn convert;         /* f16w only */
} octet_f32_gemm_kernel;

/* All kernels, best first; *count set to their number. */
const octet_f32_gemm_kernel *octet_f32_gemm_kernels(size_t *count);
/* Packs for one given kernel (tests use it to reach every ISA variant). */
octet_status octet_f32_weights_pack_kernel(const float *w, int64_t K, int64_t N,
                                           const octet_f32_gemm_kernel *k,
                                           octet_f32_weights **out);

#endif
