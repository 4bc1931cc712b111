/* The OpenBLAS backend: OctetLinear in fp32 through cblas_sgemm, and with
 * fp16 weights and activations by converting to fp32 around it.
 *
 * fp32 weights are read in place from the graph constant (no copy). fp16
 * weights stay fp16: before each GEMM, panels of NB columns are converted
 * with F16C (linear-epilogue.h) into a reusable fp32 buffer sized at
 * planning; with OCTET_SESSION_FP16_WEIGHTS_AS_FP32 the whole matrix is
 * converted once instead (memory for speed; see docs/backends.md for which
 * is the default and why). fp16 activations are converted per block of MB
 * rows; fp16 outputs go through an fp32 block buffer. Bias and ReLU run in
 * the vectorised row epilogue, parallel over rows.
 *
 * OpenBLAS runs its own threads; the session's thread count is set with
 * openblas_set_num_threads before each GEMM (a process-wide setting of
 * OpenBLAS: sessions with different counts take turns). It declines w8a8
 * (no int8 GEMM), residual inputs, and GEMMs below OCTET_OPENBLAS_MIN_MACS
 * (bench/linear-backends measures where OpenBLAS stops paying). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/common/linear-epilogue.h"
#include "backends/common/linear-node.h"

/* Below this many multiply-adds (M*N*K) cblas_sgemm's call and thread
 * start-up cost more than the portable ref loop that is always behind it:
 * measured by bench/linear-backends.c (docs/backends.md has the table). */
#define OCTET_OPENBLAS_MIN_MACS 8192

enum { ROW_BLOCK = 1024, COL_PANEL = 512 };

static bool blas_supports(const octet_node *n, const octet_tview *in, int n_in,
                          const octet_tview *out, int n_out, const octet_plan_ctx *ctx) {
  (void)n_out;
  if (strcmp(n->op_type, "OctetLinear") != 0) return false;
  if (octet_linear_quant(n)) {
    octet_backend_why(ctx, "no int8 GEMM in OpenBLAS");
    return false;
  }
  octet_linear_node ln;
  if (!octet_linear_node_get(n, in, n_in, out, ctx, &ln)) return false;
  if (ln.K > INT32_MAX || ln.N > INT32_MAX || ln.M > INT32_MAX) {
    octet_backend_why(ctx, "dimension above the BLAS int range");
    return false;
  }
  double macs = (double)ln.M * (double)ln.N * (double)ln.K;
  if (macs < OCTET_OPENBLAS_MIN_MACS) {
    octet_backend_why(ctx, "GEMM too small for OpenBLAS (M*N*K = %.0f < %d)", macs,
                      OCTET_OPENBLAS_MIN_MACS);
    return false;
  }
  return true;
}

typedef struct blas_state {
  int64_t M, K, N, MB, NB;
  octet_dtype xt, wt, yt;
  float *w32;    /* fp16 weights converted once (FP16_WEIGHTS_AS_FP32) */
  float *bias;   /* fp32 copy, or NULL */
  float *a32;    /* MB x K: a block of fp16 activations in fp32 */
  float *wpanel; /* K x NB: a panel of fp16 weights in fp32 */
  float *c32;    /* MB x NB: products for an fp16 output */
  const octet_linear_epilogue_kernels *epi;
  octet_linear_post_fn post; /* GELU (act 2, 3) or NULL */
  char kernel_name[64];
} blas_state;

static void blas_free(void *p) {
  blas_state *s = p;
  if (!s) return;
  free(s->w32);
  free(s->bias);
  free(s->a32);
  free(s->wpanel);
  free(s->c32);
  free(s);
}

static octet_status blas_run(const octet_node *n, const octet_tview *in, int n_in,
                             octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const float *R = n_in > 3 && tv_present(&in[3]) ? in[3].data : NULL;
  const blas_state *s = ctx->state;
  const int64_t K = s->K, N = s->N, M = tv_numel(&in[0]) / (K ? K : 1);
  const int relu = octet_linear_act(n) == OCTET_ACT_RELU;
  const octet_linear_epilogue_kernels *epi = s->epi;
  const octet_linear_post_fn post = s->post;
  const int threads = ctx->threads;
  if (M > s->M)
    return octet_fail(OCTET_ERR_INTERNAL, "Linear '%s': %lld rows, planned for %lld",
                      n->name, (long long)M, (long long)s->M);
  if (openblas_get_num_threads() != threads) openblas_set_num_threads(threads);
  for (int64_t r0 = 0; r0 < M; r0 += s->MB) {
    const int64_t mb = M - r0 < s->MB ? M - r0 : s->MB;
    const float *A = (const float *)in[0].data + r0 * K;
    if (s->xt == OCTET_DTYPE_FLOAT16) {
      const uint16_t *x16 = (const uint16_t *)in[0].data + r0 * K;
#pragma omp parallel for num_threads(threads) schedule(static)
      for (int64_t i = 0; i < mb; i++) epi->f16_to_f32((size_t)K, x16 + i * K, s->a32 + i * K);
      A = s->a32;
    }
    for (int64_t j0 = 0; j0 < N; j0 += s->NB) {
      const int64_t nb = N - j0 < s->NB ? N - j0 : s->NB;
      const float *W;
      int64_t ldb = N;
      if (s->wt == OCTET_DTYPE_FLOAT32) {
        W = (const float *)in[1].data + j0;
      } else if (s->w32) {
        W = s->w32 + j0;
      } else {
        const uint16_t *w16 = (const uint16_t *)in[1].data + j0;
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t k = 0; k < K; k++) epi->f16_to_f32((size_t)nb, w16 + k * N, s->wpanel + k * nb);
        W = s->wpanel;
        ldb = nb;
      }
      const bool f16_out = s->yt == OCTET_DTYPE_FLOAT16;
      float *C = f16_out ? s->c32 : (float *)out[0].data + r0 * N + j0;
      const int64_t ldc = f16_out ? nb : N;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)mb, (int)nb, (int)K, 1.0f,
                  A, (int)K, W, (int)ldb, 0.0f, C, (int)ldc);
      const float *bias = s->bias ? s->bias + j0 : NULL;
      if (f16_out) {
        uint16_t *Y = (uint16_t *)out[0].data + r0 * N + j0;
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t i = 0; i < mb; i++) {
          epi->f32_to_f16((size_t)nb, C + i * ldc, bias, relu, Y + i * N);
          if (post) post((size_t)nb, Y + i * N, Y + i * N);
        }
      } else if (bias || relu || post || R) {
#pragma omp parallel for num_threads(threads) schedule(static)
        for (int64_t i = 0; i < mb; i++) {
          epi->f32((size_t)nb, C + i * ldc, bias, relu, C + i * ldc);
          if (post) post((size_t)nb, C + i * ldc, C + i * ldc);
          if (R) octet_linear_add_residual((size_t)nb, R + (r0 + i) * N + j0, C + i * ldc);
        }
      }
    }
  }
  return OCTET_OK;
}

