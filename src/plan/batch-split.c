/* Is a planned graph separable along the batch? (chunk.c runs a separable
 * batch as chunks of it.)
 *
 * Every value gets a batch axis: BA_NONE for values that do not depend on
 * the inputs (constants, folded values), BA_SHAPE for values computed from
 * the *shapes* of batch-carrying tensors (Shape and the integer arithmetic
 * exporters build on it), or an axis a >= 0 with this invariant, for a plan
 * of c items: dims[a] = k * c and index j along a belongs to item j / k,
 * every other axis mixing nothing across items; for a = 0 that means each
 * item's elements are one contiguous block, in item order. Graph inputs
 * start with a = 0. Each op maps its inputs' axes to its outputs' by its
 * semantics, and rejects what could mix items (a reduction, Softmax, Concat
 * or Slice along the batch axis, a MatMul contracting over it, a Reshape
 * that moves it, an op it does not know). The graph is separable when every
 * output ends with a = 0 and no BA_SHAPE value reaches an op's data (a value
 * built from the batch size would be the chunk's size, not the batch's).
 * Shapes are the plan's, at c items; a second inference at 2c items must
 * double exactly the batch axis of every batch-carrying value and change
 * nothing else (which catches, say, a Reshape to a constant [4, -1] that
 * holds the batch at one size and not at another). Shape arithmetic that
 * folds to the same constants at c, 2c and 3c items (Shape(x)[1], the
 * sequence length) is not BA_SHAPE but BA_NONE: it does not depend on the
 * batch size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

enum { BA_NONE = -1, BA_SHAPE = -2 };

typedef struct split_ctx {
  const octet_plan *p;
  const octet_graph *g;
  const octet_plan_options *o;
  int64_t c;
  signed char *ba;  /* per value */
  const unsigned char *fixed; /* per value: folded to the same constant at
                                 c, 2c and 3c items */
  const octet_tview *v2;      /* per value: its shape at 2c items */
  unsigned char *uniform;     /* per batch-carrying value: the same for
                                 every item (built from fills) */
  char *why;
  size_t why_len;
} split_ctx;

static bool reject(split_ctx *x, const octet_node *n, const char *what) {
  snprintf(x->why, x->why_len, "%s '%s': %s", n->op_type, n->name, what);
  return false;
}

static const octet_tview *shape_of(const split_ctx *x, int v) {
  return &x->p->pv[v].tv;
}

static int ba_in(const split_ctx *x, const octet_node *n, int i) {
  return i < n->n_inputs && n->inputs[i] >= 0 ? x->ba[n->inputs[i]] : BA_NONE;
}

static bool is_op(const octet_node *n, const char *name) {
  return strcmp(n->op_type, name) == 0;
}

static bool in_list(const octet_node *n, const char *const *names) {
  for (; *names; names++)
    if (is_op(n, *names)) return true;
  return false;
}

/* Inputs that only give shapes, sizes or indices, where a BA_SHAPE value
 * is fine: the plan folds it for the chunk, which is what the chunk needs. */
static bool shape_input(const octet_node *n, int i) {
  if (is_op(n, "Reshape") || is_op(n, "Expand") || is_op(n, "Squeeze") ||
      is_op(n, "Unsqueeze") || is_op(n, "Split"))
    return i == 1;
  if (is_op(n, "Slice")) return i >= 1;
  if (is_op(n, "ConstantOfShape") || is_op(n, "Range")) return true;
  return false;
}

/* Elementwise with numpy broadcasting over the inputs in [first, last):
 * the batch-carrying ones must meet at one output axis, where the others
 * have size 1 (or do not reach). Returns that axis, BA_NONE, or -3. */
static int broadcast_axis(split_ctx *x, const octet_node *n, int first, int last, int rank) {
  int axis = BA_NONE;
  for (int i = first; i < last && i < n->n_inputs; i++) {
    int a = ba_in(x, n, i);
    if (a < 0) continue;
    int al = a + rank - shape_of(x, n->inputs[i])->rank;
    if (axis != BA_NONE && axis != al) return -3;
    axis = al;
  }
  if (axis < 0) return axis;
  for (int i = first; i < last && i < n->n_inputs; i++) {
    if (n->inputs[i] < 0 || ba_in(x, n, i) >= 0) continue;
    const octet_tview *t = shape_of(x, n->inputs[i]);
    int pos = axis - (rank - t->rank);
    if (pos >= 0 && t->dims[pos] != 1) return -3;
  }
  return axis;
}

