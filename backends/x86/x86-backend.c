/* The x86 backend: OctetLinear through the packed GEMM families (qs8 for
 * w8a8 with AVX-512 VNNI / AVX-VNNI / exact AVX2 kernels, f32 and f16w for
 * fp32 and fp16 with AVX-512 / AVX2+FMA+F16C kernels) and the transformer's
 * non-GEMM ops through vectorised kernels (vec-ops.h). Kernels are picked
 * once per plan from octet_isa_active(); at OCTET_ISA=ref it declines
 * everything and the ref backend runs the graph. */
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/common/gemm.h"
#include "backends/common/linear-epilogue.h"
#include "backends/common/linear-node.h"
#include "backends/x86/attention.h"
#include "backends/x86/f32-matmul.h"
#include "backends/x86/gemm-kernels-x86.h"
#include "backends/x86/vec-ops.h"

static bool x86_level(octet_isa isa) {
  return octet_isa_is_x86(isa);
}

static bool is_linear(const octet_node *n) {
  return strcmp(n->op_type, "OctetLinear") == 0;
}

static bool x86_supports(const octet_node *n, const octet_tview *in, int n_in,
                         const octet_tview *out, int n_out,
                         const octet_plan_ctx *ctx) {
  octet_isa isa = octet_isa_active();
  if (!x86_level(isa)) return false;
  if (is_linear(n)) {
    octet_linear_node ln;
    return octet_linear_node_get(n, in, n_in, out, ctx, &ln);
  }
  if (strcmp(n->op_type, "MatMul") == 0) return octet_x86_matmul_supports(n, in, n_in, out, n_out);
  if (strcmp(n->op_type, "OctetAttention") == 0)
    return octet_x86_attention_supports(n, in, n_in, ctx);
  const char *name;
  return octet_x86_select_kernel(n, in, n_in, out, n_out, isa, &name) != NULL;
}

/* ---- OctetLinear: the GEMM driver over the x86 kernels ------------------ */

typedef struct linear_state {
  octet_linear_node ln;
  octet_gemm_weights *w;
  void *scratch;
  float *x32;                 /* fp16 activations converted to fp32 */
  float *bias;                /* fp32 copy of the bias */
  octet_gemm_convert_fn to_f32;
  octet_gemm_epilogue ep;     /* bias, activation, GELU rows */
} linear_state;

static void linear_free(void *p) {
  linear_state *s = p;
  if (!s) return;
  octet_gemm_weights_free(s->w);
  free(s->scratch);
  free(s->x32);
  free(s->bias);
  free(s);
}

static octet_status linear_run(const octet_node *n, const octet_tview *in, int n_in,
                               octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const linear_state *s = ctx->state;
  const int64_t K = s->ln.K, N = s->ln.N, M = tv_numel(&in[0]) / (K ? K : 1);
  if (M > s->ln.M)
    return octet_fail(OCTET_ERR_INTERNAL, "Linear '%s': %lld rows, planned for %lld", n->name,
                      (long long)M, (long long)s->ln.M);
  const float *A = in[0].data;
  if (in[0].dtype == OCTET_DTYPE_FLOAT16) {
    s->to_f32((size_t)(M * K), in[0].data, s->x32);
    A = s->x32;
  }
  octet_gemm_epilogue ep = s->ep;
  if (n_in > 3 && tv_present(&in[3])) ep.residual = in[3].data, ep.ldr = N;
  return octet_gemm(s->w, M, A, false, K, out[0].data, out[0].dtype == OCTET_DTYPE_FLOAT16, N,
                    &ep, s->scratch, ctx->threads);
}

static octet_status linear_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                   const octet_tview *out, int threads, octet_isa isa,
                                   octet_node_kernel *k) {
  linear_state *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  if (!octet_linear_node_get(n, in, n_in, out, NULL, &s->ln)) {
    free(s);
    return octet_fail(OCTET_ERR_INTERNAL, "x86: Linear '%s' not in a form it takes", n->name);
  }
  const octet_linear_node *ln = &s->ln;
  const octet_tview *w = &in[1];
  const octet_gemm_wtype wt = ln->quant ? OCTET_GEMM_W_Q8
                              : w->dtype == OCTET_DTYPE_FLOAT16 ? OCTET_GEMM_W_F16
                                                                : OCTET_GEMM_W_F32;
  const octet_gemm_kernel *kern = octet_x86_gemm_kernel(wt, isa);
  s->ep.act = ln->act;
  s->ep.post = octet_linear_post_select(ln->act, ln->yt == OCTET_DTYPE_FLOAT16);
  octet_status st = OCTET_OK;
  if (!kern) st = octet_fail(OCTET_ERR_UNSUPPORTED, "x86: no GEMM kernel at %s", octet_isa_name(isa));
  float *w32 = NULL;
  if (st == OCTET_OK && ln->has_bias && !(s->bias = octet_linear_f32_copy(&in[2])))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  s->ep.bias = s->bias;
  /* w8a8 quantizes fp32 weights (fp16 ones widened first) */
  if (st == OCTET_OK && ln->quant && w->dtype != OCTET_DTYPE_FLOAT32 &&
      !(w32 = octet_linear_f32_copy(w)))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  if (st == OCTET_OK)
    st = octet_gemm_pack(kern, w32 ? w32 : w->data, !w32 && w->dtype == OCTET_DTYPE_FLOAT16,
                         ln->K, ln->N, &s->w);
  free(w32);
  size_t scratch = st == OCTET_OK ? octet_gemm_scratch_bytes(s->w, ln->M, threads) : 0;
  if (st == OCTET_OK && ln->xt == OCTET_DTYPE_FLOAT16) {
    s->to_f32 = octet_x86_gemm_kernel(OCTET_GEMM_W_F16, isa)->convert;
    if (!(s->x32 = malloc(sizeof(float) * (size_t)(ln->M * ln->K + 1))))
      st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  }
  if (st == OCTET_OK && scratch && !(s->scratch = malloc(scratch)))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory (GEMM scratch)");
  if (st != OCTET_OK) {
    linear_free(s);
    return st;
  }
  k->run = linear_run;
  k->kernel_name = kern->name;
  k->state = s;
  k->free_state = linear_free;
  k->state_bytes = octet_gemm_weights_bytes(s->w) + (s->bias ? sizeof(float) * (size_t)ln->N : 0);
  k->packed_inputs = (1u << 1) | (n_in > 2 ? 1u << 2 : 0);
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