static float *to_f32_copy(const octet_tview *t, const octet_linear_epilogue_kernels *epi) {
  int64_t n = tv_numel(t);
  float *f = malloc(sizeof(float) * (size_t)(n ? n : 1));
  if (!f) return NULL;
  if (t->dtype == OCTET_DTYPE_FLOAT16)
    epi->f16_to_f32((size_t)n, t->data, f);
  else
    memcpy(f, t->data, sizeof(float) * (size_t)n);
  return f;
}

static octet_status blas_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                 const octet_tview *out, int n_out, const octet_plan_ctx *ctx,
                                 octet_node_kernel *k) {
  (void)n_out;
  blas_state *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  const octet_tview *x = &in[0], *w = &in[1];
  s->K = w->dims[0];
  s->N = w->dims[1];
  s->M = tv_numel(&out[0]) / (s->N ? s->N : 1);
  s->xt = x->dtype;
  s->wt = w->dtype;
  s->yt = out[0].dtype;
  s->epi = octet_linear_epilogue_select();
  s->post = octet_linear_post_select(octet_linear_act(n), s->yt == OCTET_DTYPE_FLOAT16);
  const bool whole = (ctx->flags & OCTET_SESSION_FP16_WEIGHTS_AS_FP32) != 0;
  const bool f16w = s->wt == OCTET_DTYPE_FLOAT16;
  s->MB = s->xt == OCTET_DTYPE_FLOAT16 || s->yt == OCTET_DTYPE_FLOAT16 ? ROW_BLOCK : s->M;
  if (s->MB > s->M) s->MB = s->M;
  if (s->MB < 1) s->MB = 1;
  s->NB = (f16w && !whole) || s->yt == OCTET_DTYPE_FLOAT16 ? COL_PANEL : s->N;
  if (s->NB > s->N) s->NB = s->N;
  if (s->NB < 1) s->NB = 1;
  bool ok = true;
  size_t state_bytes = 0;
  unsigned packed = 0;
  if (n_in > 2 && tv_present(&in[2])) {
    ok &= (s->bias = to_f32_copy(&in[2], s->epi)) != NULL;
    state_bytes += sizeof(float) * (size_t)s->N;
    packed |= 1u << 2;
  }
  if (f16w && whole) {
    ok &= (s->w32 = to_f32_copy(w, s->epi)) != NULL;
    state_bytes += sizeof(float) * (size_t)(s->K * s->N);
    packed |= 1u << 1;
  } else if (f16w) {
    ok &= (s->wpanel = malloc(sizeof(float) * (size_t)(s->K * s->NB))) != NULL;
  }
  if (s->xt == OCTET_DTYPE_FLOAT16)
    ok &= (s->a32 = malloc(sizeof(float) * (size_t)(s->MB * s->K + 1))) != NULL;
  if (s->yt == OCTET_DTYPE_FLOAT16)
    ok &= (s->c32 = malloc(sizeof(float) * (size_t)(s->MB * s->NB))) != NULL;
  if (!ok) {
    blas_free(s);
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory preparing '%s' for OpenBLAS", n->name);
  }
  snprintf(s->kernel_name, sizeof s->kernel_name, "sgemm %s%s%s",
           f16w ? (whole ? "f16w-as-f32 " : "f16w-panels ") : "",
           s->xt == OCTET_DTYPE_FLOAT16 ? "f16-act " : "", openblas_get_corename());
  k->run = blas_run;
  k->kernel_name = s->kernel_name;
  k->state = s;
  k->free_state = blas_free;
  k->state_bytes = state_bytes;
  k->packed_inputs = packed;
  return OCTET_OK;
}

const octet_backend octet_backend_openblas = {
    .api_version = OCTET_BACKEND_API_VERSION,
    .name = "openblas",
    .available = NULL,
    .supports = blas_supports,
    .prepare = blas_prepare,
};
