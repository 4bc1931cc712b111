/* f16w 8x12 microkernel for any arm64 CPU (armv8-a NEON), the contract of
 * f32-gemm-arm.h: W is stored fp16 (half the memory) and each k step's 12
 * values are widened exactly with vcvt_f32_f16 (FCVTL, baseline armv8-a);
 * A is packed fp32 and the sums are fp32 FMAs, as in f32 8x12 (the same
 * body, f32-gemm-8x12-neon-impl.h), so the result equals f32 8x12 on the
 * same (fp16-representable) weights bit for bit. The fp16 path of CPUs
 * without fp16 arithmetic. */
#include <arm_neon.h>
#include <stdint.h>

static inline float32x4_t widen4(const uint16_t *p) {
  return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
}

#define KERNEL_FN octet_f16w_gemm_ukernel_8x12__neon
#define B_TYPE uint16_t
#define LOAD_B4(p) widen4(p)
#include "backends/arm/f32-gemm-8x12-neon-impl.h"
