/* Shape and dtype inference for normalization and reductions: Softmax,
 * LayerNormalization, ReduceMean and ReduceSum. */
#include "core/ir.h"

static bool is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 ||
         t == OCTET_DTYPE_FLOAT64;
}

static octet_status need_float(const octet_node *node, const char *what,
                               octet_dtype t) {
  if (is_float(t)) return OCTET_OK;
  return octet_fail(OCTET_ERR_DTYPE,
                    "%s '%s': %s has unsupported dtype %s (float32, float16, "
                    "float64)",
                    node->op_type, node->name, what, octet_dtype_name(t));
}

static void copy_shape(octet_tview *o, const octet_tview *x) {
  o->rank = x->rank;
  for (int i = 0; i < x->rank; i++) o->dims[i] = x->dims[i];
}

/* ---- Softmax ------------------------------------------------------------- */

/* Opset >= 13: one axis (default -1). Before: the input is coerced to 2-D at
 * `axis` (default 1), which may then equal the rank. */
octet_status octet_infer_Softmax(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, int n_out) {
  (void)n_in;
  (void)n_out;
  const octet_tview *x = &in[0];
  octet_status st = need_float(node, "input", x->dtype);
  if (st != OCTET_OK) return st;
  bool legacy = node->opset > 0 && node->opset < 13;
  int64_t axis = attr_int(node, "axis", legacy ? 1 : -1);
  int r = x->rank, ax;
  bool ok = legacy ? (axis >= -(int64_t)r && axis <= (int64_t)r)
                   : norm_axis(axis, r, &ax);
  if (!ok)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axis %lld out of range for rank %d",
                      node->op_type, node->name, (long long)axis, r);
  out[0].dtype = x->dtype;
  copy_shape(&out[0], x);
  return OCTET_OK;
}

/* ---- LayerNormalization -------------------------------------------------- */

/* Scale and B broadcast unidirectionally to X (they normally have the shape
 * X.shape[axis:]). Mean and InvStdDev have X's dims with the normalized
 * ones set to 1, in the stash_type dtype. */
octet_status octet_infer_LayerNormalization(const octet_node *node,
                                            const octet_tview *in, int n_in,
                                            octet_tview *out, int n_out) {
  const octet_tview *x = &in[0];
  octet_status st = need_float(node, "X", x->dtype);
  if (st != OCTET_OK) return st;
  int64_t axis = attr_int(node, "axis", -1);
  int ax;
  if (!norm_axis(axis, x->rank, &ax))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axis %lld out of range for rank %d",
                      node->op_type, node->name, (long long)axis, x->rank);
  int64_t stash = attr_int(node, "stash_type", OCTET_DTYPE_FLOAT32);
  if (stash != OCTET_DTYPE_FLOAT32 && stash != OCTET_DTYPE_FLOAT64 &&
      stash != OCTET_DTYPE_FLOAT16)
    return octet_fail(OCTET_ERR_UNSUPPORTED,
                      "%s '%s': stash_type %lld is not supported (1, 10, 11)",
                      node->op_type, node->name, (long long)stash);
  for (int i = 1; i < n_in && i < 3; i++) {
    const octet_tview *p = &in[i];
    const char *what = i == 1 ? "Scale" : "B";
    if (!tv_present(p)) {
      if (i == 1)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                          "%s '%s': Scale is required", node->op_type,
                          node->name);
      continue;
    }
    if (p->dtype != x->dtype)
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': X is %s but %s is %s",
                        node->op_type, node->name,
                        octet_dtype_name(x->dtype), what,
                        octet_dtype_name(p->dtype));
    bool ok = p->rank <= x->rank;
    for (int d = 0; ok && d < p->rank; d++) {
      int64_t pd = p->dims[p->rank - 1 - d], xd = x->dims[x->rank - 1 - d];
      ok = pd == xd || pd == 1;
    }
    if (!ok)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': %s (rank %d) does not broadcast to X (rank "
                        "%d, normalized from axis %d)",
                        node->op_type, node->name, what, p->rank, x->rank,
                        ax);
  }
  out[0].dtype = x->dtype;
  copy_shape(&out[0], x);
  for (int i = 1; i < n_out && i < 3; i++) {
    out[i].dtype = (octet_dtype)stash;
    copy_shape(&out[i], x);
    for (int d = ax; d < x->rank; d++) out[i].dims[d] = 1;
  }
  return OCTET_OK;
}

