/* The residual of a fused OctetLinear as the row-epilogue backends (x86,
 * openblas, onednn, arm) take it (linear-epilogue.h). */
#include "common/linear-epilogue.h"

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
