/* Reference kernels for OctetLinear, in float and in w8a8 by the rules of
 * core/quant.h (every ISA reproduces them bit for bit):
 *  - weights per output column and activations per row quantized there;
 *  - acc = sum_k qa * qw exactly in int32;
 *  - y = octet_q8_dequant(acc, sa[m], sw[n]); y = y + B[n]; then the
 *    activation (relu, or vm_gelu / vm_gelu_tanh of core/vmath.h), then
 *    y = y + R[m, n] — each a separate fp32 operation. */
#include "backends/ref/linear.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/linear.h"
#include "core/quant.h"
#include "core/vmath.h"

static inline float ld(const void *p, octet_dtype t, int64_t i) {
  return t == OCTET_DTYPE_FLOAT16 ? octet_fp16_to_fp32(((const uint16_t *)p)[i])
                                  : ((const float *)p)[i];
}

/* The activation as the separate ops compute it on the Linear's stored
 * output (rounded to fp16 first when Y is fp16). */
static inline float activate(float y, octet_act act, octet_dtype yt) {
  if (act == OCTET_ACT_RELU) return y > 0.0f ? y : 0.0f;
  if (!octet_act_is_gelu(act)) return y;
  if (yt == OCTET_DTYPE_FLOAT16) y = octet_fp16_to_fp32(octet_fp32_to_fp16(y));
  return act == OCTET_ACT_GELU ? vm_gelu(y) : vm_gelu_tanh(y);
}

static inline void st(void *p, octet_dtype t, int64_t i, float v) {
  if (t == OCTET_DTYPE_FLOAT16)
    ((uint16_t *)p)[i] = octet_fp32_to_fp16(v);
  else
    ((float *)p)[i] = v;
}

typedef struct qs8_state {
  int64_t K, N;
  int8_t *qw;      /* [K, N] */
  float *scale;    /* [N] */
  int8_t *qa;      /* scratch: M rows of K */
  float *sa;       /* scratch: M */
  int64_t m_cap;
} qs8_state;

static void qs8_state_free(void *p) {
  qs8_state *s = p;
  if (!s) return;
  free(s->qw);
  free(s->scale);
  free(s->qa);
  free(s->sa);
  free(s);
}

octet_status octet_ref_linear_prepare(const octet_node *n, const octet_tview *in,
                                      const octet_tview *out, octet_node_kernel *k) {
  k->run = octet_ref_Linear;
  k->kernel_name = "ref";
  if (!octet_linear_quant(n)) return OCTET_OK;
  const octet_tview *w = &in[1];
  if (w->dtype != OCTET_DTYPE_FLOAT32)
    return octet_fail(OCTET_ERR_DTYPE, "Linear '%s': w8a8 weights must be float32", n->name);
  int64_t K = w->dims[0], N = w->dims[1], M = tv_numel(&out[0]) / (N ? N : 1);
  qs8_state *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  s->K = K;
  s->N = N;
  s->m_cap = M;
  s->qw = malloc((size_t)(K * N) + 1);
  s->scale = malloc(sizeof(float) * (size_t)(N + 1));
  s->qa = malloc((size_t)(M * K) + 1);
  s->sa = malloc(sizeof(float) * (size_t)(M + 1));
  if (!s->qw || !s->scale || !s->qa || !s->sa) {
    qs8_state_free(s);
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory packing '%s'", n->name);
  }
  octet_q8_quantize_weights(w->data, K, N, s->qw, s->scale);
  k->kernel_name = "qs8 ref";
  k->state = s;
  k->free_state = qs8_state_free;
  k->state_bytes = (size_t)(K * N) + sizeof(float) * (size_t)N;
  k->packed_inputs = 1u << 1;
  return OCTET_OK;
}

static octet_status run_qs8(const octet_node *n, const octet_tview *in, int n_in,
                            octet_tview *out, const octet_kctx *ctx) {
  qs8_state *s = ctx->state;
  const octet_tview *x = &in[0];
  int64_t K = s->K, N = s->N, M = tv_numel(x) / (K ? K : 1);
  if (M > s->m_cap)
    return octet_fail(OCTET_ERR_INTERNAL, "Linear '%s': %lld rows, planned for %lld",
                      n->name, (long long)M, (long long)s->m_cap);
  const float *X = x->data;
  const float *B = n_in > 2 && tv_present(&in[2]) ? in[2].data : NULL;
  const float *R = n_in > 3 && tv_present(&in[3]) ? in[3].data : NULL;
  float *Y = out[0].data;
  const octet_act act = octet_linear_act(n);
#pragma omp parallel for num_threads(ctx->threads) if (M * N * K > (1 << 18))
  for (int64_t m = 0; m < M; m++) {
    int8_t *qa = s->qa + m * K;
    octet_q8_quantize_row(X + m * K, K, qa, &s->sa[m]);
    for (int64_t j = 0; j < N; j++) {
      int32_t acc = 0;
      for (int64_t k = 0; k < K; k++) acc += (int32_t)qa[k] * s->qw[k * N + j];
      float y = octet_q8_dequant(acc, s->sa[m], s->scale[j]);
      if (B) y = y + B[j];
      y = activate(y, act, OCTET_DTYPE_FLOAT32);
      if (R) y = y + R[m * N + j];
      Y[m * N + j] = y;
    }
  }
  return OCTET_OK;
}

