/* Shape and dtype inference of TopK (opset 1: k attribute; 10: K input;
 * 11: largest, sorted, negative axis) and NonZero (opsets 9, 13).
 *
 * Both have an output shape that ONNX computes from a value: TopK's from
 * K, NonZero's from the data itself. octet plans every shape before a run
 * (docs/ops.md, "TopK and NonZero"), so K must be known when the session
 * is planned (an initializer, a Constant, a value folded from shapes, or
 * a small integer graph input the plan is specialised to; otherwise
 * OCTET_ERR_DATA_DEPENDENT), and NonZero runs only on an input known at
 * planning, where the plan folds it; any other NonZero is refused with
 * OCTET_ERR_UNSUPPORTED when the session is created. */
#include "ops/op-util.h"

/* TopK's K: attribute k before opset 10, input 1 (int64, one value) from
 * it; 0 <= K <= the axis's size. */
static octet_status topk_k(const octet_node *node, const octet_tview *in, int n_in,
                           int64_t axis_size, int64_t *k) {
  if (node->opset < 10) {
    const octet_attr *a = octet_node_attr(node, "k");
    if (n_in > 1 && tv_present(&in[1]))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': K is an input only from opset 10 (this node is "
                        "opset %lld: attribute k)",
                        node->op_type, node->name, (long long)node->opset);
    if (!a || a->type != OCTET_ATTR_INT)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': required int attribute k is missing (opset %lld)",
                        node->op_type, node->name, (long long)node->opset);
    *k = a->i;
  } else {
    if (octet_node_attr(node, "k"))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': attribute k is opset 1 only (opset %lld takes K "
                        "as input 1)",
                        node->op_type, node->name, (long long)node->opset);
    const octet_tview *kt = &in[1];
    if (kt->dtype != OCTET_DTYPE_INT64)
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': K must be int64, not %s",
                        node->op_type, node->name, ou_dt(kt->dtype));
    if (kt->rank > 1 || tv_numel(kt) != 1) {
      char buf[160];
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': K must hold one value (1-D [1]), got shape %s",
                        node->op_type, node->name,
                        octet_dims_str(kt->dims, kt->rank, buf, sizeof buf));
    }
    if (!kt->data)
      return octet_fail(OCTET_ERR_DATA_DEPENDENT,
                        "%s '%s': K is not known at planning (it is computed at "
                        "run from data; octet plans every output shape before a "
                        "run, so K must be a constant, folded from constants or "
                        "shapes, or a small graph input)",
                        node->op_type, node->name);
    tv_read_i64(kt, 0, k);
  }
  if (*k < 0 || *k > axis_size)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': K is %lld, must be 0 to the size of the axis (%lld)",
                      node->op_type, node->name, (long long)*k, (long long)axis_size);
  return OCTET_OK;
}

/* TopK(X[, K]) -> Values (X's dtype), Indices (int64): X's shape with the
 * axis cut to K. */
octet_status octet_infer_TopK(const octet_node *node, const octet_tview *in, int n_in,
                              octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, node->opset >= 10 ? 2 : 1, n_out, 2);
  if (st) return st;
  const octet_tview *x = &in[0];
  if (!ou_is_numeric(x->dtype)) return ou_bad_dtype(node, x->dtype, "float or integer types");
  int64_t axis = attr_int(node, "axis", -1);
  int ax;
  if (!norm_axis(axis, x->rank, &ax))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axis %lld is out of range for rank %d", node->op_type,
                      node->name, (long long)axis, x->rank);
  static const char *const flags[] = {"largest", "sorted"};
  for (int f = 0; f < 2; f++) {
    const octet_attr *a = octet_node_attr(node, flags[f]);
    if (!a) continue;
    if (node->opset < 11)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': attribute %s needs opset 11 (this node is opset %lld)",
                        node->op_type, node->name, flags[f], (long long)node->opset);
    if (a->i != 0 && a->i != 1)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': %s is %lld (must be 0 or 1)",
                        node->op_type, node->name, flags[f], (long long)a->i);
  }
  int64_t k = 0;
  if ((st = topk_k(node, in, n_in, x->dims[ax], &k))) return st;
  int64_t dims[OCTET_MAX_RANK];
  for (int d = 0; d < x->rank; d++) dims[d] = d == ax ? k : x->dims[d];
  if ((st = ou_set_out(node, &out[0], x->dtype, x->rank, dims))) return st;
  return ou_set_out(node, &out[1], OCTET_DTYPE_INT64, x->rank, dims);
}

/* Is element i of t (numeric or bool) not zero? NaN is not zero, -0.0 is. */
static bool nonzero_at(const octet_tview *t, int64_t i) {
  if (t->dtype == OCTET_DTYPE_BOOL) return ((const uint8_t *)t->data)[i] != 0;
  if (ou_is_float(t->dtype)) return tv_get_f64(t, i) != 0.0;
  size_t es = octet_dtype_size(t->dtype);
  const unsigned char *p = (const unsigned char *)t->data + (size_t)i * es;
  for (size_t b = 0; b < es; b++)
    if (p[b]) return true;
  return false;
}

static int64_t nonzero_count(const octet_tview *x) {
  int64_t n = tv_numel(x), c = 0;
  for (int64_t i = 0; i < n; i++) c += nonzero_at(x, i);
  return c;
}

/* NonZero(X) -> int64 [rank, nnz] (a scalar counts as 1-D of one element,
 * as ONNX Runtime does: [1, nnz]). nnz is the data's, so X must be known
 * at planning. */
octet_status octet_infer_NonZero(const octet_node *node, const octet_tview *in, int n_in,
                                 octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  const octet_tview *x = &in[0];
  if (!ou_is_numeric(x->dtype) && x->dtype != OCTET_DTYPE_BOOL)
    return ou_bad_dtype(node, x->dtype, "numeric or bool types");
  if (!x->data && tv_numel(x) > 0)
    return octet_fail(OCTET_ERR_UNSUPPORTED,
                      "%s '%s': output size depends on the input data; only constant "
                      "inputs are supported (octet plans every output shape before a "
                      "run)",
                      node->op_type, node->name);
  int64_t dims[2] = {x->rank > 0 ? x->rank : 1, x->data ? nonzero_count(x) : 0};
  return ou_set_out(node, out, OCTET_DTYPE_INT64, 2, dims);
}
