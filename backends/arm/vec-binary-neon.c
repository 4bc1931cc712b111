/* Add, Sub, Mul and Div, NEON, on float32 and float16 (computed in fp32,
 * one rounding to half on store): y = a op b (v), y = a op b[0] (c) and
 * y = b[0] op a (rc), 4 elements per step, the last n % 4 through a padded
 * buffer. */
#include "backends/arm/vec-math-neon.h"
#include "backends/arm/vec-ukernels-neon.h"

typedef enum bop { B_ADD, B_SUB, B_MUL, B_DIV } bop;
typedef enum bmode { M_V, M_C, M_RC } bmode;

static inline __attribute__((always_inline)) float32x4_t apply(bop op,
                                                               float32x4_t a,
                                                               float32x4_t b) {
  switch (op) {
    case B_ADD:
      return vaddq_f32(a, b);
    case B_SUB:
      return vsubq_f32(a, b);
    case B_MUL:
      return vmulq_f32(a, b);
    default:
      return vdivq_f32(a, b);
  }
}

static inline __attribute__((always_inline)) float32x4_t step(bop op, bmode md,
                                                              float32x4_t a,
                                                              float32x4_t b) {
  return md == M_RC ? apply(op, b, a) : apply(op, a, b);
}

static inline __attribute__((always_inline)) void binary(size_t n,
                                                         const void *a,
                                                         const void *b, void *y,
                                                         bop op, bmode md,
                                                         bool f16) {
  float32x4_t bc = md == M_V ? vn_set(0.0f) : vn_ld_tail(b, f16, 0, 1);
  bc = vdupq_laneq_f32(bc, 0);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    float32x4_t vb = md == M_V ? vn_ld(b, f16, i) : bc;
    vn_st(y, f16, i, step(op, md, vn_ld(a, f16, i), vb));
  }
  if (i < n) {
    size_t m = n - i;
    float32x4_t vb = md == M_V ? vn_ld_tail(b, f16, i, m) : bc;
    vn_st_tail(y, f16, i, m, step(op, md, vn_ld_tail(a, f16, i, m), vb));
  }
}

/* ---- float32 ---- */
void octet_f32_vadd_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y) {
  binary(n, a, b, y, B_ADD, M_V, false);
}
void octet_f32_vaddc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y) {
  binary(n, a, b, y, B_ADD, M_C, false);
}
void octet_f32_vsub_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y) {
  binary(n, a, b, y, B_SUB, M_V, false);
}
void octet_f32_vsubc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y) {
  binary(n, a, b, y, B_SUB, M_C, false);
}
void octet_f32_vrsubc_ukernel__neon(size_t n, const void *a, const void *b,
                                    void *y) {
  binary(n, a, b, y, B_SUB, M_RC, false);
}
void octet_f32_vmul_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y) {
  binary(n, a, b, y, B_MUL, M_V, false);
}
void octet_f32_vmulc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y) {
  binary(n, a, b, y, B_MUL, M_C, false);
}
void octet_f32_vdiv_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y) {
  binary(n, a, b, y, B_DIV, M_V, false);
}
void octet_f32_vdivc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y) {
  binary(n, a, b, y, B_DIV, M_C, false);
}
void octet_f32_vrdivc_ukernel__neon(size_t n, const void *a, const void *b,
                                    void *y) {
  binary(n, a, b, y, B_DIV, M_RC, false);
}
/* ---- float16 ---- */
void octet_f16_vadd_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y) {
  binary(n, a, b, y, B_ADD, M_V, true);
}
void octet_f16_vaddc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y) {
  binary(n, a, b, y, B_ADD, M_C, true);
}
void octet_f16_vsub_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y) {
  binary(n, a, b, y, B_SUB, M_V, true);
}
void octet_f16_vsubc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y) {
  binary(n, a, b, y, B_SUB, M_C, true);
}
void octet_f16_vrsubc_ukernel__neon(size_t n, const void *a, const void *b,
                                    void *y) {
  binary(n, a, b, y, B_SUB, M_RC, true);
}
void octet_f16_vmul_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y) {
  binary(n, a, b, y, B_MUL, M_V, true);
}
void octet_f16_vmulc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y) {
  binary(n, a, b, y, B_MUL, M_C, true);
}
void octet_f16_vdiv_ukernel__neon(size_t n, const void *a, const void *b,
                                  void *y) {
  binary(n, a, b, y, B_DIV, M_V, true);
}
void octet_f16_vdivc_ukernel__neon(size_t n, const void *a, const void *b,
                                   void *y) {
  binary(n, a, b, y, B_DIV, M_C, true);
}
void octet_f16_vrdivc_ukernel__neon(size_t n, const void *a, const void *b,
                                    void *y) {
  binary(n, a, b, y, B_DIV, M_RC, true);
}
