/* The x86 GEMM microkernels described for the driver (gemm-kernels-x86.h):
 * tile shapes, packed layouts and block sizes. Float kernels read A in
 * place and keep one K-block of a W panel in L1 while the row tiles of a
 * task stream past it (docs/kernels-f32.md: KC 192 steps of 48 fp32 =
 * 36 KiB; tasks of 16 row tiles x 8 panels); w8a8 kernels quantize each
 * row tile once and sweep 512 KiB of packed panels per row tile, which stay
 * in L2 with the next sweep being prefetched (2 MiB per core on the
 * target; 1 MiB sweeps measured ~4% slower; docs/kernels-qs8.md). */
#include "backends/x86/gemm-kernels-x86.h"

#include "backends/x86/f32-gemm.h"
#include "backends/x86/qs8-gemm.h"
#include "core/quant.h"

#define FLOAT_KERNEL(nm, level, wt, MR, NR, uk, uk32, conv)                                 \
  {.name = nm, .isa = level, .wtype = wt, .amode = OCTET_GEMM_A_DIRECT, .mr = MR, .nr = NR, \
   .kr = 1, .ng = NR, .kalign = 1, .ukernel = uk, .ukernel_f32 = uk32, .convert = conv,      \
   .balanced_tiles = true, .kc_max = 192, .kc_granule = 1, .mc_tiles = 16, .nc_panels = 8}

#define Q8_KERNEL(nm, level, MR, NR, NG, KALIGN, uk, quant, b, e, has_gelu)                  \
  {.name = nm, .isa = level, .wtype = OCTET_GEMM_W_Q8, .amode = OCTET_GEMM_A_Q8, .mr = MR,  \
   .nr = NR, .kr = 4, .ng = NG, .kalign = KALIGN, .ukernel = uk, .quantize = quant,          \
   .begin = b, .end = e, .gelu = has_gelu, .kc_granule = 1, .pblock_bytes = (size_t)512 << 10}

enum { F32_AVX512, F16_AVX512, F32_AVX2, F16_AVX2, F32_SCALAR, F16_SCALAR,
       Q8_AMX, Q8_AVX512VNNI, Q8_AVXVNNI, Q8_AVX2, Q8_SCALAR, N_KERNELS };

static const octet_gemm_kernel kernels[N_KERNELS] = {
    [F32_AVX512] = FLOAT_KERNEL("f32 9x48 avx512", OCTET_ISA_AVX512, OCTET_GEMM_W_F32, 9, 48,
                                octet_f32_gemm_ukernel_9x48__avx512, NULL, NULL),
    [F16_AVX512] = FLOAT_KERNEL("f16w 9x48 avx512", OCTET_ISA_AVX512, OCTET_GEMM_W_F16, 9, 48,
                                octet_f16w_gemm_ukernel_9x48__avx512,
                                octet_f32_gemm_ukernel_9x48__avx512, octet_f16w_convert__avx512),
    [F32_AVX2] = FLOAT_KERNEL("f32 6x16 avx2", OCTET_ISA_AVX2, OCTET_GEMM_W_F32, 6, 16,
                              octet_f32_gemm_ukernel_6x16__avx2, NULL, NULL),
    [F16_AVX2] = FLOAT_KERNEL("f16w 6x16 avx2", OCTET_ISA_AVX2, OCTET_GEMM_W_F16, 6, 16,
                              octet_f16w_gemm_ukernel_6x16__avx2,
                              octet_f32_gemm_ukernel_6x16__avx2, octet_f16w_convert__avx2),
    [F32_SCALAR] = FLOAT_KERNEL("f32 4x8 scalar", OCTET_ISA_REF, OCTET_GEMM_W_F32, 4, 8,
                                octet_f32_gemm_ukernel_4x8__scalar, NULL, NULL),
    [F16_SCALAR] = FLOAT_KERNEL("f16w 4x8 scalar", OCTET_ISA_REF, OCTET_GEMM_W_F16, 4, 8,
                                octet_f16w_gemm_ukernel_4x8__scalar,
                                octet_f32_gemm_ukernel_4x8__scalar, octet_f16w_convert__scalar),
    [Q8_AMX] = Q8_KERNEL("qs8 32x32c4 amx", OCTET_ISA_AMX, 32, 32, 16, 64,
                         octet_qs8_gemm_ukernel_32x32c4__amx, octet_qs8_quantize_rows__avx512,
                         octet_qs8_amx_begin, octet_qs8_amx_end, true),
    [Q8_AVX512VNNI] = Q8_KERNEL("qs8 8x48c4 avx512vnni", OCTET_ISA_AVX512VNNI, 8, 48, 16, 4,
                                octet_qs8_gemm_ukernel_8x48c4__avx512vnni,
                                octet_qs8_quantize_rows__avx512, NULL, NULL, false),
    [Q8_AVXVNNI] = Q8_KERNEL("qs8 6x16c4 avxvnni", OCTET_ISA_AVXVNNI, 6, 16, 8, 4,
                             octet_qs8_gemm_ukernel_6x16c4__avxvnni,
                             octet_qs8_quantize_rows__avx2, NULL, NULL, false),
    [Q8_AVX2] = Q8_KERNEL("qs8 4x8c4 avx2", OCTET_ISA_AVX2, 4, 8, 8, 4,
                          octet_qs8_gemm_ukernel_4x8c4__avx2, octet_qs8_quantize_rows__avx2,
                          NULL, NULL, false),
    [Q8_SCALAR] = Q8_KERNEL("qs8 4x16c4 scalar", OCTET_ISA_REF, 4, 16, 4, 4,
                            octet_qs8_gemm_ukernel_4x16c4__scalar, octet_q8_quantize_rows_u8,
                            NULL, NULL, false),
};

const octet_gemm_kernel *octet_x86_gemm_kernels(size_t *count) {
  *count = N_KERNELS;
  return kernels;
}

/* The kernel index for a type at a level (before checking the CPU). */
static int pick(octet_gemm_wtype t, octet_isa isa) {
  if (t == OCTET_GEMM_W_Q8) {
    switch (isa) {
      case OCTET_ISA_AMX: return Q8_AMX;
      case OCTET_ISA_AVX512VNNI: return Q8_AVX512VNNI;
      case OCTET_ISA_AVXVNNI: return Q8_AVXVNNI;
      case OCTET_ISA_AVX512: /* no VNNI: the exact int16 path */
      case OCTET_ISA_AVX2: return Q8_AVX2;
      default: return Q8_SCALAR;
    }
  }
  const bool f16 = t == OCTET_GEMM_W_F16;
  if (octet_isa_is_avx512(isa)) return f16 ? F16_AVX512 : F32_AVX512;
  if (octet_isa_is_x86(isa)) return f16 ? F16_AVX2 : F32_AVX2;
  return f16 ? F16_SCALAR : F32_SCALAR;
}

const octet_gemm_kernel *octet_x86_gemm_kernel(octet_gemm_wtype t, octet_isa isa) {
  if (t == OCTET_GEMM_W_Q8) return octet_isa_supported(isa) ? &kernels[pick(t, isa)] : NULL;
  /* float: the best the CPU has at or below the level */
  for (int i = pick(t, isa); i <= F16_SCALAR; i += 2)
    if (octet_isa_supported((octet_isa)kernels[i].isa)) return &kernels[i];
  return NULL;
}
