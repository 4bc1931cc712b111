/* Selector of the vectorised arm64 non-GEMM ops (see vec-ops-arm.h): a
 * table of (op, dtype) entries whose kernels pass the NEON microkernels of
 * vec-ukernels-neon.h to the portable drivers of common/vec-drivers.h. */
#include "backends/arm/vec-ops-arm.h"

#include "backends/arm/vec-ukernels-neon.h"
#include "backends/common/vec-drivers.h"

/* ---- kernel entry points ------------------------------------------------- */

OCTET_VEC_SOFTMAX_ENTRY(softmax_f32__neon, octet_f32_softmax_ukernel__neon, 4)
OCTET_VEC_SOFTMAX_ENTRY(softmax_f16__neon, octet_f16_softmax_ukernel__neon, 2)
OCTET_VEC_LAYERNORM_ENTRY(layernorm_f32__neon,
                          octet_f32_layernorm_ukernel__neon, 4)
OCTET_VEC_LAYERNORM_ENTRY(layernorm_f16__neon,
                          octet_f16_layernorm_ukernel__neon, 2)
OCTET_VEC_UNARY_ENTRY(erf_f32__neon, octet_f32_verf_ukernel__neon, 4, 4)
OCTET_VEC_UNARY_ENTRY(erf_f16__neon, octet_f16_verf_ukernel__neon, 2, 2)
OCTET_VEC_UNARY_ENTRY(tanh_f32__neon, octet_f32_vtanh_ukernel__neon, 4, 4)
OCTET_VEC_UNARY_ENTRY(tanh_f16__neon, octet_f16_vtanh_ukernel__neon, 2, 2)
OCTET_VEC_UNARY_ENTRY(sigmoid_f32__neon, octet_f32_vsigmoid_ukernel__neon, 4, 4)
OCTET_VEC_UNARY_ENTRY(sigmoid_f16__neon, octet_f16_vsigmoid_ukernel__neon, 2, 2)
OCTET_VEC_UNARY_ENTRY(gelu_f32__neon, octet_f32_vgelu_ukernel__neon, 4, 4)
OCTET_VEC_UNARY_ENTRY(gelu_f16__neon, octet_f16_vgelu_ukernel__neon, 2, 2)
OCTET_VEC_UNARY_ENTRY(gelu_tanh_f32__neon, octet_f32_vgelutanh_ukernel__neon, 4,
                      4)
OCTET_VEC_UNARY_ENTRY(gelu_tanh_f16__neon, octet_f16_vgelutanh_ukernel__neon, 2,
                      2)
OCTET_VEC_UNARY_ENTRY(relu_f32__neon, octet_f32_vrelu_ukernel__neon, 4, 4)
OCTET_VEC_UNARY_ENTRY(relu_f16__neon, octet_f16_vrelu_ukernel__neon, 2, 2)
OCTET_VEC_BINARY_ENTRY(add_f32__neon, octet_f32_vadd_ukernel__neon,
                       octet_f32_vaddc_ukernel__neon,
                       octet_f32_vaddc_ukernel__neon, 4)
OCTET_VEC_BINARY_ENTRY(add_f16__neon, octet_f16_vadd_ukernel__neon,
                       octet_f16_vaddc_ukernel__neon,
                       octet_f16_vaddc_ukernel__neon, 2)
OCTET_VEC_BINARY_ENTRY(sub_f32__neon, octet_f32_vsub_ukernel__neon,
                       octet_f32_vsubc_ukernel__neon,
                       octet_f32_vrsubc_ukernel__neon, 4)
OCTET_VEC_BINARY_ENTRY(sub_f16__neon, octet_f16_vsub_ukernel__neon,
                       octet_f16_vsubc_ukernel__neon,
                       octet_f16_vrsubc_ukernel__neon, 2)
OCTET_VEC_BINARY_ENTRY(mul_f32__neon, octet_f32_vmul_ukernel__neon,
                       octet_f32_vmulc_ukernel__neon,
                       octet_f32_vmulc_ukernel__neon, 4)
OCTET_VEC_BINARY_ENTRY(mul_f16__neon, octet_f16_vmul_ukernel__neon,
                       octet_f16_vmulc_ukernel__neon,
                       octet_f16_vmulc_ukernel__neon, 2)
OCTET_VEC_BINARY_ENTRY(div_f32__neon, octet_f32_vdiv_ukernel__neon,
                       octet_f32_vdivc_ukernel__neon,
                       octet_f32_vrdivc_ukernel__neon, 4)
OCTET_VEC_BINARY_ENTRY(div_f16__neon, octet_f16_vdiv_ukernel__neon,
                       octet_f16_vdivc_ukernel__neon,
                       octet_f16_vrdivc_ukernel__neon, 2)
