/* Selector of the vectorised x86 non-GEMM ops (see vec-ops.h): a table of
 * (op, dtype, ISA) entries whose kernels pass the AVX2 and AVX-512
 * microkernels of vec-ukernels.h to the portable drivers of
 * common/vec-drivers.h. */
#include "backends/x86/vec-ops.h"

#include "backends/common/vec-drivers.h"
#include "backends/x86/vec-ukernels.h"

/* ---- kernel entry points ------------------------------------------------- */

/* AVX2 */
OCTET_VEC_SOFTMAX_ENTRY(softmax_f32__avx2, octet_f32_softmax_ukernel__avx2, 4)
OCTET_VEC_SOFTMAX_ENTRY(softmax_f16__avx2, octet_f16_softmax_ukernel__avx2, 2)
OCTET_VEC_LAYERNORM_ENTRY(layernorm_f32__avx2,
                          octet_f32_layernorm_ukernel__avx2, 4)
OCTET_VEC_LAYERNORM_ENTRY(layernorm_f16__avx2,
                          octet_f16_layernorm_ukernel__avx2, 2)
OCTET_VEC_UNARY_ENTRY(erf_f32__avx2, octet_f32_verf_ukernel__avx2, 4, 4)
OCTET_VEC_UNARY_ENTRY(erf_f16__avx2, octet_f16_verf_ukernel__avx2, 2, 2)
OCTET_VEC_UNARY_ENTRY(tanh_f32__avx2, octet_f32_vtanh_ukernel__avx2, 4, 4)
OCTET_VEC_UNARY_ENTRY(tanh_f16__avx2, octet_f16_vtanh_ukernel__avx2, 2, 2)
OCTET_VEC_UNARY_ENTRY(sigmoid_f32__avx2, octet_f32_vsigmoid_ukernel__avx2, 4, 4)
OCTET_VEC_UNARY_ENTRY(sigmoid_f16__avx2, octet_f16_vsigmoid_ukernel__avx2, 2, 2)
OCTET_VEC_UNARY_ENTRY(gelu_f32__avx2, octet_f32_vgelu_ukernel__avx2, 4, 4)
OCTET_VEC_UNARY_ENTRY(gelu_f16__avx2, octet_f16_vgelu_ukernel__avx2, 2, 2)
OCTET_VEC_UNARY_ENTRY(gelu_tanh_f32__avx2, octet_f32_vgelutanh_ukernel__avx2, 4,
                      4)
OCTET_VEC_UNARY_ENTRY(gelu_tanh_f16__avx2, octet_f16_vgelutanh_ukernel__avx2, 2,
                      2)
OCTET_VEC_UNARY_ENTRY(relu_f32__avx2, octet_f32_vrelu_ukernel__avx2, 4, 4)
OCTET_VEC_UNARY_ENTRY(relu_f16__avx2, octet_f16_vrelu_ukernel__avx2, 2, 2)
OCTET_VEC_BINARY_ENTRY(add_f32__avx2, octet_f32_vadd_ukernel__avx2,
                       octet_f32_vaddc_ukernel__avx2,
                       octet_f32_vaddc_ukernel__avx2, 4)
OCTET_VEC_BINARY_ENTRY(add_f16__avx2, octet_f16_vadd_ukernel__avx2,
                       octet_f16_vaddc_ukernel__avx2,
                       octet_f16_vaddc_ukernel__avx2, 2)
OCTET_VEC_BINARY_ENTRY(sub_f32__avx2, octet_f32_vsub_ukernel__avx2,
                       octet_f32_vsubc_ukernel__avx2,
                       octet_f32_vrsubc_ukernel__avx2, 4)
OCTET_VEC_BINARY_ENTRY(sub_f16__avx2, octet_f16_vsub_ukernel__avx2,
                       octet_f16_vsubc_ukernel__avx2,
                       octet_f16_vrsubc_ukernel__avx2, 2)
OCTET_VEC_BINARY_ENTRY(mul_f32__avx2, octet_f32_vmul_ukernel__avx2,
                       octet_f32_vmulc_ukernel__avx2,
                       octet_f32_vmulc_ukernel__avx2, 4)
OCTET_VEC_BINARY_ENTRY(mul_f16__avx2, octet_f16_vmul_ukernel__avx2,
                       octet_f16_vmulc_ukernel__avx2,
                       octet_f16_vmulc_ukernel__avx2, 2)
OCTET_VEC_BINARY_ENTRY(div_f32__avx2, octet_f32_vdiv_ukernel__avx2,
                       octet_f32_vdivc_ukernel__avx2,
                       octet_f32_vrdivc_ukernel__avx2, 4)
