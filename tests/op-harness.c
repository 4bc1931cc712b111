#include "op-harness.h"

#include <stdlib.h>
#include <string.h>

static bool dyn[16];

void oc_init(op_case *c, const char *op_type, int64_t opset) {
  memset(c, 0, sizeof *c);
  memset(dyn, 0, sizeof dyn);
  c->node.name = strdup("test_node");
  c->node.op_type = strdup(op_type);
  c->node.domain = strdup("");
  c->node.opset = opset;
  c->node.def = octet_op_find(op_type);
}

void oc_attr_int(op_case *c, const char *name, int64_t v) {
  octet_node_add_attr(&c->node, name, OCTET_ATTR_INT)->i = v;
}

void oc_attr_float(op_case *c, const char *name, float v) {
  octet_node_add_attr(&c->node, name, OCTET_ATTR_FLOAT)->f = v;
}

void oc_attr_string(op_case *c, const char *name, const char *v) {
  octet_attr *a = octet_node_add_attr(&c->node, name, OCTET_ATTR_STRING);
  a->s = strdup(v);
  a->s_len = strlen(v);
}

void oc_attr_ints(op_case *c, const char *name, const int64_t *v, size_t n) {
  octet_attr *a = octet_node_add_attr(&c->node, name, OCTET_ATTR_INTS);
  a->ints = malloc(sizeof(int64_t) * (n ? n : 1));
  if (n) memcpy(a->ints, v, sizeof(int64_t) * n);
  a->count = n;
}

void oc_attr_floats(op_case *c, const char *name, const float *v, size_t n) {
  octet_attr *a = octet_node_add_attr(&c->node, name, OCTET_ATTR_FLOATS);
  a->floats = malloc(sizeof(float) * (n ? n : 1));
  if (n) memcpy(a->floats, v, sizeof(float) * n);
  a->count = n;
}

void oc_input(op_case *c, octet_dtype dtype, int rank, const int64_t *dims,
              const void *data) {
  octet_tview *t = &c->in[c->n_in++];
  memset(t, 0, sizeof *t);
  t->dtype = dtype;
  t->rank = rank;
  for (int i = 0; i < rank; i++) t->dims[i] = dims[i];
  if (dtype == OCTET_DTYPE_UNDEFINED) return;
  size_t nb = tv_nbytes(t);
  t->data = malloc(nb ? nb : 1);
  if (nb) memcpy(t->data, data, nb);
}

void oc_input_dynamic(op_case *c, octet_dtype dtype, int rank,
                      const int64_t *dims, const void *data) {
  dyn[c->n_in] = true;
  oc_input(c, dtype, rank, dims, data);
}

octet_status oc_run(op_case *c, int n_out) {
  const octet_op_def *d = c->node.def;
  if (!d) return octet_fail(OCTET_ERR_UNSUPPORTED, "no op %s", c->node.op_type);
  octet_tview shown[16];
  for (int i = 0; i < c->n_in; i++) {
    shown[i] = c->in[i];
    if (dyn[i]) shown[i].data = NULL;
  }
  c->n_out = n_out;
  memset(c->out, 0, sizeof c->out);
  octet_status st = d->infer(&c->node, shown, c->n_in, c->out, n_out);
  if (st != OCTET_OK) return st;
  for (int i = 0; i < n_out; i++) {
    if (!tv_present(&c->out[i])) continue;
    size_t nb;
    if (!shape_nbytes(c->out[i].dims, c->out[i].rank, c->out[i].dtype, &nb))
      return octet_fail(OCTET_ERR_OVERFLOW, "harness: bad output shape");
    c->out[i].data = calloc(1, nb ? nb : 1);
  }
  octet_kctx ctx = {.threads = 2};
  octet_kernel_fn ref = octet_backend_oracle_kernel(&c->node);
  if (!ref) return octet_fail(OCTET_ERR_UNSUPPORTED, "no ref kernel for %s", c->node.op_type);
  return ref(&c->node, c->in, c->n_in, c->out, n_out, &ctx);
}

void oc_free(op_case *c) {
  for (int i = 0; i < c->n_in; i++) free(c->in[i].data);
  for (int i = 0; i < c->n_out; i++) free(c->out[i].data);
  octet_node *n = &c->node;
  for (int a = 0; a < n->n_attrs; a++) {
    free(n->attrs[a].name);
    free(n->attrs[a].s);
    free(n->attrs[a].ints);
    free(n->attrs[a].floats);
    free(n->attrs[a].t.data);
  }
  free(n->attrs);
  free(n->name);
  free(n->op_type);
  free(n->domain);
  memset(c, 0, sizeof *c);
}
