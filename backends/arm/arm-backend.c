/* The arm64 backend: linear nodes (OctetLinear: constant weights, bias,
 * ReLU / GELU, residual) through
 * the GEMM driver (backends/common/gemm.h) over
 *   w8a8  the qs8 kernels of qs8-gemm-arm.h (i8mm, dotprod or plain NEON,
 *         from the CPU's HWCAPs and OCTET_ISA);
 *   fp32  the f32 8x12 NEON kernel of f32-gemm-arm.h;
 *   fp16  native fp16 FMA (f16 8x8 neonfp16arith) where the CPU has FPHP
 *         and ASIMDHP and OCTET_FP16_ARITH is not 0, else fp16 weights
 *         widened to fp32 in the kernel (f16w 8x12 neon);
 * and the non-GEMM ops of a transformer (Softmax, LayerNormalization, Gelu,
 * Erf, Tanh, Sigmoid, Relu, Add/Sub/Mul/Div, Cast f32<->f16) on float32 and
 * float16 through the NEON kernels of vec-ops-arm.h, bit-identical to ref;
 * and the fused OctetAttention (attention-arm.h: the shared driver with a
 * NEON activation MatMul and those kernels, bit-identical to ref).
 * The other ops go to the next backend (openblas, then ref). */
#include <stdlib.h>
#include <string.h>

#include "backends/arm/attention-arm.h"
#include "backends/arm/gemm-kernels-arm.h"
#include "backends/arm/vec-ops-arm.h"
#include "backends/backend.h"
#include "backends/common/gemm.h"
#include "backends/common/linear-epilogue.h"
#include "backends/common/linear-node.h"

static bool arm_level(octet_isa isa) {
  return isa == OCTET_ISA_NEON || isa == OCTET_ISA_DOTPROD || isa == OCTET_ISA_I8MM;
}

static bool arm_supports(const octet_node *n, const octet_tview *in, int n_in,
                         const octet_tview *out, int n_out, const octet_plan_ctx *ctx) {
  const octet_isa isa = octet_isa_active();
  if (!arm_level(isa)) return false;
  if (strcmp(n->op_type, "OctetAttention") == 0)
    return octet_arm_attention_supports(n, in, n_in, ctx);
  if (strcmp(n->op_type, "OctetLinear") != 0)
    return octet_arm_select_vec_kernel(n, in, n_in, out, n_out, isa, NULL) != NULL;
  octet_linear_node ln;
  return octet_linear_node_get(n, in, n_in, out, ctx, &ln);
}

typedef struct arm_linear {
  octet_linear_node ln;
  octet_gemm_weights *w;
  float *bias;                /* fp32 copy */
  void *scratch;
  int threads;                /* the scratch is for this many */
  octet_gemm_epilogue ep;     /* bias, activation, GELU rows */
} arm_linear;

static void arm_linear_free(void *p) {
  arm_linear *s = p;
  if (!s) return;
  octet_gemm_weights_free(s->w);
  free(s->bias);
  free(s->scratch);
  free(s);
}

static octet_status arm_linear_run(const octet_node *n, const octet_tview *in, int n_in,
                                   octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const arm_linear *s = ctx->state;
  const int64_t K = s->ln.K, N = s->ln.N, M = tv_numel(&in[0]) / (K ? K : 1);
  if (M > s->ln.M)
    return octet_fail(OCTET_ERR_INTERNAL, "Linear '%s': %lld rows, planned for %lld", n->name,
                      (long long)M, (long long)s->ln.M);
  octet_gemm_epilogue ep = s->ep;
  if (n_in > 3 && tv_present(&in[3])) ep.residual = in[3].data, ep.ldr = N;
  const int threads = ctx->threads < s->threads ? ctx->threads : s->threads;
  return octet_gemm(s->w, M, in[0].data, in[0].dtype == OCTET_DTYPE_FLOAT16, K, out[0].data,
                    out[0].dtype == OCTET_DTYPE_FLOAT16, N, &ep, s->scratch, threads);
}

