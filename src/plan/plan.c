/* Planning for concrete input shapes: shape inference, constant folding
 * (including the Shape/Gather/Concat/Reshape chains exporters emit, which
 * become constants once the input shapes are known), backend assignment and
 * the memory plan (one arena, offsets from value lifetimes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/arena-place.h"
#include "plan/plan.h"

#define ARENA_ALIGN 64

/* The bytes a plan may take: arena plus folded constants. */
static size_t plan_limit(const octet_plan_options *o) {
  return o->max_plan_bytes ? o->max_plan_bytes : SIZE_MAX;
}

static size_t align_up(size_t n) {
  return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

void octet_plan_release(octet_plan *p) {
  if (p->pv)
    for (int i = 0; i < p->n_values; i++) free(p->pv[i].owned);
  free(p->pv);
  for (int i = 0; i < p->n_steps; i++)
    if (p->steps[i].kernel.free_state)
      p->steps[i].kernel.free_state(p->steps[i].kernel.state);
  free(p->steps);
  free(p->arena);
  free(p->copy_outputs);
  memset(p, 0, sizeof *p);
}

static void gather_inputs(const plan_value *pv, const octet_node *n, octet_tview *in) {
  for (int i = 0; i < n->n_inputs; i++) {
    int v = n->inputs[i];
    if (v < 0) {
      memset(&in[i], 0, sizeof in[i]);
      in[i].dtype = OCTET_DTYPE_UNDEFINED;
    } else {
      in[i] = pv[v].tv;
      if (pv[v].state != PV_CONST) in[i].data = NULL;
    }
  }
}

/* Runs a node at plan time whose inputs are all known, on the oracle (the
 * ref backend); outputs become constants owned by the plan. */
static octet_status fold_node(const octet_plan_options *o_, octet_plan *p, const octet_node *n,
                              octet_tview *in, octet_tview *out) {
  for (int o = 0; o < n->n_outputs; o++) {
    plan_value *v = &p->pv[n->outputs[o]];
    size_t nb = v->nbytes;
    if (nb > plan_limit(o_) - p->folded_bytes)
      return octet_fail(OCTET_ERR_NO_MEMORY,
                        "node '%s' (%s): output %d of %zu bytes, computed at planning, "
                        "would take the plan past its limit of %zu bytes "
                        "(max_plan_bytes; by default half of the memory this process may use)",
                        n->name, n->op_type, o, nb, plan_limit(o_));
    p->folded_bytes += nb;
    v->owned = malloc(nb ? nb : 1);
    if (!v->owned)
      return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory folding '%s'", n->name);
    memset(v->owned, 0, nb ? nb : 1);
    out[o].data = v->owned;
  }
  const octet_backend *oracle = octet_backend_oracle();
  octet_plan_ctx pctx = {.precision = o_->precision, .threads = o_->threads, .flags = o_->flags};
  octet_node_kernel k = {0};
  octet_status st = oracle->prepare(n, in, n->n_inputs, out, n->n_outputs, &pctx, &k);
  if (st != OCTET_OK) return st;
  octet_kctx ctx = {.threads = o_->threads, .state = k.state};
  st = k.run(n, in, n->n_inputs, out, n->n_outputs, &ctx);
  if (k.free_state) k.free_state(k.state);
  if (st != OCTET_OK) return st;
  for (int o = 0; o < n->n_outputs; o++) {
    plan_value *v = &p->pv[n->outputs[o]];
    v->tv.data = v->owned;
    v->state = PV_CONST;
  }
  return OCTET_OK;
}

static octet_status assign_backend(const octet_plan_options *o, const octet_node *n,
                                   const octet_tview *in, const octet_tview *out,
                                   plan_step *step) {
  char why[sizeof step->note];
  octet_plan_ctx ctx = {.precision = o->precision, .threads = o->threads,
                        .flags = o->flags, .why = why, .why_cap = sizeof why};
  step->note[0] = '\0';
  for (int b = 0; b < o->n_backends; b++) {
    const octet_backend *be = o->backends[b];
    why[0] = '\0';
    if (!be->supports(n, in, n->n_inputs, out, n->n_outputs, &ctx)) {
      if (why[0] && !step->note[0])
        snprintf(step->note, sizeof step->note, "%s: %s", be->name, why);
      continue;
    }
    ctx.why = NULL;
    octet_status st = be->prepare(n, in, n->n_inputs, out, n->n_outputs, &ctx,
                                  &step->kernel);
    if (st != OCTET_OK) return st;
    step->backend = be;
    return OCTET_OK;
  }
  return octet_fail(OCTET_ERR_UNSUPPORTED, "no backend takes node '%s' (%s)",
                    n->name, n->op_type);
}

/* Arena values, biggest first (equal sizes in value order). */
static int by_size(const void *a, const void *b) {
  const octet_arena_item *x = a, *y = b;
  if (x->bytes != y->bytes) return x->bytes > y->bytes ? -1 : 1;
  return (x->offset > y->offset) - (x->offset < y->offset);
}

/* Greedy placement: biggest first, each at the lowest offset that does not
 * overlap a placed value alive at the same time (arena-place.c). */
static octet_status place_values(octet_plan *p, int n_values) {
  octet_arena_item *items = malloc(sizeof *items * (size_t)(n_values ? n_values : 1));
  if (!items) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory planning memory");
  int n = 0;
  for (int i = 0; i < n_values; i++) /* offset: the value id, until placed */
    if (p->pv[i].state == PV_ARENA && p->pv[i].alias < 0)
      items[n++] = (octet_arena_item){.bytes = p->pv[i].nbytes, .first = p->pv[i].first,
                                      .last = p->pv[i].last, .offset = (size_t)i};
  qsort(items, (size_t)n, sizeof *items, by_size);
  int *ids = malloc(sizeof(int) * (size_t)(n ? n : 1));
  if (!ids) {
    free(items);
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory planning memory");
  }
  for (int k = 0; k < n; k++) {
    ids[k] = (int)items[k].offset;
    items[k].bytes = align_up(items[k].bytes ? items[k].bytes : 1);
  }
  octet_status st = octet_arena_place(items, n, &p->arena_bytes);
  for (int k = 0; st == OCTET_OK && k < n; k++) p->pv[ids[k]].offset = items[k].offset;
  free(ids);
  free(items);
  return st;
}

/* Inputs small enough to specialise a plan on their values. */
#define MAX_BOUND_BYTES 4096

static bool bindable(const octet_value *v, size_t nbytes) {
  bool is_int = v->dtype == OCTET_DTYPE_INT64 || v->dtype == OCTET_DTYPE_INT32;
  bool scalar = nbytes == octet_dtype_size(v->dtype); /* e.g. Range's start */
  return (is_int && nbytes <= MAX_BOUND_BYTES) || scalar;
}

/* Ops whose output is their first input's bytes under another shape. */
static bool is_view_op(const octet_node *n) {
  static const char *const ops[] = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"};
  if (n->domain && n->domain[0]) return false;
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(n->op_type, ops[i]) == 0) return true;
  return false;
}

