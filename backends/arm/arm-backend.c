/* The arm64 backend: w8a8 linear nodes through the qs8 kernels of
 * qs8-gemm-arm.h (i8mm, dotprod or plain NEON, from the CPU's HWCAPs and
 * OCTET_ISA). fp32 and fp16 linear nodes and the other ops go to the next
 * backend (openblas, then ref) for now. */
#include <stdlib.h>
#include <string.h>

#include "arm/qs8-gemm-arm.h"
#include "backend.h"
#include "common/linear-epilogue.h"

static bool arm_level(octet_isa isa) {
  return isa == OCTET_ISA_NEON || isa == OCTET_ISA_DOTPROD || isa == OCTET_ISA_I8MM;
}

static bool arm_supports(const octet_node *n, const octet_tview *in, int n_in,
                         const octet_tview *out, int n_out, const octet_plan_ctx *ctx) {
  (void)n_out;
  if (!arm_level(octet_isa_active()) || strcmp(n->op_type, "OctetLinear") != 0) return false;
  if (!attr_int(n, "quant", 0)) {
    octet_backend_why(ctx, "no fp32/fp16 GEMM kernels on arm64 yet");
    return false;
  }
  const octet_tview *x = &in[0], *w = &in[1];
  if (n_in > 3 && tv_present(&in[3]) && !octet_linear_residual_ok(n, in, &out[0])) return false;
  int64_t act = attr_int(n, "act", 0);
  return act >= 0 && act <= 3 && w->data && w->rank == 2 && w->dtype == OCTET_DTYPE_FLOAT32 &&
         x->dtype == OCTET_DTYPE_FLOAT32 && out[0].dtype == OCTET_DTYPE_FLOAT32 &&
         w->dims[0] <= OCTET_ARM_QS8_MAX_K &&
         !(n_in > 2 && tv_present(&in[2]) && (!in[2].data || in[2].dtype != OCTET_DTYPE_FLOAT32));
}

typedef struct arm_linear {
  octet_arm_qs8_weights *w;
  float *bias;
  void *scratch;
  int64_t M, K;
  int act;
  octet_linear_post_fn post;
} arm_linear;

static void arm_linear_free(void *p) {
  arm_linear *s = p;
  if (!s) return;
  octet_arm_qs8_free(s->w);
  free(s->bias);
  free(s->scratch);
  free(s);
}

static octet_status arm_linear_run(const octet_node *n, const octet_tview *in, int n_in,
                                   octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const arm_linear *s = ctx->state;
  int64_t M = tv_numel(&in[0]) / s->K;
  if (M > s->M)
    return octet_fail(OCTET_ERR_INTERNAL, "Linear '%s': %lld rows, planned for %lld", n->name,
                      (long long)M, (long long)s->M);
  octet_status st = octet_arm_qs8_gemm(s->w, M, in[0].data, out[0].data, s->bias, s->act,
                                       s->post, s->scratch, ctx->threads);
  if (st != OCTET_OK || n_in < 4 || !tv_present(&in[3])) return st;
  /* the fused residual Add (act 0, so it comes last), row by row */
  const int64_t N = tv_numel(&out[0]) / (M ? M : 1);
  const float *R = in[3].data;
  float *Y = out[0].data;
#pragma omp parallel for num_threads(ctx->threads) schedule(static)
  for (int64_t i = 0; i < M; i++) octet_linear_add_residual((size_t)N, R + i * N, Y + i * N);
  return OCTET_OK;
}

static octet_status arm_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                const octet_tview *out, int n_out, const octet_plan_ctx *ctx,
                                octet_node_kernel *k) {
  (void)n_out; (void)ctx;
  arm_linear *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  const octet_tview *w = &in[1];
  s->K = w->dims[0];
  const int64_t N = w->dims[1];
  s->M = tv_numel(&out[0]) / (N ? N : 1);
  const int act = (int)attr_int(n, "act", 0);
  s->act = act == 1 ? 1 : 0;
  s->post = octet_linear_post_select(act, false);
  octet_status st = octet_arm_qs8_pack(w->data, s->K, N, octet_isa_active(), &s->w);
  if (st == OCTET_OK && n_in > 2 && tv_present(&in[2])) {
    if (!(s->bias = malloc(sizeof(float) * (size_t)N)))
      st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    else
      memcpy(s->bias, in[2].data, sizeof(float) * (size_t)N);
  }
  if (st == OCTET_OK && !(s->scratch = malloc(octet_arm_qs8_scratch_bytes(s->w, s->M))))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory (int8 activations)");
  if (st != OCTET_OK) {
    arm_linear_free(s);
    return st;
  }
  k->run = arm_linear_run;
  k->kernel_name = octet_arm_qs8_kernel_name(s->w);
  k->state = s;
  k->free_state = arm_linear_free;
  k->state_bytes = octet_arm_qs8_bytes(s->w) + (s->bias ? sizeof(float) * (size_t)N : 0);
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
