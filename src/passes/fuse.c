/* Fusion passes: decomposed LayerNorm and erf-GELU back into single ops,
 * MatMul/Gemm with constant weights (+ bias, + Relu) into OctetLinear, and
 * the head-transposed attention chain into OctetAttention, and a residual
 * Add after a linear node into the linear's epilogue. Each
 * sub-pass matches on the graph as it stands, marks the matched nodes dead,
 * appends the replacement, then the graph is compacted and re-sorted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/passes.h"

typedef struct fuse_ctx {
  octet_graph *g;
  int *uses;
  int *reader;   /* per value: the first of the original nodes reading it */
  bool *dead;
  int n_orig;
} fuse_ctx;

static octet_node *node(fuse_ctx *c, int i) { return &c->g->nodes[i]; }

static bool is_op(fuse_ctx *c, int i, const char *op) {
  return i >= 0 && i < c->n_orig && !c->dead[i] && strcmp(node(c, i)->op_type, op) == 0;
}

static int producer(fuse_ctx *c, int v) { return v < 0 ? -1 : c->g->values[v].producer; }

/* The only node reading `v` (-1 if none, several, or a graph output), as
 * pass_sole_consumer says, in O(1): with one use, the reader found when
 * the pass began (nodes appended since are never matched). */
static int sole(fuse_ctx *c, int v) {
  return v >= 0 && c->uses[v] == 1 ? c->reader[v] : -1;
}

static bool near(float a, float b) { return fabsf(a - b) <= 1e-4f * fabsf(b) + 1e-7f; }

/* The other input of a two-input node, given one of them. */
static int other_input(const octet_node *n, int v) {
  if (n->n_inputs != 2) return -1;
  if (n->inputs[0] == v) return n->inputs[1];
  if (n->inputs[1] == v) return n->inputs[0];
  return -1;
}

/* Reduction over the last axis only, keepdims=1 (axes attr or const input). */
static bool reduce_last_axis(fuse_ctx *c, const octet_node *n) {
  if (attr_int(n, "keepdims", 1) != 1) return false;
  const int64_t *axes = NULL;
  size_t count = 0;
  if (!attr_ints(n, "axes", &axes, &count) && n->n_inputs > 1) {
    const octet_value *a = pass_const(c->g, n->inputs[1]);
    if (!a || a->dtype != OCTET_DTYPE_INT64) return false;
    axes = a->data;
    count = a->nbytes / sizeof(int64_t);
  }
  return count == 1 && axes[0] == -1;
}

static octet_status finish(fuse_ctx *c) {
  bool *dead = calloc((size_t)c->g->n_nodes + 1, sizeof(bool));
  if (!dead) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  memcpy(dead, c->dead, sizeof(bool) * (size_t)c->n_orig);
  octet_graph_remove_nodes(c->g, dead);
  free(dead);
  return octet_graph_toposort(c->g);
}

static octet_status begin(fuse_ctx *c, octet_graph *g) {
  c->g = g;
  c->n_orig = g->n_nodes;
  c->uses = malloc(sizeof(int) * (size_t)(g->n_values + 1));
  c->reader = malloc(sizeof(int) * (size_t)(g->n_values + 1));
  c->dead = calloc((size_t)g->n_nodes + 1, sizeof(bool));
  if (!c->uses || !c->reader || !c->dead) {
    free(c->uses);
    free(c->reader);
    free(c->dead);
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  }
  octet_graph_count_uses(g, c->uses);
  for (int v = 0; v < g->n_values; v++) c->reader[v] = -1;
  for (int i = 0; i < g->n_nodes; i++)
    for (int k = 0; k < g->nodes[i].n_inputs; k++) {
      int v = g->nodes[i].inputs[k];
      if (v >= 0 && c->reader[v] < 0) c->reader[v] = i;
    }
  return OCTET_OK;
}

static void end(fuse_ctx *c) {
  free(c->uses);
  free(c->reader);
  free(c->dead);
}

/* x - mean(x) -> d; d^2 (Pow 2 or d*d) -> mean -> + eps -> sqrt -> d / s
 * [* gamma] [+ beta]  ==>  LayerNormalization(x, gamma, beta) */
