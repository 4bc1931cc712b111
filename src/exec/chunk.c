/* Large batches in cache-sized chunks.
 *
 * A plan for batch B places every activation of the model in one arena that
 * grows with B (the encoder: 288 KiB per item, 288 MiB at B = 1024). Once
 * it outgrows the caches, every op streams its inputs and outputs from
 * memory, and an int8 GEMM that is compute-bound in cache becomes
 * memory-bound. When the graph is separable along the batch (every output
 * row depends only on input rows of the same item: octet_plan_batch_separable
 * proves it op by op), a run of B items is the same computation, bit for
 * bit, as B / c runs of c items each on consecutive slices of the inputs.
 * So the session plans for c items, where c is the largest divisor of B
 * whose arena fits the budget, runs the plan once per slice and gathers the
 * outputs into buffers of the whole batch, kept for the next run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/session.h"

void octet_session_chunk_free(octet_session *s) {
  for (int i = 0; i < OCTET_PLAN_MAX_IO; i++) free(s->chunk.out[i]);
  memset(s->chunk.out, 0, sizeof s->chunk.out);
  memset(s->chunk.out_cap, 0, sizeof s->chunk.out_cap);
}

/* The batch B when every input has the graph's symbolic dim 0 and the same
 * B there, else 0. */
static int64_t common_batch(const octet_session *s, int64_t (*dims)[OCTET_MAX_RANK]) {
  const octet_graph *g = &s->g;
  if (g->n_inputs < 1 || g->n_outputs < 1 || g->n_outputs > OCTET_PLAN_MAX_IO) return 0;
  int64_t b = 0;
  for (int i = 0; i < g->n_inputs; i++) {
    const octet_value *v = &g->values[g->inputs[i]];
    if (v->rank < 1 || v->dims[0] >= 0) return 0;
    if (i == 0) b = dims[i][0];
    if (dims[i][0] != b) return 0;
  }
  return b;
}

/* Items per chunk for a batch of b, or 0 to run it whole: the largest
 * divisor of b whose arena fits the budget, unless that divisor is so
 * small (b prime, say) that many tiny runs would cost more than memory
 * traffic does. */
static int64_t chunk_items(const octet_session *s, int64_t b) {
  const session_chunk *k = &s->chunk;
  if (!k->budget || !k->item_bytes || k->separable == 0 || b < 2) return 0;
  int64_t fit = (int64_t)(k->budget / k->item_bytes);
  if (fit < 1) fit = 1;
  if (fit >= b) return 0;
  int64_t c = fit;
  while (b % c) c--;
  return 4 * c < fit ? 0 : c;
}

/* Arena bytes per item at these input shapes (the other dims matter: a
 * sequence length, say): what an arena for the whole batch would take,
 * from inference and placement alone, over b. */
static void item_bytes(octet_session *s, int64_t (*in_dims)[OCTET_MAX_RANK], int64_t b) {
  const octet_graph *g = &s->g;
  session_chunk *k = &s->chunk;
  bool same = k->sized_valid;
  for (int i = 0; i < g->n_inputs && same; i++)
    for (int d = 0; d < g->values[g->inputs[i]].rank && same; d++)
      same = k->sized[i][d] == in_dims[i][d];
  if (same) return;
  size_t arena = 0;
  k->item_bytes = 0; /* unknown: run whole */
  if (octet_plan_infer_shapes(g, &s->opts, NULL, in_dims, NULL, &arena, NULL) == OCTET_OK)
    k->item_bytes = arena / (size_t)b > 0 ? arena / (size_t)b : 1;
  else
    octet_clear_error(); /* the plan for the run reports it */
  memcpy(k->sized, in_dims, sizeof(k->sized[0]) * (size_t)g->n_inputs);
  k->sized_valid = true;
}

/* Output buffers for `chunks` chunks of the current plan. */
static octet_status size_outputs(octet_session *s, int64_t chunks) {
  const octet_graph *g = &s->g;
  for (int i = 0; i < g->n_outputs; i++) {
    size_t nb = s->plan.pv[g->outputs[i]].nbytes;
    if (nb > SIZE_MAX / (size_t)chunks)
      return octet_fail(OCTET_ERR_OVERFLOW, "output '%s': size too large",
                        g->values[g->outputs[i]].name);
    size_t need = nb * (size_t)chunks;
    if (need <= s->chunk.out_cap[i]) continue;
    char *p = realloc(s->chunk.out[i], need);
    if (!p) return octet_fail(OCTET_ERR_NO_MEMORY, "cannot allocate %zu bytes of outputs", need);
    s->chunk.out[i] = p;
    s->chunk.out_cap[i] = need;
  }
  return OCTET_OK;
}

octet_status octet_session_prepare_chunks(octet_session *s, int64_t (*in_dims)[OCTET_MAX_RANK],
                                          const void *const *in_data, int64_t *chunks) {
  *chunks = 1;
  const octet_graph *g = &s->g;
  int64_t b = common_batch(s, in_dims);
  if (b > 1 && s->chunk.budget && s->chunk.separable != 0) item_bytes(s, in_dims, b);
  int64_t c = chunk_items(s, b);
  s->chunk.batch = b, s->chunk.size = 0;
  if (c > 0) {
    int64_t dc[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK];
    memcpy(dc, in_dims, sizeof(dc[0]) * (size_t)g->n_inputs);
    for (int i = 0; i < g->n_inputs; i++) dc[i][0] = c;
    octet_status st = OCTET_OK;
    bool fresh = !octet_plan_matches(&s->plan, g, dc, NULL);
    if (fresh) st = octet_plan_build(&s->plan, g, &s->opts, dc, NULL);
    if (st != OCTET_OK) { /* e.g. shapes that need input values: run whole */
      snprintf(s->chunk.why, sizeof s->chunk.why, "no plan for a chunk: %s",
               octet_last_error());
      octet_clear_error();
      s->chunk.separable = 0;
    } else if (s->chunk.separable < 0 || fresh) {
      if (!octet_plan_batch_separable(&s->plan, g, &s->opts, c, s->chunk.why,
                                      sizeof s->chunk.why))
        s->chunk.separable = 0;
      else
        s->chunk.separable = 1;
    }
    if (s->chunk.separable == 1) {
      st = size_outputs(s, b / c);
      if (st != OCTET_OK) return st;
      s->chunk.size = c;
      *chunks = b / c;
      return OCTET_OK;
    }
  }
  if (!octet_plan_matches(&s->plan, g, in_dims, in_data))
    return octet_plan_build(&s->plan, g, &s->opts, in_dims, in_data);
  return OCTET_OK;
}
