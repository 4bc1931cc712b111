/* The graph builder of the built-in models (builder.h). */
#include "models/builder.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random weights ------------------------------------------------------ */

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

void mb_rng_seed(mb_rng *r, uint64_t seed, const char *name) {
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a of the tensor's name */
  for (const char *c = name; *c; c++) h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
  r->s = splitmix64(seed ^ splitmix64(h));
  if (!r->s) r->s = 0x2545f4914f6cdd1dull;
  r->has_spare = false;
}

static uint64_t mb_rng_next(mb_rng *r) { /* xorshift64* */
  uint64_t x = r->s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  r->s = x;
  return x * 0x2545f4914f6cdd1dull;
}

double mb_rng_uniform(mb_rng *r) { /* [0, 1) */
  return (double)(mb_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

double mb_rng_normal(mb_rng *r) { /* Box-Muller, both values used */
  if (r->has_spare) {
    r->has_spare = false;
    return r->spare;
  }
  double u1 = 1.0 - mb_rng_uniform(r); /* (0, 1] */
  double u2 = mb_rng_uniform(r);
  double rad = sqrt(-2.0 * log(u1)), th = 6.283185307179586 * u2;
  r->spare = rad * sin(th);
  r->has_spare = true;
  return rad * cos(th);
}

/* ---- the builder ---------------------------------------------------------- */

static int mb_fail(mb_builder *b, octet_status st) {
  if (b->st == OCTET_OK) b->st = st;
  return -1;
}

/* A new value named `name`; -1 on failure. */
int mb_value(mb_builder *b, const char *name) {
  if (b->st != OCTET_OK) return -1;
  int id = octet_graph_add_value(b->g, name);
  return id < 0 ? mb_fail(b, OCTET_ERR_NO_MEMORY) : id;
}

/* A constant value; takes `data` (malloc'd, freed on failure). */
int mb_const(mb_builder *b, const char *name, octet_dtype dt, int rank,
                   const int64_t *dims, void *data) {
  int id = mb_value(b, name);
  if (id < 0) {
    free(data);
    return -1;
  }
  octet_value *v = &b->g->values[id];
  v->kind = OCTET_VALUE_CONSTANT;
  v->dtype = dt;
  v->rank = rank;
  for (int d = 0; d < rank; d++) v->dims[d] = dims[d];
  v->data = data;
  if (!shape_nbytes(v->dims, rank, dt, &v->nbytes)) return mb_fail(b, OCTET_ERR_OVERFLOW);
  return id;
}

float *mb_alloc_f32(mb_builder *b, size_t n) {
  if (b->st != OCTET_OK) return NULL;
  float *p = malloc(sizeof(float) * (n ? n : 1));
  if (!p) {
    octet_fail(OCTET_ERR_NO_MEMORY, "built-in model: out of memory (%zu floats)", n);
    mb_fail(b, OCTET_ERR_NO_MEMORY);
  }
  return p;
}

/* A float32 weight of shape dims[rank] filled with mean + std * N(0, 1). */
int mb_weight(mb_builder *b, const char *name, int rank, const int64_t *dims, double mean,
              double std) {
  size_t n = 1;
  for (int d = 0; d < rank; d++) n *= (size_t)dims[d];
  float *p = mb_alloc_f32(b, n);
  if (!p) return -1;
  mb_rng r;
  mb_rng_seed(&r, b->seed, name);
  for (size_t i = 0; i < n; i++) p[i] = (float)(mean + std * mb_rng_normal(&r));
  return mb_const(b, name, OCTET_DTYPE_FLOAT32, rank, dims, p);
}

float *mb_data_f32(mb_builder *b, int id) {
  if (b->st != OCTET_OK || id < 0) return NULL;
  return b->g->values[id].data;
}

int mb_scalar(mb_builder *b, const char *name, float x) {
  float *p = mb_alloc_f32(b, 1);
  if (!p) return -1;
  *p = x;
  return mb_const(b, name, OCTET_DTYPE_FLOAT32, 0, NULL, p);
}

int mb_ints(mb_builder *b, const char *name, const int64_t *vals, int n) {
  if (b->st != OCTET_OK) return -1;
  int64_t *p = malloc(sizeof(int64_t) * (size_t)n);
  if (!p) return mb_fail(b, OCTET_ERR_NO_MEMORY);
  memcpy(p, vals, sizeof(int64_t) * (size_t)n);
  int64_t dims[1] = {n};
  return mb_const(b, name, OCTET_DTYPE_INT64, 1, dims, p);
}

/* A graph input or the declared type of a graph output. */
void mb_declare(mb_builder *b, int id, octet_dtype dt, int rank,
                      const int64_t *dims) {
  if (b->st != OCTET_OK || id < 0) return;
  octet_value *v = &b->g->values[id];
  v->dtype = dt;
  v->rank = rank;
  for (int d = 0; d < rank; d++) {
    v->dims[d] = dims[d];
    if (dims[d] < 0) {
      v->dim_names[d] = malloc(sizeof "batch");
      if (!v->dim_names[d]) {
        mb_fail(b, OCTET_ERR_NO_MEMORY);
        return;
      }
      memcpy(v->dim_names[d], "batch", sizeof "batch");
    }
  }
}

int mb_input(mb_builder *b, const char *name, octet_dtype dt, int rank,
                   const int64_t *dims) {
  int id = mb_value(b, name);
  if (id < 0) return -1;
  b->g->values[id].kind = OCTET_VALUE_INPUT;
  mb_declare(b, id, dt, rank, dims);
  b->g->inputs[b->g->n_inputs++] = id;
  return id;
}

void mb_output(mb_builder *b, int id, octet_dtype dt, int rank, const int64_t *dims) {
  mb_declare(b, id, dt, rank, dims);
  if (b->st == OCTET_OK) b->g->outputs[b->g->n_outputs++] = id;
}

/* Node `op` named `name` with one output (named `out`, or "<name>:0");
 * returns the output value. */
int mb_node(mb_builder *b, const char *op, const char *name, const int *in,
                  int n_in, const char *out) {
  if (b->st != OCTET_OK) return -1;
  for (int i = 0; i < n_in; i++)
    if (in[i] < 0) return mb_fail(b, OCTET_ERR_INTERNAL);
  if (!octet_op_find(op)) {
    octet_fail(OCTET_ERR_INTERNAL, "built-in model: op %s is not registered", op);
    return mb_fail(b, OCTET_ERR_INTERNAL);
  }
  char oname[280];
  if (!out) {
    snprintf(oname, sizeof oname, "%.250s:0", name);
    out = oname;
  }
  int o = mb_value(b, out);
  if (o < 0) return -1;
  int ni = octet_graph_add_node(b->g, name, op, in, n_in, &o, 1);
  if (ni < 0) return mb_fail(b, OCTET_ERR_NO_MEMORY);
  b->g->values[o].producer = ni;
  b->last_node = ni;
  return o;
}

static octet_attr *mb_attr(mb_builder *b, const char *name, octet_attr_type type) {
  if (b->st != OCTET_OK) return NULL;
  octet_attr *a = octet_node_add_attr(&b->g->nodes[b->last_node], name, type);
  if (!a) mb_fail(b, OCTET_ERR_NO_MEMORY);
  return a;
}

void mb_attr_int(mb_builder *b, const char *name, int64_t v) {
  octet_attr *a = mb_attr(b, name, OCTET_ATTR_INT);
  if (a) a->i = v;
}

void mb_attr_float(mb_builder *b, const char *name, float v) {
  octet_attr *a = mb_attr(b, name, OCTET_ATTR_FLOAT);
  if (a) a->f = v;
}

void mb_attr_string(mb_builder *b, const char *name, const char *s) {
  octet_attr *a = mb_attr(b, name, OCTET_ATTR_STRING);
  if (!a) return;
  size_t n = strlen(s);
  if (!(a->s = malloc(n + 1))) {
    mb_fail(b, OCTET_ERR_NO_MEMORY);
    return;
  }
  memcpy(a->s, s, n + 1);
  a->s_len = n;
}

void mb_attr_ints(mb_builder *b, const char *name, const int64_t *v, int n) {
  octet_attr *a = mb_attr(b, name, OCTET_ATTR_INTS);
  if (!a) return;
  if (!(a->ints = malloc(sizeof(int64_t) * (size_t)n))) {
    mb_fail(b, OCTET_ERR_NO_MEMORY);
    return;
  }
  memcpy(a->ints, v, sizeof(int64_t) * (size_t)n);
  a->count = (size_t)n;
}

int mb_op2(mb_builder *b, const char *op, const char *name, int x, int y) {
  int in[2] = {x, y};
  return mb_node(b, op, name, in, 2, NULL);
}

