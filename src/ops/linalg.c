/* Shape and dtype inference for the linear-algebra ops: MatMul and Gemm. */
#include "core/ir.h"

static bool matmul_dtype_ok(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 ||
         t == OCTET_DTYPE_FLOAT64 || t == OCTET_DTYPE_INT32 ||
         t == OCTET_DTYPE_INT64;
}

static bool gemm_dtype_ok(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 ||
         t == OCTET_DTYPE_FLOAT64;
}

static octet_status check_size(const octet_node *node, const octet_tview *o) {
  size_t nb;
  if (!shape_nbytes(o->dims, o->rank, o->dtype, &nb))
    return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': output is too large",
                      node->op_type, node->name);
  return OCTET_OK;
}

/* numpy matmul: 1-D operands are promoted to matrices (the added dim is
 * removed from the result); the batch dims broadcast. */
octet_status octet_infer_MatMul(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out) {
  (void)n_in;
  (void)n_out;
  const octet_tview *a = &in[0], *b = &in[1];
  if (!matmul_dtype_ok(a->dtype))
    return octet_fail(OCTET_ERR_DTYPE,
                      "%s '%s': unsupported dtype %s (float32, float16, "
                      "float64, int32, int64)",
                      node->op_type, node->name, octet_dtype_name(a->dtype));
  if (b->dtype != a->dtype)
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': A is %s but B is %s",
                      node->op_type, node->name, octet_dtype_name(a->dtype),
                      octet_dtype_name(b->dtype));
  if (a->rank < 1 || b->rank < 1)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': operands must have rank >= 1 (A rank %d, B "
                      "rank %d)",
                      node->op_type, node->name, a->rank, b->rank);
  int64_t ka = a->dims[a->rank - 1];
  int64_t kb = b->rank >= 2 ? b->dims[b->rank - 2] : b->dims[0];
  if (ka != kb)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': inner dimensions differ (A has K=%lld, B has "
                      "K=%lld)",
                      node->op_type, node->name, (long long)ka, (long long)kb);
  int abr = a->rank > 2 ? a->rank - 2 : 0;
  int bbr = b->rank > 2 ? b->rank - 2 : 0;
  octet_tview *o = &out[0];
  if (!broadcast_shapes(a->dims, abr, b->dims, bbr, o->dims, &o->rank))
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': batch dimensions of A (rank %d) and B (rank "
                      "%d) do not broadcast",
                      node->op_type, node->name, a->rank, b->rank);
  if (a->rank >= 2) o->dims[o->rank++] = a->dims[a->rank - 2];
  if (b->rank >= 2) o->dims[o->rank++] = b->dims[b->rank - 1];
  o->dtype = a->dtype;
  return check_size(node, o);
}

static octet_status bool_attr(const octet_node *node, const char *name,
                              bool *v) {
  int64_t x = attr_int(node, name, 0);
  if (x != 0 && x != 1)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': attribute %s must be 0 or 1, got %lld",
                      node->op_type, node->name, name, (long long)x);
  *v = x != 0;
  return OCTET_OK;
}

/* Y = alpha * op(A) * op(B) + beta * C with 2-D A and B; C broadcasts
 * unidirectionally to (M, N). */
octet_status octet_infer_Gemm(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  (void)n_out;
  const octet_tview *a = &in[0], *b = &in[1];
  const octet_tview *c = n_in > 2 && tv_present(&in[2]) ? &in[2] : NULL;
  if (!gemm_dtype_ok(a->dtype))
    return octet_fail(OCTET_ERR_DTYPE,
                      "%s '%s': unsupported dtype %s (float32, float16, "
                      "float64)",
                      node->op_type, node->name, octet_dtype_name(a->dtype));
  if (b->dtype != a->dtype || (c && c->dtype != a->dtype))
    return octet_fail(OCTET_ERR_DTYPE,
                      "%s '%s': A is %s but B is %s and C is %s",
                      node->op_type, node->name, octet_dtype_name(a->dtype),
                      octet_dtype_name(b->dtype),
                      octet_dtype_name(c ? c->dtype : a->dtype));
  if (a->rank != 2 || b->rank != 2)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': A and B must be 2-D (ranks %d and %d)",
                      node->op_type, node->name, a->rank, b->rank);
  bool ta = false, tb = false;
  octet_status st = bool_attr(node, "transA", &ta);
  if (st != OCTET_OK) return st;
  st = bool_attr(node, "transB", &tb);
  if (st != OCTET_OK) return st;
  int64_t m = a->dims[ta ? 1 : 0], ka = a->dims[ta ? 0 : 1];
  int64_t kb = b->dims[tb ? 1 : 0], n = b->dims[tb ? 0 : 1];
  if (ka != kb)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': inner dimensions differ (op(A) is %lldx%lld, "
                      "op(B) is %lldx%lld)",
                      node->op_type, node->name, (long long)m, (long long)ka,
                      (long long)kb, (long long)n);
  if (c) {
    bool ok = c->rank <= 2;
    int64_t want[2] = {m, n};
    for (int i = 0; ok && i < c->rank; i++) {
      int64_t d = c->dims[c->rank - 1 - i], w = want[1 - i];
      ok = d == w || d == 1;
    }
    if (!ok)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': C (rank %d, last dims %lld) does not "
                        "broadcast to (%lld, %lld)",
                        node->op_type, node->name, c->rank,
                        (long long)(c->rank ? c->dims[c->rank - 1] : 1),
                        (long long)m, (long long)n);
  }
  octet_tview *o = &out[0];
  o->dtype = a->dtype;
  o->rank = 2;
  o->dims[0] = m;
  o->dims[1] = n;
  return check_size(node, o);
}