OCTET_VEC_BINARY_ENTRY(div_f16__avx2, octet_f16_vdiv_ukernel__avx2,
                       octet_f16_vdivc_ukernel__avx2,
                       octet_f16_vrdivc_ukernel__avx2, 2)
OCTET_VEC_UNARY_ENTRY(cast_f32_f16__avx2, octet_f32_f16_vcvt_ukernel__avx2, 4,
                      2)
OCTET_VEC_UNARY_ENTRY(cast_f16_f32__avx2, octet_f16_f32_vcvt_ukernel__avx2, 2,
                      4)
/* AVX-512 */
OCTET_VEC_SOFTMAX_ENTRY(softmax_f32__avx512, octet_f32_softmax_ukernel__avx512,
                        4)
OCTET_VEC_SOFTMAX_ENTRY(softmax_f16__avx512, octet_f16_softmax_ukernel__avx512,
                        2)
OCTET_VEC_LAYERNORM_ENTRY(layernorm_f32__avx512,
                          octet_f32_layernorm_ukernel__avx512, 4)
OCTET_VEC_LAYERNORM_ENTRY(layernorm_f16__avx512,
                          octet_f16_layernorm_ukernel__avx512, 2)
OCTET_VEC_UNARY_ENTRY(erf_f32__avx512, octet_f32_verf_ukernel__avx512, 4, 4)
OCTET_VEC_UNARY_ENTRY(erf_f16__avx512, octet_f16_verf_ukernel__avx512, 2, 2)
OCTET_VEC_UNARY_ENTRY(tanh_f32__avx512, octet_f32_vtanh_ukernel__avx512, 4, 4)
OCTET_VEC_UNARY_ENTRY(tanh_f16__avx512, octet_f16_vtanh_ukernel__avx512, 2, 2)
OCTET_VEC_UNARY_ENTRY(sigmoid_f32__avx512, octet_f32_vsigmoid_ukernel__avx512,
                      4, 4)
OCTET_VEC_UNARY_ENTRY(sigmoid_f16__avx512, octet_f16_vsigmoid_ukernel__avx512,
                      2, 2)
OCTET_VEC_UNARY_ENTRY(gelu_f32__avx512, octet_f32_vgelu_ukernel__avx512, 4, 4)
OCTET_VEC_UNARY_ENTRY(gelu_f16__avx512, octet_f16_vgelu_ukernel__avx512, 2, 2)
OCTET_VEC_UNARY_ENTRY(gelu_tanh_f32__avx512,
                      octet_f32_vgelutanh_ukernel__avx512, 4, 4)
OCTET_VEC_UNARY_ENTRY(gelu_tanh_f16__avx512,
                      octet_f16_vgelutanh_ukernel__avx512, 2, 2)
OCTET_VEC_UNARY_ENTRY(relu_f32__avx512, octet_f32_vrelu_ukernel__avx512, 4, 4)
OCTET_VEC_UNARY_ENTRY(relu_f16__avx512, octet_f16_vrelu_ukernel__avx512, 2, 2)
OCTET_VEC_BINARY_ENTRY(add_f32__avx512, octet_f32_vadd_ukernel__avx512,
                       octet_f32_vaddc_ukernel__avx512,
                       octet_f32_vaddc_ukernel__avx512, 4)
OCTET_VEC_BINARY_ENTRY(add_f16__avx512, octet_f16_vadd_ukernel__avx512,
                       octet_f16_vaddc_ukernel__avx512,
                       octet_f16_vaddc_ukernel__avx512, 2)
OCTET_VEC_BINARY_ENTRY(sub_f32__avx512, octet_f32_vsub_ukernel__avx512,
                       octet_f32_vsubc_ukernel__avx512,
                       octet_f32_vrsubc_ukernel__avx512, 4)
OCTET_VEC_BINARY_ENTRY(sub_f16__avx512, octet_f16_vsub_ukernel__avx512,
                       octet_f16_vsubc_ukernel__avx512,
                       octet_f16_vrsubc_ukernel__avx512, 2)
OCTET_VEC_BINARY_ENTRY(mul_f32__avx512, octet_f32_vmul_ukernel__avx512,
                       octet_f32_vmulc_ukernel__avx512,
                       octet_f32_vmulc_ukernel__avx512, 4)
OCTET_VEC_BINARY_ENTRY(mul_f16__avx512, octet_f16_vmul_ukernel__avx512,
                       octet_f16_vmulc_ukernel__avx512,
                       octet_f16_vmulc_ukernel__avx512, 2)
