/* The reduced axes of a Reduce* node (core/reduce-axes.h). */
#include "core/reduce-axes.h"

octet_status octet_reduce_axes_get(const octet_node *n, const octet_tview *in,
                                   int n_in, int64_t axes_input_opset,
                                   bool *mask, bool *noop) {
  const octet_tview *x = &in[0];
  const octet_tview *at = n_in > 1 && tv_present(&in[1]) ? &in[1] : NULL;
  const int64_t *attr = NULL;
  size_t count = 0;
  bool has_attr = attr_ints(n, "axes", &attr, &count);
  int64_t keep = attr_int(n, "keepdims", 1);
  int64_t noop_flag = attr_int(n, "noop_with_empty_axes", 0);
  if ((keep != 0 && keep != 1) || (noop_flag != 0 && noop_flag != 1))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': keepdims (%lld) and noop_with_empty_axes (%lld) "
                      "must be 0 or 1",
                      n->op_type, n->name, (long long)keep, (long long)noop_flag);
  bool new_form = n->opset >= axes_input_opset;
  if (has_attr && new_form)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': from opset %lld axes is input 1, not an attribute",
                      n->op_type, n->name, (long long)axes_input_opset);
  if (at && !new_form)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axes as input 1 needs opset %lld (the model has %lld; "
                      "use the axes attribute)",
                      n->op_type, n->name, (long long)axes_input_opset,
                      (long long)n->opset);
  if (noop_flag && !new_form)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': noop_with_empty_axes needs opset %lld",
                      n->op_type, n->name, (long long)axes_input_opset);
  if (at) {
    if (at->dtype != OCTET_DTYPE_INT64)
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': axes must be int64, not %s",
                        n->op_type, n->name,
                        octet_dtype_name(at->dtype) ? octet_dtype_name(at->dtype) : "?");
    if (at->rank != 1)
      return octet_fail(OCTET_ERR_SHAPE, "%s '%s': axes must be 1-D (rank %d)",
                        n->op_type, n->name, at->rank);
    count = (size_t)at->dims[0];
    if (!at->data && count)
      return octet_fail(OCTET_ERR_DATA_DEPENDENT,
                        "%s '%s': axes input is not known at planning "
                        "(data-dependent shape)",
                        n->op_type, n->name);
  }
  *noop = false;
  for (int d = 0; d < x->rank; d++) mask[d] = false;
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
                        "%s '%s': axis %lld out of range for rank %d", n->op_type,
                        n->name, (long long)a, x->rank);
    if (mask[d])
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': axis %lld is repeated",
                        n->op_type, n->name, (long long)a);
    mask[d] = true;
  }
  return OCTET_OK;
}