static bool same_shape(const octet_tview *a, const octet_tview *b) {
  if (a->rank != b->rank) return false;
  for (int d = 0; d < a->rank; d++)
    if (a->dims[d] != b->dims[d]) return false;
  return true;
}

/* A residual of another shape than X @ W (broadcast, as the Add it
 * replaces): the linear into a temporary, then Y = T + R broadcast, in fp32
 * and rounded to Y's dtype. */
static octet_status linear_broadcast_residual(const octet_node *n, const octet_tview *in,
                                              octet_tview *out, const octet_kctx *ctx) {
  const octet_tview *x = &in[0], *r = &in[3];
  octet_tview t = out[0];
  t.rank = x->rank;
  memcpy(t.dims, x->dims, sizeof t.dims);
  t.dims[t.rank - 1] = in[1].dims[1];
  t.data = malloc(tv_nbytes(&t) + 1);
  if (!t.data) return octet_fail(OCTET_ERR_NO_MEMORY, "Linear '%s': out of memory", n->name);
  octet_status status = octet_ref_Linear(n, in, 3, &t, 1, ctx);
  if (status == OCTET_OK) {
    const octet_tview *y = &out[0];
    int64_t stt[OCTET_MAX_RANK], str[OCTET_MAX_RANK], total = tv_numel(y);
    broadcast_strides(t.dims, t.rank, y->dims, y->rank, stt);
    broadcast_strides(r->dims, r->rank, y->dims, y->rank, str);
    for (int64_t i = 0; i < total; i++) {
      int64_t rest = i, it = 0, ir = 0;
      for (int d = y->rank - 1; d >= 0; d--) {
        int64_t idx = rest % y->dims[d];
        rest /= y->dims[d];
        it += idx * stt[d];
        ir += idx * str[d];
      }
      st(y->data, y->dtype, i, ld(t.data, t.dtype, it) + ld(r->data, r->dtype, ir));
    }
  }
  free(t.data);
  return status;
}

octet_status octet_ref_Linear(const octet_node *n, const octet_tview *in, int n_in,
                              octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  if (n_in > 3 && tv_present(&in[3])) {
    const int64_t K = in[1].dims[0], N = in[1].dims[1];
    if (!same_shape(&in[3], &out[0]) || tv_numel(&in[0]) / (K ? K : 1) * N != tv_numel(&out[0]))
      return linear_broadcast_residual(n, in, out, ctx);
  }
  if (octet_linear_quant(n)) {
    if (!ctx->state)
      return octet_fail(OCTET_ERR_INTERNAL, "Linear '%s': w8a8 weights not prepared", n->name);
    return run_qs8(n, in, n_in, out, ctx);
  }
  const octet_tview *x = &in[0], *w = &in[1];
  int64_t K = w->dims[0], N = w->dims[1], M = tv_numel(x) / (K ? K : 1);
  const octet_tview *b = n_in > 2 && tv_present(&in[2]) ? &in[2] : NULL;
  const octet_tview *r = n_in > 3 && tv_present(&in[3]) ? &in[3] : NULL;
  const octet_act act = octet_linear_act(n);
  octet_dtype xt = x->dtype, wt = w->dtype, yt = out[0].dtype;
#pragma omp parallel for num_threads(ctx->threads) if (M * N * K > (1 << 18))
  for (int64_t m = 0; m < M; m++) {
    for (int64_t j0 = 0; j0 < N; j0 += 256) {
      float acc[256];
      int64_t nb = N - j0 < 256 ? N - j0 : 256;
      for (int64_t j = 0; j < nb; j++) acc[j] = 0.0f;
      for (int64_t k = 0; k < K; k++) {
        float a = ld(x->data, xt, m * K + k);
        if (wt == OCTET_DTYPE_FLOAT32) {
          const float *wr = (const float *)w->data + k * N + j0;
          for (int64_t j = 0; j < nb; j++) acc[j] += a * wr[j];
        } else {
          for (int64_t j = 0; j < nb; j++) acc[j] += a * ld(w->data, wt, k * N + j0 + j);
        }
      }
      for (int64_t j = 0; j < nb; j++) {
        float y = acc[j];
        if (b) y = y + ld(b->data, b->dtype, j0 + j);
        y = activate(y, act, yt);
        if (r) y = y + ld(r->data, r->dtype, m * N + j0 + j);
        st(out[0].data, yt, m * N + j0 + j, y);
      }
    }
  }
  return OCTET_OK;
}
