/* The arm64 GEMM kernels as the driver (backends/common/gemm.h) sees them. */
#ifndef OCTET_ARM_GEMM_KERNELS_H
#define OCTET_ARM_GEMM_KERNELS_H

#include <stdbool.h>

#include "backends/common/gemm.h"
#include "core/cpu.h"

typedef enum octet_arm_gemm_family {
  OCTET_ARM_GEMM_F32,  /* f32 8x12 neon: W fp32, A packed fp32 */
  OCTET_ARM_GEMM_F16W, /* f16w 8x12 neon: W fp16, A packed fp32 */
  OCTET_ARM_GEMM_F16,  /* f16 8x8 neonfp16arith: W and A fp16, fp16 arithmetic */
} octet_arm_gemm_family;

/* The float kernel of a family (always one: the f16 one needs
 * octet_arm_fp16_arith() to run). */
const octet_gemm_kernel *octet_arm_gemm_float_kernel(octet_arm_gemm_family family);
/* The w8a8 kernel of an arm level: i8mm, dotprod, else plain NEON. */
const octet_gemm_kernel *octet_arm_gemm_q8_kernel(octet_isa isa);
/* Whether the f16 kernel may run: the CPU has FPHP and ASIMDHP and the
 * environment does not say OCTET_FP16_ARITH=0 (read at each call, so tests
 * can switch between sessions). */
bool octet_arm_fp16_arith(void);

#endif