/* The kernel of a linear node: w8a8 by the arm level; for floats native
 * fp16 for fp16 weights and activations when the CPU has fp16 arithmetic
 * (and OCTET_FP16_ARITH is not 0), fp16 weights widened in the kernel
 * otherwise, or once at planning with OCTET_SESSION_FP16_WEIGHTS_AS_FP32;
 * fp32 for fp32 weights. */
static const octet_gemm_kernel *linear_kernel(const octet_linear_node *ln, unsigned flags) {
  if (ln->quant) return octet_arm_gemm_q8_kernel(octet_isa_active());
  octet_arm_gemm_family f = OCTET_ARM_GEMM_F32;
  if (ln->wt == OCTET_DTYPE_FLOAT16) {
    if (ln->xt == OCTET_DTYPE_FLOAT16 && octet_arm_fp16_arith())
      f = OCTET_ARM_GEMM_F16;
    else if (!(flags & OCTET_SESSION_FP16_WEIGHTS_AS_FP32))
      f = OCTET_ARM_GEMM_F16W;
  }
  return octet_arm_gemm_float_kernel(f);
}

static octet_status arm_linear_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                       const octet_tview *out, const octet_plan_ctx *ctx,
                                       octet_node_kernel *k) {
  arm_linear *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  if (!octet_linear_node_get(n, in, n_in, out, NULL, &s->ln)) {
    free(s);
    return octet_fail(OCTET_ERR_INTERNAL, "arm: Linear '%s' not in a form it takes", n->name);
  }
  const octet_linear_node *ln = &s->ln;
  const octet_tview *w = &in[1];
  s->threads = ctx->threads < 1 ? 1 : ctx->threads;
  s->ep.act = ln->act;
  s->ep.post = octet_linear_post_select(ln->act, ln->yt == OCTET_DTYPE_FLOAT16);
  const octet_gemm_kernel *kern = linear_kernel(ln, ctx->flags);
  octet_status st = OCTET_OK;
  if (ln->has_bias && !(s->bias = octet_linear_f32_copy(&in[2])))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  s->ep.bias = s->bias;
  if (st == OCTET_OK)
    st = octet_gemm_pack(kern, w->data, w->dtype == OCTET_DTYPE_FLOAT16, ln->K, ln->N, &s->w);
  const size_t scratch = st == OCTET_OK ? octet_gemm_scratch_bytes(s->w, ln->M, s->threads) : 0;
  if (st == OCTET_OK && scratch && !(s->scratch = malloc(scratch)))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory (GEMM scratch)");
  if (st != OCTET_OK) {
    arm_linear_free(s);
    return st;
  }
  k->run = arm_linear_run;
  k->kernel_name = kern->name;
  k->state = s;
  k->free_state = arm_linear_free;
  k->state_bytes = octet_gemm_weights_bytes(s->w) + (s->bias ? sizeof(float) * (size_t)ln->N : 0);
  k->packed_inputs = (1u << 1) | (n_in > 2 ? 1u << 2 : 0);
  return OCTET_OK;
}

/* A non-GEMM op: the NEON kernel the selector picks; no state. */
static octet_status arm_vec_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                    const octet_tview *out, int n_out, octet_node_kernel *k) {
  const char *name = NULL;
  octet_kernel_fn fn =
      octet_arm_select_vec_kernel(n, in, n_in, out, n_out, octet_isa_active(), &name);
  if (!fn)
    return octet_fail(OCTET_ERR_INTERNAL, "arm: no kernel for '%s' (%s)", n->name, n->op_type);
  k->run = fn;
  k->kernel_name = name;
  return OCTET_OK;
}

static octet_status arm_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                const octet_tview *out, int n_out, const octet_plan_ctx *ctx,
                                octet_node_kernel *k) {
  if (strcmp(n->op_type, "OctetAttention") == 0)
    return octet_arm_attention_prepare(n, in, n_in, ctx->threads, k);
  if (strcmp(n->op_type, "OctetLinear") != 0) return arm_vec_prepare(n, in, n_in, out, n_out, k);
  return arm_linear_prepare(n, in, n_in, out, ctx, k);
}

const octet_backend octet_backend_arm = {
    .api_version = OCTET_BACKEND_API_VERSION,
    .name = "arm",
    .available = NULL,
    .supports = arm_supports,
    .prepare = arm_prepare,
};
