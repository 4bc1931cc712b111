/* The one blocked GEMM driver of octet's linear layers, for every ISA:
 *
 *   C[M, N] = epilogue(A[M, K] x W[K, N])
 *
 * in the BLIS split: weight packing, blocking, threads and edge handling
 * are written once here (gemm.c, gemm-pack.c, portable C built without -m
 * flags); an ISA contributes only a microkernel and its descriptor
 * (octet_gemm_kernel: tile shape, packed layout, how A reaches the kernel,
 * block sizes), filled in its own folder (backends/x86/gemm-kernels-x86.c,
 * backends/arm/gemm-kernels-arm.c). docs/gemm.md has the loops and layouts.
 *
 * Three weight types:
 *   F32  W fp32, fp32 FMA;
 *   F16  W stored fp16 (rounded to nearest even), fp32 or fp16 arithmetic
 *        as the kernel says; accumulation fp32;
 *   Q8   W int8 per output column and A int8 per row by the rules of
 *        core/quant.h, exact int32 sums, the fp32 epilogue in the kernel:
 *        every Q8 kernel gives the same bits.
 *
 * Packed W: panels of NR columns (zero past N).
 *   F32 / F16: panel p holds K rows of NR values; stride K * NR elements.
 *   Q8: panel p = int32 comp[np] (-128 * sum_k qw[k, n]: the u8 offset's
 *       compensation, core/quant.h), float scale[np] (sw[n]), then
 *       int8 q[kp / KR][np][KR] (KR consecutive k of one column together),
 *       np = NR except the last panel, round_up(columns, NG); kp = K
 *       rounded up to KALIGN (zero weights past K); panel stride
 *       NR * 8 + kp * NR bytes. */
#ifndef OCTET_GEMM_H
#define OCTET_GEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/linear.h"
#include "octet.h"

typedef enum octet_gemm_wtype {
  OCTET_GEMM_W_F32,
  OCTET_GEMM_W_F16,
  OCTET_GEMM_W_Q8,
} octet_gemm_wtype;

/* How A reaches the microkernel. */
typedef enum octet_gemm_amode {
  OCTET_GEMM_A_DIRECT, /* fp32 A read in place: row i, step k at a[i * lda + k] */
  OCTET_GEMM_A_PACKED, /* each row tile's k-block packed by pack_a: kc steps
                          of MR values (lda is MR) */
  OCTET_GEMM_A_Q8,     /* each row tile's rows quantized once by quantize
                          (kp bytes each, row stride lda bytes) */
} octet_gemm_amode;

/* The epilogue of a tile's last k-block (the microkernel applies it). */
typedef struct octet_gemm_params {
  const float *scale_a;  /* Q8: the tile's per-row activation scales */
  const float *bias;     /* at the tile's first column, or NULL */
  const float *residual; /* at the tile's (m0, n0), or NULL */
  size_t ldr;            /* residual row stride, elements */
  octet_act act;         /* NONE or RELU; GELU forms only for kernels with `gelu` */
  bool out_f16;          /* out holds fp16 (float kernels) */
  /* Q8: a prefetch hint: the kernel may prefetch (into L2) the bytes at
   * prefetch + i * prefetch_step for i < kp / KR (step 0: one harmless
   * line) */
  const char *prefetch;
  size_t prefetch_step;
} octet_gemm_params;

/* One mr x nr tile (1 <= mr <= MR, 1 <= nr <= NR) over kc steps:
 *   a    A as the kernel's amode says;
 *   w    F32 / F16: the packed panel at the block's first k (kc x NR);
 *        Q8: the whole panel (header included; kc is kp);
 *   acc  fp32 partial sums to start from (a full tile, row stride ld_acc),
 *        or NULL (zero). Q8 kernels always get NULL.
 * With p NULL the raw fp32 sums of the whole MR x NR tile go to out (row
 * stride ld_out); otherwise the epilogue p is applied and exactly mr x nr
 * elements are written (fp32, or fp16 per p->out_f16). Strides in
 * elements (bytes for Q8 activations). */
typedef void (*octet_gemm_ukernel_fn)(size_t mr, size_t nr, size_t kc, const void *a,
                                      size_t lda, const void *w, const float *acc,
                                      size_t ld_acc, void *out, size_t ld_out,
                                      const octet_gemm_params *p);
/* n fp16 values (a packed panel block) to fp32. */
typedef void (*octet_gemm_convert_fn)(size_t n, const uint16_t *src, float *dst);
/* Rows [0, rows) of A (fp32, or fp16 when a_f16; row stride lda elements,
 * at the block's first k) -> dst: kc steps of mr_full values (row r of the
 * tile at offset r), rows past `rows` zero. */
typedef void (*octet_gemm_pack_a_fn)(const void *a, bool a_f16, size_t lda, size_t rows,
                                     size_t kc, size_t mr_full, void *dst);
