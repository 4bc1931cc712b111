/* What the linear backends (x86, openblas, onednn, arm) share besides the
 * row epilogues (linear-epilogue.h): the residual of a fused OctetLinear as
 * they take it, and fp32 copies of weights and biases. */
#include <stdlib.h>

#include "backends/common/linear-epilogue.h"

float *octet_linear_f32_copy(const octet_tview *t) {
  int64_t n = tv_numel(t);
  float *f = malloc(sizeof(float) * (size_t)(n ? n : 1));
  if (!f) return NULL;
  for (int64_t i = 0; i < n; i++)
    f[i] = t->dtype == OCTET_DTYPE_FLOAT16 ? octet_fp16_to_fp32(((const uint16_t *)t->data)[i])
                                           : ((const float *)t->data)[i];
  return f;
}

bool octet_linear_residual_ok(const octet_node *n, const octet_tview *in,
                              const octet_tview *out) {
  const octet_tview *r = &in[3], *w = &in[1];
  if (attr_int(n, "act", 0) != 0 || r->dtype != OCTET_DTYPE_FLOAT32 ||
      out->dtype != OCTET_DTYPE_FLOAT32 || r->rank != out->rank || w->rank != 2)
    return false;
  for (int d = 0; d < r->rank; d++)
    if (r->dims[d] != out->dims[d]) return false;
  const int64_t K = w->dims[0];
  return tv_numel(&in[0]) / (K ? K : 1) * w->dims[1] == tv_numel(out);
}

void octet_linear_add_residual(size_t n, const float *r, float *y) {
  for (size_t j = 0; j < n; j++) y[j] = y[j] + r[j];
}
