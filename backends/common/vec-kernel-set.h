/* The vectorised non-GEMM op set, written once for every ISA whose
 * microkernels follow the names of x86/vec-ukernels.h and
 * arm/vec-ukernels-neon.h (octet_<dtype>_<op>_ukernel__<isa>):
 *
 *   OCTET_VEC_KERNEL_SET_ENTRIES(isa)      the entry points, through the
 *                                          portable drivers of vec-drivers.h
 *   OCTET_VEC_KERNEL_SET_ROWS(isa, level)  their rows of an octet_vec_entry
 *                                          table, named "<op> <dtype> <isa>"
 *
 * Softmax, LayerNormalization, Erf, Tanh, Sigmoid, Gelu (erf and tanh
 * forms), Relu, Add, Sub, Mul, Div and the fp32 <-> fp16 Cast, each on
 * float32 and float16. An ISA's selector (x86/vec-ops.c, arm/vec-ops-arm.c)
 * instantiates both and adds its own extras. */
#ifndef OCTET_VEC_KERNEL_SET_H
#define OCTET_VEC_KERNEL_SET_H

#include "backends/common/vec-drivers.h"

#define OCTET_VEC_UNARY_PAIR(op, isa)                                                \
  OCTET_VEC_UNARY_ENTRY(op##_f32__##isa, octet_f32_v##op##_ukernel__##isa, 4, 4)      \
  OCTET_VEC_UNARY_ENTRY(op##_f16__##isa, octet_f16_v##op##_ukernel__##isa, 2, 2)
/* Binary ops: the vector-vector kernel, x op c and c op x. */
#define OCTET_VEC_BINARY_PAIR(op, cop, rcop, isa)                                     \
  OCTET_VEC_BINARY_ENTRY(op##_f32__##isa, octet_f32_v##op##_ukernel__##isa,            \
                         octet_f32_v##cop##_ukernel__##isa,                            \
                         octet_f32_v##rcop##_ukernel__##isa, 4)                        \
  OCTET_VEC_BINARY_ENTRY(op##_f16__##isa, octet_f16_v##op##_ukernel__##isa,            \
                         octet_f16_v##cop##_ukernel__##isa,                            \
                         octet_f16_v##rcop##_ukernel__##isa, 2)

#define OCTET_VEC_KERNEL_SET_ENTRIES(isa)                                              \
  OCTET_VEC_SOFTMAX_ENTRY(softmax_f32__##isa, octet_f32_softmax_ukernel__##isa, 4)      \
  OCTET_VEC_SOFTMAX_ENTRY(softmax_f16__##isa, octet_f16_softmax_ukernel__##isa, 2)      \
  OCTET_VEC_LAYERNORM_ENTRY(layernorm_f32__##isa, octet_f32_layernorm_ukernel__##isa, 4) \
  OCTET_VEC_LAYERNORM_ENTRY(layernorm_f16__##isa, octet_f16_layernorm_ukernel__##isa, 2) \
  OCTET_VEC_UNARY_PAIR(erf, isa)                                                       \
  OCTET_VEC_UNARY_PAIR(tanh, isa)                                                      \
  OCTET_VEC_UNARY_PAIR(sigmoid, isa)                                                   \
  OCTET_VEC_UNARY_PAIR(gelu, isa)                                                      \
  OCTET_VEC_UNARY_PAIR(gelutanh, isa)                                                  \
  OCTET_VEC_UNARY_PAIR(relu, isa)                                                      \
  OCTET_VEC_BINARY_PAIR(add, addc, addc, isa)                                          \
  OCTET_VEC_BINARY_PAIR(sub, subc, rsubc, isa)                                         \
  OCTET_VEC_BINARY_PAIR(mul, mulc, mulc, isa)                                          \
  OCTET_VEC_BINARY_PAIR(div, divc, rdivc, isa)                                         \
  OCTET_VEC_UNARY_ENTRY(cast_f32_f16__##isa, octet_f32_f16_vcvt_ukernel__##isa, 4, 2)   \
  OCTET_VEC_UNARY_ENTRY(cast_f16_f32__##isa, octet_f16_f32_vcvt_ukernel__##isa, 2, 4)

#define OCTET_VEC_ROW_PAIR(op_type, family, fn, label, isa, level)                        \
  {op_type, OCTET_DTYPE_FLOAT32, level, family, fn##_f32__##isa, label " f32 " #isa},       \
  {op_type, OCTET_DTYPE_FLOAT16, level, family, fn##_f16__##isa, label " f16 " #isa},

#define OCTET_VEC_KERNEL_SET_ROWS(isa, level)                                              \
  OCTET_VEC_ROW_PAIR("Softmax", OCTET_VEC_SOFTMAX, softmax, "softmax", isa, level)          \
  OCTET_VEC_ROW_PAIR("LayerNormalization", OCTET_VEC_LAYERNORM, layernorm, "layernorm", isa, \
                     level)                                                                 \
  OCTET_VEC_ROW_PAIR("Erf", OCTET_VEC_UNARY, erf, "erf", isa, level)                        \
  OCTET_VEC_ROW_PAIR("Tanh", OCTET_VEC_UNARY, tanh, "tanh", isa, level)                     \
  OCTET_VEC_ROW_PAIR("Sigmoid", OCTET_VEC_UNARY, sigmoid, "sigmoid", isa, level)            \
  OCTET_VEC_ROW_PAIR("Gelu", OCTET_VEC_UNARY, gelu, "gelu", isa, level)                     \
  OCTET_VEC_ROW_PAIR("GeluTanh", OCTET_VEC_UNARY, gelutanh, "gelu tanh", isa, level)        \
  OCTET_VEC_ROW_PAIR("Relu", OCTET_VEC_UNARY, relu, "relu", isa, level)                     \
  OCTET_VEC_ROW_PAIR("Add", OCTET_VEC_BINARY, add, "add", isa, level)                       \
  OCTET_VEC_ROW_PAIR("Sub", OCTET_VEC_BINARY, sub, "sub", isa, level)                       \
  OCTET_VEC_ROW_PAIR("Mul", OCTET_VEC_BINARY, mul, "mul", isa, level)                       \
  OCTET_VEC_ROW_PAIR("Div", OCTET_VEC_BINARY, div, "div", isa, level)                       \
  {"Cast", OCTET_DTYPE_FLOAT32, level, OCTET_VEC_CAST, cast_f32_f16__##isa,                 \
   "cast f32->f16 " #isa},                                                                  \
  {"Cast", OCTET_DTYPE_FLOAT16, level, OCTET_VEC_CAST, cast_f16_f32__##isa,                 \
   "cast f16->f32 " #isa},

#endif
