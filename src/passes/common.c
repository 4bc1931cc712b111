/* Helpers shared by the graph passes. */
#include <stdio.h>
#include <string.h>

#include "passes/passes.h"

const octet_value *pass_const(const octet_graph *g, int v) {
  if (v < 0 || g->values[v].kind != OCTET_VALUE_CONSTANT) return NULL;
  return &g->values[v];
}

bool pass_const_scalar(const octet_graph *g, int v, float *out) {
  const octet_value *c = pass_const(g, v);
  if (!c) return false;
  int64_t n = 1;
  for (int i = 0; i < c->rank; i++) n *= c->dims[i];
  if (n != 1) return false;
  octet_tview t = {.dtype = c->dtype, .rank = 0, .data = c->data};
  if (c->dtype != OCTET_DTYPE_FLOAT32 && c->dtype != OCTET_DTYPE_FLOAT16 &&
      c->dtype != OCTET_DTYPE_FLOAT64)
    return false;
  *out = (float)tv_get_f64(&t, 0);
  return true;
}

int pass_sole_consumer(const octet_graph *g, const int *uses, int v) {
  if (uses[v] != 1) return -1;
  for (int i = 0; i < g->n_outputs; i++)
    if (g->outputs[i] == v) return -1;
  for (int i = 0; i < g->n_nodes; i++)
    for (int k = 0; k < g->nodes[i].n_inputs; k++)
      if (g->nodes[i].inputs[k] == v) return i;
  return -1;
}

int pass_new_value(octet_graph *g, const char *base, const char *suffix) {
  char name[512];
  for (int k = 0; k < 1000; k++) {
    if (k == 0)
      snprintf(name, sizeof name, "%s/%s", base, suffix);
    else
      snprintf(name, sizeof name, "%s/%s.%d", base, suffix, k);
    if (octet_graph_find_value(g, name) < 0) return octet_graph_add_value(g, name);
  }
  octet_fail(OCTET_ERR_INTERNAL, "cannot name a new value after '%s'", base);
  return -1;
}
