/* Shape and dtype inference for the elementwise ops: arithmetic (Add, Sub,
 * Mul, Div, Pow), Equal, Where, the unary activations, Cast and Identity. */
#include <stdio.h>
#include <string.h>

#include "core/ir.h"
#include "ops/op-util.h"

/* ---- helpers ------------------------------------------------------------- */

static bool is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 ||
         t == OCTET_DTYPE_FLOAT64;
}

static bool is_int(octet_dtype t) {
  switch (t) {
    case OCTET_DTYPE_INT8: case OCTET_DTYPE_INT16: case OCTET_DTYPE_INT32:
    case OCTET_DTYPE_INT64: case OCTET_DTYPE_UINT8: case OCTET_DTYPE_UINT16:
    case OCTET_DTYPE_UINT32: case OCTET_DTYPE_UINT64:
      return true;
    default:
      return false;
  }
}

static bool is_numeric(octet_dtype t) { return is_float(t) || is_int(t); }

/* Any dtype octet stores (numeric or bool). */
static bool is_known(octet_dtype t) {
  return is_numeric(t) || t == OCTET_DTYPE_BOOL;
}

/* Broadcast of inputs a and b into dims/rank, or a SHAPE error. */
static octet_status bcast(const octet_node *node, const octet_tview *a,
                          const octet_tview *b, int64_t *dims, int *rank) {
  if (broadcast_shapes(a->dims, a->rank, b->dims, b->rank, dims, rank))
    return OCTET_OK;
  char sa[160], sb[160];
  return octet_fail(OCTET_ERR_SHAPE,
                    "%s '%s': shapes %s and %s cannot be broadcast",
                    node->op_type, node->name, octet_dims_str(a->dims, a->rank, sa, sizeof sa),
                    octet_dims_str(b->dims, b->rank, sb, sizeof sb));
}

static octet_status same_dtype(const octet_node *node, const octet_tview *a,
                               const octet_tview *b) {
  if (a->dtype == b->dtype) return OCTET_OK;
  return octet_fail(OCTET_ERR_DTYPE,
                    "%s '%s': inputs have different dtypes %s and %s",
                    node->op_type, node->name, ou_dt(a->dtype),
                    ou_dt(b->dtype));
}

static octet_status bad_dtype(const octet_node *node, octet_dtype t,
                              const char *allowed) {
  return octet_fail(OCTET_ERR_DTYPE, "%s '%s': dtype %s is not supported (%s)",
                    node->op_type, node->name, ou_dt(t), allowed);
}

/* ---- binary -------------------------------------------------------------- */

/* Add, Sub, Mul, Div: same numeric dtype, broadcast shape. */
static octet_status infer_arith(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 2, n_out, 1);
  if (st) return st;
  if ((st = same_dtype(node, &in[0], &in[1]))) return st;
  if (!is_numeric(in[0].dtype))
    return bad_dtype(node, in[0].dtype, "float or integer types");
  int64_t dims[OCTET_MAX_RANK];
  int rank;
  if ((st = bcast(node, &in[0], &in[1], dims, &rank))) return st;
  return ou_set_out(node, out, in[0].dtype, rank, dims);
}

octet_status octet_infer_Add(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return infer_arith(node, in, n_in, out, n_out);
}

octet_status octet_infer_Sub(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return infer_arith(node, in, n_in, out, n_out);
}

octet_status octet_infer_Mul(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return infer_arith(node, in, n_in, out, n_out);
}

octet_status octet_infer_Div(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return infer_arith(node, in, n_in, out, n_out);
}

/* Pow: base float/int32/int64, exponent any numeric; output has the base's
 * dtype (Pow-12/13/15). */
octet_status octet_infer_Pow(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 2, n_out, 1);
  if (st) return st;
  octet_dtype bt = in[0].dtype;
  if (!is_float(bt) && bt != OCTET_DTYPE_INT32 && bt != OCTET_DTYPE_INT64)
    return bad_dtype(node, bt, "base must be float16/32/64, int32 or int64");
  if (!is_numeric(in[1].dtype))
    return bad_dtype(node, in[1].dtype, "exponent must be float or integer");
  int64_t dims[OCTET_MAX_RANK];
  int rank;
  if ((st = bcast(node, &in[0], &in[1], dims, &rank))) return st;
  return ou_set_out(node, out, bt, rank, dims);
}

/* Equal: same dtype (numeric or bool), bool output. */
octet_status octet_infer_Equal(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 2, n_out, 1);
  if (st) return st;
  if ((st = same_dtype(node, &in[0], &in[1]))) return st;
  if (!is_known(in[0].dtype))
    return bad_dtype(node, in[0].dtype, "numeric or bool types");
  int64_t dims[OCTET_MAX_RANK];
  int rank;
  if ((st = bcast(node, &in[0], &in[1], dims, &rank))) return st;
  return ou_set_out(node, out, OCTET_DTYPE_BOOL, rank, dims);
}

