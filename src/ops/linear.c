/* OctetLinear: Y = act(X @ W + B) + R, made by the fusion pass from
 * MatMul(+Add bias)(+Relu | +Gelu | +Add residual).
 * Inputs: X [..., K] (float32 or float16), W [K, N] constant (float32 or
 * float16), optional B [N] (W's dtype), optional R (Y's shape and dtype).
 * Attributes: act (0 none, 1 relu, 2 gelu erf, 3 gelu tanh: exactly what
 * the separate Relu / Gelu op computes on the Linear's output, including
 * its rounding to fp16 when Y is fp16), quant (1: w8a8 — W quantized per output
 * column, X per row, int32 accumulation; see backends/ref/linear.c), gemm
 * (1: made from a Gemm, whose A must be 2-D). */
#include <string.h>

#include "core/ir.h"
#include "core/linear.h"

static bool is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16;
}

octet_status octet_infer_Linear(const octet_node *n, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out) {
  (void)n_out;
  const octet_tview *x = &in[0], *w = &in[1];
  if (attr_int(n, "gemm", 0) && x->rank != 2) /* made from a Gemm: matrices only */
    return octet_fail(OCTET_ERR_SHAPE,
                      "Gemm '%s': input A must be 2-D (Gemm multiplies matrices; MatMul "
                      "takes batches), it has rank %d",
                      n->name, x->rank);
  if (!is_float(x->dtype) || !is_float(w->dtype))
    return octet_fail(OCTET_ERR_DTYPE, "Linear '%s': X and W must be float32 or float16",
                      n->name);
  if (w->rank != 2 || x->rank < 1 || x->dims[x->rank - 1] != w->dims[0])
    return octet_fail(OCTET_ERR_SHAPE, "Linear '%s': X [..., %lld] and W [%lld, %lld] do not agree",
                      n->name, x->rank ? (long long)x->dims[x->rank - 1] : -1LL,
                      (long long)w->dims[0], (long long)(w->rank > 1 ? w->dims[1] : -1));
  if (!w->data)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "Linear '%s': W must be constant", n->name);
  out[0] = *x;
  out[0].data = NULL;
  out[0].dims[x->rank - 1] = w->dims[1];
  if (n_in > 2 && tv_present(&in[2])) {
    const octet_tview *b = &in[2];
    if (b->dtype != w->dtype || b->rank != 1 || b->dims[0] != w->dims[1])
      return octet_fail(OCTET_ERR_SHAPE, "Linear '%s': bias must be [%lld] of W's dtype",
                        n->name, (long long)w->dims[1]);
  }
  if (n_in > 3 && tv_present(&in[3])) {
    /* the residual Add it replaces: numpy broadcasting, Y takes the
     * broadcast shape (kernels other than ref take only R of Y's shape) */
    const octet_tview *r = &in[3];
    int64_t dims[OCTET_MAX_RANK];
    int rank = 0;
    if (r->dtype != x->dtype ||
        !broadcast_shapes(out[0].dims, out[0].rank, r->dims, r->rank, dims, &rank))
      return octet_fail(OCTET_ERR_SHAPE,
                        "Linear '%s': residual must have X's dtype and broadcast with the output",
                        n->name);
    out[0].rank = rank;
    memcpy(out[0].dims, dims, sizeof dims);
  }
  int64_t act = attr_int(n, "act", 0);
  if (!octet_act_valid(act))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "Linear '%s': act %lld", n->name, (long long)act);
  if (octet_linear_quant(n) && x->dtype != OCTET_DTYPE_FLOAT32)
    return octet_fail(OCTET_ERR_DTYPE, "Linear '%s': w8a8 needs float32 activations", n->name);
  return OCTET_OK;
}
