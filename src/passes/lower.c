/* Precision lowering. fp16: every float32 constant becomes float16, Casts to
 * float become Casts to float16, float32 graph inputs get a Cast to float16
 * and float32 graph outputs a Cast back, so activations between ops are
 * float16 (ops accumulate in fp32 internally). w8a8: OctetLinear nodes are
 * marked quantized (int8 weights per output channel, int8 activations per
 * row, exact int32 accumulation); everything else stays float32. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/passes.h"

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

static octet_status lower_w8a8(octet_graph *g) {
  for (int i = 0; i < g->n_nodes; i++) {
    octet_node *n = &g->nodes[i];
    if (strcmp(n->op_type, "OctetLinear") != 0) continue;
    octet_attr *a = octet_node_add_attr(n, "quant", OCTET_ATTR_INT);
    if (!a) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    a->i = 1;
  }
  return OCTET_OK;
}

octet_status octet_pass_lower(octet_graph *g, octet_precision precision) {
  switch (precision) {
    case OCTET_PRECISION_FP32: return OCTET_OK;
    case OCTET_PRECISION_FP16: return lower_fp16(g);
    case OCTET_PRECISION_W8A8: return lower_w8a8(g);
  }
  return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "unknown precision");
}