/* Reshape, Flatten, Squeeze, Unsqueeze only relabel memory: with the items
 * as contiguous blocks (axis 0) they stay so when dim 0 is still a multiple
 * of c. */
static int reshape_axis(const split_ctx *x, int a, const octet_tview *out) {
  return a == 0 && out->rank > 0 && out->dims[0] > 0 && out->dims[0] % x->c == 0 ? 0 : -3;
}

/* Axis list of a reduction: `axes` attribute or a constant input 1. */
static bool reduce_axes(const split_ctx *x, const octet_node *n, int rank, bool *mask,
                        bool *all) {
  memset(mask, 0, sizeof(bool) * OCTET_MAX_RANK);
  const int64_t *a = NULL;
  size_t na = 0;
  int64_t buf[OCTET_MAX_RANK];
  if (!attr_ints(n, "axes", &a, &na) && n->n_inputs > 1 && n->inputs[1] >= 0) {
    const plan_value *q = &x->p->pv[n->inputs[1]];
    if (q->state != PV_CONST) return false;
    int64_t cnt = tv_numel(&q->tv);
    if (cnt > OCTET_MAX_RANK) return false;
    for (int64_t i = 0; i < cnt; i++)
      if (!tv_read_i64(&q->tv, i, &buf[i])) return false;
    a = buf, na = (size_t)cnt;
  }
  *all = na == 0 && !attr_int(n, "noop_with_empty_axes", 0);
  for (size_t i = 0; i < na; i++) {
    int ax;
    if (!norm_axis(a[i], rank, &ax)) return false;
    mask[ax] = true;
  }
  return true;
}

/* Shape arithmetic whose every result folds to the same constant at c, 2c
 * and 3c items does not depend on the batch size (the sequence length an
 * exporter takes from Shape(input_ids)[1], say): it is BA_NONE. */
static int shape_or_fixed(const split_ctx *x, const octet_node *n) {
  for (int o = 0; o < n->n_outputs; o++)
    if (n->outputs[o] >= 0 && !x->fixed[n->outputs[o]]) return BA_SHAPE;
  return BA_NONE;
}

/* A tensor of the batch's size with the same values for every item: an
 * Expand of a constant (size 1 on the axis it grows along) to a shape taken
 * from the inputs, or a ConstantOfShape. Returns the one axis that doubles
 * from c to 2c items (the batch axis), or -3. Exporters build token type
 * and position ids so. */
static int fill_axis(const split_ctx *x, const octet_node *n) {
  if (!(is_op(n, "Expand") && ba_in(x, n, 0) == BA_NONE) && !is_op(n, "ConstantOfShape"))
    return -3;
  if (n->n_outputs < 1 || n->outputs[0] < 0) return -3;
  const octet_tview *o = shape_of(x, n->outputs[0]), *o2 = &x->v2[n->outputs[0]];
  if (o2->rank != o->rank) return -3;
  int axis = -3;
  for (int d = 0; d < o->rank; d++) {
    if (o2->dims[d] == o->dims[d]) continue;
    if (axis != -3 || o2->dims[d] != 2 * o->dims[d]) return -3;
    axis = d;
  }
  if (axis < 0 || !is_op(n, "Expand")) return axis;
  const octet_tview *t = shape_of(x, n->inputs[0]);
  int pos = axis - (o->rank - t->rank);
  return pos < 0 || t->dims[pos] == 1 ? axis : -3;
}

/* The output batch axis of node n (the same for all its outputs), BA_NONE,
 * BA_SHAPE, or -3 (rejected; `x->why` says why). */
