/* The model and session objects behind the public handles. A session owns
 * its graph (the model's after fusion and lowering), the options its plans
 * are built with, the current plan and the batch-chunk state; planning
 * itself is src/plan's. */
#ifndef OCTET_SESSION_H
#define OCTET_SESSION_H

#include <stdatomic.h>

#include "core/ir.h"
#include "plan/plan.h"

struct octet_model {
  octet_graph g;
  octet_model_stats stats;
  size_t n_op_types;
  const char **op_types;     /* point into node op_type strings */
  size_t *op_counts;
};

/* Running a large batch as a sequence of equal chunks of it (chunk.c). */
typedef struct session_chunk {
  size_t budget;             /* arena bytes one chunk may take; 0: never chunk */
  bool sized_valid;
  int64_t sized[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK]; /* input shapes item_bytes is for */
  size_t item_bytes;         /* arena bytes per batch item at those shapes */
  int separable;             /* the graph splits along the batch: -1 not checked */
  char why[200];             /* why not, when separable == 0 */
  int64_t batch, size;       /* the last decision: `batch` runs in chunks of `size` */
  char *out[OCTET_PLAN_MAX_IO]; /* graph outputs of the whole batch */
  size_t out_cap[OCTET_PLAN_MAX_IO];
} session_chunk;

struct octet_session {
  const octet_model *model;
  octet_graph g;             /* the model's graph after fusion and lowering */
  octet_plan_options opts;   /* precision, threads, flags, limit, backends */
  int64_t batch;
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

/* Decides how a run with these input shapes is executed and plans for it:
 * *chunks = 1 runs the whole batch with a plan for `in_dims`; *chunks > 1
 * runs *chunks equal slices of dim 0 of every input with a plan for one
 * slice, the outputs gathered in s->chunk.out (chunk.c). */
octet_status octet_session_prepare_chunks(octet_session *s, int64_t (*in_dims)[OCTET_MAX_RANK],
                                          const void *const *in_data, int64_t *chunks);
void octet_session_chunk_free(octet_session *s);

#endif
