/* NEON microkernels of the vectorised non-GEMM ops (vec-ops-arm.h), named
 * <dtype>_<op>_ukernel__neon, baseline armv8-a. The contract is
 * common/vec-drivers.h's: f32 kernels read and write float, f16 kernels
 * IEEE binary16 (uint16_t) computed in fp32; any n >= 0, any alignment;
 * the elementwise kernels allow y == x. Results are bit-identical to the
 * ref kernels (core/vmath.h, docs/kernels-vec.md). */
#ifndef OCTET_ARM_VEC_UKERNELS_NEON_H
#define OCTET_ARM_VEC_UKERNELS_NEON_H

#include <stddef.h>

#include "backends/common/vec-drivers.h" /* the microkernel types */

/* vec-softmax-neon.c */
void octet_f32_softmax_ukernel__neon(size_t n, const void *x, void *y);
void octet_f16_softmax_ukernel__neon(size_t n, const void *x, void *y);
/* vec-layernorm-neon.c */
void octet_f32_layernorm_ukernel__neon(size_t n, const void *x,
                                       const void *scale, const void *bias,
                                       float eps, void *y);
void octet_f16_layernorm_ukernel__neon(size_t n, const void *x,
                                       const void *scale, const void *bias,
                                       float eps, void *y);
/* vec-unary-neon.c */
void octet_f32_verf_ukernel__neon(size_t n, const void *x, void *y);
void octet_f16_verf_ukernel__neon(size_t n, const void *x, void *y);
void octet_f32_vtanh_ukernel__neon(size_t n, const void *x, void *y);
void octet_f16_vtanh_ukernel__neon(size_t n, const void *x, void *y);
void octet_f32_vsigmoid_ukernel__neon(size_t n, const void *x, void *y);
void octet_f16_vsigmoid_ukernel__neon(size_t n, const void *x, void *y);
void octet_f32_vgelu_ukernel__neon(size_t n, const void *x, void *y);
void octet_f16_vgelu_ukernel__neon(size_t n, const void *x, void *y);
void octet_f32_vgelutanh_ukernel__neon(size_t n, const void *x, void *y);
void octet_f16_vgelutanh_ukernel__neon(size_t n, const void *x, void *y);
void octet_f32_vrelu_ukernel__neon(size_t n, const void *x, void *y);
void octet_f16_vrelu_ukernel__neon(size_t n, const void *x, void *y);
/* vec-cast-neon.c */
void octet_f32_f16_vcvt_ukernel__neon(size_t n, const void *x, void *y);
void octet_f16_f32_vcvt_ukernel__neon(size_t n, const void *x, void *y);
/* vec-binary-neon.c: y = a op b (v), a op b[0] (c), b[0] op a (rc) */
void octet_f32_vadd_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f32_vaddc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f32_vsub_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f32_vsubc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f32_vrsubc_ukernel__neon(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f32_vmul_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f32_vmulc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f32_vdiv_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f32_vdivc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f32_vrdivc_ukernel__neon(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f16_vadd_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f16_vaddc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f16_vsub_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f16_vsubc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f16_vrsubc_ukernel__neon(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f16_vmul_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f16_vmulc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f16_vdiv_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f16_vdivc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f16_vrdivc_ukernel__neon(size_t n, const void *a, const void *b,
                                    void *y);

#endif /* OCTET_ARM_VEC_UKERNELS_NEON_H */
