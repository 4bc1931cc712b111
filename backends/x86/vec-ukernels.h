/* Microkernels of the vectorised non-GEMM ops (see vec-ops.h), one set per
 * ISA, named <dtype>_<op>_ukernel__<isa>. f32 kernels read and write
 * float, f16 kernels read and write IEEE binary16 (uint16_t) and compute in
 * fp32. Pointers are untyped so a driver can hold any of them; n counts
 * elements; any n >= 0 and any alignment are accepted. The elementwise
 * kernels allow y == x (in place). */
#ifndef OCTET_X86_VEC_UKERNELS_H
#define OCTET_X86_VEC_UKERNELS_H

#include <stddef.h>

#include "backends/common/vec-drivers.h" /* the microkernel types */

/* ---- AVX2 (vec-*-avx2.c) ---- */
void octet_f32_softmax_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f16_softmax_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f32_layernorm_ukernel__avx2(size_t n, const void *x,
                                       const void *scale, const void *bias,
                                       float eps, void *y);
void octet_f16_layernorm_ukernel__avx2(size_t n, const void *x,
                                       const void *scale, const void *bias,
                                       float eps, void *y);
void octet_f32_verf_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f16_verf_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f32_vtanh_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f16_vtanh_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f32_vsigmoid_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f16_vsigmoid_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f32_vgelu_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f16_vgelu_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f32_vgelutanh_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f16_vgelutanh_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f32_vrelu_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f16_vrelu_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f32_f16_vcvt_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f16_f32_vcvt_ukernel__avx2(size_t n, const void *x, void *y);
void octet_f32_vadd_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f32_vaddc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f32_vsub_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f32_vsubc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f32_vrsubc_ukernel__avx2(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f32_vmul_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f32_vmulc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f32_vdiv_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f32_vdivc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f32_vrdivc_ukernel__avx2(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f16_vadd_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f16_vaddc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f16_vsub_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f16_vsubc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f16_vrsubc_ukernel__avx2(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f16_vmul_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f16_vmulc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f16_vdiv_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y);
void octet_f16_vdivc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y);
void octet_f16_vrdivc_ukernel__avx2(size_t n, const void *a, const void *b,
                                    void *y);

/* ---- AVX-512 (vec-*-avx512.c) ---- */
void octet_f32_softmax_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f16_softmax_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f32_layernorm_ukernel__avx512(size_t n, const void *x,
                                         const void *scale, const void *bias,
                                         float eps, void *y);
void octet_f16_layernorm_ukernel__avx512(size_t n, const void *x,
                                         const void *scale, const void *bias,
                                         float eps, void *y);
void octet_f32_verf_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f16_verf_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f32_vtanh_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f16_vtanh_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f32_vsigmoid_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f16_vsigmoid_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f32_vgelu_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f16_vgelu_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f32_vgelutanh_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f16_vgelutanh_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f32_vrelu_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f16_vrelu_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f32_f16_vcvt_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f16_f32_vcvt_ukernel__avx512(size_t n, const void *x, void *y);
void octet_f32_vadd_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f32_vaddc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y);
void octet_f32_vsub_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f32_vsubc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y);
void octet_f32_vrsubc_ukernel__avx512(size_t n, const void *a, const void *b,
                                      void *y);
void octet_f32_vmul_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f32_vmulc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y);
void octet_f32_vdiv_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f32_vdivc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y);
void octet_f32_vrdivc_ukernel__avx512(size_t n, const void *a, const void *b,
                                      void *y);
void octet_f16_vadd_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f16_vaddc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y);
void octet_f16_vsub_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f16_vsubc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y);
void octet_f16_vrsubc_ukernel__avx512(size_t n, const void *a, const void *b,
                                      void *y);
void octet_f16_vmul_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f16_vmulc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y);
void octet_f16_vdiv_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y);
void octet_f16_vdivc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y);
void octet_f16_vrdivc_ukernel__avx512(size_t n, const void *a, const void *b,
                                      void *y);

#endif /* OCTET_X86_VEC_UKERNELS_H */
