/* The model and session objects behind the public handles. */
#ifndef OCTET_SESSION_H
#define OCTET_SESSION_H

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
  void *arena;
  int *copy_outputs;         /* graph outputs to copy at the end (const/input) */
  int n_copy_outputs;
  size_t out_offsets[64];    /* arena offsets of copied outputs */
  /* Small integer inputs whose values shapes depend on (a Reshape's shape
   * fed as a graph input): the plan holds for these values only. */
  bool value_bound[64];
} octet_plan;

struct octet_session {
  const octet_model *model;
  octet_graph g;             /* the model's graph after fusion and lowering */
  octet_precision precision;
  int threads;
  unsigned flags;            /* OCTET_SESSION_* */
  int64_t batch;
  const octet_backend *backends[OCTET_MAX_BACKENDS];
  int n_backends;
  octet_plan plan;
  octet_node_callback callback;
  void *callback_user;
  char err[1024];
};

/* Makes a model that owns `g` (taken even on failure). */
octet_status octet_model_from_graph(octet_graph *g, octet_model **out);

/* Builds a plan for the given input shapes (graph input order). */
/* Builds a plan for the given input shapes (graph input order). `in_data`
 * (may be NULL) gives input values: when shapes depend on the values of
 * small integer inputs, the plan is specialised to those values. */
octet_status octet_plan_build(octet_session *s, int64_t (*in_dims)[OCTET_MAX_RANK],
                              const void *const *in_data);
/* Does the current plan hold for these shapes and values? */
bool octet_plan_matches(const octet_session *s, int64_t (*in_dims)[OCTET_MAX_RANK],
                        const void *const *in_data);
void octet_plan_free(octet_plan *p);
/* Frees the plan and the constants it folded. */
void octet_plan_release(octet_session *s);
/* Sets info.flops of every step of the current plan (session-stats.c). */
void octet_plan_count_flops(octet_session *s);

#endif