static int root_of(const octet_plan *p, int v) {
  while (p->pv[v].alias >= 0) v = p->pv[v].alias;
  return v;
}

/* A view of a value computed at run: the output shares the input's bytes
 * (whose lifetime grows to cover the view's) and the node needs no step. */
static bool make_view(octet_plan *p, const octet_node *n) {
  if (!is_view_op(n) || n->n_outputs != 1 || n->n_inputs < 1 || n->inputs[0] < 0) return false;
  plan_value *src = &p->pv[n->inputs[0]], *dst = &p->pv[n->outputs[0]];
  if (src->state != PV_ARENA || dst->tv.dtype != src->tv.dtype || dst->nbytes != src->nbytes)
    return false;
  dst->state = PV_ARENA;
  dst->alias = root_of(p, n->inputs[0]);
  return true;
}

/* Folded values larger than this are not computed when only the arena's
 * size is asked for (octet_plan_infer_shapes without views): shapes never
 * need them, and at a large batch one can take gigabytes (an exported
 * encoder's position embeddings expanded to [batch, seq, hidden]). */
#define LAZY_FOLD_BYTES ((size_t)64 << 10)

/* A value known at plan time whose bytes were not computed (see lazy). */
static bool lazy_const(const plan_value *q) {
  return q->state == PV_CONST && !q->tv.data && q->nbytes > 0;
}

