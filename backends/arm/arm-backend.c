/* The arm64 backend: linear nodes (OctetLinear: constant weights, bias,
 * ReLU / GELU, residual) through
 *   w8a8  the qs8 kernels of qs8-gemm-arm.h (i8mm, dotprod or plain NEON,
 *         from the CPU's HWCAPs and OCTET_ISA);
 *   fp32  the f32 8x12 NEON GEMM of f32-gemm-arm.h;
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
#include "backends/arm/f32-gemm-arm.h"
#include "backends/arm/qs8-gemm-arm.h"
#include "backends/arm/vec-ops-arm.h"
#include "backends/backend.h"
#include "backends/common/linear-epilogue.h"

static bool arm_level(octet_isa isa) {
  return isa == OCTET_ISA_NEON || isa == OCTET_ISA_DOTPROD || isa == OCTET_ISA_I8MM;
}

static bool is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16;
}

static bool arm_supports(const octet_node *n, const octet_tview *in, int n_in,
                         const octet_tview *out, int n_out, const octet_plan_ctx *ctx) {
  const octet_isa isa = octet_isa_active();
  if (!arm_level(isa)) return false;
  if (strcmp(n->op_type, "OctetAttention") == 0)
    return octet_arm_attention_supports(n, in, n_in, ctx);
  if (strcmp(n->op_type, "OctetLinear") != 0)
    return octet_arm_select_vec_kernel(n, in, n_in, out, n_out, isa, NULL) != NULL;
  const octet_tview *x = &in[0], *w = &in[1];
  if (n_in > 3 && tv_present(&in[3]) && !octet_linear_residual_ok(n, in, &out[0])) {
    octet_backend_why(ctx, "residual only float32, of the output's shape, without activation");
    return false;
  }
  int64_t act = attr_int(n, "act", 0);
  if (act < 0 || act > 3 || !w->data || w->rank != 2) return false;
  const bool quant = attr_int(n, "quant", 0) != 0;
  if (n_in > 2 && tv_present(&in[2]) &&
      (!in[2].data || !(quant ? in[2].dtype == OCTET_DTYPE_FLOAT32 : is_float(in[2].dtype))))
    return false;
  if (!quant) return is_float(x->dtype) && is_float(w->dtype) && is_float(out[0].dtype);
  return w->dtype == OCTET_DTYPE_FLOAT32 && x->dtype == OCTET_DTYPE_FLOAT32 &&
         out[0].dtype == OCTET_DTYPE_FLOAT32 && w->dims[0] <= OCTET_ARM_QS8_MAX_K;
}

typedef struct arm_linear {
  octet_arm_qs8_weights *w;   /* w8a8 */
  octet_arm_gemm_weights *fw; /* fp32 / fp16 */
  float *bias;                /* fp32 copy */
  void *scratch;
  int64_t M, K, N;
  int act;
  int threads;                /* the scratch is for this many */
  octet_linear_post_fn post;
} arm_linear;

static void arm_linear_free(void *p) {
  arm_linear *s = p;
  if (!s) return;
  octet_arm_qs8_free(s->w);
  octet_arm_gemm_free(s->fw);
  free(s->bias);
  free(s->scratch);
  free(s);
}

static octet_status rows_ok(const octet_node *n, const arm_linear *s, int64_t M) {
  if (M <= s->M) return OCTET_OK;
  return octet_fail(OCTET_ERR_INTERNAL, "Linear '%s': %lld rows, planned for %lld", n->name,
                    (long long)M, (long long)s->M);
}

static octet_status arm_linear_run(const octet_node *n, const octet_tview *in, int n_in,
                                   octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const arm_linear *s = ctx->state;
  int64_t M = tv_numel(&in[0]) / s->K;
  octet_status st = rows_ok(n, s, M);
  if (st != OCTET_OK) return st;
  st = octet_arm_qs8_gemm(s->w, M, in[0].data, out[0].data, s->bias, s->act, s->post,
                          s->scratch, ctx->threads);
  if (st != OCTET_OK || n_in < 4 || !tv_present(&in[3])) return st;
  /* the fused residual Add (act 0, so it comes last), row by row */
  const int64_t N = tv_numel(&out[0]) / (M ? M : 1);
  const float *R = in[3].data;
  float *Y = out[0].data;
#pragma omp parallel for num_threads(ctx->threads) schedule(static)
  for (int64_t i = 0; i < M; i++) octet_linear_add_residual((size_t)N, R + i * N, Y + i * N);
  return OCTET_OK;
}

