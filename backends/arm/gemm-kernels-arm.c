/* The arm64 GEMM microkernels described for the driver
 * (gemm-kernels-arm.h), and the A packers of the float kernels. Float
 * kernels: tasks of 8 row tiles x 16 panels, k-blocks of at most 256 steps
 * starting at multiples of the f16 kernel's 16-step block (so its fp16
 * sums restart at the same k whatever the blocking); each row tile's
 * k-block is packed once and stays in L1/L2 while the panels stream past.
 * w8a8 kernels: each row tile quantized once, 256 KiB sweeps of packed
 * panels per row tile. Built for baseline armv8-a; the kernels live in
 * their own libraries with their -march and are only chosen where the CPU
 * has what they need. */
#include "backends/arm/gemm-kernels-arm.h"

#include <stdlib.h>
#include <string.h>

#include "backends/arm/f32-gemm-arm.h"
#include "backends/arm/qs8-gemm-arm.h"
#include "core/ir.h"

_Static_assert(256 % OCTET_ARM_F16_KBLOCK == 0, "k-blocks must keep the f16 block");

#define FLOAT_KERNEL(nm, wt, MR, NR, esize, pack, uk)                                     \
  {.name = nm, .isa = OCTET_ISA_NEON, .wtype = wt, .amode = OCTET_GEMM_A_PACKED, .mr = MR, \
   .nr = NR, .kr = 1, .ng = NR, .kalign = 1, .a_esize = esize, .ukernel = uk,              \
   .pack_a = pack, .kc_max = 256, .kc_granule = OCTET_ARM_F16_KBLOCK, .mc_tiles = 8,      \
   .nc_panels = 16}

#define Q8_KERNEL(nm, level, uk)                                                            \
  {.name = nm, .isa = level, .wtype = OCTET_GEMM_W_Q8, .amode = OCTET_GEMM_A_Q8, .mr = 8,   \
   .nr = 8, .kr = 8, .ng = 8, .kalign = 8, .ukernel = uk,                                   \
   .quantize = octet_arm_qs8_quantize_rows__neon, .kc_granule = 1,                          \
   .pblock_bytes = (size_t)256 << 10}

static const octet_gemm_kernel float_kernels[] = {
    [OCTET_ARM_GEMM_F32] = FLOAT_KERNEL("f32 8x12 neon", OCTET_GEMM_W_F32, 8, 12, 4,
                                        octet_arm_pack_a_f32, octet_f32_gemm_ukernel_8x12__neon),
    [OCTET_ARM_GEMM_F16W] = FLOAT_KERNEL("f16w 8x12 neon", OCTET_GEMM_W_F16, 8, 12, 4,
                                         octet_arm_pack_a_f32,
                                         octet_f16w_gemm_ukernel_8x12__neon),
    [OCTET_ARM_GEMM_F16] = FLOAT_KERNEL("f16 8x8 neonfp16arith", OCTET_GEMM_W_F16, 8, 8, 2,
                                        octet_arm_pack_a_f16,
                                        octet_f16_gemm_ukernel_8x8__neonfp16arith),
};

static const octet_gemm_kernel q8_neon =
    Q8_KERNEL("qs8 8x8c8 neon", OCTET_ISA_NEON, octet_qs8_gemm_ukernel_8x8c8__neon);
static const octet_gemm_kernel q8_dotprod =
    Q8_KERNEL("qs8 8x8c8 dotprod", OCTET_ISA_DOTPROD, octet_qs8_gemm_ukernel_8x8c8__dotprod);
static const octet_gemm_kernel q8_i8mm =
    Q8_KERNEL("qs8 8x8c8 i8mm", OCTET_ISA_I8MM, octet_qs8_gemm_ukernel_8x8c8__i8mm);

const octet_gemm_kernel *octet_arm_gemm_float_kernel(octet_arm_gemm_family family) {
  return family <= OCTET_ARM_GEMM_F16 ? &float_kernels[family] : NULL;
}

const octet_gemm_kernel *octet_arm_gemm_q8_kernel(octet_isa isa) {
  return isa == OCTET_ISA_I8MM ? &q8_i8mm : isa == OCTET_ISA_DOTPROD ? &q8_dotprod : &q8_neon;
}

bool octet_arm_fp16_arith(void) {
  const octet_cpu_features *f = octet_cpu();
  const char *env = getenv("OCTET_FP16_ARITH");
  return f->fphp && f->asimdhp && !(env && strcmp(env, "0") == 0);
}

void octet_arm_pack_a_f32(const void *a, bool a_f16, size_t lda, size_t rows, size_t kc,
                          size_t mr_full, void *dst) {
  float *d = dst;
  for (size_t r = 0; r < mr_full; r++) {
    if (r >= rows) {
      for (size_t k = 0; k < kc; k++) d[k * mr_full + r] = 0.0f;
    } else if (a_f16) {
      const uint16_t *s = (const uint16_t *)a + r * lda;
      for (size_t k = 0; k < kc; k++) d[k * mr_full + r] = octet_fp16_to_fp32(s[k]);
    } else {
      const float *s = (const float *)a + r * lda;
      for (size_t k = 0; k < kc; k++) d[k * mr_full + r] = s[k];
    }
  }
}

void octet_arm_pack_a_f16(const void *a, bool a_f16, size_t lda, size_t rows, size_t kc,
                          size_t mr_full, void *dst) {
  uint16_t *d = dst;
  for (size_t r = 0; r < mr_full; r++) {
    if (r >= rows) {
      for (size_t k = 0; k < kc; k++) d[k * mr_full + r] = 0;
    } else if (a_f16) {
      const uint16_t *s = (const uint16_t *)a + r * lda;
      for (size_t k = 0; k < kc; k++) d[k * mr_full + r] = s[k];
    } else {
      const float *s = (const float *)a + r * lda;
      for (size_t k = 0; k < kc; k++) d[k * mr_full + r] = octet_fp32_to_fp16(s[k]);
    }
  }
}
