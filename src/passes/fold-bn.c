/* Folds an inference BatchNormalization into the Conv, ConvTranspose or
 * Gemm before it, when BN's scale, B, mean and var and the producer's
 * weights (and bias) are float32 constants and BN is the only reader of the
 * producer's output. With a = scale / sqrt(var + epsilon) per channel:
 *   W'[channel] = W[channel] * a,  bias' = (bias - mean) * a + B
 * (Gemm: the columns of op(B) and C' = beta * C * a + B - mean * a, beta
 * set to 1). New constants are made; the model's are never changed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/passes.h"

typedef struct bn_consts {
  int64_t c;
  double *a, *b; /* Y = X * a + b per channel */
} bn_consts;

static bool f32_vec(const octet_graph *g, int v, int64_t len) {
  const octet_value *c = pass_const(g, v);
  return c && c->dtype == OCTET_DTYPE_FLOAT32 && c->rank == 1 && c->dims[0] == len && c->data;
}

static bool is_inference_bn(const octet_node *n) {
  return strcmp(n->op_type, "BatchNormalization") == 0 && (!n->domain || !n->domain[0]) &&
         n->n_inputs == 5 && n->n_outputs == 1 && attr_int(n, "training_mode", 0) == 0 &&
         attr_int(n, "spatial", 1) == 1 && (n->opset >= 7 || attr_int(n, "is_test", 0) != 0);
}

static bool bn_read(const octet_graph *g, const octet_node *n, int64_t c, bn_consts *k) {
  for (int i = 1; i < 5; i++)
    if (!f32_vec(g, n->inputs[i], c)) return false;
  const float *s = g->values[n->inputs[1]].data, *b = g->values[n->inputs[2]].data;
  const float *m = g->values[n->inputs[3]].data, *v = g->values[n->inputs[4]].data;
  double eps = attr_float(n, "epsilon", 1e-5f);
  k->c = c;
  k->a = malloc(sizeof(double) * (size_t)(c + 1));
  k->b = malloc(sizeof(double) * (size_t)(c + 1));
  if (!k->a || !k->b) {
    free(k->a);
    free(k->b);
    return false;
  }
  for (int64_t i = 0; i < c; i++) {
    k->a[i] = (double)s[i] / sqrt((double)v[i] + eps);
    k->b[i] = (double)b[i] - (double)m[i] * k->a[i];
  }
  return true;
}

/* A new float32 constant named after `base`; -1 on failure. */
static int new_const(octet_graph *g, const char *base, const char *suffix, int rank,
                     const int64_t *dims, const float *data) {
  int v = pass_new_value(g, base, suffix);
  if (v < 0 || octet_value_set_constant(g, v, OCTET_DTYPE_FLOAT32, rank, dims, data) != OCTET_OK)
    return -1;
  return v;
}

/* Sets input 2 (the bias) of node ni, growing its input list if needed. */
static bool set_bias(octet_graph *g, int ni, int v) {
  octet_node *n = &g->nodes[ni];
  if (n->n_inputs < 3) {
    int *in = realloc(n->inputs, sizeof(int) * 3);
    if (!in) return false;
    n->inputs = in;
    for (int i = n->n_inputs; i < 3; i++) in[i] = -1;
    n->n_inputs = 3;
  }
  n->inputs[2] = v;
  return true;
}

/* Conv (W [M, C/g, k...]) and ConvTranspose (W [C, M/g, k...]). */
static bool fold_conv(octet_graph *g, int pi, const bn_consts *k, bool transpose) {
  const octet_node *p = &g->nodes[pi];
  const octet_value *w = pass_const(g, p->inputs[1]);
  if (!w || w->dtype != OCTET_DTYPE_FLOAT32 || w->rank < 3 || !w->data) return false;
  int64_t group = attr_int(p, "group", 1);
  if (group < 1 || w->dims[0] % group != 0) return false;
  int64_t m = transpose ? w->dims[1] * group : w->dims[0];
  if (m != k->c) return false;
  bool has_b = p->n_inputs > 2 && p->inputs[2] >= 0;
  if (has_b && !f32_vec(g, p->inputs[2], m)) return false;
  int64_t taps = 1, numel = w->dims[0] * w->dims[1];
  for (int i = 2; i < w->rank; i++) taps *= w->dims[i];
  numel *= taps;
  float *nw = malloc(sizeof(float) * (size_t)(numel + 1));
  float *nb = malloc(sizeof(float) * (size_t)(m + 1));
  if (!nw || !nb) {
    free(nw);
    free(nb);
    return false;
  }
  const float *ow = w->data, *ob = has_b ? g->values[p->inputs[2]].data : NULL;
  int64_t rows = w->dims[0] * w->dims[1], cg = w->dims[0] / group, mg = w->dims[1];
  for (int64_t r = 0; r < rows; r++) {
    /* the output channel of W's row r (its first two dims) */
    int64_t oc = transpose ? (r / mg / cg) * mg + r % mg : r / w->dims[1];
    for (int64_t t = 0; t < taps; t++)
      nw[r * taps + t] = (float)((double)ow[r * taps + t] * k->a[oc]);
  }
  for (int64_t i = 0; i < m; i++) nb[i] = (float)((ob ? (double)ob[i] : 0.0) * k->a[i] + k->b[i]);
  int64_t wd[OCTET_MAX_RANK];
  memcpy(wd, w->dims, sizeof wd);
  int wr = w->rank;
  const char *base = p->name && *p->name ? p->name : "conv";
  char name[256];
  snprintf(name, sizeof name, "%s", base);
  int vw = new_const(g, name, "bn_weight", wr, wd, nw);
  int vb = vw < 0 ? -1 : new_const(g, name, "bn_bias", 1, &m, nb);
  free(nw);
  free(nb);
  if (vb < 0) return false;
  g->nodes[pi].inputs[1] = vw;
  return set_bias(g, pi, vb);
}