/* Plans into p; with `shapes_only`, inference and folding alone (no
 * backend, no arena); with `lazy` as well, folded outputs above
 * LAZY_FOLD_BYTES, and what is folded from them, keep their shapes but get
 * no bytes (an op whose shape needs their values then fails). */
static octet_status build(const octet_graph *g, const octet_plan_options *o, octet_plan *p,
                          int64_t (*in_dims)[OCTET_MAX_RANK], const void *const *in_data,
                          bool shapes_only, bool lazy) {
  p->n_values = g->n_values;
  p->pv = calloc((size_t)g->n_values + 1, sizeof *p->pv);
  p->steps = calloc((size_t)g->n_nodes + 1, sizeof *p->steps);
  p->copy_outputs = calloc((size_t)g->n_outputs + 1, sizeof(int));
  if (!p->pv || !p->steps || !p->copy_outputs)
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory planning");
  for (int i = 0; i < g->n_values; i++) {
    const octet_value *v = &g->values[i];
    plan_value *q = &p->pv[i];
    q->first = q->last = -1;
    q->alias = -1;
    if (v->kind == OCTET_VALUE_CONSTANT) {
      q->state = PV_CONST;
      q->tv.dtype = v->dtype;
      q->tv.rank = v->rank;
      memcpy(q->tv.dims, v->dims, sizeof q->tv.dims);
      q->tv.data = v->data;
      q->nbytes = v->nbytes;
    }
  }
  for (int i = 0; i < g->n_inputs; i++) {
    const octet_value *v = &g->values[g->inputs[i]];
    plan_value *q = &p->pv[g->inputs[i]];
    q->state = PV_INPUT;
    q->tv.dtype = v->dtype;
    q->tv.rank = v->rank;
    memcpy(q->tv.dims, in_dims[i], sizeof q->tv.dims);
    memcpy(p->in_dims[i], in_dims[i], sizeof p->in_dims[i]);
    if (!shape_nbytes(q->tv.dims, q->tv.rank, q->tv.dtype, &q->nbytes))
      return octet_fail(OCTET_ERR_OVERFLOW, "input '%s': size too large", v->name);
    if (in_data && in_data[i] && bindable(v, q->nbytes)) {
      q->owned = malloc(q->nbytes ? q->nbytes : 1);
      if (!q->owned) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
      if (q->nbytes) memcpy(q->owned, in_data[i], q->nbytes);
      q->tv.data = q->owned;
      q->state = PV_CONST;
      p->value_bound[i] = true;
    }
  }
  octet_tview in[64], out[64];
  for (int ni = 0; ni < g->n_nodes; ni++) {
    const octet_node *n = &g->nodes[ni];
    gather_inputs(p->pv, n, in);
    memset(out, 0, sizeof(octet_tview) * (size_t)n->n_outputs);
    octet_status st = n->def->infer(n, in, n->n_inputs, out, n->n_outputs);
    if (st != OCTET_OK) return st;
    bool known = true;
    for (int i = 0; i < n->n_inputs; i++)
      if (n->inputs[i] >= 0 && p->pv[n->inputs[i]].state != PV_CONST) known = false;
    for (int o = 0; o < n->n_outputs; o++) {
      plan_value *q = &p->pv[n->outputs[o]];
      out[o].data = NULL;
      q->tv = out[o];
      q->first = q->last = -1;
      if (!tv_present(&out[o])) { /* an optional output the op does not fill */
        q->state = PV_UNUSED;
        continue;
      }
      if (!shape_nbytes(out[o].dims, out[o].rank, out[o].dtype, &q->nbytes))
        return octet_fail(OCTET_ERR_OVERFLOW, "node '%s' (%s): output %d too large",
                          n->name, n->op_type, o);
    }
    if (known && lazy && !n->def->shape_only) {
      bool skip = false;
      for (int i = 0; i < n->n_inputs; i++)
        skip |= n->inputs[i] >= 0 && lazy_const(&p->pv[n->inputs[i]]);
      for (int o = 0; o < n->n_outputs; o++) skip |= p->pv[n->outputs[o]].nbytes > LAZY_FOLD_BYTES;
      if (skip) {
        for (int o = 0; o < n->n_outputs; o++)
          if (tv_present(&out[o])) p->pv[n->outputs[o]].state = PV_CONST;
        continue;
      }
    }
    if (known || n->def->shape_only) {
      if (n->def->shape_only) /* only dims are read */
        for (int i = 0; i < n->n_inputs; i++)
          if (n->inputs[i] >= 0) in[i] = p->pv[n->inputs[i]].tv;
      st = fold_node(o, p, n, in, out);
      if (st != OCTET_OK) return st;
      continue;
    }
    if (make_view(p, n)) continue;
    plan_step *step = &p->steps[p->n_steps];
    step->node = ni;
    st = shapes_only ? OCTET_OK : assign_backend(o, n, in, out, step);
    if (st != OCTET_OK) return st;
    step->info.name = n->name;
    step->info.op_type = n->op_type;
    step->info.backend = step->backend ? step->backend->name : NULL;
    step->info.kernel = step->kernel.kernel_name;
    step->info.note = step->note[0] ? step->note : NULL;
    for (int o = 0; o < n->n_outputs; o++) {
      plan_value *q = &p->pv[n->outputs[o]];
      if (q->state == PV_UNUSED && !tv_present(&q->tv)) continue;
      q->state = PV_ARENA;
      q->first = q->last = p->n_steps;
    }
    for (int i = 0; i < n->n_inputs; i++) {
      int v = n->inputs[i] >= 0 ? root_of(p, n->inputs[i]) : -1;
      if (v >= 0 && p->pv[v].state == PV_ARENA && p->pv[v].last < p->n_steps)
        p->pv[v].last = p->n_steps;
    }
    p->n_steps++;
  }
  /* Graph outputs live to the end; constant or input outputs are copied. */
  for (int i = 0; i < g->n_outputs; i++) {
    plan_value *q = &p->pv[g->outputs[i]];
    if (q->state == PV_ARENA) {
      p->pv[root_of(p, g->outputs[i])].last = p->n_steps + 1;
    } else {
      p->copy_outputs[p->n_copy_outputs++] = i;
    }
  }
  octet_status st = place_values(p, g->n_values);
  if (st != OCTET_OK) return st;
  size_t total = p->arena_bytes;
  for (int k = 0; k < p->n_copy_outputs; k++) {
    const plan_value *q = &p->pv[g->outputs[p->copy_outputs[k]]];
    p->out_offsets[k] = total;
    total += align_up(q->nbytes ? q->nbytes : 1);
  }
  p->arena_bytes = total;
  if (shapes_only) return OCTET_OK;
  if (total > plan_limit(o) - p->folded_bytes)
    return octet_fail(OCTET_ERR_NO_MEMORY,
                      "the activation arena of %zu bytes would take the plan past its "
                      "limit of %zu bytes (max_plan_bytes; by default half of the memory "
                      "this process may use)",
                      total, plan_limit(o));
  p->arena = aligned_alloc(ARENA_ALIGN, total ? total : ARENA_ALIGN);
  if (!p->arena)
    return octet_fail(OCTET_ERR_NO_MEMORY, "cannot allocate a %zu-byte arena", total);
  for (int i = 0; i < g->n_values; i++)
    if (p->pv[i].state == PV_ARENA)
      p->pv[i].tv.data = (char *)p->arena + p->pv[root_of(p, i)].offset;
  return OCTET_OK;
}

