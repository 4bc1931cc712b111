/* Statistics of a session's current plan: the FLOPs of one run, per node. */
#include <string.h>

#include "exec/session.h"

/* The graph the plan's steps index: the session's own, after fusion and
 * lowering (MatMul + Add become OctetLinear nodes). */
#define PLAN_GRAPH(s) (&(s)->g)

static bool is_linear_op(const char *op) {
  return strcmp(op, "MatMul") == 0 || strcmp(op, "Gemm") == 0 ||
         strstr(op, "Linear") != NULL || strstr(op, "MatMul") != NULL ||
         strstr(op, "Gemm") != NULL;
}

static double numel(const octet_tview *t) {
  double n = 1.0;
  for (int d = 0; d < t->rank; d++) n *= (double)t->dims[d];
  return n;
}

/* Multiply-accumulates of one node: outputs times the reduced length. */
static double node_macs(const octet_node *n, const char *op,
                        const octet_tview *a, const octet_tview *y) {
  if (a->rank < 1) return 0.0;
  int64_t k;
  if (strcmp(op, "Gemm") == 0) {
    if (a->rank != 2) return 0.0;
    k = attr_int(n, "transA", 0) ? a->dims[0] : a->dims[1];
  } else {
    k = a->dims[a->rank - 1]; /* MatMul and X [..., K] of fused linears */
  }
  return numel(y) * (double)k;
}

void octet_plan_count_flops(octet_session *s) {
  octet_plan *p = &s->plan;
  const octet_graph *g = PLAN_GRAPH(s);
  for (int k = 0; k < p->n_steps; k++) {
    plan_step *st = &p->steps[k];
    st->info.flops = 0.0;
    if (st->node < 0 || st->node >= g->n_nodes) continue;
    const octet_node *n = &g->nodes[st->node];
    const char *op = st->info.op_type ? st->info.op_type : n->op_type;
    if (strcmp(op, "OctetAttention") == 0 && n->n_inputs >= 2 && n->inputs[1] >= 0 &&
        n->outputs[0] >= 0) {
      /* Q K^T and P V: 2 x B*H*Sq*Sk*D multiply-adds (Y is [B, Sq, H, D]) */
      const octet_tview *kv = &p->pv[n->inputs[1]].tv, *y = &p->pv[n->outputs[0]].tv;
      if (kv->rank == 4) st->info.flops = 2.0 * 2.0 * numel(y) * (double)kv->dims[1];
      continue;
    }
    if (!is_linear_op(op) || n->n_inputs < 1 || n->n_outputs < 1) continue;
    int va = n->inputs[0], vy = n->outputs[0];
    if (va < 0 || va >= g->n_values || vy < 0 || vy >= g->n_values) continue;
    st->info.flops = 2.0 * node_macs(n, op, &p->pv[va].tv, &p->pv[vy].tv);
  }
}

octet_status octet_session_flops(const octet_session *s, double *flops) {
  if (!s || !flops) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (!octet_session_enter(s, "octet_session_flops")) return OCTET_ERR_BUSY;
  *flops = 0.0;
  const octet_plan *p = &s->plan;
  octet_status st = OCTET_OK;
  if (!p->valid || !p->pv) {
    st = octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                    "session_flops: no plan yet (call octet_session_plan)");
  } else {
    for (int k = 0; k < p->n_steps; k++) *flops += p->steps[k].info.flops;
    if (s->chunk.size > 0) *flops *= (double)(s->chunk.batch / s->chunk.size);
  }
  octet_session_leave(s);
  return st;
}