static octet_status arm_float_run(const octet_node *n, const octet_tview *in, int n_in,
                                  octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const arm_linear *s = ctx->state;
  const int64_t M = tv_numel(&in[0]) / s->K;
  octet_status st = rows_ok(n, s, M);
  if (st != OCTET_OK) return st;
  octet_arm_gemm_epilogue ep = {.bias = s->bias, .relu = s->act == 1, .post = s->post};
  if (n_in > 3 && tv_present(&in[3])) ep.residual = in[3].data, ep.ldr = s->N;
  const int threads = ctx->threads < s->threads ? ctx->threads : s->threads;
  return octet_arm_gemm(s->fw, M, in[0].data, in[0].dtype == OCTET_DTYPE_FLOAT16, s->K,
                        out[0].data, out[0].dtype == OCTET_DTYPE_FLOAT16, s->N, &ep, s->scratch,
                        threads);
}

/* The float kernel of a linear node: native fp16 for fp16 weights and
 * activations when the CPU has fp16 arithmetic (and OCTET_FP16_ARITH is not
 * 0); fp16 weights widened in the kernel otherwise, or once at planning
 * with OCTET_SESSION_FP16_WEIGHTS_AS_FP32; fp32 for fp32 weights. */
static octet_arm_gemm_family float_family(const octet_tview *x, const octet_tview *w,
                                          unsigned flags) {
  if (w->dtype != OCTET_DTYPE_FLOAT16) return OCTET_ARM_GEMM_F32;
  if (x->dtype == OCTET_DTYPE_FLOAT16 && octet_arm_fp16_arith()) return OCTET_ARM_GEMM_F16;
  return flags & OCTET_SESSION_FP16_WEIGHTS_AS_FP32 ? OCTET_ARM_GEMM_F32 : OCTET_ARM_GEMM_F16W;
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
  arm_linear *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  const octet_tview *w = &in[1];
  s->K = w->dims[0];
  s->N = w->dims[1];
  const int64_t N = s->N;
  s->M = tv_numel(&out[0]) / (N ? N : 1);
  s->threads = ctx->threads < 1 ? 1 : ctx->threads;
  const int act = (int)attr_int(n, "act", 0);
  s->act = act == 1 ? 1 : 0;
  s->post = octet_linear_post_select(act, out[0].dtype == OCTET_DTYPE_FLOAT16);
  const bool quant = attr_int(n, "quant", 0) != 0;
  octet_status st = OCTET_OK;
  size_t scratch = 0;
  if (n_in > 2 && tv_present(&in[2]) && !(s->bias = octet_linear_f32_copy(&in[2])))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  if (st == OCTET_OK && quant) {
    st = octet_arm_qs8_pack(w->data, s->K, N, octet_isa_active(), &s->w);
    if (st == OCTET_OK) {
      scratch = octet_arm_qs8_scratch_bytes(s->w, s->M);
      k->run = arm_linear_run;
      k->kernel_name = octet_arm_qs8_kernel_name(s->w);
      k->state_bytes = octet_arm_qs8_bytes(s->w);
    }
  } else if (st == OCTET_OK) {
    st = octet_arm_gemm_pack(w->data, w->dtype == OCTET_DTYPE_FLOAT16, s->K, N,
                             float_family(&in[0], w, ctx->flags), &s->fw);
    if (st == OCTET_OK) {
      scratch = octet_arm_gemm_scratch_bytes(s->fw, s->M, s->threads);
      k->run = arm_float_run;
      k->kernel_name = octet_arm_gemm_kernel_name(s->fw);
      k->state_bytes = octet_arm_gemm_bytes(s->fw);
    }
  }
  if (st == OCTET_OK && !(s->scratch = malloc(scratch ? scratch : 1)))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory (GEMM scratch)");
  if (st != OCTET_OK) {
    arm_linear_free(s);
    return st;
  }
  k->state = s;
  k->free_state = arm_linear_free;
  if (s->bias) k->state_bytes += sizeof(float) * (size_t)N;
  k->packed_inputs = (1u << 1) | (n_in > 2 ? 1u << 2 : 0);
  return OCTET_OK;
}

const octet_backend octet_backend_arm = {
    .api_version = OCTET_BACKEND_API_VERSION,
    .name = "arm",
    .available = NULL,
    .supports = arm_supports,
    .prepare = arm_prepare,
};