/* ---- ReduceMean / ReduceSum ---------------------------------------------- */

/* Works out which dims are reduced. Axes come from the optional second
 * input (ReduceSum >= 13, ReduceMean >= 18) or the `axes` attribute (older
 * opsets); both forms are accepted. Sets *noop when the output is the
 * input (empty axes with noop_with_empty_axes=1). */
static octet_status reduce_axes(const octet_node *node, const octet_tview *in,
                                int n_in, bool *mask, bool *noop) {
  const octet_tview *x = &in[0];
  const octet_tview *at = n_in > 1 && tv_present(&in[1]) ? &in[1] : NULL;
  const int64_t *attr = NULL;
  size_t count = 0;
  bool has_attr = attr_ints(node, "axes", &attr, &count);
  int64_t noop_flag = attr_int(node, "noop_with_empty_axes", 0);
  int64_t keep = attr_int(node, "keepdims", 1);
  if ((noop_flag != 0 && noop_flag != 1) || (keep != 0 && keep != 1))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': keepdims (%lld) and noop_with_empty_axes "
                      "(%lld) must be 0 or 1",
                      node->op_type, node->name, (long long)keep,
                      (long long)noop_flag);
  if (at && has_attr)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axes given both as attribute and as input",
                      node->op_type, node->name);
  if (at) {
    if (at->dtype != OCTET_DTYPE_INT64 && at->dtype != OCTET_DTYPE_INT32)
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': axes must be int64, not %s",
                        node->op_type, node->name,
                        octet_dtype_name(at->dtype));
    if (at->rank > 1)
      return octet_fail(OCTET_ERR_SHAPE, "%s '%s': axes must be 1-D (rank %d)",
                        node->op_type, node->name, at->rank);
    if (!at->data)
      return octet_fail(OCTET_ERR_DATA_DEPENDENT,
                        "%s '%s': axes input is not constant (data-dependent "
                        "shape)",
                        node->op_type, node->name);
    count = (size_t)tv_numel(at);
  }
  for (int d = 0; d < x->rank; d++) mask[d] = false;
  *noop = false;
  if (count == 0) {
    *noop = noop_flag == 1;
    for (int d = 0; d < x->rank; d++) mask[d] = !*noop;
    return OCTET_OK;
  }
  for (size_t i = 0; i < count; i++) {
    int64_t a = 0;
    if (at)
      tv_read_i64(at, (int64_t)i, &a);
    else
      a = attr[i];
    int d;
    if (!norm_axis(a, x->rank, &d))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': axis %lld out of range for rank %d",
                        node->op_type, node->name, (long long)a, x->rank);
    if (mask[d])
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': axis %lld is repeated", node->op_type,
                        node->name, (long long)a);
    mask[d] = true;
  }
  return OCTET_OK;
}

static octet_status infer_reduce(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, bool ints_ok) {
  const octet_tview *x = &in[0];
  bool int_type =
      x->dtype == OCTET_DTYPE_INT32 || x->dtype == OCTET_DTYPE_INT64;
  if (!is_float(x->dtype) && !(ints_ok && int_type))
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s (%s)",
                      node->op_type, node->name, octet_dtype_name(x->dtype),
                      ints_ok ? "float32, float16, float64, int32, int64"
                              : "float32, float16, float64");
  bool mask[OCTET_MAX_RANK], noop;
  octet_status st = reduce_axes(node, in, n_in, mask, &noop);
  if (st != OCTET_OK) return st;
  bool keep = attr_int(node, "keepdims", 1) != 0;
  octet_tview *o = &out[0];
  o->dtype = x->dtype;
  o->rank = 0;
  for (int d = 0; d < x->rank; d++) {
    if (!mask[d])
      o->dims[o->rank++] = x->dims[d];
    else if (keep)
      o->dims[o->rank++] = 1;
  }
  return OCTET_OK;
}

octet_status octet_infer_ReduceMean(const octet_node *node,
                                    const octet_tview *in, int n_in,
                                    octet_tview *out, int n_out) {
  (void)n_out;
  return infer_reduce(node, in, n_in, out, false);
}

octet_status octet_infer_ReduceSum(const octet_node *node,
                                   const octet_tview *in, int n_in,
                                   octet_tview *out, int n_out) {
  (void)n_out;
  return infer_reduce(node, in, n_in, out, true);
}
