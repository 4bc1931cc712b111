/* Shape and dtype inference of the reductions of issue 16: ReduceMax,
 * ReduceMin, ReduceProd, ReduceL2, ReduceL1, ReduceSumSquare, ReduceLogSum,
 * ReduceLogSumExp (axes as attribute before opset 18, input 1 from 18;
 * keepdims; noop_with_empty_axes) and ArgMax, ArgMin (axis, keepdims,
 * select_last_index from opset 12; int64 output). */
#include "core/reduce-axes.h"
#include "ops/op-util.h"

/* float, int32/64, uint32/64: the type list of most Reduce ops */
static bool reduce_type(octet_dtype t) {
  return ou_is_float(t) || t == OCTET_DTYPE_INT32 || t == OCTET_DTYPE_INT64 ||
         t == OCTET_DTYPE_UINT32 || t == OCTET_DTYPE_UINT64;
}

static octet_status infer_reduce(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, int n_out,
                                 bool minmax) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  const octet_tview *x = &in[0];
  octet_dtype t = x->dtype;
  bool ok = reduce_type(t);
  if (minmax) /* ReduceMax/Min: int8 and uint8 from opset 18, bool from 20 */
    ok = ok || ((t == OCTET_DTYPE_INT8 || t == OCTET_DTYPE_UINT8) && node->opset >= 18) ||
         (t == OCTET_DTYPE_BOOL && node->opset >= 20);
  if (!ok)
    return ou_bad_dtype(node, t,
                        minmax ? "float, int32/64, uint32/64 (int8/uint8 from opset "
                                 "18, bool from 20)"
                               : "float, int32/64 or uint32/64");
  bool mask[OCTET_MAX_RANK], noop;
  if ((st = octet_reduce_axes_get(node, in, n_in, 18, mask, &noop))) return st;
  bool keep = attr_int(node, "keepdims", 1) != 0;
  int64_t dims[OCTET_MAX_RANK];
  int rank = 0;
  for (int d = 0; d < x->rank; d++) {
    if (!mask[d])
      dims[rank++] = x->dims[d];
    else if (keep)
      dims[rank++] = 1;
  }
  return ou_set_out(node, out, t, rank, dims);
}

#define INFER_REDUCE(name, minmax)                                           \
  octet_status octet_infer_##name(const octet_node *node,                    \
                                  const octet_tview *in, int n_in,           \
                                  octet_tview *out, int n_out) {             \
    return infer_reduce(node, in, n_in, out, n_out, minmax);                 \
  }

INFER_REDUCE(ReduceMax, true)
INFER_REDUCE(ReduceMin, true)
INFER_REDUCE(ReduceProd, false)
INFER_REDUCE(ReduceL2, false)
INFER_REDUCE(ReduceL1, false)
INFER_REDUCE(ReduceSumSquare, false)
INFER_REDUCE(ReduceLogSum, false)
INFER_REDUCE(ReduceLogSumExp, false)

/* ArgMax / ArgMin: one axis (default 0) of size > 0, int64 indices. */
static octet_status infer_arg(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  const octet_tview *x = &in[0];
  if (!ou_is_numeric(x->dtype))
    return ou_bad_dtype(node, x->dtype, "float or integer types");
  int64_t axis = attr_int(node, "axis", 0);
  int64_t keep = attr_int(node, "keepdims", 1);
  int64_t last = attr_int(node, "select_last_index", 0);
  if ((keep != 0 && keep != 1) || (last != 0 && last != 1))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': keepdims (%lld) and select_last_index (%lld) must "
                      "be 0 or 1",
                      node->op_type, node->name, (long long)keep, (long long)last);
  if (last && node->opset < 12)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': select_last_index needs opset 12", node->op_type,
                      node->name);
  int ax;
  if (!norm_axis(axis, x->rank, &ax))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axis %lld out of range for rank %d", node->op_type,
                      node->name, (long long)axis, x->rank);
  if (x->dims[ax] == 0)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': axis %d has no elements (no index to return)",
                      node->op_type, node->name, ax);
  int64_t dims[OCTET_MAX_RANK];
  int rank = 0;
  for (int d = 0; d < x->rank; d++) {
    if (d != ax)
      dims[rank++] = x->dims[d];
    else if (keep)
      dims[rank++] = 1;
  }
  return ou_set_out(node, out, OCTET_DTYPE_INT64, rank, dims);
}

octet_status octet_infer_ArgMax(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out) {
  return infer_arg(node, in, n_in, out, n_out);
}

octet_status octet_infer_ArgMin(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out) {
  return infer_arg(node, in, n_in, out, n_out);
}
