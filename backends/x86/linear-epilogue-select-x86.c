/* The row epilogues (backends/common/linear-epilogue.h) on x86: AVX-512
 * where the active level has it, and GELU rows from the Gelu op's own
 * vector kernels (bit-identical to the scalar ones). */
#include "backends/common/linear-epilogue.h"
#include "backends/x86/vec-ukernels.h"
#include "core/cpu.h"

extern const octet_linear_epilogue_kernels octet_linear_epilogue_avx512;

const octet_linear_epilogue_kernels *octet_linear_epilogue_select(void) {
  return octet_isa_is_avx512(octet_isa_active()) ? &octet_linear_epilogue_avx512
                                                 : &octet_linear_epilogue_scalar;
}

octet_linear_post_fn octet_linear_post_select(octet_act act, bool f16) {
  const octet_isa isa = octet_isa_active();
  const bool w = octet_isa_is_avx512(isa);
  if (!octet_isa_is_x86(isa)) return octet_linear_post_scalar(act, f16);
  if (act == OCTET_ACT_GELU)
    return f16 ? (w ? octet_f16_vgelu_ukernel__avx512 : octet_f16_vgelu_ukernel__avx2)
               : (w ? octet_f32_vgelu_ukernel__avx512 : octet_f32_vgelu_ukernel__avx2);
  if (act == OCTET_ACT_GELU_TANH)
    return f16 ? (w ? octet_f16_vgelutanh_ukernel__avx512 : octet_f16_vgelutanh_ukernel__avx2)
               : (w ? octet_f32_vgelutanh_ukernel__avx512 : octet_f32_vgelutanh_ukernel__avx2);
  return NULL;
}