static octet_status try_build(octet_plan *p, const octet_graph *g, const octet_plan_options *o,
                              int64_t (*in_dims)[OCTET_MAX_RANK], const void *const *in_data) {
  octet_plan_release(p);
  octet_status st = build(g, o, p, in_dims, in_data, false, false);
  if (st != OCTET_OK) {
    octet_plan_release(p);
    return st;
  }
  p->valid = true;
  octet_plan_count_flops(p, g);
  return OCTET_OK;
}

octet_status octet_plan_build(octet_plan *p, const octet_graph *g, const octet_plan_options *o,
                              int64_t (*in_dims)[OCTET_MAX_RANK], const void *const *in_data) {
  /* A plan that does not depend on input values is preferred: it serves
   * every run at these shapes. Only when a shape needs the values of an
   * input (and they are given) is the plan specialised to them. */
  octet_status st = try_build(p, g, o, in_dims, NULL);
  if (st != OCTET_ERR_DATA_DEPENDENT || !in_data) return st;
  bool any = false;
  for (int i = 0; i < g->n_inputs; i++) {
    const octet_value *v = &g->values[g->inputs[i]];
    size_t nb;
    if (in_data[i] && shape_nbytes(in_dims[i], v->rank, v->dtype, &nb) &&
        bindable(v, nb))
      any = true;
  }
  return any ? try_build(p, g, o, in_dims, in_data) : st;
}

