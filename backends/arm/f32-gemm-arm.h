/* Floating-point GEMM for linear layers on arm64, in the BLIS split:
 *   C[M, N] = epilogue(A[M, K] x W[K, N])
 * W is packed once (at session creation) into panels of NR columns; the
 * driver (f32-gemm-arm.c) cuts the work into tasks of row blocks x column
 * blocks shared out over OpenMP threads, packs the task's A block into
 * per-thread scratch one k-block at a time, and calls an MR x NR
 * microkernel per tile; edge tiles (mr < MR, nr < NR) are handled inside
 * the microkernel. Nothing is allocated at run time.
 *
 * Three kernel families, one file each:
 *
 *   f32 8x12 neon           W fp32, A fp32: vfmaq_laneq_f32 (armv8-a)
 *   f16w 8x12 neon          W stored fp16 and widened with vcvt_f32_f16 in
 *                           the kernel, A fp32 (fp16 activations are widened
 *                           while packing): the "convert, then fp32 FMA"
 *                           path for CPUs without fp16 arithmetic
 *   f16 8x8 neonfp16arith   W and A fp16, vfmaq_laneq_f16 into fp16 sums
 *                           over k-blocks of OCTET_ARM_F16_KBLOCK steps, each
 *                           block added into fp32 sums (armv8.2-a+fp16;
 *                           CPUs with FPHP and ASIMDHP). Error bound:
 *                           docs/arm64.md.
 *
 * Packed layouts (elements, row-major inside a block):
 *   W: npanels panels; panel p = K rows of NR values (columns p*NR ..
 *      p*NR+NR-1, zero past N), fp32 or fp16.
 *   A: per tile of MR rows, kc columns of MR values (row r of the tile at
 *      offset r; rows past the edge are zero), fp32 (or fp16 for f16).
 *
 * Results are deterministic: every output element is one chain of FMAs in
 * k order (f32, f16w), or of fp16 FMAs restarted every OCTET_ARM_F16_KBLOCK
 * steps and added into fp32 in k order (f16); the thread count never
 * changes the order. The epilogue is ref's: y = acc; y = y + bias[n];
 * relu; then (on the stored row) GELU; then y = y + residual[m, n]. */
#ifndef OCTET_ARM_F32_GEMM_H
#define OCTET_ARM_F32_GEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "octet.h"

/* fp16 sums in the f16 kernel restart every this many k steps. */
#define OCTET_ARM_F16_KBLOCK 16

/* The tile epilogue of the last k-block. */
typedef struct octet_arm_gemm_store {
  const float *bias;     /* at the tile's first column, or NULL */
  const float *residual; /* fp32, at the tile's (m0, n0), or NULL */
  size_t ldr;            /* residual row stride (elements) */
  bool relu;
  bool out_f16;          /* out holds fp16 (else fp32) */
} octet_arm_gemm_store;

/* One mr x nr tile (1 <= mr <= MR, 1 <= nr <= NR) over kc steps:
 *   pa   packed A tile (kc x MR, fp32; fp16 for f16 kernels),
 *   pb   packed W panel at the block's first k (kc x NR, fp32 or fp16),
 *   acc  fp32 partial sums to continue from (a full MR x NR tile, row stride
 *        ld_acc), or NULL to start from zero.
 * With st NULL the raw sums of the full MR x NR tile go to out (fp32, row
 * stride ld_out); otherwise st is applied and exactly mr x nr elements are
 * written to out (fp32 or fp16, row stride ld_out). */
typedef void (*octet_arm_gemm_ukernel_fn)(size_t mr, size_t nr, size_t kc, const void *pa,
                                          const void *pb, const float *acc, size_t ld_acc,
                                          void *out, size_t ld_out,
                                          const octet_arm_gemm_store *st);

void octet_f32_gemm_ukernel_8x12__neon(size_t mr, size_t nr, size_t kc, const void *pa,
                                       const void *pb, const float *acc, size_t ld_acc,
                                       void *out, size_t ld_out, const octet_arm_gemm_store *st);
void octet_f16w_gemm_ukernel_8x12__neon(size_t mr, size_t nr, size_t kc, const void *pa,
                                        const void *pb, const float *acc, size_t ld_acc,
                                        void *out, size_t ld_out,
                                        const octet_arm_gemm_store *st);
void octet_f16_gemm_ukernel_8x8__neonfp16arith(size_t mr, size_t nr, size_t kc, const void *pa,
                                               const void *pb, const float *acc, size_t ld_acc,
                                               void *out, size_t ld_out,
                                               const octet_arm_gemm_store *st);

typedef enum octet_arm_gemm_family {
  OCTET_ARM_GEMM_F32,  /* W fp32, A packed fp32 */
  OCTET_ARM_GEMM_F16W, /* W fp16, A packed fp32 */
  OCTET_ARM_GEMM_F16,  /* W fp16, A packed fp16, fp16 arithmetic */
} octet_arm_gemm_family;

typedef struct octet_arm_gemm_kernel {
  const char *name; /* "f32 8x12 neon" */
  octet_arm_gemm_family family;
  int mr, nr;
  octet_arm_gemm_ukernel_fn ukernel;
} octet_arm_gemm_kernel;

const octet_arm_gemm_kernel *octet_arm_gemm_kernel_get(octet_arm_gemm_family family);
/* Whether the f16 kernel may run: the CPU has FPHP and ASIMDHP and the
 * environment does not say OCTET_FP16_ARITH=0 (read at each call, so tests
 * can switch between sessions). */
bool octet_arm_fp16_arith(void);

typedef struct octet_arm_gemm_weights octet_arm_gemm_weights;

/* Packs W[K, N] (row-major; fp32, or fp16 bits when w_f16) for `family`.
 * F16W and F16 store fp16 (fp32 weights rounded to nearest even). */
octet_status octet_arm_gemm_pack(const void *w, bool w_f16, int64_t K, int64_t N,
                                 octet_arm_gemm_family family, octet_arm_gemm_weights **out);
void octet_arm_gemm_free(octet_arm_gemm_weights *w);
size_t octet_arm_gemm_bytes(const octet_arm_gemm_weights *w);
const char *octet_arm_gemm_kernel_name(const octet_arm_gemm_weights *w);
/* Scratch for octet_arm_gemm with up to M rows and `threads` threads. */
size_t octet_arm_gemm_scratch_bytes(const octet_arm_gemm_weights *w, int64_t M, int threads);

typedef struct octet_arm_gemm_epilogue {
  const float *bias;     /* [N] or NULL */
  const float *residual; /* fp32 [M, ldr] or NULL (fp32 output only) */
  int64_t ldr;
  bool relu;
  void (*post)(size_t n, const void *x, void *y); /* on each stored row, or NULL */
} octet_arm_gemm_epilogue;

/* C (fp32 or fp16 per c_f16, row stride ldc) = epilogue(A x W); A is fp32
 * or fp16 (a_f16, row stride lda; the F16 family wants fp16). scratch holds
 * octet_arm_gemm_scratch_bytes(w, M', threads') bytes for some M' >= M and
 * threads' >= threads. Allocates nothing. */
octet_status octet_arm_gemm(const octet_arm_gemm_weights *w, int64_t M, const void *A,
                            bool a_f16, int64_t lda, void *C, bool c_f16, int64_t ldc,
                            const octet_arm_gemm_epilogue *ep, void *scratch, int threads);

#endif
