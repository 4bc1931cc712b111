/* Shared by the x86 GEMM families (f32-gemm.h, qs8-gemm.h): the epilogue
 * applied to every output element after accumulation, in this order:
 *   y = acc (+ bias[n]) (+ residual[m*ldr + n]), then act.
 * GELU and other non-trivial activations are separate graph steps. */
#ifndef OCTET_X86_GEMM_COMMON_H
#define OCTET_X86_GEMM_COMMON_H

#include <stdint.h>

enum { OCTET_GEMM_ACT_NONE = 0, OCTET_GEMM_ACT_RELU = 1 };

#ifndef OCTET_GEMM_EPILOGUE_DEFINED
#define OCTET_GEMM_EPILOGUE_DEFINED
typedef struct octet_gemm_epilogue {
  const float *bias;     /* [N] or NULL */
  const float *residual; /* [M, ldr] fp32, or NULL; may alias C (same ld) */
  int64_t ldr;           /* row stride of residual, in elements */
  int act;               /* OCTET_GEMM_ACT_NONE or OCTET_GEMM_ACT_RELU */
} octet_gemm_epilogue;
#endif

#endif