static int node_axis(split_ctx *x, const octet_node *n) {
  static const char *const elementwise[] = {
      "Add", "Sub", "Mul", "Div", "Pow", "Equal", "Where", "Sqrt", "Erf", "Tanh",
      "Relu", "Gelu", "Sigmoid", "Cast", "Identity", NULL};
  static const char *const reshapes[] = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", NULL};
  bool any = false, shape = false;
  for (int i = 0; i < n->n_inputs; i++) {
    int a = ba_in(x, n, i);
    if (a == BA_SHAPE && !shape_input(n, i)) shape = true;
    if (a >= 0) any = true;
  }
  if (shape && any)
    return reject(x, n, "mixes the batch size into data"), -3;
  if (shape) return shape_or_fixed(x, n); /* integer arithmetic on shapes */
  if (n->def && n->def->shape_only) return any ? shape_or_fixed(x, n) : BA_NONE;
  if (!any) {
    for (int i = 0; i < n->n_inputs; i++)
      if (ba_in(x, n, i) == BA_SHAPE) {
        int a = fill_axis(x, n);
        return a >= 0 ? a : (reject(x, n, "builds a tensor from the batch size"), -3);
      }
    return BA_NONE;
  }
  const octet_tview *o = n->n_outputs > 0 ? shape_of(x, n->outputs[0]) : NULL;
  if (!o) return reject(x, n, "no output"), -3;
  const int a0 = ba_in(x, n, 0);
  const int r0 = n->inputs[0] >= 0 ? shape_of(x, n->inputs[0])->rank : 0;

  if (in_list(n, elementwise)) {
    int a = broadcast_axis(x, n, 0, n->n_inputs, o->rank);
    return a >= 0 ? a : (reject(x, n, "broadcasts across the batch axis"), -3);
  }
  if (in_list(n, reshapes)) {
    int a = reshape_axis(x, a0, o);
    return a >= 0 ? a : (reject(x, n, "moves the batch axis"), -3);
  }
  if (is_op(n, "OctetLinear")) { /* X [..., K] x constant W, bias, residual */
    if (a0 < 0 || a0 >= r0 - 1 || ba_in(x, n, 1) >= 0 || ba_in(x, n, 2) >= 0)
      return reject(x, n, "contracts over the batch axis"), -3;
    int a = a0 + o->rank - r0;
    if (n->n_inputs > 3 && n->inputs[3] >= 0) {
      int ar = ba_in(x, n, 3);
      const octet_tview *r = shape_of(x, n->inputs[3]);
      int pos = a - (o->rank - r->rank);
      if ((ar >= 0 && ar + o->rank - r->rank != a) || (ar < 0 && pos >= 0 && r->dims[pos] != 1))
        return reject(x, n, "residual crosses the batch axis"), -3;
    }
    return a;
  }
  if (is_op(n, "MatMul")) {
    const int a1 = ba_in(x, n, 1);
    const int r1 = shape_of(x, n->inputs[1])->rank;
    if (r0 < 2 || r1 < 2) return reject(x, n, "vector operand"), -3;
    if (a0 == r0 - 1 || a1 == r1 - 2) return reject(x, n, "contracts over the batch axis"), -3;
    if (a0 == r0 - 2 && a1 < 0) return o->rank - 2; /* rows of A */
    if (a1 == r1 - 1 && a0 < 0) return o->rank - 1; /* columns of B */
    if ((a0 >= 0 && a0 >= r0 - 2) || (a1 >= 0 && a1 >= r1 - 2))
      return reject(x, n, "batch axis in both operands' matrices"), -3;
    int a = broadcast_axis(x, n, 0, 2, o->rank); /* the stacked (batch) dims */
    return a >= 0 ? a : (reject(x, n, "broadcasts across the batch axis"), -3);
  }
  if (is_op(n, "Gemm")) {
    if (a0 != 0 || attr_int(n, "transA", 0) || ba_in(x, n, 1) >= 0 ||
        broadcast_axis(x, n, 0, n->n_inputs, 2) != 0)
      return reject(x, n, "batch axis not the rows of A"), -3;
    return 0;
  }
  if (is_op(n, "Softmax") || is_op(n, "LayerNormalization")) {
    int ax;
    if (!norm_axis(attr_int(n, "axis", -1), r0, &ax) || a0 < 0 ||
        (is_op(n, "Softmax") ? a0 == ax : a0 >= ax))
      return reject(x, n, "normalises across the batch axis"), -3;
    for (int i = 1; i < n->n_inputs; i++)
      if (ba_in(x, n, i) >= 0) return reject(x, n, "batch-dependent scale"), -3;
    return a0;
  }
  if (is_op(n, "ReduceMean") || is_op(n, "ReduceSum")) {
    bool mask[OCTET_MAX_RANK], all;
    if (a0 < 0 || !reduce_axes(x, n, r0, mask, &all) || all || mask[a0])
      return reject(x, n, "reduces over the batch axis"), -3;
    if (attr_int(n, "keepdims", 1)) return a0;
    int a = a0;
    for (int i = 0; i < a0; i++) a -= mask[i];
    return a;
  }
  /* issue 16 part B: per-image ops on N x C x ..., weights constant; not
   * MaxPool's Indices (flattened over the whole batch) */
  static const char *const per_image[] = {"Conv", "ConvTranspose", "MaxPool", "AveragePool",
                                          "GlobalMaxPool", "GlobalAveragePool",
                                          "BatchNormalization", NULL};
  if (in_list(n, per_image)) {
    if (a0 != 0 || n->n_outputs > 1)
      return reject(x, n, "batch axis not N (or MaxPool Indices over the batch)"), -3;
    for (int i = 1; i < n->n_inputs; i++)
      if (ba_in(x, n, i) >= 0) return reject(x, n, "batch-dependent weights"), -3;
    return 0;
  }
  if (is_op(n, "Transpose")) {
    const int64_t *perm = NULL;
    size_t np = 0;
    if (!attr_ints(n, "perm", &perm, &np)) return r0 - 1 - a0; /* reversed */
    for (size_t p = 0; p < np; p++)
      if (perm[p] == a0) return (int)p;
    return reject(x, n, "bad perm"), -3;
  }
  if (is_op(n, "Concat") || is_op(n, "Split")) {
    int ax;
    if (!norm_axis(attr_int(n, "axis", 0), r0, &ax) || ax == a0)
      return reject(x, n, "joins or splits along the batch axis"), -3;
    int last = is_op(n, "Concat") ? n->n_inputs : 1;
    for (int i = 0; i < last; i++)
      if (ba_in(x, n, i) != a0) return reject(x, n, "inputs differ in batch axis"), -3;
    return a0;
  }
  if (is_op(n, "Slice")) { /* the batch axis may only be kept whole, in order */
    const octet_tview *t = shape_of(x, n->inputs[0]);
    bool steps_one = true;
    if (n->n_inputs > 4 && n->inputs[4] >= 0) {
      const plan_value *q = &x->p->pv[n->inputs[4]];
      int64_t v;
      steps_one = q->state == PV_CONST;
      for (int64_t i = 0; steps_one && i < tv_numel(&q->tv); i++)
        steps_one = tv_read_i64(&q->tv, i, &v) && v == 1;
    }
    if (a0 < 0 || !steps_one || t->dims[a0] != o->dims[a0])
      return reject(x, n, "slices the batch axis"), -3;
    return a0;
  }
  if (is_op(n, "Gather")) {
    int ax;
    const int a1 = ba_in(x, n, 1);
    const int ri = shape_of(x, n->inputs[1])->rank;
    if (!norm_axis(attr_int(n, "axis", 0), r0, &ax)) return reject(x, n, "bad axis"), -3;
    if (a0 < 0 && a1 >= 0) return ax + a1; /* rows looked up per item */
    if (a0 >= 0 && a1 < 0 && a0 != ax) return a0 < ax ? a0 : a0 + ri - 1;
    return reject(x, n, "gathers along the batch axis"), -3;
  }
  if (is_op(n, "Expand")) {
    int a = a0 >= 0 ? a0 + o->rank - r0 : -3;
    if (a < 0 || o->dims[a] != shape_of(x, n->inputs[0])->dims[a0])
      return reject(x, n, "expands the batch axis"), -3;
    return a;
  }
  if (is_op(n, "OctetAttention")) { /* Q, K, V [B, S, H, D]; mask to [B, H, Sq, Sk] */
    for (int i = 0; i < 3; i++)
      if (ba_in(x, n, i) != 0) return reject(x, n, "batch axis not first in Q, K, V"), -3;
    if (n->n_inputs > 3 && n->inputs[3] >= 0) {
      const octet_tview *m = shape_of(x, n->inputs[3]);
      int am = ba_in(x, n, 3);
      if ((am >= 0 && am + 4 - m->rank != 0) || (am < 0 && m->rank == 4 && m->dims[0] != 1))
        return reject(x, n, "mask crosses the batch axis"), -3;
    }
    if (n->n_inputs > 4 && ba_in(x, n, 4) >= 0) return reject(x, n, "batch-dependent scale"), -3;
    return 0;
  }
  return reject(x, n, "op not known to keep batch items apart"), -3;
}

