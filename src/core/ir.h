/* Graph IR shared by the loader, the planner, the executor and the backends. */
#ifndef OCTET_IR_H
#define OCTET_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "octet.h"

/* ---- errors -------------------------------------------------------------- */

/* Sets the thread-local last error; returns `status` so callers can write
 * `return octet_fail(OCTET_ERR_SHAPE, "Add: ...", ...);`. */
octet_status octet_fail(octet_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void octet_clear_error(void);
/* Copies src to dst (cap bytes, NUL-terminated, cut at a whole character or
 * escape) with what a terminal would act on escaped: control bytes and
 * bytes that are not UTF-8 as \xNN, C1 controls, bidirectional overrides
 * and line separators as \uNNNN; printable ASCII and other UTF-8 as is.
 * Returns the length written. octet_fail applies it to every message. */
size_t octet_sanitize(char *dst, size_t cap, const char *src);

/* ---- tensors ------------------------------------------------------------- */

/* A dense C-order view. `data` may be NULL during shape inference (value not
 * known at plan time). An absent optional input has dtype UNDEFINED. */
typedef struct octet_tview {
  octet_dtype dtype;
  int rank;
  int64_t dims[OCTET_MAX_RANK];
  void *data;
} octet_tview;

static inline bool tv_present(const octet_tview *t) {
  return t->dtype != OCTET_DTYPE_UNDEFINED;
}
/* Element count (1 for rank 0). Dims are validated non-negative and the
 * product bounded when a view is made, so this cannot overflow. */
int64_t tv_numel(const octet_tview *t);
size_t tv_nbytes(const octet_tview *t);
/* Checked product of dims times element size; false on overflow/negative. */
bool shape_nbytes(const int64_t *dims, int rank, octet_dtype dtype,
                  size_t *out);

/* Largest tensor octet accepts, in bytes (guards absurd sizes from files). */
#define OCTET_MAX_TENSOR_BYTES ((size_t)1 << 40)

/* ---- attributes ---------------------------------------------------------- */

typedef enum octet_attr_type {
  OCTET_ATTR_UNDEFINED = 0,
  OCTET_ATTR_FLOAT = 1,
  OCTET_ATTR_INT = 2,
  OCTET_ATTR_STRING = 3,
  OCTET_ATTR_TENSOR = 4,
  OCTET_ATTR_GRAPH = 5,
  OCTET_ATTR_FLOATS = 6,
  OCTET_ATTR_INTS = 7,
  OCTET_ATTR_STRINGS = 8,
} octet_attr_type;

typedef struct octet_attr {
  char *name;
  octet_attr_type type;
  float f;
  int64_t i;
  char *s;             /* STRING, NUL-terminated */
  size_t s_len;
  float *floats;
  int64_t *ints;
  size_t count;        /* of floats or ints */
  octet_tview t;       /* TENSOR: owned data */
} octet_attr;

/* ---- graph --------------------------------------------------------------- */

typedef enum octet_value_kind {
  OCTET_VALUE_INTERMEDIATE = 0,
  OCTET_VALUE_INPUT = 1,
  OCTET_VALUE_CONSTANT = 2, /* initializer or Constant folded at load */
} octet_value_kind;

typedef struct octet_value {
  char *name;
  octet_value_kind kind;
  octet_dtype dtype;        /* UNDEFINED until inferred */
  int rank;                 /* -1 unknown */
  int64_t dims[OCTET_MAX_RANK]; /* -1 symbolic */
  char *dim_names[OCTET_MAX_RANK];
  void *data;               /* CONSTANT: tv_nbytes bytes, owned unless borrowed */
  bool borrowed;            /* data belongs to another graph (a clone's source) */
  size_t nbytes;
  int producer;             /* node index, -1 if none */
} octet_value;

struct octet_op_def;

typedef struct octet_node {
  char *name;
  char *op_type;
  char *domain;
  int64_t opset;            /* opset version of the node's domain */
  int n_inputs, n_outputs;
  int *inputs;              /* value ids; -1 = absent optional input */
  int *outputs;
  int n_attrs;
  octet_attr *attrs;
  const struct octet_op_def *def;
} octet_node;

typedef struct octet_graph {
  octet_value *values;
  int n_values, cap_values;
  octet_node *nodes;
  int n_nodes, cap_nodes;
  int *inputs;  int n_inputs;   /* graph inputs (value ids), no initializers */
  int *outputs; int n_outputs;
  int64_t opset;
  /* Hash index of value names for octet_graph_find_value (kept by
   * octet_graph_add_value; values are never renamed): open addressing,
   * name_slots slots (a power of two), each 0 or value id + 1. */
  int *name_index;
  size_t name_slots;
} octet_graph;

void octet_graph_free(octet_graph *g);
/* Deep copy of nodes and values; constant data is borrowed from `src`, which
 * must outlive `dst`. Value and node ids are preserved. */
octet_status octet_graph_clone(const octet_graph *src, octet_graph *dst);
/* Removes the nodes with dead[i] set, keeping order; fixes producers. */
void octet_graph_remove_nodes(octet_graph *g, const bool *dead);
/* Number of node inputs reading each value, plus one per graph output use.
 * `uses` has g->n_values entries. */
void octet_graph_count_uses(const octet_graph *g, int *uses);
/* Makes value `v` a constant with owned data (copied). */
octet_status octet_value_set_constant(octet_graph *g, int v, octet_dtype dtype,
                                      int rank, const int64_t *dims,
                                      const void *data);
/* Returns the value id or -1 (and sets the error) on failure. */
int octet_graph_add_value(octet_graph *g, const char *name);
/* The value named `name` (the last one added, if several are), or -1; O(1)
 * expected (a hash index). */
int octet_graph_find_value(const octet_graph *g, const char *name);
/* Appends a node; the name strings are copied. Returns index or -1. */
int octet_graph_add_node(octet_graph *g, const char *name, const char *op_type,
                         const int *inputs, int n_inputs, const int *outputs,
                         int n_outputs);
/* Adds an attribute to node `n` (copied). */
octet_attr *octet_node_add_attr(octet_node *n, const char *name,
                                octet_attr_type type);
/* Orders g->nodes topologically (fails on cycles or undefined inputs), in
 * O(nodes + edges); a graph already in order keeps it. */
octet_status octet_graph_toposort(octet_graph *g);

/* Attribute look-ups. */
const octet_attr *octet_node_attr(const octet_node *n, const char *name);
int64_t attr_int(const octet_node *n, const char *name, int64_t dflt);
float attr_float(const octet_node *n, const char *name, float dflt);
const char *attr_string(const octet_node *n, const char *name,
                        const char *dflt);
/* INTS attribute; returns false when absent. */
bool attr_ints(const octet_node *n, const char *name, const int64_t **vals,
               size_t *count);

/* ---- ops ----------------------------------------------------------------- */

typedef struct octet_kctx {
  int threads;
  void *state;              /* the backend's per-node state (packed weights) */
  void *scratch;            /* backend-owned, sized at plan time */
  size_t scratch_bytes;
} octet_kctx;

/* Shape and dtype inference: fill out[i].dtype/rank/dims from the inputs.
 * Inputs whose value is known at plan time carry data; others have NULL
 * data. Return OCTET_OK or an error set with octet_fail naming the node. */
typedef octet_status (*octet_infer_fn)(const octet_node *node,
                                       const octet_tview *in, int n_in,
                                       octet_tview *out, int n_out);

/* Runs the op: all inputs have data, outputs are allocated to the inferred
 * shapes. Must not allocate on the hot path (use ctx->scratch). */
typedef octet_status (*octet_kernel_fn)(const octet_node *node,
                                        const octet_tview *in, int n_in,
                                        octet_tview *out, int n_out,
                                        const octet_kctx *ctx);

typedef struct octet_op_def {
  const char *op_type;
  int min_inputs, max_inputs;   /* max -1: variadic */
  int min_outputs, max_outputs;
  octet_infer_fn infer;
  /* Output depends only on input shapes (Shape, Size): fold whenever the
   * shapes are known. */
  bool shape_only;
  /* Made by octet's passes only; a model file may not use it. */
  bool internal;
} octet_op_def;

const octet_op_def *octet_op_find(const char *op_type);
/* Refuses an attribute of a type the op does not take (src/ops/attr-check.c):
 * node and attribute named in the message. */
octet_status octet_op_check_attrs(const octet_node *n);
/* Number of registered ops, and the i-th (for listing). */
int octet_op_count(void);
const octet_op_def *octet_op_at(int i);

/* ---- shape helpers (src/core/shape.c) ------------------------------------ */

/* Formats dims as "[2,3,4]" into buf (cut if it does not fit); returns buf. */
const char *octet_dims_str(const int64_t *dims, int rank, char *buf, size_t cap);
/* Normalizes a possibly negative axis against rank; false if out of range. */
bool norm_axis(int64_t axis, int rank, int *out);
/* Multidirectional broadcast of two shapes into out; false if incompatible. */
bool broadcast_shapes(const int64_t *a, int ra, const int64_t *b, int rb,
                      int64_t *out, int *rout);
/* Strides (in elements) of `in` as seen from the broadcast output shape:
 * 0 along broadcast dims. `in` is right-aligned against `out`. */
void broadcast_strides(const int64_t *in, int rin, const int64_t *out,
                       int rout, int64_t *strides);
/* Reads an integer tensor (int32/int64) as int64 values; false if not int. */
bool tv_read_i64(const octet_tview *t, int64_t idx, int64_t *out);
/* Reads any numeric element as double (for folding / comparisons). */
double tv_get_f64(const octet_tview *t, int64_t idx);

#endif /* OCTET_IR_H */
