/* The OctetAttention node of the vector backends (x86, arm): the planning
 * check, the per-thread scratch sized once at prepare, and the run, which
 * allocates nothing; each backend only picks its kernel table. */
#include <stdlib.h>
#include <string.h>

#include "backends/common/attention.h"

/* Per-thread scratch above this is declined (very long sequences): ref
 * runs the node instead. */
#define ATT_MAX_SCRATCH ((size_t)64 << 20)

typedef struct att_node {
  octet_attention_dims d;
  const octet_attention_kernels *k;
  int threads;
  void *scratch;
} att_node;

bool octet_attention_node_supports(const octet_node *n, const octet_tview *in, int n_in,
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

static void node_free(void *p) {
  att_node *s = p;
  if (!s) return;
  free(s->scratch);
  free(s);
}

static octet_status node_run(const octet_node *n, const octet_tview *in, int n_in,
                             octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const att_node *s = ctx->state;
  octet_attention_dims d;
  octet_attention_dims_of(n, in, n_in, &d);
  if (d.B > s->d.B || d.Sq != s->d.Sq || d.Sk != s->d.Sk || d.H != s->d.H || d.D != s->d.D)
    return octet_fail(OCTET_ERR_INTERNAL, "Attention '%s': shapes differ from the plan",
                      n->name);
  /* the scratch has blocks for s->threads threads */
  const int threads = ctx->threads > 0 && ctx->threads < s->threads ? ctx->threads : s->threads;
  octet_attention_run(&d, s->k, in, n_in, out, s->scratch, threads);
  return OCTET_OK;
}

octet_status octet_attention_node_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                          int threads, const octet_attention_kernels *f32,
                                          const octet_attention_kernels *f16,
                                          const char *name_f32, const char *name_f16,
                                          octet_node_kernel *k) {
  att_node *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  octet_attention_dims_of(n, in, n_in, &s->d);
  s->k = s->d.f16 ? f16 : f32;
  s->threads = threads > 0 ? threads : 1;
  const size_t per = octet_attention_scratch_bytes(&s->d);
  /* + 64: never a zero-byte request (Sq or D = 0), which may return NULL;
   * per is a multiple of 64 and at most ATT_MAX_SCRATCH (supports) */
  if (!(s->scratch = aligned_alloc(64, per * (size_t)s->threads + 64))) {
    node_free(s);
    return octet_fail(OCTET_ERR_NO_MEMORY, "Attention '%s': out of memory (scratch)", n->name);
  }
  k->run = node_run;
  k->kernel_name = s->d.f16 ? name_f16 : name_f32;
  k->state = s;
  k->free_state = node_free;
  return OCTET_OK;
}
