/* Shared by the x86 GEMM families (f32-gemm.h, qs8-gemm.h): the epilogue
 * applied to every output element after accumulation, in this order:
 *   y = acc (+ bias[n]) (+ residual[m*ldr + n]), then act,
 * then `post` in place on each row of the tile just stored (while it is in
 * L1): GELU and the like, with the vector kernels of the Gelu op itself, so
 * the fused result equals the separate op's bit for bit. */
#ifndef OCTET_X86_GEMM_COMMON_H
#define OCTET_X86_GEMM_COMMON_H

#include <stddef.h>
#include <stdint.h>

enum {
  OCTET_GEMM_ACT_NONE = 0,
  OCTET_GEMM_ACT_RELU = 1,
  /* GELU (erf, tanh form): set together with the matching `post`; a
   * kernel that computes it in its epilogue (the same vector code as the
   * Gelu op's, so the same bits) does, the others leave it to `post`. */
  OCTET_GEMM_ACT_GELU = 2,
  OCTET_GEMM_ACT_GELU_TANH = 3
};

#ifndef OCTET_GEMM_EPILOGUE_DEFINED
#define OCTET_GEMM_EPILOGUE_DEFINED
/* y[0:n] = f(x[0:n]) on fp32 (or, for an fp16 output, fp16) elements; x
 * and y may be the same. */
typedef void (*octet_gemm_post_fn)(size_t n, const void *x, void *y);

typedef struct octet_gemm_epilogue {
  const float *bias;     /* [N] or NULL */
  const float *residual; /* [M, ldr] fp32, or NULL; may alias C (same ld) */
  int64_t ldr;           /* row stride of residual, in elements */
  int act;               /* OCTET_GEMM_ACT_*; GELU ones only with post */
  octet_gemm_post_fn post; /* NULL: none; not with a residual */
} octet_gemm_epilogue;
#endif

#endif
