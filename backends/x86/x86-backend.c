/* The x86 backend: OctetLinear through the packed GEMM families (qs8 for
 * w8a8 with AVX-512 VNNI / AVX-VNNI / exact AVX2 kernels, f32 and f16w for
 * fp32 and fp16 with AVX-512 / AVX2+FMA+F16C kernels) and the transformer's
 * non-GEMM ops through vectorised kernels (vec-ops.h). Kernels are picked
 * once per plan from octet_isa_active(); at OCTET_ISA=ref it declines
 * everything and the ref backend runs the graph. */
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/x86/attention.h"
#include "backends/x86/f32-gemm.h"
#include "backends/x86/f32-matmul.h"
#include "backends/x86/qs8-gemm.h"
#include "backends/x86/vec-ops.h"
#include "backends/common/linear-epilogue.h"

static bool x86_level(octet_isa isa) {
  return octet_isa_is_x86(isa);
}

static bool is_linear(const octet_node *n) {
  return strcmp(n->op_type, "OctetLinear") == 0;
}

static bool linear_ok(const octet_node *n, const octet_tview *in, int n_in,
                      const octet_tview *out) {
  if (n_in > 3 && tv_present(&in[3]) && !octet_linear_residual_ok(n, in, out)) return false;
  if (attr_int(n, "act", 0) < 0 || attr_int(n, "act", 0) > 3) return false;
  const octet_tview *x = &in[0], *w = &in[1];
  if (!w->data || w->rank != 2) return false;
  if (attr_int(n, "quant", 0))
    return x->dtype == OCTET_DTYPE_FLOAT32 && w->dtype == OCTET_DTYPE_FLOAT32;
  return (x->dtype == OCTET_DTYPE_FLOAT32 || x->dtype == OCTET_DTYPE_FLOAT16) &&
         (w->dtype == OCTET_DTYPE_FLOAT32 || w->dtype == OCTET_DTYPE_FLOAT16);
}

static bool x86_supports(const octet_node *n, const octet_tview *in, int n_in,
                         const octet_tview *out, int n_out,
                         const octet_plan_ctx *ctx) {
  octet_isa isa = octet_isa_active();
  if (!x86_level(isa)) return false;
  if (is_linear(n)) return linear_ok(n, in, n_in, out);
  if (strcmp(n->op_type, "MatMul") == 0) return octet_x86_matmul_supports(n, in, n_in, out, n_out);
  if (strcmp(n->op_type, "OctetAttention") == 0)
    return octet_x86_attention_supports(n, in, n_in, ctx);
  const char *name;
  return octet_x86_select_kernel(n, in, n_in, out, n_out, isa, &name) != NULL;
}

/* ---- OctetLinear ------------------------------------------------------- */

typedef struct linear_state {
  octet_qs8_weights *qw;
  octet_f32_weights *fw;
  int64_t M, K, N;
  void *scratch;
  float *x32;                 /* fp16 activations converted to fp32 */
  float *bias;                /* fp32 copy of the bias */
  octet_f16w_convert_fn to_f32;
  int act;                    /* OCTET_GEMM_ACT_* for the kernel */
  int qs8_act;                /* the same, GELU named (qs8 kernels may fuse it) */
  octet_gemm_post_fn post;    /* GELU on each stored row, or NULL */
} linear_state;

static void linear_free(void *p) {
  linear_state *s = p;
  if (!s) return;
  octet_qs8_weights_free(s->qw);
  octet_f32_weights_free(s->fw);
  free(s->scratch);
  free(s->x32);
  free(s->bias);
  free(s);
}

static octet_status linear_run_qs8(const octet_node *n, const octet_tview *in, int n_in,
                                   octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n; (void)n_out;
  const linear_state *s = ctx->state;
  int64_t M = tv_numel(&in[0]) / (s->K ? s->K : 1);
  octet_gemm_epilogue ep = {.bias = s->bias, .act = s->qs8_act, .post = s->post};
  if (n_in > 3 && tv_present(&in[3])) ep.residual = in[3].data, ep.ldr = s->N;
  return octet_qs8_gemm(s->qw, M, in[0].data, s->K, out[0].data, s->N, &ep, s->scratch,
                        ctx->threads);
}

static octet_status linear_run_f32(const octet_node *n, const octet_tview *in, int n_in,
                                   octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n; (void)n_out;
  const linear_state *s = ctx->state;
  int64_t M = tv_numel(&in[0]) / (s->K ? s->K : 1);
  const float *A = in[0].data;
  if (in[0].dtype == OCTET_DTYPE_FLOAT16) {
    s->to_f32((size_t)(M * s->K), in[0].data, s->x32);
    A = s->x32;
  }
  octet_gemm_epilogue ep = {.bias = s->bias, .act = s->act, .post = s->post};
  if (n_in > 3 && tv_present(&in[3])) ep.residual = in[3].data, ep.ldr = s->N;
  return octet_f32_gemm(s->fw, M, A, s->K, out[0].data, s->N,
                        out[0].dtype == OCTET_DTYPE_FLOAT16, &ep, s->scratch, ctx->threads);
}