static octet_status fuse_layernorm(fuse_ctx *c) {
  octet_graph *g = c->g;
  for (int i = 0; i < c->n_orig; i++) {
    if (!is_op(c, i, "Div")) continue;
    int q = i;
    int d = node(c, q)->inputs[0], sq = node(c, q)->inputs[1];
    int ps = producer(c, sq), psub = producer(c, d);
    if (!is_op(c, ps, "Sqrt") || !is_op(c, psub, "Sub")) continue;
    int x = node(c, psub)->inputs[0], mean = node(c, psub)->inputs[1];
    int pm = producer(c, mean);
    if (!is_op(c, pm, "ReduceMean") || node(c, pm)->inputs[0] != x ||
        !reduce_last_axis(c, node(c, pm)) || c->uses[mean] != 1)
      continue;
    int pe = producer(c, node(c, ps)->inputs[0]);
    float eps;
    if (!is_op(c, pe, "Add")) continue;
    int var = node(c, pe)->inputs[0];
    if (!pass_const_scalar(g, node(c, pe)->inputs[1], &eps)) {
      var = node(c, pe)->inputs[1];
      if (!pass_const_scalar(g, node(c, pe)->inputs[0], &eps)) continue;
    }
    int pv = producer(c, var);
    if (!is_op(c, pv, "ReduceMean") || !reduce_last_axis(c, node(c, pv))) continue;
    int pp = producer(c, node(c, pv)->inputs[0]);
    float two;
    bool square = (is_op(c, pp, "Pow") && node(c, pp)->inputs[0] == d &&
                   pass_const_scalar(g, node(c, pp)->inputs[1], &two) && two == 2.0f) ||
                  (is_op(c, pp, "Mul") && node(c, pp)->inputs[0] == d &&
                   node(c, pp)->inputs[1] == d);
    if (!square || c->uses[d] != (is_op(c, pp, "Mul") ? 3 : 2)) continue;
    if (c->uses[node(c, pp)->outputs[0]] != 1 || c->uses[var] != 1 ||
        c->uses[node(c, pe)->outputs[0]] != 1 || c->uses[sq] != 1)
      continue;
    /* optional * gamma, + beta with constant rank-1 operands */
    int out = node(c, q)->outputs[0], gamma = -1, beta = -1;
    int chain[2] = {-1, -1};
    int cm = sole(c, out);
    if (is_op(c, cm, "Mul")) {
      int o = other_input(node(c, cm), out);
      const octet_value *gv = pass_const(g, o);
      if (gv && gv->rank == 1) {
        gamma = o;
        chain[0] = cm;
        out = node(c, cm)->outputs[0];
        int ca = sole(c, out);
        if (is_op(c, ca, "Add")) {
          int b = other_input(node(c, ca), out);
          const octet_value *bv = pass_const(g, b);
          if (bv && bv->rank == 1 && bv->dtype == gv->dtype) {
            beta = b;
            chain[1] = ca;
            out = node(c, ca)->outputs[0];
          }
        }
      }
    }
    if (gamma < 0) continue; /* LayerNormalization needs a scale; rare without */
    int dead_nodes[] = {q, ps, pe, pv, pp, psub, pm, chain[0], chain[1]};
    for (size_t k = 0; k < sizeof dead_nodes / sizeof dead_nodes[0]; k++)
      if (dead_nodes[k] >= 0) c->dead[dead_nodes[k]] = true;
    int ins[3] = {x, gamma, beta};
    char name[256];
    snprintf(name, sizeof name, "%s/layernorm", node(c, q)->name);
    int ni = octet_graph_add_node(g, name, "LayerNormalization", ins, beta >= 0 ? 3 : 2,
                                  &out, 1);
    if (ni < 0) return OCTET_ERR_NO_MEMORY;
    octet_attr *a = octet_node_add_attr(&g->nodes[ni], "epsilon", OCTET_ATTR_FLOAT);
    octet_attr *b = a ? octet_node_add_attr(&g->nodes[ni], "axis", OCTET_ATTR_INT) : NULL;
    if (!a || !b) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    g->nodes[ni].attrs[0].f = eps;
    g->nodes[ni].attrs[1].i = -1;
    g->nodes[ni].opset = g->opset > 17 ? g->opset : 17;
  }
  return OCTET_OK;
}

