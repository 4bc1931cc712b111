/* Shape and dtype inference of CastLike (opsets 15 to 21, issue 16):
 * input 0 converted to the dtype of input 1 (whose values are not read),
 * with Cast's rules; saturate (opset 19) as Cast's. */
#include "ops/op-util.h"

octet_status octet_infer_CastLike(const octet_node *node, const octet_tview *in,
                                  int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 2, n_out, 1);
  if (st) return st;
  for (int i = 0; i < 2; i++)
    if (!ou_is_numeric(in[i].dtype) && in[i].dtype != OCTET_DTYPE_BOOL)
      return ou_bad_dtype(node, in[i].dtype, "numeric or bool types");
  const octet_attr *sat = octet_node_attr(node, "saturate");
  if (sat && (sat->type != OCTET_ATTR_INT || (sat->i != 0 && sat->i != 1)))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': attribute saturate must be 0 or 1", node->op_type,
                      node->name);
  return ou_set_out(node, out, in[1].dtype, in[0].rank, in[0].dims);
}
