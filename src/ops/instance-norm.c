/* Shape and dtype inference of InstanceNormalization (issue 16):
 * X [N, C, D1, ...] (rank >= 3), scale and B [C] of X's float dtype,
 * epsilon > 0 and finite. The output has X's shape. */
#include <math.h>

#include "ops/op-util.h"

octet_status octet_infer_InstanceNormalization(const octet_node *node,
                                               const octet_tview *in, int n_in,
                                               octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 3, n_out, 1);
  if (st) return st;
  const octet_tview *x = &in[0];
  if (!ou_is_float(x->dtype))
    return ou_bad_dtype(node, x->dtype, "float16, float32 or float64");
  if (x->rank < 3)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': input must be [N, C, D1, ...] (rank >= 3), got rank %d",
                      node->op_type, node->name, x->rank);
  for (int i = 1; i < 3; i++) {
    if ((st = ou_same_dtype(node, x, 0, &in[i], i))) return st;
    if (in[i].rank != 1 || in[i].dims[0] != x->dims[1])
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': %s must be [C] = [%lld], got rank %d%s",
                        node->op_type, node->name, i == 1 ? "scale" : "B",
                        (long long)x->dims[1], in[i].rank,
                        in[i].rank == 1 ? " of another size" : "");
  }
  float eps = attr_float(node, "epsilon", 1e-5f);
  if (!(eps >= 0.0f) || !isfinite(eps))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': epsilon %g must be finite and >= 0", node->op_type,
                      node->name, (double)eps);
  return ou_set_out(node, out, x->dtype, x->rank, x->dims);
}
