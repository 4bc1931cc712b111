/* The model and session objects behind the public handles. */
#ifndef OCTET_SESSION_H
#define OCTET_SESSION_H

#include <stdatomic.h>

#include "backend.h"
#include "core/ir.h"

struct octet_model {
  octet_graph g;
  octet_model_stats stats;
  size_t n_op_types;
  const char **op_types;     /* point into node op_type strings */
  size_t *op_counts;
};

#define OCTET_MAX_BACKENDS 8

typedef enum plan_state {
  PV_UNUSED = 0,
  PV_CONST,    /* data known at plan time (graph constant or folded) */
  PV_INPUT,    /* caller's buffer, bound at run */
  PV_ARENA,    /* computed at run, lives in the arena */
} plan_state;

typedef struct plan_value {
  octet_tview tv;
  plan_state state;
  size_t nbytes;
  size_t offset;     /* PV_ARENA */
  int first, last;   /* schedule steps that write / last read it */
  int alias;         /* PV_ARENA: value whose bytes this one shares (a
                        Reshape-like view, no step of its own), or -1 */
  void *owned;       /* folded data owned by the plan */
} plan_value;

typedef struct plan_step {
  int node;                  /* index into the graph's nodes */
  const octet_backend *backend;
  octet_node_kernel kernel;
  octet_node_info info;
  char note[112];            /* why a preferred backend declined the node */
} plan_step;

typedef struct octet_plan {
  bool valid;
  int64_t in_dims[64][OCTET_MAX_RANK]; /* planned shapes of graph inputs */
  plan_value *pv;            /* one per graph value */
  plan_step *steps;
  int n_steps;
  size_t arena_bytes;
  size_t folded_bytes;       /* bytes of the constants folded at planning */
  void *arena;
  int *copy_outputs;         /* graph outputs to copy at the end (const/input) */
  int n_copy_outputs;
  size_t out_offsets[64];    /* arena offsets of copied outputs */
  /* Small integer inputs whose values shapes depend on (a Reshape's shape
   * fed as a graph input): the plan holds for these values only. */
  bool value_bound[64];
} octet_plan;

/* Running a large batch as a sequence of equal chunks of it (chunk.c). */
typedef struct session_chunk {
  size_t budget;             /* arena bytes one chunk may take; 0: never chunk */
  bool sized_valid;
  int64_t sized[64][OCTET_MAX_RANK]; /* input shapes item_bytes is for */
  size_t item_bytes;         /* arena bytes per batch item at those shapes */
  int separable;             /* the graph splits along the batch: -1 not checked */
  char why[200];             /* why not, when separable == 0 */
  int64_t batch, size;       /* the last decision: `batch` runs in chunks of `size` */
  char *out[64];             /* graph outputs of the whole batch */
  size_t out_cap[64];
} session_chunk;

struct octet_session {
  const octet_model *model;
  octet_graph g;             /* the model's graph after fusion and lowering */
  octet_precision precision;
  int threads;
  unsigned flags;            /* OCTET_SESSION_* */
  int64_t batch;
  size_t max_plan_bytes;     /* arena + folded constants of one plan */
  const octet_backend *backends[OCTET_MAX_BACKENDS];
  int n_backends;
  octet_plan plan;
  session_chunk chunk;
  octet_node_callback callback;
  void *callback_user;
  char err[1024];
  atomic_flag busy;          /* set while a call uses the session (session.c) */
};

/* Every call on a session but destroy and last_error holds it busy for its
 * duration: a second call meanwhile (another thread, or the node callback)
 * fails with OCTET_ERR_BUSY instead of racing. enter returns false (the
 * message set) when the session is busy. */
bool octet_session_enter(const octet_session *s, const char *what);
void octet_session_leave(const octet_session *s);

/* Makes a model that owns `g` (taken even on failure). */
octet_status octet_model_from_graph(octet_graph *g, octet_model **out);

/* Builds a plan for the given input shapes (graph input order). */
/* Builds a plan for the given input shapes (graph input order). `in_data`
 * (may be NULL) gives input values: when shapes depend on the values of
 * small integer inputs, the plan is specialised to those values. */
octet_status octet_plan_build(octet_session *s, int64_t (*in_dims)[OCTET_MAX_RANK],
                              const void *const *in_data);
/* The shape of every graph value for these input shapes, by inference and
 * folding alone (no backend, no allocation of the arena, s->plan untouched):
 * (*views)[v], data NULL, rank -1 for values never computed, which the
 * caller frees; the bytes the arena would take; and same_consts[v] (one
 * per graph value), whether v folds to the same constant (dtype, shape and
 * bytes) at these shapes as in s->plan. Any of the three may be NULL. */
octet_status octet_plan_infer_shapes(octet_session *s, int64_t (*in_dims)[OCTET_MAX_RANK],
                                     octet_tview **views, size_t *arena_bytes,
                                     unsigned char *same_consts);
/* Does the current plan hold for these shapes and values? */
bool octet_plan_matches(const octet_session *s, int64_t (*in_dims)[OCTET_MAX_RANK],
                        const void *const *in_data);
void octet_plan_free(octet_plan *p);
/* Frees the plan and the constants it folded. */
void octet_plan_release(octet_session *s);
/* Decides how a run with these input shapes is executed and plans for it:
 * *chunks = 1 runs the whole batch with a plan for `in_dims`; *chunks > 1
 * runs *chunks equal slices of dim 0 of every input with a plan for one
 * slice, the outputs gathered in s->chunk.out (chunk.c). */
octet_status octet_session_prepare_chunks(octet_session *s, int64_t (*in_dims)[OCTET_MAX_RANK],
                                          const void *const *in_data, int64_t *chunks);
/* Is the graph, planned in s->plan for chunks of `c` batch items, separable
 * along dim 0 of its inputs: does every output row depend only on input
 * rows of the same batch item? A conservative proof over the ops' axis
 * semantics (batch-split.c); false with a reason in `why` otherwise. */
bool octet_plan_batch_separable(octet_session *s, int64_t c, char *why, size_t why_len);
void octet_session_chunk_free(octet_session *s);

/* Sets info.flops of every step of the current plan (session-stats.c). */
void octet_plan_count_flops(octet_session *s);

#endif
