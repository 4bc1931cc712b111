/* Shape and dtype inference of the comparisons and logic ops of issue 16:
 * Less, LessOrEqual, Greater, GreaterOrEqual (two numeric inputs of one
 * dtype, bool output), And, Or, Xor (bool inputs) and Not. Two-input ops
 * broadcast multidirectionally. */
#include "ops/op-util.h"

static octet_status infer_binary_bool(const octet_node *node,
                                      const octet_tview *in, int n_in,
                                      octet_tview *out, int n_out, bool logic) {
  octet_status st = ou_need(node, in, n_in, 2, n_out, 1);
  if (st) return st;
  if ((st = ou_same_dtype(node, &in[0], 0, &in[1], 1))) return st;
  octet_dtype t = in[0].dtype;
  if (logic ? t != OCTET_DTYPE_BOOL : !ou_is_numeric(t))
    return ou_bad_dtype(node, t, logic ? "bool" : "float or integer types");
  int64_t dims[OCTET_MAX_RANK];
  int rank;
  if (!broadcast_shapes(in[0].dims, in[0].rank, in[1].dims, in[1].rank, dims,
                        &rank)) {
    char sa[160], sb[160];
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': shapes %s and %s cannot be broadcast",
                      node->op_type, node->name,
                      octet_dims_str(in[0].dims, in[0].rank, sa, sizeof sa),
                      octet_dims_str(in[1].dims, in[1].rank, sb, sizeof sb));
  }
  return ou_set_out(node, out, OCTET_DTYPE_BOOL, rank, dims);
}

#define INFER_BOOL(name, logic)                                              \
  octet_status octet_infer_##name(const octet_node *node,                    \
                                  const octet_tview *in, int n_in,           \
                                  octet_tview *out, int n_out) {             \
    return infer_binary_bool(node, in, n_in, out, n_out, logic);             \
  }

INFER_BOOL(Less, false)
INFER_BOOL(LessOrEqual, false)
INFER_BOOL(Greater, false)
INFER_BOOL(GreaterOrEqual, false)
INFER_BOOL(And, true)
INFER_BOOL(Or, true)
INFER_BOOL(Xor, true)

octet_status octet_infer_Not(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  if (in[0].dtype != OCTET_DTYPE_BOOL)
    return ou_bad_dtype(node, in[0].dtype, "bool");
  return ou_set_out(node, out, OCTET_DTYPE_BOOL, in[0].rank, in[0].dims);
}
