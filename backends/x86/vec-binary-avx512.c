/* Add, Sub, Mul and Div, AVX-512, on float32 and float16 (computed in fp32,
 * one rounding to half on store): y = a op b (v), y = a op b[0] (c) and
 * y = b[0] op a (rc), 16 elements per step, the tail under a mask. */
#include "backends/x86/vec-math-avx512.h"
#include "backends/x86/vec-ukernels.h"

typedef enum bop { B_ADD, B_SUB, B_MUL, B_DIV } bop;
typedef enum bmode { M_V, M_C, M_RC } bmode;

static inline __attribute__((always_inline)) __m512 apply(bop op, __m512 a,
                                                          __m512 b) {
  switch (op) {
    case B_ADD:
      return _mm512_add_ps(a, b);
    case B_SUB:
      return _mm512_sub_ps(a, b);
    case B_MUL:
      return _mm512_mul_ps(a, b);
    default:
      return _mm512_div_ps(a, b);
  }
}

static inline __attribute__((always_inline)) __m512 step(bop op, bmode md,
                                                         __m512 a, __m512 b) {
  return md == M_RC ? apply(op, b, a) : apply(op, a, b);
}

static inline __attribute__((always_inline)) void binary_f32(
    size_t n, const float *a, const float *b, float *y, bop op, bmode md) {
  __m512 bc = md == M_V ? _mm512_setzero_ps() : _mm512_set1_ps(b[0]);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 vb = md == M_V ? _mm512_loadu_ps(b + i) : bc;
    _mm512_storeu_ps(y + i, step(op, md, _mm512_loadu_ps(a + i), vb));
  }
  if (i < n) {
    __mmask16 m = v512_tail_mask(n - i);
    __m512 vb = md == M_V ? _mm512_maskz_loadu_ps(m, b + i) : bc;
    _mm512_mask_storeu_ps(y + i, m,
                          step(op, md, _mm512_maskz_loadu_ps(m, a + i), vb));
  }
}

static inline __attribute__((always_inline)) void binary_f16(size_t n,
                                                             const uint16_t *a,
                                                             const uint16_t *b,
                                                             uint16_t *y,
                                                             bop op, bmode md) {
  __m512 bc = md == M_V ? _mm512_setzero_ps()
                        : _mm512_cvtph_ps(_mm256_set1_epi16((short)b[0]));
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 vb = md == M_V ? v512_ld_f16(b + i) : bc;
    v512_st_f16(y + i, step(op, md, v512_ld_f16(a + i), vb));
  }
  if (i < n) {
    __mmask16 m = v512_tail_mask(n - i);
    __m512 vb = md == M_V ? v512_ld_f16_tail(b + i, m) : bc;
    v512_st_f16_tail(y + i, m, step(op, md, v512_ld_f16_tail(a + i, m), vb));
  }
}

/* ---- float32 ---- */
void octet_f32_vadd_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f32(n, a, b, y, B_ADD, M_V);
}
void octet_f32_vaddc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y) {
  binary_f32(n, a, b, y, B_ADD, M_C);
}
void octet_f32_vsub_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f32(n, a, b, y, B_SUB, M_V);
}
void octet_f32_vsubc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y) {
  binary_f32(n, a, b, y, B_SUB, M_C);
}
void octet_f32_vrsubc_ukernel__avx512(size_t n, const void *a, const void *b,
                                      void *y) {
  binary_f32(n, a, b, y, B_SUB, M_RC);
}
void octet_f32_vmul_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f32(n, a, b, y, B_MUL, M_V);
}
void octet_f32_vmulc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y) {
  binary_f32(n, a, b, y, B_MUL, M_C);
}
void octet_f32_vdiv_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f32(n, a, b, y, B_DIV, M_V);
}
void octet_f32_vdivc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y) {
  binary_f32(n, a, b, y, B_DIV, M_C);
}
void octet_f32_vrdivc_ukernel__avx512(size_t n, const void *a, const void *b,
                                      void *y) {
  binary_f32(n, a, b, y, B_DIV, M_RC);
}

/* ---- float16 ---- */
void octet_f16_vadd_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f16(n, a, b, y, B_ADD, M_V);
}
void octet_f16_vaddc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y) {
  binary_f16(n, a, b, y, B_ADD, M_C);
}
void octet_f16_vsub_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f16(n, a, b, y, B_SUB, M_V);
}
void octet_f16_vsubc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y) {
  binary_f16(n, a, b, y, B_SUB, M_C);
}
void octet_f16_vrsubc_ukernel__avx512(size_t n, const void *a, const void *b,
                                      void *y) {
  binary_f16(n, a, b, y, B_SUB, M_RC);
}
void octet_f16_vmul_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f16(n, a, b, y, B_MUL, M_V);
}
void octet_f16_vmulc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y) {
  binary_f16(n, a, b, y, B_MUL, M_C);
}
void octet_f16_vdiv_ukernel__avx512(size_t n, const void *a, const void *b,
                                    void *y) {
  binary_f16(n, a, b, y, B_DIV, M_V);
}
void octet_f16_vdivc_ukernel__avx512(size_t n, const void *a, const void *b,
                                     void *y) {
  binary_f16(n, a, b, y, B_DIV, M_C);
}
void octet_f16_vrdivc_ukernel__avx512(size_t n, const void *a, const void *b,
                                      void *y) {
  binary_f16(n, a, b, y, B_DIV, M_RC);
}
