/* Precision lowering. fp16: every float32 constant becomes float16, Casts to
 * float become Casts to float16, float32 graph inputs get a Cast to float16
 * and float32 graph outputs a Cast back, so activations between ops are
 * float16 (ops accumulate in fp32 internally). w8a8: OctetLinear nodes are
 * marked quantized (int8 weights per output channel, int8 activations per
 * row, exact int32 accumulation), and large float32 lookup tables read by
 * Gather (token embeddings) are stored as int8 with one scale per row;
 * everything else stays float32. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/passes.h"
#include "core/quant.h"

static octet_status const_to_fp16(octet_graph *g, int v) {
  octet_value *val = &g->values[v];
  size_t n = val->nbytes / sizeof(float);
  uint16_t *h = malloc(sizeof(uint16_t) * (n ? n : 1));
  if (!h) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory lowering '%s'", val->name);
  const float *f = val->data;
  for (size_t i = 0; i < n; i++) h[i] = octet_fp32_to_fp16(f[i]);
  int64_t dims[OCTET_MAX_RANK];
  memcpy(dims, val->dims, sizeof dims);
  octet_status st = octet_value_set_constant(g, v, OCTET_DTYPE_FLOAT16, val->rank, dims, h);
  free(h);
  return st;
}

static octet_status add_cast(octet_graph *g, int from, int to, octet_dtype dtype) {
  char name[512];
  snprintf(name, sizeof name, "%s/cast_%s", g->values[to].name, octet_dtype_name(dtype));
  int ni = octet_graph_add_node(g, name, "Cast", &from, 1, &to, 1);
  if (ni < 0) return OCTET_ERR_NO_MEMORY;
  octet_attr *a = octet_node_add_attr(&g->nodes[ni], "to", OCTET_ATTR_INT);
  if (!a) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  a->i = dtype;
  g->values[to].producer = ni;
  return OCTET_OK;
}

static octet_status lower_fp16(octet_graph *g) {
  octet_status st;
  /* constants, and the float attributes that make floats */
  for (int v = 0; v < g->n_values; v++)
    if (g->values[v].kind == OCTET_VALUE_CONSTANT &&
        g->values[v].dtype == OCTET_DTYPE_FLOAT32 &&
        (st = const_to_fp16(g, v)) != OCTET_OK)
      return st;
  for (int i = 0; i < g->n_nodes; i++) {
    octet_node *n = &g->nodes[i];
    for (int a = 0; a < n->n_attrs; a++) {
      octet_attr *at = &n->attrs[a];
      if (strcmp(n->op_type, "Cast") == 0 && strcmp(at->name, "to") == 0 &&
          at->i == OCTET_DTYPE_FLOAT32)
        at->i = OCTET_DTYPE_FLOAT16;
      if (at->type == OCTET_ATTR_TENSOR && at->t.dtype == OCTET_DTYPE_FLOAT32) {
        int64_t k = tv_numel(&at->t);
        uint16_t *h = malloc(sizeof(uint16_t) * (size_t)(k ? k : 1));
        if (!h) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
        for (int64_t j = 0; j < k; j++) h[j] = octet_fp32_to_fp16(((float *)at->t.data)[j]);
        free(at->t.data);
        at->t.data = h;
        at->t.dtype = OCTET_DTYPE_FLOAT16;
      }
    }
  }
  /* float32 graph inputs: read through a Cast to float16 */
  int n_nodes = g->n_nodes;
  for (int i = 0; i < g->n_inputs; i++) {
    int in = g->inputs[i];
    if (g->values[in].dtype != OCTET_DTYPE_FLOAT32) continue;
    int h = pass_new_value(g, g->values[in].name, "fp16");
    if (h < 0) return OCTET_ERR_NO_MEMORY;
    for (int k = 0; k < n_nodes; k++)
      for (int j = 0; j < g->nodes[k].n_inputs; j++)
        if (g->nodes[k].inputs[j] == in) g->nodes[k].inputs[j] = h;
    if ((st = add_cast(g, in, h, OCTET_DTYPE_FLOAT16)) != OCTET_OK) return st;
  }
  /* float32 graph outputs made by a node: that node now writes float16 into
   * a new value, and a Cast writes the float32 output */
  for (int i = 0; i < g->n_outputs; i++) {
    int out = g->outputs[i];
    octet_value *ov = &g->values[out];
    if (ov->dtype != OCTET_DTYPE_FLOAT32 || ov->producer < 0 ||
        ov->kind != OCTET_VALUE_INTERMEDIATE)
      continue;
    int p = ov->producer;
    int h = pass_new_value(g, g->values[out].name, "fp16");
    if (h < 0) return OCTET_ERR_NO_MEMORY;
    octet_node *pn = &g->nodes[p];
    for (int o = 0; o < pn->n_outputs; o++)
      if (pn->outputs[o] == out) pn->outputs[o] = h;
    g->values[h].producer = p;
    for (int k = 0; k < g->n_nodes; k++) /* other readers of the output */
      for (int j = 0; j < g->nodes[k].n_inputs; j++)
        if (g->nodes[k].inputs[j] == out) g->nodes[k].inputs[j] = h;
    if ((st = add_cast(g, h, out, OCTET_DTYPE_FLOAT32)) != OCTET_OK) return st;
  }
  return octet_graph_toposort(g);
}

