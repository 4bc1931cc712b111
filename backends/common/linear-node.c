/* What the linear backends (x86, arm, openblas, onednn) share about an
 * OctetLinear node besides the row epilogues (linear-node.h). */
#include "backends/common/linear-node.h"

#include <stdlib.h>

#include "core/quant.h"

static bool is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16;
}

bool octet_linear_node_get(const octet_node *n, const octet_tview *in, int n_in,
                           const octet_tview *out, const octet_plan_ctx *ctx,
                           octet_linear_node *ln) {
  const octet_tview *x = &in[0], *w = &in[1], *y = &out[0];
  if (n_in < 2 || !w->data || w->rank != 2 || !octet_act_valid(attr_int(n, "act", 0))) {
    octet_backend_why(ctx, "weights not a constant matrix");
    return false;
  }
  *ln = (octet_linear_node){.K = w->dims[0], .N = w->dims[1], .act = octet_linear_act(n),
                            .quant = octet_linear_quant(n), .xt = x->dtype, .wt = w->dtype,
                            .yt = y->dtype};
  ln->M = tv_numel(y) / (ln->N ? ln->N : 1);
  const bool f32 = x->dtype == OCTET_DTYPE_FLOAT32 && w->dtype == OCTET_DTYPE_FLOAT32 &&
                   y->dtype == OCTET_DTYPE_FLOAT32;
  if (ln->quant ? !f32 : !(is_float(x->dtype) && is_float(w->dtype) && is_float(y->dtype))) {
    octet_backend_why(ctx, "dtypes %s x %s -> %s", octet_dtype_name(x->dtype),
                      octet_dtype_name(w->dtype), octet_dtype_name(y->dtype));
    return false;
  }
  if (ln->quant && ln->K > OCTET_Q8_MAX_K) {
    octet_backend_why(ctx, "K above %d: int32 sums could overflow", OCTET_Q8_MAX_K);
    return false;
  }
  if (n_in > 2 && tv_present(&in[2])) {
    const octet_tview *b = &in[2];
    if (!b->data || !is_float(b->dtype) || tv_numel(b) != ln->N) {
      octet_backend_why(ctx, "bias not a constant of N floats");
      return false;
    }
    ln->has_bias = true;
  }
  if (n_in > 3 && tv_present(&in[3])) {
    const octet_tview *r = &in[3];
    bool ok = ln->act == OCTET_ACT_NONE && r->dtype == OCTET_DTYPE_FLOAT32 &&
              y->dtype == OCTET_DTYPE_FLOAT32 && r->rank == y->rank &&
              tv_numel(x) / (ln->K ? ln->K : 1) * ln->N == tv_numel(y);
    for (int d = 0; ok && d < r->rank; d++) ok = r->dims[d] == y->dims[d];
    if (!ok) {
      octet_backend_why(ctx, "residual only float32, of the output's shape, without activation");
      return false;
    }
    ln->has_residual = true;
  }
  return true;
}

float *octet_linear_f32_copy(const octet_tview *t) {
  int64_t n = tv_numel(t);
  float *f = malloc(sizeof(float) * (size_t)(n ? n : 1));
  if (!f) return NULL;
  for (int64_t i = 0; i < n; i++)
    f[i] = t->dtype == OCTET_DTYPE_FLOAT16 ? octet_fp16_to_fp32(((const uint16_t *)t->data)[i])
                                           : ((const float *)t->data)[i];
  return f;
}

void octet_linear_add_residual(size_t n, const float *r, float *y) {
  for (size_t j = 0; j < n; j++) y[j] = y[j] + r[j];
}
