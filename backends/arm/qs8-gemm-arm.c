/* The arm64 qs8 GEMM driver (qs8-gemm-arm.h): packing, kernel choice,
 * activation quantization and the fp32 epilogue, parallel over pairs of
 * rows. Built for baseline armv8-a; the kernels live in their own
 * libraries built with their -march. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/arm/qs8-gemm-arm.h"
#include "backends/ref/linear.h"

struct octet_arm_qs8_weights {
  int64_t K, N, kp, npanels;
  int8_t *panels;  /* npanels x (kp / 8) x 8 x 8 */
  float *scale;    /* [npanels * 8], 1 past N */
  octet_arm_qs8_ukernel_fn kernel;
  const char *name;
};

static size_t round8(int64_t k) { return (size_t)((k + 7) / 8 * 8); }

octet_status octet_arm_qs8_pack(const float *w, int64_t K, int64_t N, octet_isa isa,
                                octet_arm_qs8_weights **out) {
  *out = NULL;
  if (K < 1 || N < 1 || K > OCTET_ARM_QS8_MAX_K)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "arm qs8: bad K %lld or N %lld",
                      (long long)K, (long long)N);
  octet_arm_qs8_weights *p = calloc(1, sizeof *p);
  if (!p) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  p->K = K;
  p->N = N;
  p->kp = (int64_t)round8(K);
  p->npanels = (N + 7) / 8;
  switch (isa) {
    case OCTET_ISA_I8MM:
      p->kernel = octet_arm_qs8_ukernel_2x8c8__i8mm, p->name = "qs8 2x8c8 i8mm";
      break;
    case OCTET_ISA_DOTPROD:
      p->kernel = octet_arm_qs8_ukernel_2x8c8__dotprod, p->name = "qs8 2x8c8 dotprod";
      break;
    default:
      p->kernel = octet_arm_qs8_ukernel_2x8c8__neon, p->name = "qs8 2x8c8 neon";
  }
  int8_t *q = malloc((size_t)(K * N));
  p->panels = calloc((size_t)(p->npanels * p->kp * 8), 1);
  p->scale = calloc((size_t)(p->npanels * 8), sizeof(float));
  if (!q || !p->panels || !p->scale) {
    free(q);
    octet_arm_qs8_free(p);
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory packing int8 weights");
  }
  octet_qs8_quantize_weights_ref(w, K, N, q, p->scale);
  for (int64_t n = 0; n < N; n++) {
    int8_t *col = p->panels + (size_t)((n / 8) * p->kp * 8) + (size_t)(n % 8) * 8;
    for (int64_t k = 0; k < K; k++) col[(size_t)(k / 8) * 64 + (size_t)(k % 8)] = q[k * N + n];
  }
  free(q);
  *out = p;
  return OCTET_OK;
}

void octet_arm_qs8_free(octet_arm_qs8_weights *w) {
  if (!w) return;
  free(w->panels);
  free(w->scale);
  free(w);
}

size_t octet_arm_qs8_bytes(const octet_arm_qs8_weights *w) {
  return (size_t)(w->npanels * w->kp * 8) + sizeof(float) * (size_t)(w->npanels * 8);
}

const char *octet_arm_qs8_kernel_name(const octet_arm_qs8_weights *w) { return w->name; }

size_t octet_arm_qs8_scratch_bytes(const octet_arm_qs8_weights *w, int64_t M) {
  return (size_t)(M * w->kp) + sizeof(float) * (size_t)M + 16;
}

octet_status octet_arm_qs8_gemm(const octet_arm_qs8_weights *w, int64_t M, const float *A,
                                float *Y, const float *bias, int act,
                                void (*post)(size_t n, const void *x, void *y), void *scratch,
                                int threads) {
  const int64_t K = w->K, N = w->N, kp = w->kp;
  int8_t *qa = scratch;
  float *sa = (float *)((char *)scratch + ((size_t)(M * kp) + 15) / 16 * 16);
#pragma omp parallel num_threads(threads)
  {
#pragma omp for schedule(static)
    for (int64_t m = 0; m < M; m++) {
      int8_t *row = qa + m * kp;
      octet_arm_qs8_quantize_row__neon(A + m * K, K, row, &sa[m]);
      memset(row + K, 0, (size_t)(kp - K));
    }
#pragma omp for schedule(static)
    for (int64_t m = 0; m < M; m += 2) {
      const int rows = M - m > 1 ? 2 : 1;
      const int8_t *a0 = qa + m * kp, *a1 = rows > 1 ? a0 + kp : a0;
      int32_t acc[2][8];
      for (int64_t p = 0; p < w->npanels; p++) {
        w->kernel((size_t)(kp / 8), a0, a1, w->panels + (size_t)(p * kp * 8), acc);
        const int64_t n0 = p * 8, cols = N - n0 < 8 ? N - n0 : 8;
        for (int r = 0; r < rows; r++) {
          float *y = Y + (m + r) * N + n0;
          for (int64_t c = 0; c < cols; c++) { /* ref's order, no FMA */
            float v = (float)acc[r][c];
            v = v * sa[m + r];
            v = v * w->scale[n0 + c];
            if (bias) v = v + bias[n0 + c];
            if (act == 1) v = v > 0.0f ? v : 0.0f;
            y[c] = v;
          }
        }
      }
      if (post)
        for (int r = 0; r < rows; r++) post((size_t)N, Y + (m + r) * N, Y + (m + r) * N);
    }
  }
  return OCTET_OK;
}
