/* Portable C microkernels, 4 rows × 8 columns, for both weight types: the
 * fallback when the CPU has no usable vector level (OCTET_ISA=ref) and the
 * simplest statement of the microkernel contract in f32-gemm.h. Sums are
 * accumulated in fp32 in k order, like the vector kernels. */
#include "core/ir.h"
#include "backends/x86/f32-gemm.h"

#define MR 4
#define NR 8

static float load_f32(const void *b, size_t i) { return ((const float *)b)[i]; }

static float load_f16(const void *b, size_t i) {
  return octet_fp16_to_fp32(((const uint16_t *)b)[i]);
}

static void tile(size_t mr, size_t nr, size_t kc, const float *a, size_t lda,
                 const void *b, float (*load_b)(const void *, size_t),
                 const float *acc, size_t ld_acc, void *out, size_t ld_out,
                 const octet_gemm_params *st) {
  float c[MR][NR];
  for (size_t i = 0; i < mr; i++)
    for (size_t j = 0; j < NR; j++) c[i][j] = acc ? acc[i * ld_acc + j] : 0.0f;
  for (size_t k = 0; k < kc; k++)
    for (size_t i = 0; i < mr; i++) {
      const float ai = a[i * lda + k];
      for (size_t j = 0; j < NR; j++) c[i][j] += ai * load_b(b, k * NR + j);
    }
  if (st == NULL) {
    float *o = out;
    for (size_t i = 0; i < mr; i++)
      for (size_t j = 0; j < NR; j++) o[i * ld_out + j] = c[i][j];
    return;
  }
  for (size_t i = 0; i < mr; i++)
    for (size_t j = 0; j < nr; j++) {
      float y = c[i][j];
      if (st->bias) y += st->bias[j];
      if (st->residual) y += st->residual[i * st->ldr + j];
      if (st->act == OCTET_ACT_RELU && !(y > 0.0f)) y = 0.0f;
      if (st->out_f16)
        ((uint16_t *)out)[i * ld_out + j] = octet_fp32_to_fp16(y);
      else
        ((float *)out)[i * ld_out + j] = y;
    }
}

void octet_f32_gemm_ukernel_4x8__scalar(size_t mr, size_t nr, size_t kc,
                                        const void *a_, size_t lda,
                                        const void *b, const float *acc,
                                        size_t ld_acc, void *out, size_t ld_out,
                                        const octet_gemm_params *st) {
  const float *a = a_;
  tile(mr, nr, kc, a, lda, b, load_f32, acc, ld_acc, out, ld_out, st);
}

void octet_f16w_gemm_ukernel_4x8__scalar(size_t mr, size_t nr, size_t kc,
                                         const void *a_, size_t lda,
                                         const void *b, const float *acc,
                                         size_t ld_acc, void *out,
                                         size_t ld_out,
                                         const octet_gemm_params *st) {
  const float *a = a_;
  tile(mr, nr, kc, a, lda, b, load_f16, acc, ld_acc, out, ld_out, st);
}

void octet_f16w_convert__scalar(size_t n, const uint16_t *src, float *dst) {
  for (size_t i = 0; i < n; i++) dst[i] = octet_fp16_to_fp32(src[i]);
}