/* 0.5 * x * (1 + erf(x / sqrt2)) in its exporters' orders ==> Gelu(x) */
static octet_status fuse_gelu(fuse_ctx *c) {
  octet_graph *g = c->g;
  for (int i = 0; i < c->n_orig; i++) {
    if (!is_op(c, i, "Erf")) continue;
    int pd = producer(c, node(c, i)->inputs[0]);
    float k;
    int x = -1;
    if (is_op(c, pd, "Div") && pass_const_scalar(g, node(c, pd)->inputs[1], &k) &&
        near(k, 1.41421356f))
      x = node(c, pd)->inputs[0];
    else if (is_op(c, pd, "Mul") && pass_const_scalar(g, node(c, pd)->inputs[1], &k) &&
             near(k, 0.70710678f))
      x = node(c, pd)->inputs[0];
    if (x < 0 || c->uses[node(c, pd)->outputs[0]] != 1) continue;
    int e = node(c, i)->outputs[0];
    int pa = sole(c, e);
    float one;
    if (!is_op(c, pa, "Add") || !pass_const_scalar(g, other_input(node(c, pa), e), &one) ||
        one != 1.0f)
      continue;
    int a = node(c, pa)->outputs[0];
    int m1 = sole(c, a);
    if (!is_op(c, m1, "Mul")) continue;
    int partner = other_input(node(c, m1), a);
    int out = -1, extra = -1;
    float half;
    if (partner == x) { /* (x * a) * 0.5 */
      int m2 = sole(c, node(c, m1)->outputs[0]);
      if (!is_op(c, m2, "Mul") ||
          !pass_const_scalar(g, other_input(node(c, m2), node(c, m1)->outputs[0]), &half) ||
          half != 0.5f)
        continue;
      extra = m2;
      out = node(c, m2)->outputs[0];
    } else { /* (x * 0.5) * a */
      int ph = producer(c, partner);
      if (!is_op(c, ph, "Mul") || c->uses[partner] != 1 ||
          other_input(node(c, ph), x) < 0 ||
          !pass_const_scalar(g, other_input(node(c, ph), x), &half) || half != 0.5f)
        continue;
      extra = ph;
      out = node(c, m1)->outputs[0];
    }
    int dead_nodes[] = {pd, i, pa, m1, extra};
    for (size_t q = 0; q < sizeof dead_nodes / sizeof dead_nodes[0]; q++)
      c->dead[dead_nodes[q]] = true;
    char name[256];
    snprintf(name, sizeof name, "%s/gelu", node(c, i)->name);
    int ni = octet_graph_add_node(g, name, "Gelu", &x, 1, &out, 1);
    if (ni < 0) return OCTET_ERR_NO_MEMORY;
  }
  return OCTET_OK;
}

/* A float32 [K, N] weight for a Linear: the MatMul's B, or Gemm's B
 * transposed when transB = 1 (a new constant). */
static int linear_weight(fuse_ctx *c, const octet_node *n, bool gemm) {
  const octet_value *w = pass_const(c->g, n->inputs[1]);
  if (!w || w->rank != 2 || w->dtype != OCTET_DTYPE_FLOAT32) return -1;
  if (!gemm || attr_int(n, "transB", 0) == 0) return n->inputs[1];
  int64_t K = w->dims[1], N = w->dims[0];
  float *t = malloc(sizeof(float) * (size_t)(K * N + 1));
  if (!t) return -1;
  const float *src = w->data;
  for (int64_t k = 0; k < K; k++)
    for (int64_t j = 0; j < N; j++) t[k * N + j] = src[j * K + k];
  int v = pass_new_value(c->g, n->name, "weight_t");
  int64_t dims[2] = {K, N};
  if (v < 0 || octet_value_set_constant(c->g, v, OCTET_DTYPE_FLOAT32, 2, dims, t) != OCTET_OK)
    v = -1;
  free(t);
  return v;
}

