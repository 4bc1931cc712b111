#include "onnx-build.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-subset.pb-c.h"

/* Everything a model allocates hangs off one list and is freed together. */
typedef union blk {
  union blk *next;
  max_align_t align;
} blk;

struct ob_model {
  blk *mem;
  Onnx__ModelProto model;
  Onnx__GraphProto graph;
  Onnx__OperatorSetIdProto opset;
  Onnx__OperatorSetIdProto *opsets[1];
};

struct ob_node {
  ob_model *m;
  Onnx__NodeProto *p;
};

static void *ob_alloc(ob_model *m, size_t n) {
  blk *b = calloc(1, sizeof(blk) + n);
  if (!b) abort(); /* test helper: out of memory ends the test */
  b->next = m->mem;
  m->mem = b;
  return b + 1;
}

static char *ob_str(ob_model *m, const char *s) {
  char *d = ob_alloc(m, strlen(s) + 1);
  strcpy(d, s);
  return d;
}

/* Makes room for element n of a protobuf-c pointer array holding n: the
 * capacity doubles whenever n reaches a power of two, so building a graph
 * of n nodes costs O(n) time and memory (the old arrays stay on the list
 * until ob_free). */
static void **grow(ob_model *m, void **arr, size_t n) {
  if (n != 0 && (n & (n - 1)) != 0) return arr; /* room up to the next power of two */
  void **na = ob_alloc(m, sizeof(void *) * (n ? 2 * n : 1));
  if (n) memcpy(na, arr, sizeof(void *) * n);
  return na;
}

ob_model *ob_new(int64_t opset) {
  ob_model *m = calloc(1, sizeof *m);
  if (!m) abort();
  onnx__model_proto__init(&m->model);
  onnx__graph_proto__init(&m->graph);
  onnx__operator_set_id_proto__init(&m->opset);
  m->opset.domain = ob_str(m, "");
  m->opset.has_version = 1;
  m->opset.version = opset;
  m->opsets[0] = &m->opset;
  m->model.has_ir_version = 1;
  m->model.ir_version = 8;
  m->model.n_opset_import = 1;
  m->model.opset_import = m->opsets;
  m->model.graph = &m->graph;
  m->graph.name = ob_str(m, "test");
  return m;
}

void ob_no_opset(ob_model *m) { m->model.n_opset_import = 0; }

void ob_free(ob_model *m) {
  if (!m) return;
  blk *b = m->mem;
  while (b) {
    blk *n = b->next;
    free(b);
    b = n;
  }
  free(m);
}

static Onnx__ValueInfoProto *value_info(ob_model *m, const char *name, int dtype,
                                        int rank, const int64_t *dims) {
  Onnx__ValueInfoProto *vi = ob_alloc(m, sizeof *vi);
  onnx__value_info_proto__init(vi);
  vi->name = ob_str(m, name);
  Onnx__TypeProto *tp = ob_alloc(m, sizeof *tp);
  onnx__type_proto__init(tp);
  Onnx__TypeProto__Tensor *tt = ob_alloc(m, sizeof *tt);
  onnx__type_proto__tensor__init(tt);
  tt->has_elem_type = 1;
  tt->elem_type = dtype;
  if (rank >= 0) {
    Onnx__TensorShapeProto *sp = ob_alloc(m, sizeof *sp);
    onnx__tensor_shape_proto__init(sp);
    sp->n_dim = (size_t)rank;
    sp->dim = ob_alloc(m, sizeof(void *) * (size_t)(rank ? rank : 1));
    for (int i = 0; i < rank; i++) {
      Onnx__TensorShapeProto__Dimension *d = ob_alloc(m, sizeof *d);
      onnx__tensor_shape_proto__dimension__init(d);
      if (dims[i] >= 0) {
        d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        d->dim_value = dims[i];
      } else {
        char nm[16] = "batch";
        if (i) { nm[0] = 'd'; nm[1] = (char)('0' + i); nm[2] = 0; }
        d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
        d->dim_param = ob_str(m, nm);
      }
      sp->dim[i] = d;
    }
    tt->shape = sp;
  }
  tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  tp->tensor_type = tt;
  vi->type = tp;
  return vi;
}

void ob_input(ob_model *m, const char *name, int dtype, int rank,
              const int64_t *dims) {
  Onnx__GraphProto *g = &m->graph;
  g->input = (Onnx__ValueInfoProto **)grow(m, (void **)g->input, g->n_input);
  g->input[g->n_input++] = value_info(m, name, dtype, rank, dims);
}