/* Rows m < M of a (fp32, stride lda) -> q (stride ldq bytes, at least kp)
 * in the kernel's int8 form, scale[m] per row (core/quant.h's rules). */
typedef void (*octet_gemm_quantize_fn)(const float *a, size_t M, size_t K, size_t lda,
                                       void *q, size_t ldq, float *scale);
/* y[0:n] = f(x[0:n]) in place on a stored output row (fp32 or fp16): GELU. */
typedef void (*octet_gemm_post_fn)(size_t n, const void *x, void *y);

/* A microkernel and everything the driver needs to feed it. */
typedef struct octet_gemm_kernel {
  const char *name;          /* "qs8 8x48c4 avx512vnni", "f32 8x12 neon" */
  int isa;                   /* the octet_isa level the CPU needs */
  octet_gemm_wtype wtype;
  octet_gemm_amode amode;
  int mr, nr;
  int kr, ng, kalign;        /* Q8 layout (above); 1 for float kernels */
  size_t a_esize;            /* A_PACKED: bytes per packed A value */
  octet_gemm_ukernel_fn ukernel;
  /* F16 kernels that widen W themselves may also have the fp32 kernel of
   * the same tile and a panel widener: with two row tiles or more per
   * task the driver widens each kc x NR panel block once and runs that. */
  octet_gemm_ukernel_fn ukernel_f32;
  octet_gemm_convert_fn convert;
  octet_gemm_pack_a_fn pack_a;      /* A_PACKED */
  octet_gemm_quantize_fn quantize;  /* A_Q8 */
  /* per task, before its first and after its last microkernel call (AMX
   * tile configuration); NULL: none */
  void (*begin)(void);
  void (*end)(void);
  bool gelu;                 /* the epilogue computes OCTET_ACT_GELU* itself */
  bool balanced_tiles;       /* row tiles of balanced heights, else MR rows
                                and one shorter last tile */
  /* blocking */
  int kc_max;                /* steps per k-block (0: all of K in one call) */
  int kc_granule;            /* k-blocks start at multiples of this */
  int mc_tiles;              /* row tiles per task at most (0: no bound) */
  int nc_panels;             /* panels per task at most (0: no bound) */
  size_t pblock_bytes;       /* packed panels swept per row tile while they
                                stay in L2 (0: one panel at a time) */
} octet_gemm_kernel;

typedef struct octet_gemm_weights octet_gemm_weights; /* packed, opaque */

/* Packs W [K, N] (row-major, ONNX MatMul's B; fp32, or fp16 bits when
 * w_f16, which Q8 does not take) for kernel k; Q8 quantizes it first. K or
 * N may be 0 (an empty sum: C is the epilogue alone; no columns). Errors:
 * bad sizes, overflow, no memory. */
octet_status octet_gemm_pack(const octet_gemm_kernel *k, const void *w, bool w_f16, int64_t K,
                             int64_t N, octet_gemm_weights **out);
void octet_gemm_weights_free(octet_gemm_weights *w);
/* The packed bytes (panels, for Q8 with their headers). */
size_t octet_gemm_weights_bytes(const octet_gemm_weights *w);
const octet_gemm_kernel *octet_gemm_weights_kernel(const octet_gemm_weights *w);
int64_t octet_gemm_weights_k(const octet_gemm_weights *w);
int64_t octet_gemm_weights_n(const octet_gemm_weights *w);

/* Scratch that octet_gemm needs for up to M rows and up to `threads`
 * threads (0 when none). */
size_t octet_gemm_scratch_bytes(const octet_gemm_weights *w, int64_t M, int threads);

typedef struct octet_gemm_epilogue {
  const float *bias;     /* [N] or NULL */
  const float *residual; /* fp32 [M, ldr] or NULL; may be C itself (ldr == ldc) */
  int64_t ldr;           /* residual row stride, elements */
  octet_act act;         /* GELU forms only together with post */
  octet_gemm_post_fn post; /* on each stored row, or NULL; not with a residual */
} octet_gemm_epilogue;

/* C (row stride ldc; fp16 when c_f16, which Q8 does not take) =
 * epilogue(A x W) for A [M, K] (row stride lda; fp16 when a_f16, which
 * only A_PACKED kernels take). `ep` may be NULL. `scratch` holds
 * octet_gemm_scratch_bytes(w, M', t) bytes for some M' >= M and t >=
 * threads (any alignment; NULL when that is 0). Output tiles are shared out
 * over `threads` OpenMP threads; the result does not depend on their
 * number. A must not overlap C. Allocates nothing. */
octet_status octet_gemm(const octet_gemm_weights *w, int64_t M, const void *A, bool a_f16,
                        int64_t lda, void *C, bool c_f16, int64_t ldc,
                        const octet_gemm_epilogue *ep, void *scratch, int threads);

#endif
