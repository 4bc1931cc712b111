/* Add, Sub, Mul and Div, AVX2, on float32 and float16 (computed in fp32,
 * one rounding to half on store): y = a op b (v), y = a op b[0] (c) and
 * y = b[0] op a (rc), 8 elements per step, the tail through masked (f32)
 * or buffered (f16) loads and stores. */
#include "backends/x86/vec-math-avx2.h"
#include "backends/x86/vec-ukernels.h"

typedef enum bop { B_ADD, B_SUB, B_MUL, B_DIV } bop;
typedef enum bmode { M_V, M_C, M_RC } bmode;

static inline __attribute__((always_inline)) __m256 apply(bop op, __m256 a,
                                                          __m256 b) {
  switch (op) {
    case B_ADD:
      return _mm256_add_ps(a, b);
    case B_SUB:
      return _mm256_sub_ps(a, b);
    case B_MUL:
      return _mm256_mul_ps(a, b);
    default:
      return _mm256_div_ps(a, b);
  }
}

static inline __attribute__((always_inline)) __m256 step(bop op, bmode md,
                                                         __m256 a, __m256 b) {
  return md == M_RC ? apply(op, b, a) : apply(op, a, b);
}

static inline __attribute__((always_inline)) void binary_f32(
    size_t n, const float *a, const float *b, float *y, bop op, bmode md) {
  __m256 bc = md == M_V ? _mm256_setzero_ps() : _mm256_set1_ps(b[0]);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 vb = md == M_V ? _mm256_loadu_ps(b + i) : bc;
    _mm256_storeu_ps(y + i, step(op, md, _mm256_loadu_ps(a + i), vb));
  }
  if (i < n) {
    __m256i m = v256_mask(n - i);
    __m256 vb = md == M_V ? _mm256_maskload_ps(b + i, m) : bc;
    _mm256_maskstore_ps(y + i, m,
                        step(op, md, _mm256_maskload_ps(a + i, m), vb));
  }
}

static inline __attribute__((always_inline)) void binary_f16(size_t n,
                                                             const uint16_t *a,
                                                             const uint16_t *b,
                                                             uint16_t *y,
                                                             bop op, bmode md) {
  __m256 bc = md == M_V ? _mm256_setzero_ps()
                        : _mm256_cvtph_ps(_mm_set1_epi16((short)b[0]));
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 vb = md == M_V ? v256_ld_f16(b + i) : bc;
    v256_st_f16(y + i, step(op, md, v256_ld_f16(a + i), vb));
  }
  if (i < n) {
    size_t k = n - i;
    __m256 vb = md == M_V ? v256_ld_f16_tail(b + i, k) : bc;
    v256_st_f16_tail(y + i, k, step(op, md, v256_ld_f16_tail(a + i, k), vb));
  }
}

/* ---- float32 ---- */
void octet_f32_vadd_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y) {
  binary_f32(n, a, b, y, B_ADD, M_V);
}
void octet_f32_vaddc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y) {
  binary_f32(n, a, b, y, B_ADD, M_C);
}
void octet_f32_vsub_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y) {
  binary_f32(n, a, b, y, B_SUB, M_V);
}
void octet_f32_vsubc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y) {
  binary_f32(n, a, b, y, B_SUB, M_C);
}
void octet_f32_vrsubc_ukernel__avx2(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f32(n, a, b, y, B_SUB, M_RC);
}
void octet_f32_vmul_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y) {
  binary_f32(n, a, b, y, B_MUL, M_V);
}
void octet_f32_vmulc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y) {
  binary_f32(n, a, b, y, B_MUL, M_C);
}
void octet_f32_vdiv_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y) {
  binary_f32(n, a, b, y, B_DIV, M_V);
}
void octet_f32_vdivc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y) {
  binary_f32(n, a, b, y, B_DIV, M_C);
}
void octet_f32_vrdivc_ukernel__avx2(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f32(n, a, b, y, B_DIV, M_RC);
}

/* ---- float16 ---- */
void octet_f16_vadd_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y) {
  binary_f16(n, a, b, y, B_ADD, M_V);
}
void octet_f16_vaddc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y) {
  binary_f16(n, a, b, y, B_ADD, M_C);
}
void octet_f16_vsub_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y) {
  binary_f16(n, a, b, y, B_SUB, M_V);
}
void octet_f16_vsubc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y) {
  binary_f16(n, a, b, y, B_SUB, M_C);
}
void octet_f16_vrsubc_ukernel__avx2(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f16(n, a, b, y, B_SUB, M_RC);
}
void octet_f16_vmul_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y) {
  binary_f16(n, a, b, y, B_MUL, M_V);
}
void octet_f16_vmulc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y) {
  binary_f16(n, a, b, y, B_MUL, M_C);
}
void octet_f16_vdiv_ukernel__avx2(size_t n, const void *a, const void *b,
                                  void *y) {
  binary_f16(n, a, b, y, B_DIV, M_V);
}
void octet_f16_vdivc_ukernel__avx2(size_t n, const void *a, const void *b,
                                   void *y) {
  binary_f16(n, a, b, y, B_DIV, M_C);
}
void octet_f16_vrdivc_ukernel__avx2(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f16(n, a, b, y, B_DIV, M_RC);
}