static bool fold_gemm(octet_graph *g, int pi, const bn_consts *k) {
  const octet_node *p = &g->nodes[pi];
  const octet_value *b = pass_const(g, p->inputs[1]);
  if (!b || b->dtype != OCTET_DTYPE_FLOAT32 || b->rank != 2 || !b->data) return false;
  bool tb = attr_int(p, "transB", 0) != 0;
  int64_t n = tb ? b->dims[0] : b->dims[1], kk = tb ? b->dims[1] : b->dims[0];
  if (n != k->c) return false;
  float beta = attr_float(p, "beta", 1.0f);
  const float *oc = NULL;
  int64_t oc_n = 0;
  if (p->n_inputs > 2 && p->inputs[2] >= 0) {
    const octet_value *c = pass_const(g, p->inputs[2]);
    if (!c || c->dtype != OCTET_DTYPE_FLOAT32 || !c->data) return false;
    oc_n = 1;
    for (int i = 0; i < c->rank; i++) oc_n *= c->dims[i];
    if (!(oc_n == 1 || (c->rank == 1 && oc_n == n) || (c->rank == 2 && c->dims[0] == 1 &&
                                                        oc_n == n)))
      return false;
    oc = c->data;
  }
  float *nw = malloc(sizeof(float) * (size_t)(n * kk + 1));
  float *nc = malloc(sizeof(float) * (size_t)(n + 1));
  if (!nw || !nc) {
    free(nw);
    free(nc);
    return false;
  }
  const float *ow = b->data;
  for (int64_t r = 0; r < b->dims[0]; r++)
    for (int64_t j = 0; j < b->dims[1]; j++)
      nw[r * b->dims[1] + j] =
          (float)((double)ow[r * b->dims[1] + j] * k->a[tb ? r : j]);
  for (int64_t j = 0; j < n; j++) {
    double cv = oc ? (double)beta * oc[oc_n == 1 ? 0 : j] : 0.0;
    nc[j] = (float)(cv * k->a[j] + k->b[j]);
  }
  int64_t bd[2] = {b->dims[0], b->dims[1]};
  char name[256];
  snprintf(name, sizeof name, "%s", p->name && *p->name ? p->name : "gemm");
  int vw = new_const(g, name, "bn_weight", 2, bd, nw);
  int vc = vw < 0 ? -1 : new_const(g, name, "bn_bias", 1, &n, nc);
  free(nw);
  free(nc);
  if (vc < 0) return false;
  octet_node *pn = &g->nodes[pi];
  pn->inputs[1] = vw;
  if (!set_bias(g, pi, vc)) return false;
  for (int a = 0; a < pn->n_attrs; a++)
    if (strcmp(pn->attrs[a].name, "beta") == 0) {
      pn->attrs[a].type = OCTET_ATTR_FLOAT;
      pn->attrs[a].f = 1.0f;
    }
  return true;
}

octet_status octet_pass_fold_bn(octet_graph *g) {
  int *uses = malloc(sizeof(int) * (size_t)(g->n_values + 1));
  bool *dead = calloc((size_t)g->n_nodes + 1, sizeof(bool));
  if (!uses || !dead) {
    free(uses);
    free(dead);
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  }
  octet_graph_count_uses(g, uses);
  bool any = false;
  for (int i = 0; i < g->n_nodes; i++) {
    const octet_node *bn = &g->nodes[i];
    if (!is_inference_bn(bn) || bn->inputs[0] < 0) continue;
    int x = bn->inputs[0], pi = g->values[x].producer;
    if (pi < 0 || dead[pi] || pass_sole_consumer(g, uses, x) != i) continue;
    const octet_node *p = &g->nodes[pi];
    if ((p->domain && p->domain[0]) || p->n_outputs != 1 || p->n_inputs < 2) continue;
    bool conv = strcmp(p->op_type, "Conv") == 0;
    bool convt = strcmp(p->op_type, "ConvTranspose") == 0;
    bool gemm = strcmp(p->op_type, "Gemm") == 0;
    if (!conv && !convt && !gemm) continue;
    const octet_value *w = pass_const(g, p->inputs[1]);
    if (!w || w->rank < 2) continue;
    int64_t c = gemm ? (attr_int(p, "transB", 0) ? w->dims[0] : w->dims[1])
                : convt ? w->dims[1] * attr_int(p, "group", 1) : w->dims[0];
    bn_consts k;
    if (!bn_read(g, bn, c, &k)) continue;
    int y = bn->outputs[0];
    bool done = gemm ? fold_gemm(g, pi, &k) : fold_conv(g, pi, &k, convt);
    free(k.a);
    free(k.b);
    if (!done) continue;
    g->nodes[pi].outputs[0] = y; /* the producer writes BN's output */
    g->values[y].producer = pi;
    g->values[x].producer = -1;
    dead[i] = true;
    any = true;
  }
  if (any) octet_graph_remove_nodes(g, dead);
  free(uses);
  free(dead);
  return any ? octet_graph_toposort(g) : OCTET_OK;
}