static octet_status linear_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                   const octet_tview *out, int threads, octet_isa isa,
                                   octet_node_kernel *k) {
  const octet_tview *w = &in[1];
  linear_state *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  s->K = w->dims[0];
  s->N = w->dims[1];
  s->M = tv_numel(&out[0]) / (s->N ? s->N : 1);
  const int act = (int)attr_int(n, "act", 0);
  s->act = act == 1 ? OCTET_GEMM_ACT_RELU : OCTET_GEMM_ACT_NONE;
  s->qs8_act = act == 2 ? OCTET_GEMM_ACT_GELU : act == 3 ? OCTET_GEMM_ACT_GELU_TANH : s->act;
  s->post = octet_linear_post_select(act, out[0].dtype == OCTET_DTYPE_FLOAT16);
  octet_status st = OCTET_OK;
  float *w32 = octet_linear_f32_copy(w);
  if (n_in > 2 && tv_present(&in[2]) && !(s->bias = octet_linear_f32_copy(&in[2])))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  if (!w32) st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  size_t scratch = 0;
  if (st == OCTET_OK && attr_int(n, "quant", 0)) {
    st = octet_qs8_weights_pack(w32, s->K, s->N, isa, &s->qw);
    if (st == OCTET_OK) {
      scratch = octet_qs8_scratch_bytes(s->qw, s->M, threads);
      k->run = linear_run_qs8;
      k->kernel_name = octet_qs8_kernel_name(s->qw);
      k->state_bytes = octet_qs8_weights_bytes(s->qw);
    }
  } else if (st == OCTET_OK) {
    octet_weight_type t = w->dtype == OCTET_DTYPE_FLOAT16 ? OCTET_WEIGHTS_F16 : OCTET_WEIGHTS_F32;
    st = octet_f32_weights_pack(w32, s->K, s->N, t, isa, &s->fw);
    if (st == OCTET_OK) {
      scratch = octet_f32_scratch_bytes(s->fw, s->M, threads);
      k->run = linear_run_f32;
      k->kernel_name = octet_f32_kernel_name(s->fw);
      k->state_bytes = octet_f32_weights_bytes(s->fw);
      if (in[0].dtype == OCTET_DTYPE_FLOAT16) {
        s->to_f32 = isa >= OCTET_ISA_AVX512 ? octet_f16w_convert__avx512
                                            : octet_f16w_convert__avx2;
        s->x32 = malloc(sizeof(float) * (size_t)(s->M * s->K + 1));
        if (!s->x32) st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
      }
    }
  }
  free(w32);
  if (st == OCTET_OK && scratch && !(s->scratch = aligned_alloc(64, (scratch + 63) / 64 * 64)))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory (GEMM scratch)");
  if (st != OCTET_OK) {
    linear_free(s);
    return st;
  }
  k->state = s;
  k->free_state = linear_free;
  k->packed_inputs = (1u << 1) | (n_in > 2 ? 1u << 2 : 0);
  if (s->bias) k->state_bytes += sizeof(float) * (size_t)s->N;
  return OCTET_OK;
}

static octet_status x86_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                const octet_tview *out, int n_out, const octet_plan_ctx *ctx,
                                octet_node_kernel *k) {
  octet_isa isa = octet_isa_active();
  if (is_linear(n)) return linear_prepare(n, in, n_in, out, ctx->threads, isa, k);
  if (strcmp(n->op_type, "MatMul") == 0)
    return octet_x86_matmul_prepare(n, in, out, ctx->threads, isa, k);
  if (strcmp(n->op_type, "OctetAttention") == 0)
    return octet_x86_attention_prepare(n, in, n_in, ctx->threads, isa, k);
  const char *name = NULL;
  octet_kernel_fn fn = octet_x86_select_kernel(n, in, n_in, out, n_out, isa, &name);
  if (!fn)
    return octet_fail(OCTET_ERR_INTERNAL, "x86: no kernel for '%s' (%s)", n->name, n->op_type);
  k->run = fn;
  k->kernel_name = name;
  return OCTET_OK;
}

const octet_backend octet_backend_x86 = {
    .api_version = OCTET_BACKEND_API_VERSION,
    .name = "x86",
    .available = NULL,
    .supports = x86_supports,
    .prepare = x86_prepare,
};
