/* OctetAttention on arm64 (attention-arm.h): the NEON kernel tables of
 * float32 and float16 activations, scratch for every thread sized at
 * planning, nothing allocated at run. */
#include <stdlib.h>
#include <string.h>

#include "arm/attention-arm.h"
#include "arm/f32-matmul-neon.h"
#include "arm/vec-ukernels-neon.h"

/* Per-thread scratch above this is declined (very long sequences): ref
 * runs the node instead. */
#define ATT_MAX_SCRATCH ((size_t)64 << 20)

static const octet_attention_kernels neon_f32 = {
    .matmul = octet_f32_matmul__neon, .transpose = octet_attention_transpose_f32,
    .mulc = octet_f32_vmulc_ukernel__neon, .divc = octet_f32_vdivc_ukernel__neon,
    .add = octet_f32_vadd_ukernel__neon, .addc = octet_f32_vaddc_ukernel__neon,
    .softmax = octet_f32_softmax_ukernel__neon, .softmax_rows = NULL};
static const octet_attention_kernels neon_f16 = {
    .matmul = octet_f32_matmul__neon, .transpose = octet_attention_transpose_f32,
    .to_f32 = octet_f16_f32_vcvt_ukernel__neon, .from_f32 = octet_f32_f16_vcvt_ukernel__neon,
    .mulc = octet_f16_vmulc_ukernel__neon, .divc = octet_f16_vdivc_ukernel__neon,
    .add = octet_f16_vadd_ukernel__neon, .addc = octet_f16_vaddc_ukernel__neon,
    .softmax = octet_f16_softmax_ukernel__neon, .softmax_rows = NULL};

typedef struct arm_attention {
  octet_attention_dims d;
  const octet_attention_kernels *k;
  int threads;
  void *scratch;
} arm_attention;

bool octet_arm_attention_supports(const octet_node *n, const octet_tview *in, int n_in,
                                  const octet_plan_ctx *ctx) {
  if (strcmp(n->op_type, "OctetAttention") != 0) return false;
  octet_attention_dims d;
  octet_attention_dims_of(n, in, n_in, &d);
  if (octet_attention_scratch_bytes(&d) > ATT_MAX_SCRATCH) {
    octet_backend_why(ctx, "attention scratch over %zu MiB per thread", ATT_MAX_SCRATCH >> 20);
    return false;
  }
  return true;
}

static void attention_free(void *p) {
  arm_attention *s = p;
  if (!s) return;
  free(s->scratch);
  free(s);
}

static octet_status attention_run(const octet_node *n, const octet_tview *in, int n_in,
                                  octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const arm_attention *s = ctx->state;
  octet_attention_dims d;
  octet_attention_dims_of(n, in, n_in, &d);
  if (d.B > s->d.B || d.Sq != s->d.Sq || d.Sk != s->d.Sk || d.H != s->d.H || d.D != s->d.D)
    return octet_fail(OCTET_ERR_INTERNAL, "Attention '%s': shapes differ from the plan",
                      n->name);
  const int threads = ctx->threads > 0 && ctx->threads < s->threads ? ctx->threads : s->threads;
  octet_attention_run(&d, s->k, in, n_in, out, s->scratch, threads);
  return OCTET_OK;
}

octet_status octet_arm_attention_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                         int threads, octet_node_kernel *k) {
  arm_attention *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  octet_attention_dims_of(n, in, n_in, &s->d);
  s->k = s->d.f16 ? &neon_f16 : &neon_f32;
  s->threads = threads > 0 ? threads : 1;
  const size_t bytes = octet_attention_scratch_bytes(&s->d) * (size_t)s->threads;
  if (!(s->scratch = aligned_alloc(64, bytes ? bytes : 64))) { /* a multiple of 64 */
    attention_free(s);
    return octet_fail(OCTET_ERR_NO_MEMORY, "Attention '%s': out of memory (scratch)", n->name);
  }
  k->run = attention_run;
  k->kernel_name = s->d.f16 ? "attention f16 neon" : "attention f32 neon";
  k->state = s;
  k->free_state = attention_free;
  return OCTET_OK;
}