/* issue 16 part A */
void ob_input_dim_values(ob_model *m, const char *name, int dtype, int rank,
                         const int64_t *dims) {
  ob_input(m, name, dtype, rank, dims);
  Onnx__TensorShapeProto *sp = m->graph.input[m->graph.n_input - 1]->type->tensor_type->shape;
  for (int i = 0; i < rank; i++) {
    sp->dim[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    sp->dim[i]->dim_value = dims[i];
  }
}

void ob_input_dim_param(ob_model *m, int dim, const char *param) {
  Onnx__TensorShapeProto *sp = m->graph.input[m->graph.n_input - 1]->type->tensor_type->shape;
  sp->dim[dim]->dim_param = ob_str(m, param);
}

void ob_output(ob_model *m, const char *name, int dtype) {
  Onnx__GraphProto *g = &m->graph;
  g->output = (Onnx__ValueInfoProto **)grow(m, (void **)g->output, g->n_output);
  g->output[g->n_output++] = value_info(m, name, dtype, -1, NULL);
}

static Onnx__TensorProto *tensor(ob_model *m, const char *name, int dtype,
                                 int rank, const int64_t *dims) {
  Onnx__TensorProto *t = ob_alloc(m, sizeof *t);
  onnx__tensor_proto__init(t);
  t->name = ob_str(m, name);
  t->has_data_type = 1;
  t->data_type = dtype;
  t->n_dims = (size_t)rank;
  t->dims = ob_alloc(m, sizeof(int64_t) * (size_t)(rank ? rank : 1));
  if (rank) memcpy(t->dims, dims, sizeof(int64_t) * (size_t)rank);
  Onnx__GraphProto *g = &m->graph;
  g->initializer = (Onnx__TensorProto **)grow(m, (void **)g->initializer,
                                              g->n_initializer);
  g->initializer[g->n_initializer++] = t;
  return t;
}

void ob_init_raw(ob_model *m, const char *name, int dtype, int rank,
                 const int64_t *dims, const void *data, size_t nbytes) {
  Onnx__TensorProto *t = tensor(m, name, dtype, rank, dims);
  t->has_raw_data = 1;
  t->raw_data.len = nbytes;
  t->raw_data.data = ob_alloc(m, nbytes ? nbytes : 1);
  if (nbytes) memcpy(t->raw_data.data, data, nbytes);
}

void ob_init_external(ob_model *m, const char *name, int dtype, int rank,
                      const int64_t *dims, const char *location,
                      const char *offset, const char *length) {
  Onnx__TensorProto *t = tensor(m, name, dtype, rank, dims);
  t->has_data_location = 1;
  t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  const char *kv[3][2] = {{"location", location}, {"offset", offset},
                          {"length", length}};
  t->external_data = ob_alloc(m, sizeof(void *) * 3);
  for (int i = 0; i < 3; i++) {
    if (!kv[i][1]) continue;
    Onnx__StringStringEntryProto *e = ob_alloc(m, sizeof *e);
    onnx__string_string_entry_proto__init(e);
    e->key = ob_str(m, kv[i][0]);
    e->value = ob_str(m, kv[i][1]);
    t->external_data[t->n_external_data++] = e;
  }
}

static size_t numel(int rank, const int64_t *dims) {
  size_t n = 1;
  for (int i = 0; i < rank; i++) n *= (size_t)dims[i];
  return n;
}

void ob_init_f32(ob_model *m, const char *name, int rank, const int64_t *dims,
                 const float *data) {
  Onnx__TensorProto *t = tensor(m, name, 1, rank, dims);
  size_t n = numel(rank, dims);
  t->n_float_data = n;
  t->float_data = ob_alloc(m, sizeof(float) * (n ? n : 1));
  if (n) memcpy(t->float_data, data, sizeof(float) * n);
}

void ob_init_i64(ob_model *m, const char *name, int rank, const int64_t *dims,
                 const int64_t *data) {
  Onnx__TensorProto *t = tensor(m, name, 7, rank, dims);
  size_t n = numel(rank, dims);
  t->n_int64_data = n;
  t->int64_data = ob_alloc(m, sizeof(int64_t) * (n ? n : 1));
  if (n) memcpy(t->int64_data, data, sizeof(int64_t) * n);
}

ob_node *ob_node_add(ob_model *m, const char *op, const char *name, int n_in,
                     const char *const *ins, int n_out,
                     const char *const *outs) {
  Onnx__NodeProto *p = ob_alloc(m, sizeof *p);
  onnx__node_proto__init(p);
  p->op_type = ob_str(m, op);
  p->name = ob_str(m, name);
  p->n_input = (size_t)n_in;
  p->input = ob_alloc(m, sizeof(char *) * (size_t)(n_in ? n_in : 1));
  for (int i = 0; i < n_in; i++) p->input[i] = ob_str(m, ins[i]);
  p->n_output = (size_t)n_out;
  p->output = ob_alloc(m, sizeof(char *) * (size_t)(n_out ? n_out : 1));
  for (int i = 0; i < n_out; i++) p->output[i] = ob_str(m, outs[i]);
  Onnx__GraphProto *g = &m->graph;
  g->node = (Onnx__NodeProto **)grow(m, (void **)g->node, g->n_node);
  g->node[g->n_node++] = p;
  ob_node *n = ob_alloc(m, sizeof *n);
  n->m = m;
  n->p = p;
  return n;
}

static Onnx__AttributeProto *attr(ob_node *n, const char *name, int type) {
  Onnx__AttributeProto *a = ob_alloc(n->m, sizeof *a);
  onnx__attribute_proto__init(a);
  a->name = ob_str(n->m, name);
  a->has_type = 1;
  a->type = type;
  n->p->attribute = (Onnx__AttributeProto **)grow(
      n->m, (void **)n->p->attribute, n->p->n_attribute);
  n->p->attribute[n->p->n_attribute++] = a;
  return a;
}

void ob_attr_int(ob_node *n, const char *name, int64_t v) {
  Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
  a->has_i = 1;
  a->i = v;
}

void ob_attr_float(ob_node *n, const char *name, float v) {
  Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
  a->has_f = 1;
  a->f = v;
}

void ob_attr_string(ob_node *n, const char *name, const char *v) {
  Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
  size_t len = strlen(v);
  a->has_s = 1;
  a->s.len = len;
  a->s.data = ob_alloc(n->m, len + 1);
  memcpy(a->s.data, v, len);
}

void ob_attr_ints(ob_node *n, const char *name, int count, const int64_t *v) {
  Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
  a->n_ints = (size_t)count;
  a->ints = ob_alloc(n->m, sizeof(int64_t) * (size_t)(count ? count : 1));
  if (count) memcpy(a->ints, v, sizeof(int64_t) * (size_t)count);
}

uint8_t *ob_pack(ob_model *m, size_t *len) {
  size_t n = onnx__model_proto__get_packed_size(&m->model);
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf) abort();
  onnx__model_proto__pack(&m->model, buf);
  *len = n;
  return buf;
}