/* Tables smaller than this stay float32 (position embeddings and the like
 * cost little and are read whole). */
#define QTABLE_MIN_ELEMS 65536

/* Y = Gather(T, idx) with T a float32 constant [V, D] becomes
 *   Mul(Cast<float>(Gather(Tq, idx)), Gather(S, idx))
 * with Tq int8 [V, D] and S float32 [V, 1], quantized per row v by the
 * activation rule of core/quant.h (S[v] = max|T[v]| / 127, 1 for a zero
 * row; Tq[v, d] = clamp(nearbyintf(T[v, d] * (127 / max|T[v]|)), +-127)).
 * Standard ops only, so every backend (and ref) runs it as it is. */
static octet_status quantize_table(octet_graph *g, int ni) {
  octet_node *n = &g->nodes[ni];
  const octet_value *t = &g->values[n->inputs[0]];
  const int64_t V = t->dims[0], D = t->dims[1];
  int8_t *q = malloc((size_t)(V * D) + 1);
  float *sc = malloc(sizeof(float) * (size_t)V + 1);
  if (!q || !sc) {
    free(q);
    free(sc);
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory quantizing '%s'", t->name);
  }
  const float *x = t->data;
  for (int64_t v = 0; v < V; v++) /* ref's per-row rule, as for activations */
    octet_q8_quantize_row(x + v * D, D, q + v * D, &sc[v]);
  const char *base = n->name && *n->name ? n->name : t->name;
  int vq = pass_new_value(g, base, "table_q8");
  int vs = pass_new_value(g, base, "table_scale");
  int gq = pass_new_value(g, base, "rows_q8");
  int gs = pass_new_value(g, base, "rows_scale");
  int gf = pass_new_value(g, base, "rows_f32");
  octet_status st = OCTET_OK;
  if (vq < 0 || vs < 0 || gq < 0 || gs < 0 || gf < 0) st = OCTET_ERR_NO_MEMORY;
  int64_t qd[2] = {V, D}, sd[2] = {V, 1};
  if (st == OCTET_OK) st = octet_value_set_constant(g, vq, OCTET_DTYPE_INT8, 2, qd, q);
  if (st == OCTET_OK) st = octet_value_set_constant(g, vs, OCTET_DTYPE_FLOAT32, 2, sd, sc);
  free(q);
  free(sc);
  if (st != OCTET_OK) return octet_fail(st, "out of memory quantizing '%s'", t->name);
  n = &g->nodes[ni];
  const int idx = n->inputs[1], y = n->outputs[0];
  n->inputs[0] = vq; /* the Gather now reads int8 rows into gq */
  n->outputs[0] = gq;
  g->values[gq].producer = ni;
  char name[512];
  int in2[2] = {vs, idx};
  snprintf(name, sizeof name, "%s/scale", base);
  int a = octet_graph_add_node(g, name, "Gather", in2, 2, &gs, 1);
  snprintf(name, sizeof name, "%s/cast", base);
  int b = a < 0 ? -1 : octet_graph_add_node(g, name, "Cast", &gq, 1, &gf, 1);
  octet_attr *to = b < 0 ? NULL : octet_node_add_attr(&g->nodes[b], "to", OCTET_ATTR_INT);
  if (!to) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  to->i = OCTET_DTYPE_FLOAT32;
  int in3[2] = {gf, gs};
  snprintf(name, sizeof name, "%s/dequant", base);
  int c = octet_graph_add_node(g, name, "Mul", in3, 2, &y, 1);
  if (c < 0) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  g->values[gs].producer = a;
  g->values[gf].producer = b;
  g->values[y].producer = c;
  return OCTET_OK;
}

static bool is_table_gather(const octet_graph *g, const octet_node *n) {
  if (strcmp(n->op_type, "Gather") != 0 || (n->domain && n->domain[0]) || n->n_inputs != 2 ||
      n->n_outputs != 1 || attr_int(n, "axis", 0) != 0 || n->inputs[0] < 0)
    return false;
  const octet_value *t = pass_const(g, n->inputs[0]);
  return t && t->dtype == OCTET_DTYPE_FLOAT32 && t->rank == 2 && t->data &&
         t->dims[0] * t->dims[1] >= QTABLE_MIN_ELEMS;
}

static octet_status lower_w8a8(octet_graph *g) {
  int n_nodes = g->n_nodes;
  bool added = false;
  for (int i = 0; i < n_nodes; i++) {
    if (!is_table_gather(g, &g->nodes[i])) continue;
    octet_status st = quantize_table(g, i);
    if (st != OCTET_OK) return st;
    added = true;
  }
  for (int i = 0; i < g->n_nodes; i++) {
    octet_node *n = &g->nodes[i];
    if (strcmp(n->op_type, "OctetLinear") != 0) continue;
    octet_attr *a = octet_node_add_attr(n, "quant", OCTET_ATTR_INT); /* octet_linear_quant */
    if (!a) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    a->i = 1;
  }
  return added ? octet_graph_toposort(g) : OCTET_OK;
}

octet_status octet_pass_lower(octet_graph *g, octet_precision precision) {
  switch (precision) {
    case OCTET_PRECISION_FP32: return OCTET_OK;
    case OCTET_PRECISION_FP16: return lower_fp16(g);
    case OCTET_PRECISION_W8A8: return lower_w8a8(g);
  }
  return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "unknown precision");
}