OCTET_VEC_UNARY_ENTRY(cast_f32_f16__neon, octet_f32_f16_vcvt_ukernel__neon, 4,
                      2)
OCTET_VEC_UNARY_ENTRY(cast_f16_f32__neon, octet_f16_f32_vcvt_ukernel__neon, 2,
                      4)

/* ---- table --------------------------------------------------------------- */

enum { NEON = 1 }; /* octet_vec_entry.level: one set for every arm64 CPU */

#define F32 OCTET_DTYPE_FLOAT32
#define F16 OCTET_DTYPE_FLOAT16
static const octet_vec_entry k_entries[] = {
    {"Softmax", F32, NEON, OCTET_VEC_SOFTMAX, softmax_f32__neon,
     "softmax f32 neon"},
    {"Softmax", F16, NEON, OCTET_VEC_SOFTMAX, softmax_f16__neon,
     "softmax f16 neon"},
    {"LayerNormalization", F32, NEON, OCTET_VEC_LAYERNORM, layernorm_f32__neon,
     "layernorm f32 neon"},
    {"LayerNormalization", F16, NEON, OCTET_VEC_LAYERNORM, layernorm_f16__neon,
     "layernorm f16 neon"},
    {"Erf", F32, NEON, OCTET_VEC_UNARY, erf_f32__neon, "erf f32 neon"},
    {"Erf", F16, NEON, OCTET_VEC_UNARY, erf_f16__neon, "erf f16 neon"},
    {"Tanh", F32, NEON, OCTET_VEC_UNARY, tanh_f32__neon, "tanh f32 neon"},
    {"Tanh", F16, NEON, OCTET_VEC_UNARY, tanh_f16__neon, "tanh f16 neon"},
    {"Sigmoid", F32, NEON, OCTET_VEC_UNARY, sigmoid_f32__neon,
     "sigmoid f32 neon"},
    {"Sigmoid", F16, NEON, OCTET_VEC_UNARY, sigmoid_f16__neon,
     "sigmoid f16 neon"},
    {"Gelu", F32, NEON, OCTET_VEC_UNARY, gelu_f32__neon, "gelu f32 neon"},
    {"Gelu", F16, NEON, OCTET_VEC_UNARY, gelu_f16__neon, "gelu f16 neon"},
    {"GeluTanh", F32, NEON, OCTET_VEC_UNARY, gelu_tanh_f32__neon,
     "gelu tanh f32 neon"},
    {"GeluTanh", F16, NEON, OCTET_VEC_UNARY, gelu_tanh_f16__neon,
     "gelu tanh f16 neon"},
    {"Relu", F32, NEON, OCTET_VEC_UNARY, relu_f32__neon, "relu f32 neon"},
    {"Relu", F16, NEON, OCTET_VEC_UNARY, relu_f16__neon, "relu f16 neon"},
    {"Add", F32, NEON, OCTET_VEC_BINARY, add_f32__neon, "add f32 neon"},
    {"Add", F16, NEON, OCTET_VEC_BINARY, add_f16__neon, "add f16 neon"},
    {"Sub", F32, NEON, OCTET_VEC_BINARY, sub_f32__neon, "sub f32 neon"},
    {"Sub", F16, NEON, OCTET_VEC_BINARY, sub_f16__neon, "sub f16 neon"},
    {"Mul", F32, NEON, OCTET_VEC_BINARY, mul_f32__neon, "mul f32 neon"},
    {"Mul", F16, NEON, OCTET_VEC_BINARY, mul_f16__neon, "mul f16 neon"},
    {"Div", F32, NEON, OCTET_VEC_BINARY, div_f32__neon, "div f32 neon"},
    {"Div", F16, NEON, OCTET_VEC_BINARY, div_f16__neon, "div f16 neon"},
    {"Cast", F32, NEON, OCTET_VEC_CAST, cast_f32_f16__neon,
     "cast f32->f16 neon"},
    {"Cast", F16, NEON, OCTET_VEC_CAST, cast_f16_f32__neon,
     "cast f16->f32 neon"},
};
#undef F32
#undef F16

/* ---- selector ------------------------------------------------------------ */

octet_kernel_fn octet_arm_select_vec_kernel(const octet_node *node,
                                            const octet_tview *in, int n_in,
                                            const octet_tview *out, int n_out,
                                            octet_isa isa, const char **name) {
  if (isa != OCTET_ISA_NEON && isa != OCTET_ISA_DOTPROD &&
      isa != OCTET_ISA_I8MM) {
    if (name) *name = NULL;
    return NULL;
  }
  return octet_vec_select(k_entries, sizeof k_entries / sizeof k_entries[0],
                          NEON, node, in, n_in, out, n_out, name);
}
