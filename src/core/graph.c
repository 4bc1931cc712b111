/* Graph construction, attribute look-up and topological ordering. */
#include <stdlib.h>
#include <string.h>

#include "core/ir.h"

static char *dupstr(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static void attr_free(octet_attr *a) {
  free(a->name);
  free(a->s);
  free(a->floats);
  free(a->ints);
  free(a->t.data);
}

void octet_graph_free(octet_graph *g) {
  if (!g) return;
  for (int i = 0; i < g->n_values; i++) {
    octet_value *v = &g->values[i];
    free(v->name);
    if (!v->borrowed) free(v->data);
    for (int d = 0; d < OCTET_MAX_RANK; d++) free(v->dim_names[d]);
  }
  for (int i = 0; i < g->n_nodes; i++) {
    octet_node *n = &g->nodes[i];
    free(n->name);
    free(n->op_type);
    free(n->domain);
    free(n->inputs);
    free(n->outputs);
    for (int a = 0; a < n->n_attrs; a++) attr_free(&n->attrs[a]);
    free(n->attrs);
  }
  free(g->values);
  free(g->nodes);
  free(g->inputs);
  free(g->outputs);
  free(g->name_index);
  memset(g, 0, sizeof *g);
}

/* ---- the name index ------------------------------------------------------ */

static size_t name_hash(const char *s) { /* FNV-1a */
  uint64_t h = 0xcbf29ce484222325ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
  return (size_t)(h ^ (h >> 32));
}

/* Puts value `id` in the index, replacing a value of the same name (the
 * later one wins, as find_value promises). The index has a free slot. */
static void index_put(octet_graph *g, int id) {
  size_t mask = g->name_slots - 1, i = name_hash(g->values[id].name) & mask;
  while (g->name_index[i] &&
         strcmp(g->values[g->name_index[i] - 1].name, g->values[id].name) != 0)
    i = (i + 1) & mask;
  g->name_index[i] = id + 1;
}

/* Keeps the index at most half full for n values; false when out of memory. */
static bool index_reserve(octet_graph *g, int n) {
  if (g->name_index && (size_t)n * 2 <= g->name_slots) return true;
  size_t slots = g->name_slots ? g->name_slots : 128;
  while ((size_t)n * 2 > slots) slots *= 2;
  int *idx = calloc(slots, sizeof *idx);
  if (!idx) return false;
  free(g->name_index);
  g->name_index = idx;
  g->name_slots = slots;
  for (int v = 0; v < g->n_values; v++) index_put(g, v);
  return true;
}

int octet_graph_find_value(const octet_graph *g, const char *name) {
  if (!name || !g->name_index) return -1;
  size_t mask = g->name_slots - 1, i = name_hash(name) & mask;
  for (; g->name_index[i]; i = (i + 1) & mask)
    if (strcmp(g->values[g->name_index[i] - 1].name, name) == 0) return g->name_index[i] - 1;
  return -1;
}

int octet_graph_add_value(octet_graph *g, const char *name) {
  if (g->n_values == g->cap_values) {
    int cap = g->cap_values ? g->cap_values * 2 : 64;
    octet_value *nv = realloc(g->values, (size_t)cap * sizeof *nv);
    if (!nv) {
      octet_fail(OCTET_ERR_NO_MEMORY, "out of memory adding value '%s'", name);
      return -1;
    }
    g->values = nv;
    g->cap_values = cap;
  }
  octet_value *v = &g->values[g->n_values];
  memset(v, 0, sizeof *v);
  v->name = dupstr(name);
  if (!v->name) {
    octet_fail(OCTET_ERR_NO_MEMORY, "out of memory adding value");
    return -1;
  }
  v->rank = -1;
  v->producer = -1;
  if (!index_reserve(g, g->n_values + 1)) {
    free(v->name);
    octet_fail(OCTET_ERR_NO_MEMORY, "out of memory adding value");
    return -1;
  }
  index_put(g, g->n_values);
  return g->n_values++;
}

int octet_graph_add_node(octet_graph *g, const char *name, const char *op_type,
                         const int *inputs, int n_inputs, const int *outputs,
                         int n_outputs) {
  if (g->n_nodes == g->cap_nodes) {
    int cap = g->cap_nodes ? g->cap_nodes * 2 : 64;
    octet_node *nn = realloc(g->nodes, (size_t)cap * sizeof *nn);
    if (!nn) {
      octet_fail(OCTET_ERR_NO_MEMORY, "out of memory adding node");
      return -1;
    }
    g->nodes = nn;
    g->cap_nodes = cap;
  }
  octet_node *n = &g->nodes[g->n_nodes];
  memset(n, 0, sizeof *n);
  n->name = dupstr(name);
  n->op_type = dupstr(op_type);
  n->domain = dupstr("");
  n->opset = g->opset;
  n->inputs = malloc(sizeof(int) * (size_t)(n_inputs ? n_inputs : 1));
  n->outputs = malloc(sizeof(int) * (size_t)(n_outputs ? n_outputs : 1));
  if (!n->name || !n->op_type || !n->domain || !n->inputs || !n->outputs) {
    free(n->name); free(n->op_type); free(n->domain);
    free(n->inputs); free(n->outputs);
    octet_fail(OCTET_ERR_NO_MEMORY, "out of memory adding node");
    return -1;
  }
  if (n_inputs) memcpy(n->inputs, inputs, sizeof(int) * (size_t)n_inputs);
  if (n_outputs) memcpy(n->outputs, outputs, sizeof(int) * (size_t)n_outputs);
  n->n_inputs = n_inputs;
  n->n_outputs = n_outputs;
  n->def = octet_op_find(op_type);
  return g->n_nodes++;
}

octet_attr *octet_node_add_attr(octet_node *n, const char *name,
                                octet_attr_type type) {
  octet_attr *na = realloc(n->attrs, sizeof *na * (size_t)(n->n_attrs + 1));
  if (!na) return NULL;
  n->attrs = na;
  octet_attr *a = &na[n->n_attrs];
  memset(a, 0, sizeof *a);
  a->name = dupstr(name);
  if (!a->name) return NULL;
  a->type = type;
  n->n_attrs++;
  return a;
}

const octet_attr *octet_node_attr(const octet_node *n, const char *name) {
  for (int i = 0; i < n->n_attrs; i++)
    if (strcmp(n->attrs[i].name, name) == 0) return &n->attrs[i];
  return NULL;
}

int64_t attr_int(const octet_node *n, const char *name, int64_t dflt) {
  const octet_attr *a = octet_node_attr(n, name);
  return (a && a->type == OCTET_ATTR_INT) ? a->i : dflt;
}

float attr_float(const octet_node *n, const char *name, float dflt) {
  const octet_attr *a = octet_node_attr(n, name);
  if (a && a->type == OCTET_ATTR_FLOAT) return a->f;
  if (a && a->type == OCTET_ATTR_INT) return (float)a->i;
  return dflt;
}

const char *attr_string(const octet_node *n, const char *name,
                        const char *dflt) {
  const octet_attr *a = octet_node_attr(n, name);
  return (a && a->type == OCTET_ATTR_STRING) ? a->s : dflt;
}

bool attr_ints(const octet_node *n, const char *name, const int64_t **vals,
               size_t *count) {
  const octet_attr *a = octet_node_attr(n, name);
  if (!a || a->type != OCTET_ATTR_INTS) return false;
  *vals = a->ints;
  *count = a->count;
  return true;
}

/* A binary min-heap of node indices (the ready nodes of the sort). */
static void heap_push(int *h, int *n, int x) {
  int i = (*n)++;
  while (i > 0 && h[(i - 1) / 2] > x) {
    h[i] = h[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  h[i] = x;
}

static int heap_pop(int *h, int *n) {
  int top = h[0], x = h[--(*n)], i = 0;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= *n) break;
    if (c + 1 < *n && h[c + 1] < h[c]) c++;
    if (h[c] >= x) break;
    h[i] = h[c];
    i = c;
  }
  if (*n > 0) h[i] = x;
  return top;
}

/* Kahn's algorithm over value producers, always taking the ready node of
 * the lowest index (so an already-sorted graph keeps its order): a heap of
 * ready nodes and each value's readers (an edge list in CSR form), so
 * O((nodes + edges) log nodes). */
octet_status octet_graph_toposort(octet_graph *g) {
  int nn = g->n_nodes, nv = g->n_values;
  if (nn == 0) return OCTET_OK;
  octet_status st = OCTET_OK;
  size_t n_edges = 0;
  for (int i = 0; i < nn; i++) n_edges += (size_t)g->nodes[i].n_inputs;
  int *producer = malloc(sizeof(int) * (size_t)(nv ? nv : 1));
  int *first = calloc((size_t)nv + 1, sizeof(int)); /* CSR: readers of v */
  int *readers = malloc(sizeof(int) * (n_edges ? n_edges : 1));
  int *indeg = calloc((size_t)nn, sizeof(int));
  int *order = malloc(sizeof(int) * (size_t)nn);
  int *heap = malloc(sizeof(int) * (size_t)nn);
  octet_node *sorted = malloc(sizeof *sorted * (size_t)nn);
  if (!producer || !first || !readers || !indeg || !order || !heap || !sorted) {
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory sorting graph");
    goto out;
  }
  for (int v = 0; v < nv; v++) producer[v] = -1;
  for (int i = 0; i < nn; i++)
    for (int o = 0; o < g->nodes[i].n_outputs; o++) {
      int v = g->nodes[i].outputs[o];
      if (producer[v] >= 0) {
        st = octet_fail(OCTET_ERR_PARSE,
                        "value '%s' is produced by two nodes ('%s' and '%s')",
                        g->values[v].name, g->nodes[producer[v]].name,
                        g->nodes[i].name);
        goto out;
      }
      producer[v] = i;
    }
  for (int i = 0; i < nn; i++)
    for (int k = 0; k < g->nodes[i].n_inputs; k++) {
      int v = g->nodes[i].inputs[k];
      if (v < 0) continue;
      if (producer[v] >= 0) {
        indeg[i]++;
        first[v + 1]++;
      } else if (g->values[v].kind == OCTET_VALUE_INTERMEDIATE) {
        st = octet_fail(OCTET_ERR_PARSE,
                        "node '%s' (%s) reads '%s', which no node, input or "
                        "initializer defines",
                        g->nodes[i].name, g->nodes[i].op_type,
                        g->values[v].name);
        goto out;
      }
    }
  for (int v = 0; v < nv; v++) first[v + 1] += first[v];
  for (int i = 0; i < nn; i++) /* fill, first[v] as the cursor of v */
    for (int k = 0; k < g->nodes[i].n_inputs; k++) {
      int v = g->nodes[i].inputs[k];
      if (v >= 0 && producer[v] >= 0) readers[first[v]++] = i;
    }
  for (int v = nv; v > 0; v--) first[v] = first[v - 1]; /* undo the cursor shift */
  first[0] = 0;
  int n_heap = 0, count = 0;
  for (int i = 0; i < nn; i++)
    if (indeg[i] == 0) heap_push(heap, &n_heap, i);
  while (n_heap > 0) {
    int pick = heap_pop(heap, &n_heap);
    order[count++] = pick;
    for (int o = 0; o < g->nodes[pick].n_outputs; o++) {
      int v = g->nodes[pick].outputs[o];
      for (int e = first[v]; e < first[v + 1]; e++)
        if (--indeg[readers[e]] == 0) heap_push(heap, &n_heap, readers[e]);
    }
  }
  if (count < nn) {
    st = octet_fail(OCTET_ERR_PARSE, "graph has a cycle");
    goto out;
  }
  for (int i = 0; i < nn; i++) sorted[i] = g->nodes[order[i]];
  memcpy(g->nodes, sorted, sizeof *sorted * (size_t)nn);
  for (int i = 0; i < nn; i++)
    for (int o = 0; o < g->nodes[i].n_outputs; o++)
      g->values[g->nodes[i].outputs[o]].producer = i;
out:
  free(producer);
  free(first);
  free(readers);
  free(indeg);
  free(order);
  free(heap);
  free(sorted);
  return st;
}

static octet_status copy_attr(const octet_attr *a, octet_attr *b) {
  *b = *a;
  b->name = dupstr(a->name);
  b->s = NULL;
  b->floats = NULL;
  b->ints = NULL;
  b->t.data = NULL;
  if (!b->name) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  if (a->s) {
    b->s = malloc(a->s_len + 1);
    if (!b->s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    memcpy(b->s, a->s, a->s_len + 1);
  }
  if (a->floats) {
    b->floats = malloc(sizeof(float) * (a->count ? a->count : 1));
    if (!b->floats) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    if (a->count) memcpy(b->floats, a->floats, sizeof(float) * a->count);
  }
  if (a->ints) {
    b->ints = malloc(sizeof(int64_t) * (a->count ? a->count : 1));
    if (!b->ints) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    if (a->count) memcpy(b->ints, a->ints, sizeof(int64_t) * a->count);
  }
  if (a->t.data) {
    size_t nb = tv_nbytes(&a->t);
    b->t.data = malloc(nb ? nb : 1);
    if (!b->t.data) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    if (nb) memcpy(b->t.data, a->t.data, nb);
  }
  return OCTET_OK;
}

octet_status octet_graph_clone(const octet_graph *src, octet_graph *dst) {
  memset(dst, 0, sizeof *dst);
  dst->opset = src->opset;
  for (int i = 0; i < src->n_values; i++) {
    const octet_value *a = &src->values[i];
    int id = octet_graph_add_value(dst, a->name);
    if (id < 0) goto fail;
    octet_value *b = &dst->values[id];
    char *name = b->name;
    *b = *a;
    b->name = name;
    b->borrowed = a->data != NULL;
    for (int d = 0; d < OCTET_MAX_RANK; d++) b->dim_names[d] = NULL;
    for (int d = 0; d < OCTET_MAX_RANK; d++)
      if (a->dim_names[d] && !(b->dim_names[d] = dupstr(a->dim_names[d]))) goto fail;
  }
  for (int i = 0; i < src->n_nodes; i++) {
    const octet_node *a = &src->nodes[i];
    int id = octet_graph_add_node(dst, a->name, a->op_type, a->inputs, a->n_inputs,
                                  a->outputs, a->n_outputs);
    if (id < 0) goto fail;
    octet_node *b = &dst->nodes[id];
    b->opset = a->opset;
    b->def = a->def;
    for (int k = 0; k < a->n_attrs; k++) {
      octet_attr *na = octet_node_add_attr(b, a->attrs[k].name, a->attrs[k].type);
      if (!na) goto fail;
      free(na->name);
      if (copy_attr(&a->attrs[k], na) != OCTET_OK) goto fail;
    }
  }
  dst->inputs = malloc(sizeof(int) * (size_t)(src->n_inputs + 1));
  dst->outputs = malloc(sizeof(int) * (size_t)(src->n_outputs + 1));
  if (!dst->inputs || !dst->outputs) goto fail;
  memcpy(dst->inputs, src->inputs, sizeof(int) * (size_t)src->n_inputs);
  memcpy(dst->outputs, src->outputs, sizeof(int) * (size_t)src->n_outputs);
  dst->n_inputs = src->n_inputs;
  dst->n_outputs = src->n_outputs;
  return OCTET_OK;
fail:
  octet_graph_free(dst);
  return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory copying the graph");
}

void octet_graph_remove_nodes(octet_graph *g, const bool *dead) {
  int w = 0;
  for (int i = 0; i < g->n_nodes; i++) {
    octet_node *n = &g->nodes[i];
    if (dead[i]) {
      free(n->name); free(n->op_type); free(n->domain);
      free(n->inputs); free(n->outputs);
      for (int a = 0; a < n->n_attrs; a++) attr_free(&n->attrs[a]);
      free(n->attrs);
      continue;
    }
    g->nodes[w++] = *n;
  }
  g->n_nodes = w;
  for (int v = 0; v < g->n_values; v++) g->values[v].producer = -1;
  for (int i = 0; i < g->n_nodes; i++)
    for (int o = 0; o < g->nodes[i].n_outputs; o++)
      g->values[g->nodes[i].outputs[o]].producer = i;
}

void octet_graph_count_uses(const octet_graph *g, int *uses) {
  memset(uses, 0, sizeof(int) * (size_t)g->n_values);
  for (int i = 0; i < g->n_nodes; i++)
    for (int k = 0; k < g->nodes[i].n_inputs; k++)
      if (g->nodes[i].inputs[k] >= 0) uses[g->nodes[i].inputs[k]]++;
  for (int i = 0; i < g->n_outputs; i++) uses[g->outputs[i]]++;
}

octet_status octet_value_set_constant(octet_graph *g, int v, octet_dtype dtype,
                                      int rank, const int64_t *dims,
                                      const void *data) {
  octet_value *val = &g->values[v];
  size_t nb;
  if (!shape_nbytes(dims, rank, dtype, &nb))
    return octet_fail(OCTET_ERR_OVERFLOW, "constant '%s' too large", val->name);
  void *copy = malloc(nb ? nb : 1);
  if (!copy) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  if (nb) memcpy(copy, data, nb);
  if (!val->borrowed) free(val->data);
  val->data = copy;
  val->borrowed = false;
  val->nbytes = nb;
  val->kind = OCTET_VALUE_CONSTANT;
  val->dtype = dtype;
  val->rank = rank;
  for (int i = 0; i < rank; i++) val->dims[i] = dims[i];
  return OCTET_OK;
}
