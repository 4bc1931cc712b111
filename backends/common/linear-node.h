/* An OctetLinear node (Y = act(X @ W + B) + R) as every backend that takes
 * linear nodes reads it: the forms all their kernels share are checked
 * once here, each backend adding only its own limits. */
#ifndef OCTET_LINEAR_NODE_H
#define OCTET_LINEAR_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"
#include "core/linear.h"

typedef struct octet_linear_node {
  int64_t M, K, N;      /* X is [..., K] with M rows; W [K, N] */
  octet_act act;
  bool quant;           /* w8a8 */
  bool has_bias;        /* in[2], constant, [N] */
  bool has_residual;    /* in[3], float32 of Y's shape, act NONE */
  octet_dtype xt, wt, yt;
} octet_linear_node;

/* Whether node n (an OctetLinear) has the forms the backends' linear
 * kernels take: W constant, 2-D, float32 or float16 (float32 for w8a8); X
 * and Y float32 or float16 (float32 for w8a8); a bias constant, of a float
 * dtype, with N values; a residual only float32, of Y's shape, after no
 * activation (in the ref order it is the last operation, y = y + r, so
 * adding it to a finished row is exact). Fills *ln; declining says why
 * through ctx (may be NULL). */
bool octet_linear_node_get(const octet_node *n, const octet_tview *in, int n_in,
                           const octet_tview *out, const octet_plan_ctx *ctx,
                           octet_linear_node *ln);

/* A malloc'ed fp32 copy of a float32 or float16 tensor (a weight or bias,
 * converted once at preparation), or NULL when out of memory. */
float *octet_linear_f32_copy(const octet_tview *t);
/* y[j] = y[j] + r[j] for j < n. */
void octet_linear_add_residual(size_t n, const float *r, float *y);

#endif
