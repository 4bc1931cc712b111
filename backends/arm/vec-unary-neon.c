/* Elementwise activations, NEON: Erf, Tanh, Sigmoid, Gelu (erf and tanh
 * forms) and Relu on float32 and float16 (computed in fp32), 8 elements
 * per step, then 4, the last n % 4 through a padded buffer. Each lane runs
 * the core/vmath.h function exactly (see vec-math-neon.h). */
#include "backends/arm/vec-math-neon.h"
#include "backends/arm/vec-ukernels-neon.h"

/* Inlined into each kernel below with `f` and `f16` constants, so `f` is
 * inlined too. Two vectors per step give the core independent work. */
static inline __attribute__((always_inline)) void unary(size_t n, const void *x,
                                                        void *y, vn_fn f,
                                                        bool f16) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    float32x4_t a = f(vn_ld(x, f16, i));
    float32x4_t b = f(vn_ld(x, f16, i + 4));
    vn_st(y, f16, i, a);
    vn_st(y, f16, i + 4, b);
  }
  for (; i + 4 <= n; i += 4) vn_st(y, f16, i, f(vn_ld(x, f16, i)));
  if (i < n) vn_st_tail(y, f16, i, n - i, f(vn_ld_tail(x, f16, i, n - i)));
}

void octet_f32_verf_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_erf, false);
}
void octet_f16_verf_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_erf, true);
}
void octet_f32_vtanh_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_tanh, false);
}
void octet_f16_vtanh_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_tanh, true);
}
void octet_f32_vsigmoid_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_sigmoid, false);
}
void octet_f16_vsigmoid_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_sigmoid, true);
}
void octet_f32_vgelu_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_gelu, false);
}
void octet_f16_vgelu_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_gelu, true);
}
void octet_f32_vgelutanh_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_gelu_tanh, false);
}
void octet_f16_vgelutanh_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_gelu_tanh, true);
}
void octet_f32_vrelu_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_relu, false);
}
void octet_f16_vrelu_ukernel__neon(size_t n, const void *x, void *y) {
  unary(n, x, y, vn_relu, true);
}
