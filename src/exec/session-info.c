/* What a session tells about itself: its current plan's nodes, kernels,
 * memory, FLOPs and how the last batch ran; and the per-node callback. */
#include <stdlib.h>
#include <string.h>

#include "exec/session.h"

octet_status octet_session_chunking(const octet_session *s, int64_t *batch, int64_t *chunk,
                                    const char **why) {
  if (!s || !batch || !chunk) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (!octet_session_enter(s, "octet_session_chunking")) return OCTET_ERR_BUSY;
  *batch = s->chunk.batch;
  *chunk = s->chunk.size ? s->chunk.size : s->chunk.batch;
  if (why) *why = s->chunk.separable == 0 ? s->chunk.why : "";
  octet_session_leave(s);
  return OCTET_OK;
}

octet_status octet_session_arena_bytes(const octet_session *s, size_t *bytes) {
  if (!s || !bytes) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (!octet_session_enter(s, "octet_session_arena_bytes")) return OCTET_ERR_BUSY;
  *bytes = s->plan.arena_bytes;
  octet_session_leave(s);
  return OCTET_OK;
}

static octet_status weight_bytes_locked(const octet_session *s, size_t *bytes) {
  const octet_graph *g = &s->g;
  const octet_plan *p = &s->plan;
  size_t total = 0;
  char *seen = calloc((size_t)g->n_values + 1, 1);
  if (!seen) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  for (int k = 0; k < p->n_steps; k++) {
    const octet_node *n = &g->nodes[p->steps[k].node];
    total += p->steps[k].kernel.state_bytes;
    for (int i = 0; i < n->n_inputs; i++) {
      int v = n->inputs[i];
      if (i < 32 && (p->steps[k].kernel.packed_inputs >> i) & 1u) continue;
      if (v >= 0 && p->pv[v].state == PV_CONST && !seen[v]) {
        seen[v] = 1;
        total += p->pv[v].nbytes;
      }
    }
  }
  free(seen);
  *bytes = total;
  return OCTET_OK;
}

octet_status octet_session_weight_bytes(const octet_session *s, size_t *bytes) {
  if (!s || !bytes) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (!octet_session_enter(s, "octet_session_weight_bytes")) return OCTET_ERR_BUSY;
  octet_status st = weight_bytes_locked(s, bytes);
  octet_session_leave(s);
  return st;
}

octet_status octet_session_node_count(const octet_session *s, size_t *count) {
  if (!s || !count) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (!octet_session_enter(s, "octet_session_node_count")) return OCTET_ERR_BUSY;
  *count = (size_t)s->plan.n_steps;
  octet_session_leave(s);
  return OCTET_OK;
}

octet_status octet_session_node_info(const octet_session *s, size_t index,
                                     octet_node_info *info) {
  if (!s || !info) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (!octet_session_enter(s, "octet_session_node_info")) return OCTET_ERR_BUSY;
  octet_status st = OCTET_OK;
  if (index >= (size_t)s->plan.n_steps)
    st = octet_fail(OCTET_ERR_NOT_FOUND, "node index %zu out of range", index);
  else
    *info = s->plan.steps[index].info;
  octet_session_leave(s);
  return st;
}

octet_status octet_session_set_callback(octet_session *s, octet_node_callback cb,
                                        void *user) {
  if (!s) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "session is NULL");
  if (!octet_session_enter(s, "octet_session_set_callback")) return OCTET_ERR_BUSY;
  s->callback = cb;
  s->callback_user = user;
  octet_session_leave(s);
  return OCTET_OK;
}

octet_status octet_session_flops(const octet_session *s, double *flops) {
  if (!s || !flops) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (!octet_session_enter(s, "octet_session_flops")) return OCTET_ERR_BUSY;
  *flops = 0.0;
  const octet_plan *p = &s->plan;
  octet_status st = OCTET_OK;
  if (!p->valid || !p->pv) {
    st = octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                    "session_flops: no plan yet (call octet_session_plan)");
  } else {
    for (int k = 0; k < p->n_steps; k++) *flops += p->steps[k].info.flops;
    if (s->chunk.size > 0) *flops *= (double)(s->chunk.batch / s->chunk.size);
  }
  octet_session_leave(s);
  return st;
}
