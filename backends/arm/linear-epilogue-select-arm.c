/* The row epilogues (backends/common/linear-epilogue.h) on arm64: the
 * portable set, and GELU rows from the Gelu op's NEON kernels (NEON is
 * baseline; bit-identical to the scalar ones) except at OCTET_ISA=ref. */
#include "backends/arm/vec-ukernels-neon.h"
#include "backends/common/linear-epilogue.h"
#include "core/cpu.h"

const octet_linear_epilogue_kernels *octet_linear_epilogue_select(void) {
  return &octet_linear_epilogue_scalar;
}

octet_linear_post_fn octet_linear_post_select(octet_act act, bool f16) {
  if (octet_isa_active() == OCTET_ISA_REF) return octet_linear_post_scalar(act, f16);
  if (act == OCTET_ACT_GELU) return f16 ? octet_f16_vgelu_ukernel__neon : octet_f32_vgelu_ukernel__neon;
  if (act == OCTET_ACT_GELU_TANH)
    return f16 ? octet_f16_vgelutanh_ukernel__neon : octet_f32_vgelutanh_ukernel__neon;
  return NULL;
}
