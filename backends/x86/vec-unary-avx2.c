/* Elementwise activations, AVX2: Erf, Tanh, Sigmoid, Gelu (erf and tanh
 * forms) and Relu on float32 and float16 (computed in fp32), 8 elements
 * per vector, two vectors per step, the tail through masked (f32) or
 * buffered (f16) loads and stores. Each lane runs the core/vmath.h function
 * exactly (see vec-math-avx2.h). */
#include "backends/x86/vec-math-avx2.h"
#include "backends/x86/vec-ukernels.h"

typedef __m256 (*v256_fn)(__m256);

/* Inlined into each kernel below with `f` a constant, so `f` is inlined
 * too. */
static inline __attribute__((always_inline)) void unary_f32(size_t n,
                                                            const float *x,
                                                            float *y,
                                                            v256_fn f) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a = f(_mm256_loadu_ps(x + i));
    __m256 b = f(_mm256_loadu_ps(x + i + 8));
    _mm256_storeu_ps(y + i, a);
    _mm256_storeu_ps(y + i + 8, b);
  }
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, f(_mm256_loadu_ps(x + i)));
  if (i < n) {
    __m256i m = v256_mask(n - i);
    _mm256_maskstore_ps(y + i, m, f(_mm256_maskload_ps(x + i, m)));
  }
}

static inline __attribute__((always_inline)) void unary_f16(size_t n,
                                                            const uint16_t *x,
                                                            uint16_t *y,
                                                            v256_fn f) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a = f(v256_ld_f16(x + i));
    __m256 b = f(v256_ld_f16(x + i + 8));
    v256_st_f16(y + i, a);
    v256_st_f16(y + i + 8, b);
  }
  for (; i + 8 <= n; i += 8) v256_st_f16(y + i, f(v256_ld_f16(x + i)));
  if (i < n) v256_st_f16_tail(y + i, n - i, f(v256_ld_f16_tail(x + i, n - i)));
}

void octet_f32_verf_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v256_erf);
}
void octet_f16_verf_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v256_erf);
}
void octet_f32_vtanh_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v256_tanh);
}
void octet_f16_vtanh_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v256_tanh);
}
void octet_f32_vsigmoid_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v256_sigmoid);
}
void octet_f16_vsigmoid_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v256_sigmoid);
}
void octet_f32_vgelu_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v256_gelu);
}
void octet_f16_vgelu_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v256_gelu);
}
void octet_f32_vgelutanh_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v256_gelu_tanh);
}
void octet_f16_vgelutanh_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v256_gelu_tanh);
}
void octet_f32_vrelu_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f32(n, x, y, v256_relu);
}
void octet_f16_vrelu_ukernel__avx2(size_t n, const void *x, void *y) {
  unary_f16(n, x, y, v256_relu);
}