static octet_status fuse_linear(fuse_ctx *c) {
  octet_graph *g = c->g;
  for (int i = 0; i < c->n_orig; i++) {
    bool gemm = is_op(c, i, "Gemm");
    if (!gemm && !is_op(c, i, "MatMul")) continue;
    const octet_node *n = node(c, i);
    if (gemm && (attr_int(n, "transA", 0) != 0 || attr_float(n, "alpha", 1.0f) != 1.0f ||
                 attr_float(n, "beta", 1.0f) != 1.0f))
      continue;
    int bias = -1;
    if (gemm && n->n_inputs > 2 && n->inputs[2] >= 0) {
      const octet_value *b = pass_const(g, n->inputs[2]);
      if (!b || b->rank != 1 || b->dtype != OCTET_DTYPE_FLOAT32) continue;
      bias = n->inputs[2];
    }
    if (pass_const(g, n->inputs[0])) continue; /* folded at plan time */
    int w = linear_weight(c, n, gemm);
    if (w < 0) continue;
    n = node(c, i); /* the node array may have moved */
    int64_t N = g->values[w].dims[1];
    int x = n->inputs[0], out = n->outputs[0];
    int absorbed[2] = {-1, -1};
    int ca = sole(c, out);
    if (bias < 0 && is_op(c, ca, "Add")) {
      int b = other_input(node(c, ca), out);
      const octet_value *bv = pass_const(g, b);
      if (bv && bv->rank == 1 && bv->dims[0] == N && bv->dtype == OCTET_DTYPE_FLOAT32) {
        bias = b;
        absorbed[0] = ca;
        out = node(c, ca)->outputs[0];
      }
    }
    octet_act act = OCTET_ACT_NONE;
    int cr = sole(c, out);
    if (is_op(c, cr, "Relu")) {
      act = OCTET_ACT_RELU;
      absorbed[1] = cr;
      out = node(c, cr)->outputs[0];
    } else if (is_op(c, cr, "Gelu") && (!node(c, cr)->domain || !node(c, cr)->domain[0])) {
      const char *approx = attr_string(node(c, cr), "approximate", "none");
      if (strcmp(approx, "none") == 0 || strcmp(approx, "tanh") == 0) {
        act = strcmp(approx, "none") == 0 ? OCTET_ACT_GELU : OCTET_ACT_GELU_TANH;
        absorbed[1] = cr;
        out = node(c, cr)->outputs[0];
      }
    }
    c->dead[i] = true;
    for (int k = 0; k < 2; k++)
      if (absorbed[k] >= 0) c->dead[absorbed[k]] = true;
    int ins[3] = {x, w, bias};
    char name[256];
    snprintf(name, sizeof name, "%s", node(c, i)->name);
    int ni = octet_graph_add_node(g, name, "OctetLinear", ins, bias >= 0 ? 3 : 2, &out, 1);
    if (ni < 0) return OCTET_ERR_NO_MEMORY;
    octet_attr *a = octet_node_add_attr(&g->nodes[ni], "act", OCTET_ATTR_INT);
    if (!a) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    octet_linear_set_act(a, act);
    if (gemm) { /* Gemm's A must stay 2-D (checked by the linear's inference) */
      octet_attr *ga = octet_node_add_attr(&g->nodes[ni], "gemm", OCTET_ATTR_INT);
      if (!ga) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
      ga->i = 1;
    }
  }
  return OCTET_OK;
}

/* ---- attention ------------------------------------------------------------ */

static bool has_perm(const octet_node *n, const int64_t want[4]) {
  const int64_t *p = NULL;
  size_t count = 0;
  return attr_ints(n, "perm", &p, &count) && count == 4 && p[0] == want[0] &&
         p[1] == want[1] && p[2] == want[2] && p[3] == want[3];
}

/* v made by a Transpose with `perm` that only `user` reads: that Transpose
 * (its input is the [B, S, H, D] tensor), else -1. */
static int head_transpose(fuse_ctx *c, int v, int user, const int64_t perm[4]) {
  int t = producer(c, v);
  if (!is_op(c, t, "Transpose") || !has_perm(node(c, t), perm)) return -1;
  return sole(c, v) == user ? t : -1;
}

/* s = MatMul(qt, kt) [Mul c | Div c]: fills the MatMul, the scale node and
 * the scale constant; false when s is not of that form. */
static bool scores_of(fuse_ctx *c, int s, int user, int *mm, int *sc_node, int *sc_val,
                      int *op) {
  if (sole(c, s) != user) return false;
  int p = producer(c, s);
  *sc_node = -1, *sc_val = -1, *op = 0;
  float f;
  if (is_op(c, p, "Mul") || is_op(c, p, "Div")) {
    const octet_node *n = node(c, p);
    bool div = is_op(c, p, "Div");
    int k = -1;
    if (n->n_inputs == 2 && pass_const_scalar(c->g, n->inputs[1], &f)) k = 1;
    else if (!div && n->n_inputs == 2 && pass_const_scalar(c->g, n->inputs[0], &f)) k = 0;
    if (k < 0) return false;
    *sc_node = p, *sc_val = n->inputs[k], *op = div ? 2 : 1;
    s = n->inputs[1 - k];
    if (sole(c, s) != p) return false;
    p = producer(c, s);
  }
  if (!is_op(c, p, "MatMul")) return false;
  *mm = p;
  return true;
}

