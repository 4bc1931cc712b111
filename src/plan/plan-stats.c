/* Statistics of a plan: the FLOPs of one run, per node. */
#include <string.h>

#include "plan/plan.h"

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

/* g: the graph the plan's steps index (after fusion and lowering: MatMul +
 * Add are OctetLinear nodes). */
void octet_plan_count_flops(octet_plan *p, const octet_graph *g) {
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