/* Every computed value's shape at 2c items against c items. */
static bool scales(split_ctx *x, const octet_tview *v2) {
  const octet_graph *g = x->g;
  for (int v = 0; v < g->n_values; v++) {
    const plan_value *q = &x->p->pv[v];
    int a = x->ba[v];
    if (q->state != PV_ARENA || a == BA_SHAPE) continue;
    if (v2[v].rank != q->tv.rank) goto bad;
    for (int d = 0; d < q->tv.rank; d++)
      if (v2[v].dims[d] != (d == a ? 2 : 1) * q->tv.dims[d]) goto bad;
    continue;
  bad:
    snprintf(x->why, x->why_len, "'%s' does not scale with the batch", g->values[v].name);
    return false;
  }
  return true;
}

/* The plan's shapes at k * c items (views, if asked) and which values fold
 * to the same constants as at c (and-ed into fixed). */
static bool at_multiple(split_ctx *x, int64_t k, octet_tview **views, unsigned char *fixed,
                        unsigned char *same) {
  const octet_graph *g = x->g;
  int64_t d[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK];
  memcpy(d, x->p->in_dims, sizeof(d[0]) * (size_t)g->n_inputs);
  for (int i = 0; i < g->n_inputs; i++) d[i][0] = k * x->c;
  if (octet_plan_infer_shapes(g, x->o, x->p, d, views, NULL, same) != OCTET_OK) {
    snprintf(x->why, x->why_len, "no shapes at %lld items: %s", (long long)(k * x->c),
             octet_last_error());
    octet_clear_error();
    return false;
  }
  for (int v = 0; v < g->n_values; v++) fixed[v] &= same[v];
  return true;
}