/* K^T of the heads: Transpose(K, 0,2,3,1), or Transpose(0,1,3,2) of
 * Transpose(K, 0,2,1,3), read only by `user`. Returns the first Transpose
 * (its input is K) and sets *second to the other one (or -1). */
static int keys_transpose(fuse_ctx *c, int v, int user, int *second) {
  static const int64_t to_keys_t[4] = {0, 2, 3, 1}, swap_last[4] = {0, 1, 3, 2},
                       to_heads[4] = {0, 2, 1, 3};
  *second = -1;
  int t = head_transpose(c, v, user, to_keys_t);
  if (t >= 0) return t;
  int t2 = head_transpose(c, v, user, swap_last);
  if (t2 < 0) return -1;
  t = head_transpose(c, node(c, t2)->inputs[0], t2, to_heads);
  if (t >= 0) *second = t2;
  return t;
}

/* Transpose(Q, 0,2,1,3), K^T (keys_transpose), Transpose(V, 0,2,1,3);
 * MatMul [Mul|Div by a constant] [Add mask] Softmax(-1) MatMul
 * Transpose(0,2,1,3)  ==>  OctetAttention(Q, K, V, mask, scale), which
 * writes the last Transpose's output (so readers of its shape still work). */
static octet_status fuse_attention(fuse_ctx *c) {
  static const int64_t to_heads[4] = {0, 2, 1, 3};
  octet_graph *g = c->g;
  for (int i = 0; i < c->n_orig; i++) {
    if (!is_op(c, i, "Softmax")) continue;
    const octet_node *sm = node(c, i);
    int64_t axis = attr_int(sm, "axis", -1);
    if ((axis != -1 && axis != 3) || (sm->opset > 0 && sm->opset < 13)) continue;
    int x = sm->inputs[0], mask = -1, add = -1;
    int mm1 = -1, sc_node = -1, sc_val = -1, op = 0;
    int pa = producer(c, x);
    if (is_op(c, pa, "Add") && sole(c, x) == i) {
      const octet_node *an = node(c, pa);
      for (int k = 0; k < 2 && add < 0; k++)
        if (scores_of(c, an->inputs[k], pa, &mm1, &sc_node, &sc_val, &op))
          add = pa, mask = an->inputs[1 - k];
    }
    if (add < 0 && !scores_of(c, x, i, &mm1, &sc_node, &sc_val, &op)) continue;
    const octet_node *m1 = node(c, mm1);
    int tq = head_transpose(c, m1->inputs[0], mm1, to_heads);
    int tk2 = -1, tk = keys_transpose(c, m1->inputs[1], mm1, &tk2);
    int mm2 = sole(c, sm->outputs[0]);
    if (tq < 0 || tk < 0 || !is_op(c, mm2, "MatMul") || node(c, mm2)->inputs[0] != sm->outputs[0])
      continue;
    int tv = head_transpose(c, node(c, mm2)->inputs[1], mm2, to_heads);
    int to = sole(c, node(c, mm2)->outputs[0]);
    if (tv < 0 || !is_op(c, to, "Transpose") || !has_perm(node(c, to), to_heads)) continue;
    int ins[5] = {node(c, tq)->inputs[0], node(c, tk)->inputs[0], node(c, tv)->inputs[0],
                  mask, sc_val};
    int out = node(c, to)->outputs[0];
    int dead_nodes[] = {tq, tk, tk2, tv, mm1, sc_node, add, i, mm2, to};
    for (size_t q = 0; q < sizeof dead_nodes / sizeof dead_nodes[0]; q++)
      if (dead_nodes[q] >= 0) c->dead[dead_nodes[q]] = true;
    char name[256];
    snprintf(name, sizeof name, "%s/attention", node(c, i)->name);
    int ni = octet_graph_add_node(g, name, "OctetAttention", ins, op ? 5 : (mask >= 0 ? 4 : 3),
                                  &out, 1);
    if (ni < 0) return OCTET_ERR_NO_MEMORY;
    octet_attr *a = octet_node_add_attr(&g->nodes[ni], "scale_op", OCTET_ATTR_INT);
    if (!a) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    a->i = op;
  }
  return OCTET_OK;
}

/* ---- residual ------------------------------------------------------------- */

