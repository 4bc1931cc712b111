/* Picks the row-epilogue kernels once per call site from the active ISA. */
#include "backends/common/linear-epilogue.h"

#include "core/cpu.h"
#include "octet-config.h"

static octet_linear_post_fn scalar_post(int act, bool f16) {
  if (act == 2) return f16 ? octet_linear_gelu_f16_scalar : octet_linear_gelu_f32_scalar;
  if (act == 3) return f16 ? octet_linear_gelutanh_f16_scalar : octet_linear_gelutanh_f32_scalar;
  return NULL;
}

#if OCTET_HAVE_X86
#include "backends/x86/vec-ukernels.h"

static octet_linear_post_fn best_post(int act, bool f16) {
  octet_isa isa = octet_isa_active();
  bool w = octet_isa_is_avx512(isa);
  if (!octet_isa_is_x86(isa)) return scalar_post(act, f16);
  if (act == 2)
    return f16 ? (w ? octet_f16_vgelu_ukernel__avx512 : octet_f16_vgelu_ukernel__avx2)
               : (w ? octet_f32_vgelu_ukernel__avx512 : octet_f32_vgelu_ukernel__avx2);
  if (act == 3)
    return f16 ? (w ? octet_f16_vgelutanh_ukernel__avx512 : octet_f16_vgelutanh_ukernel__avx2)
               : (w ? octet_f32_vgelutanh_ukernel__avx512 : octet_f32_vgelutanh_ukernel__avx2);
  return NULL;
}

static const octet_linear_epilogue_kernels *best(void) {
  octet_isa isa = octet_isa_active();
  return octet_isa_is_avx512(isa) ? &octet_linear_epilogue_avx512 : &octet_linear_epilogue_scalar;
}
#elif OCTET_HAVE_ARM64
#include "backends/arm/vec-ukernels-neon.h"

/* NEON is baseline on arm64: the Gelu op's own kernels (bit-identical to
 * the scalar ones), except at OCTET_ISA=ref. */
static octet_linear_post_fn best_post(int act, bool f16) {
  if (octet_isa_active() == OCTET_ISA_REF) return scalar_post(act, f16);
  if (act == 2) return f16 ? octet_f16_vgelu_ukernel__neon : octet_f32_vgelu_ukernel__neon;
  if (act == 3) return f16 ? octet_f16_vgelutanh_ukernel__neon : octet_f32_vgelutanh_ukernel__neon;
  return NULL;
}

static const octet_linear_epilogue_kernels *best(void) { return &octet_linear_epilogue_scalar; }
#else
static octet_linear_post_fn best_post(int act, bool f16) { return scalar_post(act, f16); }

static const octet_linear_epilogue_kernels *best(void) { return &octet_linear_epilogue_scalar; }
#endif

octet_linear_post_fn octet_linear_post_select(int act, bool f16) { return best_post(act, f16); }

const octet_linear_epilogue_kernels *octet_linear_epilogue_select(void) { return best(); }
