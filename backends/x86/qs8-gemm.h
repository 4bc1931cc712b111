/* w8a8 ("qs8") GEMM: C[M,N] = epilogue(dequant(qa[M,K] x qw[K,N])).
 *
 * int8 activations (quantized per row, dynamically, at every call) times
 * int8 weights (quantized per output column, once, at packing) accumulate
 * exactly in int32; the fp32 epilogue is the same sequence of operations on
 * every ISA, so all kernels give bit-identical outputs. The scalar versions
 * below define the semantics (docs/kernels-qs8.md has the details, the packed
 * layout and the microkernel contract):
 *
 *   weights, per column n:  sw[n] = max_k |W[k,n]| / 127   (0 -> 1, q = 0)
 *                           qw[k,n] = clamp(nearbyintf(W[k,n] / sw[n]), +-127)
 *   activations, per row m: amax = max_k |A[m,k]|          (NaNs ignored)
 *                           sa[m] = amax / 127, inv = 127 / amax
 *                           (amax == 0 or inv overflows -> sa = 1, inv = 0)
 *                           qa[m,k] = clamp(nearbyintf(A[m,k] * inv), +-127)
 *                           (NaN -> -127; stored as u8 = qa + 128)
 *   acc[m,n] = sum_k qa[m,k] * qw[k,n]                      (exact int32)
 *   y = (float)acc; y = y * sa[m]; y = y * sw[n]; y = y + bias[n];
 *   y = y + residual[m*ldr + n]; relu: y = y > 0 ? y : 0   (no FMA)
 *   GELU (erf or tanh form): vm_gelu / vm_gelu_tanh of core/vmath.h, in the
 *   kernel's epilogue (AMX) or by the driver's `post` on each stored row
 */
#ifndef OCTET_X86_QS8_GEMM_H
#define OCTET_X86_QS8_GEMM_H

#include <float.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"
#include "octet.h"
#include "backends/x86/gemm-common.h"

/* ---- public API ------------------------------------------------------------ */

typedef struct octet_qs8_weights octet_qs8_weights; /* packed, opaque */

/* Largest K: 127 * 127 * K must fit in int32. */
#define OCTET_QS8_MAX_K 131072

/* Quantizes and packs W (fp32 [K, N], row-major, ONNX MatMul's B) for the
 * kernel that `isa` selects (usually octet_isa_active()). K <= OCTET_QS8_MAX_K;
 * OCTET_ERR_UNSUPPORTED when the CPU lacks `isa`. */
octet_status octet_qs8_weights_pack(const float *w, int64_t K, int64_t N,
                                    octet_isa isa, octet_qs8_weights **out);
void octet_qs8_weights_free(octet_qs8_weights *w);
/* Memory held by the packed weights: K*N bytes + 8 bytes per column + padding. */
size_t octet_qs8_weights_bytes(const octet_qs8_weights *w);
/* e.g. "qs8 8x48c4 avx512vnni" */
const char *octet_qs8_kernel_name(const octet_qs8_weights *w);
int64_t octet_qs8_weights_k(const octet_qs8_weights *w);
int64_t octet_qs8_weights_n(const octet_qs8_weights *w);

/* Scratch for octet_qs8_gemm with M rows and up to `threads` threads
 * (quantized activations and row scales); 0 when M == 0. */
size_t octet_qs8_scratch_bytes(const octet_qs8_weights *w, int64_t M,
                               int threads);

/* C[m, n] (row stride ldc) for A fp32 [M, K] (row stride lda). `ep` may be
 * NULL (no bias, no residual, no activation). `scratch` holds at least
 * octet_qs8_scratch_bytes(w, M, t) bytes for some t >= threads, aligned to 64
 * bytes is best. A must not overlap C; the residual may be C itself (then
 * ldr == ldc). Allocates nothing. */
octet_status octet_qs8_gemm(const octet_qs8_weights *w, int64_t M,
                            const float *A, int64_t lda, float *C, int64_t ldc,
                            const octet_gemm_epilogue *ep, void *scratch,
                            int threads);

/* ---- scalar reference (tests, the ref backend) ------------------------------ */

/* Quantizes W column-wise: q [K, N] int8 row-major, scale [N]. */
void octet_qs8_quantize_weights_scalar(const float *w, size_t K, size_t N,
                                       int8_t *q, float *scale);
/* The whole w8a8 GEMM in plain C straight from fp32 W: the oracle. Allocates
 * its temporaries (OCTET_ERR_NO_MEMORY on failure). */
octet_status octet_qs8_gemm_scalar(const float *w, int64_t K, int64_t N,
                                   int64_t M, const float *A, int64_t lda,
                                   float *C, int64_t ldc,
                                   const octet_gemm_epilogue *ep);

/* ---- activation quantization kernels ---------------------------------------
 * Rows m < M of A (stride lda floats) -> q (stride ldq bytes) as u8 = qa + 128,
 * bytes [K, round_up(K, 4)) of each row set to 128 (qa = 0); scale[m] = sa[m].
 * ldq >= round_up(K, 4). Bit-identical across versions. */
typedef void (*octet_qs8_quantize_fn)(const float *a, size_t M, size_t K,
                                      size_t lda, uint8_t *q, size_t ldq,
                                      float *scale);