OCTET_VEC_BINARY_ENTRY(div_f32__avx512, octet_f32_vdiv_ukernel__avx512,
                       octet_f32_vdivc_ukernel__avx512,
                       octet_f32_vrdivc_ukernel__avx512, 4)
OCTET_VEC_BINARY_ENTRY(div_f16__avx512, octet_f16_vdiv_ukernel__avx512,
                       octet_f16_vdivc_ukernel__avx512,
                       octet_f16_vrdivc_ukernel__avx512, 2)
OCTET_VEC_UNARY_ENTRY(cast_f32_f16__avx512, octet_f32_f16_vcvt_ukernel__avx512,
                      4, 2)
OCTET_VEC_UNARY_ENTRY(cast_f16_f32__avx512, octet_f16_f32_vcvt_ukernel__avx512,
                      2, 4)

/* ---- table --------------------------------------------------------------- */

enum { AVX2 = 1, AVX512 = 2 }; /* octet_vec_entry.level */

#define F32 OCTET_DTYPE_FLOAT32
#define F16 OCTET_DTYPE_FLOAT16
static const octet_vec_entry k_entries[] = {
    /* AVX2 */
    {"Softmax", F32, AVX2, OCTET_VEC_SOFTMAX, softmax_f32__avx2,
     "softmax f32 avx2"},
    {"Softmax", F16, AVX2, OCTET_VEC_SOFTMAX, softmax_f16__avx2,
     "softmax f16 avx2"},
    {"LayerNormalization", F32, AVX2, OCTET_VEC_LAYERNORM, layernorm_f32__avx2,
     "layernorm f32 avx2"},
    {"LayerNormalization", F16, AVX2, OCTET_VEC_LAYERNORM, layernorm_f16__avx2,
     "layernorm f16 avx2"},
    {"Erf", F32, AVX2, OCTET_VEC_UNARY, erf_f32__avx2, "erf f32 avx2"},
    {"Erf", F16, AVX2, OCTET_VEC_UNARY, erf_f16__avx2, "erf f16 avx2"},
    {"Tanh", F32, AVX2, OCTET_VEC_UNARY, tanh_f32__avx2, "tanh f32 avx2"},
    {"Tanh", F16, AVX2, OCTET_VEC_UNARY, tanh_f16__avx2, "tanh f16 avx2"},
    {"Sigmoid", F32, AVX2, OCTET_VEC_UNARY, sigmoid_f32__avx2,
     "sigmoid f32 avx2"},
    {"Sigmoid", F16, AVX2, OCTET_VEC_UNARY, sigmoid_f16__avx2,
     "sigmoid f16 avx2"},
    {"Gelu", F32, AVX2, OCTET_VEC_UNARY, gelu_f32__avx2, "gelu f32 avx2"},
    {"Gelu", F16, AVX2, OCTET_VEC_UNARY, gelu_f16__avx2, "gelu f16 avx2"},
    {"GeluTanh", F32, AVX2, OCTET_VEC_UNARY, gelu_tanh_f32__avx2,
     "gelu tanh f32 avx2"},
    {"GeluTanh", F16, AVX2, OCTET_VEC_UNARY, gelu_tanh_f16__avx2,
     "gelu tanh f16 avx2"},
    {"Relu", F32, AVX2, OCTET_VEC_UNARY, relu_f32__avx2, "relu f32 avx2"},
    {"Relu", F16, AVX2, OCTET_VEC_UNARY, relu_f16__avx2, "relu f16 avx2"},
    {"Add", F32, AVX2, OCTET_VEC_BINARY, add_f32__avx2, "add f32 avx2"},
    {"Add", F16, AVX2, OCTET_VEC_BINARY, add_f16__avx2, "add f16 avx2"},
    {"Sub", F32, AVX2, OCTET_VEC_BINARY, sub_f32__avx2, "sub f32 avx2"},
    {"Sub", F16, AVX2, OCTET_VEC_BINARY, sub_f16__avx2, "sub f16 avx2"},
    {"Mul", F32, AVX2, OCTET_VEC_BINARY, mul_f32__avx2, "mul f32 avx2"},
    {"Mul", F16, AVX2, OCTET_VEC_BINARY, mul_f16__avx2, "mul f16 avx2"},
    {"Div", F32, AVX2, OCTET_VEC_BINARY, div_f32__avx2, "div f32 avx2"},
    {"Div", F16, AVX2, OCTET_VEC_BINARY, div_f16__avx2, "div f16 avx2"},
    {"Cast", F32, AVX2, OCTET_VEC_CAST, cast_f32_f16__avx2,
     "cast f32->f16 avx2"},
    {"Cast", F16, AVX2, OCTET_VEC_CAST, cast_f16_f32__avx2,
     "cast f16->f32 avx2"},
    /* AVX-512 */
    {"Softmax", F32, AVX512, OCTET_VEC_SOFTMAX, softmax_f32__avx512,
     "softmax f32 avx512"},
    {"Softmax", F16, AVX512, OCTET_VEC_SOFTMAX, softmax_f16__avx512,
     "softmax f16 avx512"},
    {"LayerNormalization", F32, AVX512, OCTET_VEC_LAYERNORM,
     layernorm_f32__avx512, "layernorm f32 avx512"},
    {"LayerNormalization", F16, AVX512, OCTET_VEC_LAYERNORM,
     layernorm_f16__avx512, "layernorm f16 avx512"},
    {"Erf", F32, AVX512, OCTET_VEC_UNARY, erf_f32__avx512, "erf f32 avx512"},
    {"Erf", F16, AVX512, OCTET_VEC_UNARY, erf_f16__avx512, "erf f16 avx512"},
    {"Tanh", F32, AVX512, OCTET_VEC_UNARY, tanh_f32__avx512, "tanh f32 avx512"},
    {"Tanh", F16, AVX512, OCTET_VEC_UNARY, tanh_f16__avx512, "tanh f16 avx512"},
    {"Sigmoid", F32, AVX512, OCTET_VEC_UNARY, sigmoid_f32__avx512,
     "sigmoid f32 avx512"},
    {"Sigmoid", F16, AVX512, OCTET_VEC_UNARY, sigmoid_f16__avx512,
     "sigmoid f16 avx512"},
    {"Gelu", F32, AVX512, OCTET_VEC_UNARY, gelu_f32__avx512, "gelu f32 avx512"},
    {"Gelu", F16, AVX512, OCTET_VEC_UNARY, gelu_f16__avx512, "gelu f16 avx512"},
    {"GeluTanh", F32, AVX512, OCTET_VEC_UNARY, gelu_tanh_f32__avx512,
     "gelu tanh f32 avx512"},
    {"GeluTanh", F16, AVX512, OCTET_VEC_UNARY, gelu_tanh_f16__avx512,
     "gelu tanh f16 avx512"},
    {"Relu", F32, AVX512, OCTET_VEC_UNARY, relu_f32__avx512, "relu f32 avx512"},
    {"Relu", F16, AVX512, OCTET_VEC_UNARY, relu_f16__avx512, "relu f16 avx512"},
    {"Add", F32, AVX512, OCTET_VEC_BINARY, add_f32__avx512, "add f32 avx512"},
    {"Add", F16, AVX512, OCTET_VEC_BINARY, add_f16__avx512, "add f16 avx512"},
    {"Sub", F32, AVX512, OCTET_VEC_BINARY, sub_f32__avx512, "sub f32 avx512"},
    {"Sub", F16, AVX512, OCTET_VEC_BINARY, sub_f16__avx512, "sub f16 avx512"},
    {"Mul", F32, AVX512, OCTET_VEC_BINARY, mul_f32__avx512, "mul f32 avx512"},
    {"Mul", F16, AVX512, OCTET_VEC_BINARY, mul_f16__avx512, "mul f16 avx512"},
    {"Div", F32, AVX512, OCTET_VEC_BINARY, div_f32__avx512, "div f32 avx512"},
    {"Div", F16, AVX512, OCTET_VEC_BINARY, div_f16__avx512, "div f16 avx512"},
    {"Cast", F32, AVX512, OCTET_VEC_CAST, cast_f32_f16__avx512,
     "cast f32->f16 avx512"},
    {"Cast", F16, AVX512, OCTET_VEC_CAST, cast_f16_f32__avx512,
     "cast f16->f32 avx512"},
};
#undef F32
#undef F16

/* ---- selector ------------------------------------------------------------ */

octet_kernel_fn octet_x86_select_kernel(const octet_node *node,
                                        const octet_tview *in, int n_in,
                                        const octet_tview *out, int n_out,
                                        octet_isa isa, const char **name) {
  int level;
  switch (isa) {
    case OCTET_ISA_AVX2:
    case OCTET_ISA_AVXVNNI:
      level = AVX2;
      break;
    case OCTET_ISA_AVX512:
    case OCTET_ISA_AVX512VNNI:
    case OCTET_ISA_AMX:
      level = AVX512;
      break;
    default:
      if (name) *name = NULL;
      return NULL;
  }
  return octet_vec_select(k_entries, sizeof k_entries / sizeof k_entries[0],
                          level, node, in, n_in, out, n_out, name);
}
