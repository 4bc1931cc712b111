/* The memory plan's placement (arena-place.h).
 *
 * For each value in turn the values placed before it that are alive at the
 * same time are collected from two indexes over the schedule steps:
 *   - those alive at its first step: a segment tree over the steps where a
 *     placed value [f, l] is listed at the O(log T) nodes that cover [f, l]
 *     exactly, so the nodes on the path from leaf `first` to the root list
 *     precisely the values alive at `first`, each once;
 *   - those that start later, up to its last step: one list per start step,
 *     with a tree of counts to skip the empty steps.
 * The two sets are disjoint and together are every value alive at the same
 * time (an interval meeting [first, last] either contains `first` or starts
 * inside it). Sorted by offset, one sweep finds the lowest gap that fits:
 * the lowest offset free of every such value, as the quadratic search
 * over all placed values found. */
#include "plan/arena-place.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/ir.h"

typedef struct entry {
  int item, next;
} entry;

typedef struct tindex {
  int size;         /* leaves: a power of two > the last step */
  int *cover;       /* 2 * size list heads: values covering the node's steps */
  int *starts;      /* size list heads: values by first step */
  int *count;       /* 2 * size: values starting in the node's steps */
  entry *pool;
  size_t n_pool, cap_pool;
} tindex;

static bool push(tindex *t, int *head, int item) {
  if (t->n_pool == t->cap_pool) {
    size_t cap = t->cap_pool ? 2 * t->cap_pool : 1024;
    entry *p = realloc(t->pool, cap * sizeof *p);
    if (!p) return false;
    t->pool = p;
    t->cap_pool = cap;
  }
  t->pool[t->n_pool] = (entry){item, *head};
  *head = (int)t->n_pool++;
  return true;
}

static bool insert(tindex *t, const octet_arena_item *it, int item) {
  int l = it->first + t->size, r = it->last + t->size + 1;
  for (; l < r; l >>= 1, r >>= 1) {
    if ((l & 1) && !push(t, &t->cover[l++], item)) return false;
    if ((r & 1) && !push(t, &t->cover[--r], item)) return false;
  }
  if (!push(t, &t->starts[it->first], item)) return false;
  for (int i = it->first + t->size; i >= 1; i >>= 1) t->count[i]++;
  return true;
}

/* The first step >= x where a placed value starts, or t->size. */
static int next_start(const tindex *t, int x) {
  if (x >= t->size) return t->size;
  int i = x + t->size;
  if (t->count[i]) return x;
  for (; i > 1; i >>= 1) {
    if ((i & 1) == 0 && t->count[i + 1]) {
      for (i = i + 1; i < t->size;) i = t->count[2 * i] ? 2 * i : 2 * i + 1;
      return i - t->size;
    }
  }
  return t->size;
}

static int by_offset(const void *a, const void *b) {
  const octet_arena_item *x = *(const octet_arena_item *const *)a,
                         *y = *(const octet_arena_item *const *)b;
  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

octet_status octet_arena_place(octet_arena_item *items, int n, size_t *total) {
  *total = 0;
  if (n <= 0) return OCTET_OK;
  int steps = 0;
  for (int i = 0; i < n; i++)
    if (items[i].last + 1 > steps) steps = items[i].last + 1;
  tindex t = {.size = 1};
  while (t.size <= steps) t.size *= 2;
  t.cover = malloc(sizeof(int) * 2 * (size_t)t.size);
  t.starts = malloc(sizeof(int) * (size_t)t.size);
  t.count = calloc(2 * (size_t)t.size, sizeof(int));
  const octet_arena_item **live = malloc(sizeof *live * (size_t)n);
  octet_status st = OCTET_OK;
  if (!t.cover || !t.starts || !t.count || !live) {
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory planning memory");
    goto out;
  }
  for (int i = 0; i < 2 * t.size; i++) t.cover[i] = -1;
  for (int i = 0; i < t.size; i++) t.starts[i] = -1;
  for (int i = 0; i < n; i++) {
    octet_arena_item *v = &items[i];
    int k = 0;
    for (int node = v->first + t.size; node >= 1; node >>= 1)
      for (int e = t.cover[node]; e >= 0; e = t.pool[e].next) live[k++] = &items[t.pool[e].item];
    for (int s = next_start(&t, v->first + 1); s <= v->last; s = next_start(&t, s + 1))
      for (int e = t.starts[s]; e >= 0; e = t.pool[e].next) live[k++] = &items[t.pool[e].item];
    qsort(live, (size_t)k, sizeof *live, by_offset);
    size_t off = 0;
    for (int j = 0; j < k; j++) {
      if (live[j]->offset >= off + v->bytes) break;
      size_t end = live[j]->offset + live[j]->bytes;
      if (end > off) off = end;
    }
    if (off > SIZE_MAX - v->bytes) {
      st = octet_fail(OCTET_ERR_OVERFLOW, "the activation arena's size overflows");
      goto out;
    }
    v->offset = off;
    if (off + v->bytes > *total) *total = off + v->bytes;
    if (!insert(&t, v, i)) {
      st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory planning memory");
      goto out;
    }
  }
out:
  free(t.cover);
  free(t.starts);
  free(t.count);
  free(t.pool);
  free(live);
  return st;
}
