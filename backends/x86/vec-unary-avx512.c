/* Elementwise activations, AVX-512: Erf, Tanh, Sigmoid, Gelu (erf and tanh
 * forms) and Relu on float32 and float16 (computed in fp32), 16 elements
 * per step, the n % 16 tail under a mask. Each lane runs the core/vmath.h
 * function exactly (see vec-math-avx512.h). */
#include "backends/x86/vec-math-avx512.h"
#include "backends/x86/vec-ukernels.h"

typedef __m512 (*v512_fn)(__m512);

/* Inlined into each kernel below with `f` a constant, so `f` is inlined
 * too. Two vectors per step give the out-of-order core independent work. */
static inline __attribute__((always_inline)) void unary_f32(size_t n,
                                                            const float *x,
                                                            float *y,
                                                            v512_fn f) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512 a = f(_mm512_loadu_ps(x + i));
    __m512 b = f(_mm512_loadu_ps(x + i + 16));
    _mm512_storeu_ps(y + i, a);
    _mm512_storeu_ps(y + i + 16, b);
  }
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(y + i, f(_mm512_loadu_ps(x + i)));
  if (i < n) {
    __mmask16 m = v512_tail_mask(n - i);
    _mm512_mask_storeu_ps(y + i, m, f(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

static inline __attribute__((always_inline)) void unary_f16(size_t n,
                                                            const uint16_t *x,
                                                            uint16_t *y,
                                                            v512_fn f) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512 a = f(v512_ld_f16(x + i));
    __m512 b = f(v512_ld_f16(x + i + 16));
    v512_st_f16(y + i, a);
    v512_st_f16(y + i + 16, b);
  }
  for (; i + 16 <= n; i += 16) v512_st_f16(y + i, f(v512_ld_f16(x + i)));
  if (i < n) {
    __mmask16 m = v512_tail_mask(n - i);
    v512_st_f16_tail(y + i, m, f(v512_ld_f16_tail(x + i, m)));
  }
}

void octet_f32_verf_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v512_erf);
}
void octet_f16_verf_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v512_erf);
}
void octet_f32_vtanh_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v512_tanh);
}
void octet_f16_vtanh_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v512_tanh);
}
void octet_f32_vsigmoid_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v512_sigmoid);
}
void octet_f16_vsigmoid_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v512_sigmoid);
}
void octet_f32_vgelu_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v512_gelu);
}
void octet_f16_vgelu_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v512_gelu);
}
void octet_f32_vgelutanh_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v512_gelu_tanh);
}
void octet_f16_vgelutanh_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v512_gelu_tanh);
}
void octet_f32_vrelu_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v512_relu);
}
void octet_f16_vrelu_ukernel__avx512(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v512_relu);
}
