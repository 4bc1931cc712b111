/* Shape and dtype inference of the one-input activations and math ops of
 * issue 16: Clip, LeakyRelu, PRelu, HardSigmoid, HardSwish, Elu, Selu,
 * Softplus, Exp, Log, Neg, Abs, Reciprocal, Floor, Ceil and Round (opsets
 * 6 to 21 as the ONNX spec lists them). The output has the input's shape
 * and dtype. */
#include <math.h>

#include "ops/op-util.h"

/* The output mirrors input 0 once its dtype is one `ok` accepts. */
static octet_status same_as_input(const octet_node *node, const octet_tview *in,
                                  int n_in, octet_tview *out, int n_out,
                                  bool (*ok)(octet_dtype), const char *allowed) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  if (!ok(in[0].dtype)) return ou_bad_dtype(node, in[0].dtype, allowed);
  return ou_set_out(node, out, in[0].dtype, in[0].rank, in[0].dims);
}

static bool float_only(octet_dtype t) { return ou_is_float(t); }
static bool float_or_sint(octet_dtype t) {
  return ou_is_float(t) || ou_is_sint(t);
}

/* A float attribute, when present, is a number: never NaN, and finite
 * unless allow_inf (Clip-6 bounds may be infinite). */
static octet_status finite_attr(const octet_node *node, const char *name,
                                bool allow_inf) {
  const octet_attr *a = octet_node_attr(node, name);
  if (!a) return OCTET_OK;
  if (a->type != OCTET_ATTR_FLOAT && a->type != OCTET_ATTR_INT)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': attribute %s must be a float", node->op_type,
                      node->name, name);
  float v = a->type == OCTET_ATTR_INT ? (float)a->i : a->f;
  if (isnan(v) || (!allow_inf && !isfinite(v)))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': attribute %s is %g (must be %s)",
                      node->op_type, node->name, name, (double)v,
                      allow_inf ? "a number" : "finite");
  return OCTET_OK;
}

static octet_status float_act(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out,
                              const char *a1, const char *a2) {
  octet_status st;
  if (a1 && (st = finite_attr(node, a1, false))) return st;
  if (a2 && (st = finite_attr(node, a2, false))) return st;
  return same_as_input(node, in, n_in, out, n_out, float_only,
                       "float16, float32 or float64");
}

#define FLOAT_ACT(name, a1, a2)                                              \
  octet_status octet_infer_##name(const octet_node *node,                    \
                                  const octet_tview *in, int n_in,           \
                                  octet_tview *out, int n_out) {             \
    return float_act(node, in, n_in, out, n_out, a1, a2);                    \
  }

FLOAT_ACT(LeakyRelu, "alpha", NULL)
FLOAT_ACT(HardSigmoid, "alpha", "beta")
FLOAT_ACT(HardSwish, NULL, NULL)
FLOAT_ACT(Elu, "alpha", NULL)
FLOAT_ACT(Selu, "alpha", "gamma")
FLOAT_ACT(Softplus, NULL, NULL)
FLOAT_ACT(Exp, NULL, NULL)
FLOAT_ACT(Log, NULL, NULL)
FLOAT_ACT(Reciprocal, NULL, NULL)
FLOAT_ACT(Floor, NULL, NULL)
FLOAT_ACT(Ceil, NULL, NULL)
FLOAT_ACT(Round, NULL, NULL)

/* Neg: float and signed integers (Neg-13). */
octet_status octet_infer_Neg(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return same_as_input(node, in, n_in, out, n_out, float_or_sint,
                       "float16/32/64 or int8/16/32/64");
}

/* Abs: every numeric type (Abs-13). */
octet_status octet_infer_Abs(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return same_as_input(node, in, n_in, out, n_out, ou_is_numeric,
                       "float or integer types");
}

/* Clip: opset < 11 takes min and max as float attributes (defaults: the
 * float range); from 11 they are optional scalar inputs of the input's
 * dtype (absent: no bound); integer inputs from opset 12. */
octet_status octet_infer_Clip(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  octet_dtype t = in[0].dtype;
  bool attrs = octet_node_attr(node, "min") || octet_node_attr(node, "max");
  if (node->opset < 11) {
    if (n_in > 1)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': Clip-%lld takes one input (min and max are "
                        "attributes before opset 11), got %d",
                        node->op_type, node->name, (long long)node->opset, n_in);
    if ((st = finite_attr(node, "min", true)) || (st = finite_attr(node, "max", true)))
      return st;
    if (!ou_is_float(t))
      return ou_bad_dtype(node, t, "float16/32/64 before opset 12");
  } else {
    if (attrs)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': attributes min/max are Clip-6's; from opset "
                        "11 they are inputs 1 and 2",
                        node->op_type, node->name);
    if (!ou_is_float(t) && !(node->opset >= 12 && ou_is_numeric(t)))
      return ou_bad_dtype(node, t,
                          node->opset >= 12 ? "float or integer types"
                                            : "float16/32/64 before opset 12");
    for (int i = 1; i < n_in && i < 3; i++) {
      if (!tv_present(&in[i])) continue;
      if ((st = ou_same_dtype(node, &in[0], 0, &in[i], i))) return st;
      if (in[i].rank > 1 || tv_numel(&in[i]) != 1)
        return octet_fail(OCTET_ERR_SHAPE,
                          "%s '%s': %s (input %d) must be a scalar, got rank "
                          "%d with %lld elements",
                          node->op_type, node->name, i == 1 ? "min" : "max", i,
                          in[i].rank, (long long)tv_numel(&in[i]));
    }
  }
  return ou_set_out(node, out, t, in[0].rank, in[0].dims);
}

/* PRelu(X, slope): slope broadcasts to X one way (unidirectional); float,
 * int32/64, uint32/64 (PRelu-9/16). */
octet_status octet_infer_PRelu(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 2, n_out, 1);
  if (st) return st;
  octet_dtype t = in[0].dtype;
  if (!ou_is_float(t) && t != OCTET_DTYPE_INT32 && t != OCTET_DTYPE_INT64 &&
      t != OCTET_DTYPE_UINT32 && t != OCTET_DTYPE_UINT64)
    return ou_bad_dtype(node, t, "float16/32/64, int32/64 or uint32/64");
  if ((st = ou_same_dtype(node, &in[0], 0, &in[1], 1))) return st;
  int64_t dims[OCTET_MAX_RANK];
  int rank;
  bool ok = broadcast_shapes(in[0].dims, in[0].rank, in[1].dims, in[1].rank,
                             dims, &rank) &&
            rank == in[0].rank;
  for (int i = 0; ok && i < rank; i++) ok = dims[i] == in[0].dims[i];
  if (!ok) {
    char sx[160], ss[160];
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': slope %s does not broadcast to X %s "
                      "(unidirectionally)",
                      node->op_type, node->name,
                      octet_dims_str(in[1].dims, in[1].rank, ss, sizeof ss),
                      octet_dims_str(in[0].dims, in[0].rank, sx, sizeof sx));
  }
  return ou_set_out(node, out, t, in[0].rank, in[0].dims);
}