/* Is node `anc` among the producers that value v depends on? The nodes are
 * in topological order when a pass begins (and the producers are still the
 * original nodes), so a node before `anc` cannot depend on it: the search
 * stays between the two. */
static bool depends_on(fuse_ctx *c, int v, int anc) {
  octet_graph *g = c->g;
  int p = producer(c, v);
  if (p < anc) return false;
  /* every node searched is in [anc, p]: the producers of a node's inputs
   * come before it */
  size_t window = (size_t)(p - anc) + 1;
  bool *seen = calloc(window, sizeof(bool));
  int *stack = malloc(sizeof(int) * window);
  bool found = false;
  int top = 0;
  if (!seen || !stack) {
    free(seen), free(stack);
    return true; /* out of memory: do not fuse */
  }
  stack[top++] = p, seen[p - anc] = true;
  while (top > 0 && !found) {
    int n = stack[--top];
    if (n == anc) found = true;
    for (int i = 0; i < g->nodes[n].n_inputs && !found; i++) {
      int q = producer(c, g->nodes[n].inputs[i]);
      if (q >= anc && q <= p && !seen[q - anc]) seen[q - anc] = true, stack[top++] = q;
    }
  }
  free(seen), free(stack);
  return found;
}

/* OctetLinear (no activation, no residual) whose only reader is Add(y, r)
 * with r an activation  ==>  OctetLinear(x, W, B, r): the residual add in
 * the GEMM's epilogue. For float32 activations only (fp32 and w8a8): the
 * epilogue adds in fp32, which is the separate Add exactly; with float16
 * activations the Add would round the linear's output first. */
static octet_status fuse_residual(fuse_ctx *c) {
  octet_graph *g = c->g;
  for (int i = 0; i < c->n_orig; i++) {
    if (!is_op(c, i, "OctetLinear")) continue;
    const octet_node *n = node(c, i);
    if (octet_linear_act(n) != OCTET_ACT_NONE || n->n_inputs > 3 || n->n_outputs != 1) continue;
    int y = n->outputs[0], a = sole(c, y);
    if (!is_op(c, a, "Add") || (node(c, a)->domain && node(c, a)->domain[0])) continue;
    int r = other_input(node(c, a), y);
    if (r < 0 || r == y || pass_const(g, r) || depends_on(c, r, i)) continue;
    int ins[4] = {n->inputs[0], n->inputs[1], n->n_inputs > 2 ? n->inputs[2] : -1, r};
    int out = node(c, a)->outputs[0];
    bool gemm = attr_int(n, "gemm", 0) != 0;
    c->dead[i] = c->dead[a] = true;
    char name[256];
    snprintf(name, sizeof name, "%s", n->name);
    int ni = octet_graph_add_node(g, name, "OctetLinear", ins, 4, &out, 1);
    if (ni < 0) return OCTET_ERR_NO_MEMORY;
    octet_attr *at = octet_node_add_attr(&g->nodes[ni], "act", OCTET_ATTR_INT);
    if (!at) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    octet_linear_set_act(at, OCTET_ACT_NONE);
    if (gemm && !(at = octet_node_add_attr(&g->nodes[ni], "gemm", OCTET_ATTR_INT)))
      return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    if (gemm) at->i = 1;
  }
  return OCTET_OK;
}

octet_status octet_pass_fuse(octet_graph *g, unsigned flags, octet_precision precision) {
  octet_status (*const passes[])(fuse_ctx *) = {fuse_layernorm, fuse_gelu, fuse_linear,
                                                fuse_attention, fuse_residual};
  octet_status fst = octet_pass_fold_bn(g); /* issue 16 part B */
  if (fst != OCTET_OK) return fst;
  for (size_t p = 0; p < sizeof passes / sizeof passes[0]; p++) {
    if (passes[p] == fuse_attention && (flags & OCTET_SESSION_NO_FUSE_ATTENTION)) continue;
    if (passes[p] == fuse_residual &&
        (precision == OCTET_PRECISION_FP16 || (flags & OCTET_SESSION_NO_FUSE_RESIDUAL)))
      continue;
    fuse_ctx c;
    octet_status st = begin(&c, g);
    if (st != OCTET_OK) return st;
    st = passes[p](&c);
    if (st == OCTET_OK) st = finish(&c);
    end(&c);
    if (st != OCTET_OK) return st;
  }
  return OCTET_OK;
}