/* Is value v folded to the same constant by plan a as by plan b? */
static bool same_const(const plan_value *a, const plan_value *b) {
  if (a->state != PV_CONST || b->state != PV_CONST || a->tv.dtype != b->tv.dtype ||
      a->tv.rank != b->tv.rank || a->nbytes != b->nbytes)
    return false;
  for (int d = 0; d < a->tv.rank; d++)
    if (a->tv.dims[d] != b->tv.dims[d]) return false;
  return a->nbytes == 0 || (a->tv.data && b->tv.data &&
                            memcmp(a->tv.data, b->tv.data, a->nbytes) == 0);
}

octet_status octet_plan_infer_shapes(const octet_graph *g, const octet_plan_options *o,
                                     const octet_plan *cur, int64_t (*in_dims)[OCTET_MAX_RANK],
                                     octet_tview **views, size_t *arena_bytes,
                                     unsigned char *same_consts) {
  if (views) *views = NULL;
  octet_plan tmp;
  memset(&tmp, 0, sizeof tmp);
  /* The arena's size alone: large folded values are skipped (lazy); when
   * a shape turns out to need one, the full inference runs instead. */
  bool lazy = !views && !same_consts;
  octet_status st = build(g, o, &tmp, in_dims, NULL, true, lazy);
  if (st != OCTET_OK && lazy) {
    octet_plan_release(&tmp);
    octet_clear_error();
    st = build(g, o, &tmp, in_dims, NULL, true, false);
  }
  if (st == OCTET_OK && arena_bytes) *arena_bytes = tmp.arena_bytes;
  if (st == OCTET_OK && views) {
    *views = calloc((size_t)g->n_values + 1, sizeof **views);
    if (!*views) st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    for (int i = 0; *views && i < g->n_values; i++) {
      (*views)[i] = tmp.pv[i].tv;
      (*views)[i].data = NULL;
      if (tmp.pv[i].state == PV_UNUSED) (*views)[i].rank = -1;
    }
  }
  if (st == OCTET_OK && same_consts)
    for (int i = 0; i < g->n_values; i++)
      same_consts[i] = cur && cur->valid && same_const(&cur->pv[i], &tmp.pv[i]);
  octet_plan_release(&tmp);
  return st;
}

bool octet_plan_matches(const octet_plan *p, const octet_graph *g,
                        int64_t (*in_dims)[OCTET_MAX_RANK], const void *const *in_data) {
  if (!p->valid) return false;
  for (int i = 0; i < g->n_inputs; i++) {
    for (int d = 0; d < g->values[g->inputs[i]].rank; d++)
      if (p->in_dims[i][d] != in_dims[i][d]) return false;
    if (p->value_bound[i]) {
      const plan_value *q = &p->pv[g->inputs[i]];
      if (!in_data || !in_data[i]) return false;
      if (q->nbytes && memcmp(q->owned, in_data[i], q->nbytes) != 0) return false;
    }
  }
  return true;
}
