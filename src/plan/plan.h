/* Planning a graph for concrete input shapes: shape inference, constant
 * folding, backend assignment, the memory plan (one arena, offsets from
 * value lifetimes), the batch-separability proof and the FLOPs of a run.
 *
 * A plan is built from a graph (after fusion and lowering) and plan options;
 * it knows nothing of sessions. The executor (src/exec) binds input buffers
 * into plan->pv[...].tv.data and runs plan->steps in order. */
#ifndef OCTET_PLAN_H
#define OCTET_PLAN_H

#include "backends/backend.h"
#include "core/ir.h"

#define OCTET_MAX_BACKENDS 8
/* Graph inputs and outputs a plan handles (octet_model checks it at load). */
#define OCTET_PLAN_MAX_IO 64

/* What a plan is built for: everything but the graph and the shapes. */
typedef struct octet_plan_options {
  octet_precision precision;
  int threads;
  unsigned flags;              /* octet_session_options.flags (OCTET_SESSION_*) */
  size_t max_plan_bytes;       /* arena + folded constants; 0: no limit */
  const octet_backend *backends[OCTET_MAX_BACKENDS]; /* preference order */
  int n_backends;
} octet_plan_options;

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
  int n_values;              /* of the graph it was built for */
  int64_t in_dims[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK]; /* planned input shapes */
  plan_value *pv;            /* one per graph value */
  plan_step *steps;
  int n_steps;
  size_t arena_bytes;
  size_t folded_bytes;       /* bytes of the constants folded at planning */
  void *arena;
  int *copy_outputs;         /* graph outputs to copy at the end (const/input) */
  int n_copy_outputs;
  size_t out_offsets[OCTET_PLAN_MAX_IO]; /* arena offsets of copied outputs */
  /* Small integer inputs whose values shapes depend on (a Reshape's shape
   * fed as a graph input): the plan holds for these values only. */
  bool value_bound[OCTET_PLAN_MAX_IO];
} octet_plan;

/* Builds *p (whatever it held is released first) for the given input shapes
 * (graph input order). `in_data` (may be NULL) gives input values: when a
 * shape depends on the values of small integer inputs
 * (OCTET_ERR_DATA_DEPENDENT without them), the plan is specialised to
 * those values. On failure *p is empty. */
octet_status octet_plan_build(octet_plan *p, const octet_graph *g, const octet_plan_options *o,
                              int64_t (*in_dims)[OCTET_MAX_RANK], const void *const *in_data);
/* The shape of every graph value for these input shapes, by inference and
 * folding alone (no backend, no arena): (*views)[v], data NULL, rank -1 for
 * values never computed, which the caller frees; the bytes the arena would
 * take; and same_consts[v] (one per graph value), whether v folds to the
 * same constant (dtype, shape and bytes) at these shapes as in `cur` (may
 * be NULL: none). Any of the three outputs may be NULL. */
octet_status octet_plan_infer_shapes(const octet_graph *g, const octet_plan_options *o,
                                     const octet_plan *cur, int64_t (*in_dims)[OCTET_MAX_RANK],
                                     octet_tview **views, size_t *arena_bytes,
                                     unsigned char *same_consts);
/* Does plan p hold for these shapes and values? */
bool octet_plan_matches(const octet_plan *p, const octet_graph *g,
                        int64_t (*in_dims)[OCTET_MAX_RANK], const void *const *in_data);
/* Frees the plan, its kernels' states and the constants it folded; p is
 * left empty (releasing an empty plan is fine). */
void octet_plan_release(octet_plan *p);

/* Is the graph, planned in p for chunks of `c` batch items, separable along
 * dim 0 of its inputs: does every output row depend only on input rows of
 * the same batch item? A conservative proof over the ops' axis semantics
 * (batch-split.c); false with a reason in `why` otherwise. */
bool octet_plan_batch_separable(const octet_plan *p, const octet_graph *g,
                                const octet_plan_options *o, int64_t c, char *why,
                                size_t why_len);

/* Sets info.flops of every step of p (plan-stats.c). */
void octet_plan_count_flops(octet_plan *p, const octet_graph *g);

#endif
