/* Reference kernel for BatchNormalization (inference form):
 * Y = (X - mean) / sqrt(var + epsilon) * scale + B per channel, in double,
 * rounded once on store. */
#include <math.h>

#include "core/ir.h"
#include "backends/ref/window-io.h"

octet_status octet_ref_BatchNormalization(const octet_node *node, const octet_tview *in,
                                          int n_in, octet_tview *out, int n_out,
                                          const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  const octet_tview *x = &in[0];
  const double eps = attr_float(node, "epsilon", 1e-5f);
  const int64_t C = x->dims[1], planes = x->dims[0] * C;
  int64_t len = 1;
  for (int i = 2; i < x->rank; i++) len *= x->dims[i];
  int nt = ref_window_threads((double)planes * (double)len, ctx);
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t t = 0; t < planes; t++) {
    const int64_t c = t % C;
    const double s = ref_ld(in[1].data, in[1].dtype, c), b = ref_ld(in[2].data, in[2].dtype, c);
    const double mean = ref_ld(in[3].data, in[3].dtype, c);
    const double sd = sqrt(ref_ld(in[4].data, in[4].dtype, c) + eps);
    for (int64_t i = t * len; i < (t + 1) * len; i++)
      ref_st(out[0].data, x->dtype, i, (ref_ld(x->data, x->dtype, i) - mean) / sd * s + b);
  }
  return OCTET_OK;
}