/* Where(cond, X, Y): bool condition, X and Y of one dtype, 3-way broadcast. */
octet_status octet_infer_Where(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 3, n_out, 1);
  if (st) return st;
  if (in[0].dtype != OCTET_DTYPE_BOOL)
    return octet_fail(OCTET_ERR_DTYPE,
                      "%s '%s': condition must be bool, got %s",
                      node->op_type, node->name, ou_dt(in[0].dtype));
  if ((st = same_dtype(node, &in[1], &in[2]))) return st;
  if (!is_known(in[1].dtype))
    return bad_dtype(node, in[1].dtype, "numeric or bool types");
  octet_tview t = {.dtype = in[1].dtype};
  if ((st = bcast(node, &in[0], &in[1], t.dims, &t.rank))) return st;
  int64_t dims[OCTET_MAX_RANK];
  int rank;
  if ((st = bcast(node, &t, &in[2], dims, &rank))) return st;
  return ou_set_out(node, out, in[1].dtype, rank, dims);
}

/* ---- unary --------------------------------------------------------------- */

static octet_status infer_unary(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out,
                                bool allow_int) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  octet_dtype t = in[0].dtype;
  bool signed_int = t == OCTET_DTYPE_INT8 || t == OCTET_DTYPE_INT16 ||
                    t == OCTET_DTYPE_INT32 || t == OCTET_DTYPE_INT64;
  if (!is_float(t) && !(allow_int && signed_int))
    return bad_dtype(node, t,
                     allow_int ? "float16/32/64 or int8/16/32/64"
                               : "float16, float32 or float64");
  return ou_set_out(node, out, t, in[0].rank, in[0].dims);
}

octet_status octet_infer_Sqrt(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  return infer_unary(node, in, n_in, out, n_out, false);
}

octet_status octet_infer_Erf(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out) {
  return infer_unary(node, in, n_in, out, n_out, false);
}

octet_status octet_infer_Tanh(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  return infer_unary(node, in, n_in, out, n_out, false);
}

octet_status octet_infer_Relu(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  return infer_unary(node, in, n_in, out, n_out, true);
}

octet_status octet_infer_Sigmoid(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, int n_out) {
  return infer_unary(node, in, n_in, out, n_out, false);
}

/* Gelu (opset 20): approximate = "none" | "tanh". */
octet_status octet_infer_Gelu(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  const octet_attr *a = octet_node_attr(node, "approximate");
  if (a) {
    if (a->type != OCTET_ATTR_STRING || !a->s)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': attribute approximate must be a string",
                        node->op_type, node->name);
    if (strcmp(a->s, "none") != 0 && strcmp(a->s, "tanh") != 0)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': approximate must be \"none\" or \"tanh\", "
                        "got \"%s\"",
                        node->op_type, node->name, a->s);
  }
  return infer_unary(node, in, n_in, out, n_out, false);
}

/* ---- Cast, Identity ------------------------------------------------------ */

octet_status octet_infer_Cast(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  if (!is_known(in[0].dtype))
    return bad_dtype(node, in[0].dtype, "numeric or bool input");
  const octet_attr *a = octet_node_attr(node, "to");
  if (!a || a->type != OCTET_ATTR_INT)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': required int attribute 'to' is missing",
                      node->op_type, node->name);
  const octet_attr *sat = octet_node_attr(node, "saturate");
  if (sat && (sat->type != OCTET_ATTR_INT || (sat->i != 0 && sat->i != 1)))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': attribute saturate must be 0 or 1",
                      node->op_type, node->name);
  int64_t to = a->i;
  if (to == 8)
    return octet_fail(OCTET_ERR_DTYPE,
                      "%s '%s': cast to string is not supported",
                      node->op_type, node->name);
  if (to >= 14 && to <= 30)
    return octet_fail(OCTET_ERR_DTYPE,
                      "%s '%s': cast to ONNX dtype %lld (complex, bfloat16, "
                      "float8 or sub-byte types) is not supported",
                      node->op_type, node->name, (long long)to);
  if (to < 0 || to > 13 || !is_known((octet_dtype)to))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': 'to' = %lld is not an ONNX data type",
                      node->op_type, node->name, (long long)to);
  return ou_set_out(node, out, (octet_dtype)to, in[0].rank, in[0].dims);
}

octet_status octet_infer_Identity(const octet_node *node, const octet_tview *in,
                                  int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  if (!is_known(in[0].dtype))
    return bad_dtype(node, in[0].dtype, "numeric or bool tensors");
  return ou_set_out(node, out, in[0].dtype, in[0].rank, in[0].dims);
}