bool octet_plan_batch_separable(const octet_plan *p, const octet_graph *g,
                                const octet_plan_options *o, int64_t c, char *why,
                                size_t why_len) {
  snprintf(why, why_len, "%s", "");
  if (!p->valid || c < 1) return snprintf(why, why_len, "no plan"), false;
  split_ctx x = {.p = p, .g = g, .o = o, .c = c, .why = why, .why_len = why_len};
  const size_t nv = (size_t)g->n_values + 1;
  x.ba = malloc(nv);
  unsigned char *fixed = malloc(nv), *same = malloc(nv);
  x.uniform = calloc(nv, 1);
  octet_tview *v2 = NULL;
  bool ok = x.ba && fixed && same && x.uniform;
  if (!ok) snprintf(why, why_len, "out of memory");
  if (ok) {
    memset(x.ba, (signed char)BA_NONE, nv);
    memset(fixed, 1, nv);
    x.fixed = fixed;
    /* 2c: the shapes every batch-carrying value must scale to; 3c as well
     * for constants (a value equal at c and 2c only, like c % 2, is not) */
    ok = at_multiple(&x, 2, &v2, fixed, same) && at_multiple(&x, 3, NULL, fixed, same);
    x.v2 = v2;
  }
  for (int i = 0; i < g->n_inputs && ok; i++) {
    const plan_value *q = &p->pv[g->inputs[i]];
    if (q->state != PV_INPUT || q->tv.rank < 1 || q->tv.dims[0] != c)
      ok = false, snprintf(why, why_len, "input '%s' is not batched on dim 0",
                           g->values[g->inputs[i]].name);
    x.ba[g->inputs[i]] = 0;
  }
  for (int ni = 0; ni < g->n_nodes && ok; ni++) {
    const octet_node *n = &g->nodes[ni];
    int a = node_axis(&x, n);
    if (a == -3) {
      ok = false;
      break;
    }
    /* outputs the same for every item: a fill, or an op (which keeps items
     * apart) whose batch-carrying inputs all are */
    bool uniform = a >= 0;
    if (uniform && fill_axis(&x, n) != a)
      for (int i = 0; i < n->n_inputs && uniform; i++)
        if (n->inputs[i] >= 0 && x.ba[n->inputs[i]] >= 0) uniform = x.uniform[n->inputs[i]];
    for (int o = 0; o < n->n_outputs; o++)
      if (n->outputs[o] >= 0) x.uniform[n->outputs[o]] = uniform;
    for (int o = 0; o < n->n_outputs; o++) {
      int v = n->outputs[o];
      if (v < 0) continue;
      const plan_value *q = &p->pv[v];
      /* a value the plan folded is the chunk's constant: right when every
       * item's part of it is the same (a fill, or computed from fills) */
      const bool stored = q->state == PV_ARENA || (q->state == PV_CONST && uniform);
      if (a >= 0 && (!stored || a >= q->tv.rank || q->tv.dims[a] % c != 0)) {
        ok = reject(&x, n, "batch axis lost in planning");
        break;
      }
      x.ba[v] = (signed char)a;
    }
  }
  for (int i = 0; i < g->n_outputs && ok; i++) {
    int v = g->outputs[i];
    if (x.ba[v] != 0)
      ok = false, snprintf(why, why_len, "output '%s' is not batched on dim 0", g->values[v].name);
  }
  if (ok) ok = scales(&x, v2);
  free(v2);
  free(same);
  free(fixed);
  free(x.uniform);
  free(x.ba);
  return ok;
}
