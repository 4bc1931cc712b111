/* Reference kernel of InstanceNormalization: per (n, c), over the spatial
 * elements, y = scale[c] (x - mean) / sqrt(var + epsilon) + B[c] with the
 * biased variance; mean and variance in double (two passes), the output
 * rounded once to X's dtype. */
#include <math.h>

#include "backends/ref/elementwise.h"

static double ld(octet_dtype t, const void *p, int64_t i) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32: return ((const float *)p)[i];
    case OCTET_DTYPE_FLOAT16: return octet_fp16_to_fp32(((const uint16_t *)p)[i]);
    default: return ((const double *)p)[i];
  }
}

static void st(octet_dtype t, void *p, int64_t i, double v) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; return;
    case OCTET_DTYPE_FLOAT16: ((uint16_t *)p)[i] = ew_f64_to_f16(v); return;
    default: ((double *)p)[i] = v; return;
  }
}

octet_status octet_ref_InstanceNormalization(const octet_node *node,
                                             const octet_tview *in, int n_in,
                                             octet_tview *out, int n_out,
                                             const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  const octet_tview *x = &in[0];
  octet_dtype t = x->dtype;
  int64_t N = x->dims[0], C = x->dims[1], S = 1;
  for (int d = 2; d < x->rank; d++) S *= x->dims[d];
  double eps = attr_float(node, "epsilon", 1e-5f);
  int64_t planes = N * C;
  int nt = ctx->threads > 1 && tv_numel(x) > 65536 ? ctx->threads : 1;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t p = 0; p < planes; p++) {
    int64_t c = p % C, b = p * S;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < S; i++) mean += ld(t, x->data, b + i);
    mean /= (double)(S ? S : 1);
    for (int64_t i = 0; i < S; i++) {
      double d = ld(t, x->data, b + i) - mean;
      var += d * d;
    }
    var /= (double)(S ? S : 1);
    double k = ld(t, in[1].data, c) / sqrt(var + eps), bias = ld(t, in[2].data, c);
    for (int64_t i = 0; i < S; i++)
      st(t, out[0].data, b + i, (ld(t, x->data, b + i) - mean) * k + bias);
  }
  return OCTET_OK;
}
