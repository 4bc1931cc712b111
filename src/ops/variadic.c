/* Shape and dtype inference of the variadic elementwise ops of issue 16:
 * Max, Min (every numeric type from opset 12, floats before), Mean and Sum
 * (floats). One or more inputs of one dtype; the output has the
 * multidirectional broadcast of all their shapes. */
#include "ops/op-util.h"

static octet_status infer_variadic(const octet_node *node, const octet_tview *in,
                                   int n_in, octet_tview *out, int n_out,
                                   bool ints) {
  octet_status st = ou_need(node, in, n_in, n_in < 1 ? 1 : n_in, n_out, 1);
  if (st) return st;
  octet_dtype t = in[0].dtype;
  if (!ou_is_float(t) && !(ints && ou_is_numeric(t)))
    return ou_bad_dtype(node, t,
                        ints ? "float or integer types"
                             : "float16, float32 or float64");
  int64_t dims[OCTET_MAX_RANK];
  int rank = in[0].rank;
  for (int d = 0; d < rank; d++) dims[d] = in[0].dims[d];
  for (int i = 1; i < n_in; i++) {
    if ((st = ou_same_dtype(node, &in[0], 0, &in[i], i))) return st;
    int64_t nd[OCTET_MAX_RANK];
    int nr;
    if (!broadcast_shapes(dims, rank, in[i].dims, in[i].rank, nd, &nr)) {
      char sa[160], sb[160];
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': input %d %s does not broadcast with the "
                        "inputs before it %s",
                        node->op_type, node->name, i,
                        octet_dims_str(in[i].dims, in[i].rank, sb, sizeof sb),
                        octet_dims_str(dims, rank, sa, sizeof sa));
    }
    rank = nr;
    for (int d = 0; d < rank; d++) dims[d] = nd[d];
  }
  return ou_set_out(node, out, t, rank, dims);
}

octet_status octet_infer_Max(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return infer_variadic(node, in, n_in, out, n_out, node->opset >= 12);
}

octet_status octet_infer_Min(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return infer_variadic(node, in, n_in, out, n_out, node->opset >= 12);
}

octet_status octet_infer_Mean(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  return infer_variadic(node, in, n_in, out, n_out, false);
}

octet_status octet_infer_Sum(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return infer_variadic(node, in, n_in, out, n_out, false);
}
