/* Shape and dtype inference of Pad (opsets 2 to 21): pads from the
 * attribute (Pad-2) or input 1 (Pad-11+, optionally only on the axes of
 * input 3, Pad-18+), constant value from the attribute `value` or input 2,
 * modes constant, reflect, edge and wrap (Pad-19). A negative pad crops.
 * Refused: an output dim below 0, reflect/edge/wrap padding an axis of size
 * 0, a constant value that is not a scalar of the data's dtype. */
#include "core/pad.h"
#include "ops/op-util.h"

octet_status octet_infer_Pad(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  const octet_tview *x = &in[0];
  if (!ou_is_numeric(x->dtype) && x->dtype != OCTET_DTYPE_BOOL)
    return ou_bad_dtype(node, x->dtype, "numeric or bool types");
  if (x->dtype == OCTET_DTYPE_BOOL && node->opset < 13)
    return ou_bad_dtype(node, x->dtype, "numeric types before opset 13");
  octet_pad_params p;
  if ((st = octet_pad_params_get(node, in, n_in, &p))) return st;
  if (n_in > 2 && tv_present(&in[2])) {
    if ((st = ou_same_dtype(node, x, 0, &in[2], 2))) return st;
    if (in[2].rank > 1 || tv_numel(&in[2]) != 1)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': constant_value (input 2) must be a scalar, got "
                        "rank %d with %lld elements",
                        node->op_type, node->name, in[2].rank,
                        (long long)tv_numel(&in[2]));
  }
  int64_t dims[OCTET_MAX_RANK];
  for (int d = 0; d < x->rank; d++) {
    int64_t n = x->dims[d], o = n + p.begin[d] + p.end[d];
    int64_t kept = n - (p.begin[d] < 0 ? -p.begin[d] : 0) - (p.end[d] < 0 ? -p.end[d] : 0);
    if (o < 0 || kept < 0)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': pads %lld, %lld crop more than axis %d's %lld "
                        "elements",
                        node->op_type, node->name, (long long)p.begin[d],
                        (long long)p.end[d], d, (long long)n);
    if (kept == 0 && o > 0 && p.mode != OCTET_PAD_CONSTANT)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': %s mode cannot pad axis %d, which has no "
                        "elements (left)",
                        node->op_type, node->name,
                        p.mode == OCTET_PAD_REFLECT ? "reflect"
                        : p.mode == OCTET_PAD_EDGE  ? "edge"
                                                    : "wrap",
                        d);
    dims[d] = o;
  }
  return ou_set_out(node, out, x->dtype, x->rank, dims);
}
