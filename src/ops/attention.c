/* OctetAttention: multi-head scaled dot-product attention on the layout a
 * BERT-style graph has before and after its head transposes, made by the
 * fusion pass (src/passes/fuse.c) from
 *
 *   qt = Transpose(Q, perm 0,2,1,3)   kt = Transpose(K, perm 0,2,3,1)
 *   vt = Transpose(V, perm 0,2,1,3)
 *   s  = MatMul(qt, kt) [Mul c | Div c] [Add mask]
 *   Y  = Transpose(MatMul(Softmax(s, axis -1), vt), perm 0,2,1,3)
 *
 * Inputs: Q [B, Sq, H, D], K and V [B, Sk, H, D] (all float32 or all
 * float16), optional mask (the activation dtype, broadcastable to
 * [B, H, Sq, Sk]), optional scale (one element, the activation dtype).
 * Attribute scale_op: 0 none, 1 s * c, 2 s / c. Output Y [B, Sq, H, D].
 *
 * The result is the decomposed graph's, bit for bit: each step is the same
 * fp32 computation as the op it replaces (ref's MatMul summation order,
 * vmath's Softmax) and, for float16, rounds to float16 where that op's
 * output would. Nothing of the [B, H, Sq, Sk] scores or the transposed
 * copies goes to memory: one (batch, head) at a time lives in a small
 * per-thread buffer. */
#include "core/ir.h"

static bool is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16;
}

octet_status octet_infer_Attention(const octet_node *n, const octet_tview *in,
                                   int n_in, octet_tview *out, int n_out) {
  (void)n_out;
  const octet_tview *q = &in[0], *k = &in[1], *v = &in[2];
  if (!is_float(q->dtype) || k->dtype != q->dtype || v->dtype != q->dtype)
    return octet_fail(OCTET_ERR_DTYPE, "Attention '%s': Q, K, V must share a float dtype",
                      n->name);
  if (q->rank != 4 || k->rank != 4 || v->rank != 4)
    return octet_fail(OCTET_ERR_SHAPE, "Attention '%s': Q, K, V must be [B, S, H, D]", n->name);
  for (int d = 0; d < 4; d++)
    if ((d != 1 && (k->dims[d] != q->dims[d] || v->dims[d] != q->dims[d])) ||
        k->dims[1] != v->dims[1])
      return octet_fail(OCTET_ERR_SHAPE,
                        "Attention '%s': Q [%lld,%lld,%lld,%lld] does not match K/V", n->name,
                        (long long)q->dims[0], (long long)q->dims[1], (long long)q->dims[2],
                        (long long)q->dims[3]);
  if (n_in > 3 && tv_present(&in[3])) {
    const octet_tview *m = &in[3];
    const int64_t full[4] = {q->dims[0], q->dims[2], q->dims[1], k->dims[1]};
    bool ok = m->dtype == q->dtype && m->rank <= 4;
    for (int d = 0; ok && d < m->rank; d++) {
      int64_t md = m->dims[m->rank - 1 - d], fd = full[3 - d];
      ok = md == 1 || md == fd;
    }
    if (!ok)
      return octet_fail(OCTET_ERR_SHAPE,
                        "Attention '%s': mask must have Q's dtype and broadcast to [B, H, Sq, Sk]",
                        n->name);
  }
  int64_t op = attr_int(n, "scale_op", 0);
  if (op < 0 || op > 2)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "Attention '%s': scale_op %lld", n->name,
                      (long long)op);
  if (op && (n_in < 5 || !tv_present(&in[4]) || in[4].dtype != q->dtype ||
             tv_numel(&in[4]) != 1))
    return octet_fail(OCTET_ERR_SHAPE, "Attention '%s': scale must be one element of Q's dtype",
                      n->name);
  out[0] = *q;
  out[0].data = NULL;
  return OCTET_OK;
}