void octet_qs8_quantize_rows_scalar(const float *a, size_t M, size_t K,
                                    size_t lda, uint8_t *q, size_t ldq,
                                    float *scale);
void octet_qs8_quantize_rows__avx2(const float *a, size_t M, size_t K,
                                   size_t lda, uint8_t *q, size_t ldq,
                                   float *scale);
void octet_qs8_quantize_rows__avx512(const float *a, size_t M, size_t K,
                                     size_t lda, uint8_t *q, size_t ldq,
                                     float *scale);

/* The per-row scale and reciprocal from amax, shared by every version so the
 * two fp32 divisions are the same everywhere. */
static inline void octet_qs8_row_scale(float amax, float *scale, float *inv) {
  float s = amax / 127.0f, r = 127.0f / amax;
  if (amax == 0.0f || r > FLT_MAX) {
    s = 1.0f;
    r = 0.0f;
  }
  *scale = s;
  *inv = r;
}

/* ---- microkernel contract ----------------------------------------------------
 * Computes the tile C[0:mr, 0:nr] (mr <= MR, 1 <= nr <= NR) with the full
 * epilogue.
 *   a:     mr rows of quantized activations (u8, row stride lda bytes),
 *          kp = round_up(K, kalign) bytes each (bytes from round_up(K, 4)
 *          on may hold anything: their weights are zero);
 *   w:     one packed panel of np = min(NR, round_up(nr, NG)) columns:
 *            int32 comp[np]    -128 * sum_k qw[k, n]   (the u8 offset)
 *            float scale[np]   sw[n]
 *            int8  q[kp/4][np][4]   4 consecutive k of one column together
 *   p:     scale_a[mr] per row; bias (at column n0) or NULL; residual (at
 *          row m0, column n0; stride ldr) or NULL; act; a prefetch hint: the
 *          kernel may prefetch (into L2) the bytes at prefetch + i *
 *          prefetch_step for i < kp / 4 (the driver points it at the fp32
 *          activations of the next row tile; step 0 = one harmless line).
 * Padded columns (nr..np) and k (K..kp) hold zero weights. */
typedef struct octet_qs8_ukernel_params {
  const float *scale_a;
  const float *bias;
  const float *residual;
  size_t ldr;
  int act;
  const char *prefetch;
  size_t prefetch_step;
} octet_qs8_ukernel_params;

typedef void (*octet_qs8_ukernel_fn)(size_t mr, size_t nr, size_t kp,
                                     const uint8_t *a, size_t lda,
                                     const int8_t *w, float *c, size_t ldc,
                                     const octet_qs8_ukernel_params *p);

void octet_qs8_gemm_ukernel_4x16c4__scalar(size_t mr, size_t nr, size_t kp,
                                           const uint8_t *a, size_t lda,
                                           const int8_t *w, float *c,
                                           size_t ldc,
                                           const octet_qs8_ukernel_params *p);
void octet_qs8_gemm_ukernel_4x8c4__avx2(size_t mr, size_t nr, size_t kp,
                                        const uint8_t *a, size_t lda,
                                        const int8_t *w, float *c, size_t ldc,
                                        const octet_qs8_ukernel_params *p);
void octet_qs8_gemm_ukernel_6x16c4__avxvnni(size_t mr, size_t nr, size_t kp,
                                            const uint8_t *a, size_t lda,
                                            const int8_t *w, float *c,
                                            size_t ldc,
                                            const octet_qs8_ukernel_params *p);
void octet_qs8_gemm_ukernel_8x48c4__avx512vnni(
    size_t mr, size_t nr, size_t kp, const uint8_t *a, size_t lda,
    const int8_t *w, float *c, size_t ldc, const octet_qs8_ukernel_params *p);
/* AMX: kp a multiple of 64; runs between octet_qs8_amx_begin() (loads the
 * tile configuration of the calling thread) and octet_qs8_amx_end(). */
void octet_qs8_gemm_ukernel_32x32c4__amx(
    size_t mr, size_t nr, size_t kp, const uint8_t *a, size_t lda,
    const int8_t *w, float *c, size_t ldc, const octet_qs8_ukernel_params *p);
void octet_qs8_amx_begin(void);
void octet_qs8_amx_end(void);

/* A kernel and how to pack for it; one entry per ISA. */
typedef struct octet_qs8_kernel {
  const char *name;
  octet_isa isa;            /* the level the CPU needs */
  int mr, nr, ng;           /* tile rows, panel columns, column granule */
  octet_qs8_ukernel_fn gemm;
  octet_qs8_quantize_fn quantize;
  int kalign;               /* kp = round_up(K, kalign) (4 or 64) */
  /* Per-thread set-up before its first microkernel call of a GEMM, and
   * tear-down after its last (AMX tile configuration); NULL: none. */
  void (*begin)(void);
  void (*end)(void);
  bool gelu;                /* its epilogue computes OCTET_GEMM_ACT_GELU* */
} octet_qs8_kernel;

/* The kernel used for `isa` (always non-NULL: the scalar one below AVX2). */
const octet_qs8_kernel *octet_qs8_kernel_for(octet_isa isa);

#endif
