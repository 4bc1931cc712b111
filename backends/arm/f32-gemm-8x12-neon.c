/* f32 8x12 microkernel for any arm64 CPU (armv8-a NEON), the contract of
 * f32-gemm-arm.h; the body is f32-gemm-8x12-neon-impl.h with fp32 weights. */
#include <arm_neon.h>

#define KERNEL_FN octet_f32_gemm_ukernel_8x12__neon
#define B_TYPE float
#define LOAD_B4(p) vld1q_f32(p)
#include "backends/arm/f32-gemm-8x12-neon-impl.h"
