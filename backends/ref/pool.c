/* Reference kernels for pooling: MaxPool (with its optional Indices),
 * AveragePool, GlobalMaxPool and GlobalAveragePool, direct loops over NCHW
 * tensors (1-D to 3-D windows, run as 3-D). Sums are accumulated in
 * double. A window with no input element (only possible with dilations and
 * large pads) gives the dtype's lowest value (-inf for floats) and index
 * -1 in MaxPool, NaN in AveragePool without count_include_pad. */
#include <math.h>

#include "core/ir.h"
#include "backends/ref/window-io.h"

static octet_status pool_window(const octet_node *node, const octet_tview *x, ref_win3 *r) {
  octet_window win;
  octet_status st = octet_window_get(node, OCTET_WINDOW_POOL, x->dims + 2, x->rank - 2, NULL,
                                     &win);
  if (st == OCTET_OK) ref_win3_from(&win, r);
  return st;
}

static double lowest(octet_dtype t) {
  return t == OCTET_DTYPE_INT8 ? -128.0 : t == OCTET_DTYPE_UINT8 ? 0.0 : -INFINITY;
}

octet_status octet_ref_MaxPool(const octet_node *node, const octet_tview *in, int n_in,
                               octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_in;
  const octet_tview *x = &in[0];
  ref_win3 r;
  octet_status st = pool_window(node, x, &r);
  if (st != OCTET_OK) return st;
  const octet_dtype dt = x->dtype;
  const bool col_major = attr_int(node, "storage_order", 0) == 1;
  int64_t *idx = n_out > 1 && tv_present(&out[1]) ? out[1].data : NULL;
  const int64_t planes = x->dims[0] * x->dims[1];
  const void *xp = x->data;
  void *yp = out[0].data;
  int nt = ref_window_threads((double)planes * (double)r.out_numel * (double)r.k_numel, ctx);
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t t = 0; t < planes; t++) {
    const int64_t xb = t * r.in_numel;
    int64_t yo = t * r.out_numel;
    for (int64_t od = 0; od < r.out[0]; od++)
      for (int64_t oh = 0; oh < r.out[1]; oh++)
        for (int64_t ow = 0; ow < r.out[2]; ow++, yo++) {
          double best = lowest(dt);
          int64_t at = -1;
          for (int64_t kd = 0; kd < r.k[0]; kd++) {
            const int64_t id = od * r.s[0] - r.p[0] + kd * r.d[0];
            if (id < 0 || id >= r.in[0]) continue;
            for (int64_t kh = 0; kh < r.k[1]; kh++) {
              const int64_t ih = oh * r.s[1] - r.p[1] + kh * r.d[1];
              if (ih < 0 || ih >= r.in[1]) continue;
              for (int64_t kw = 0; kw < r.k[2]; kw++) {
                const int64_t iw = ow * r.s[2] - r.p[2] + kw * r.d[2];
                if (iw < 0 || iw >= r.in[2]) continue;
                const int64_t i = (id * r.in[1] + ih) * r.in[2] + iw;
                const double v = ref_ld(xp, dt, xb + i);
                if (at < 0 || v > best) { /* the first of equal maxima */
                  best = v;
                  at = col_major ? id + (ih + iw * r.in[1]) * r.in[0] : i;
                }
              }
            }
          }
          ref_st(yp, dt, yo, best);
          if (idx) idx[yo] = at < 0 ? -1 : xb + at;
        }
  }
  return OCTET_OK;
}

/* Taps of one axis inside the input, and inside the padded input. */
static inline void axis_counts(const ref_win3 *r, int a, int64_t o, int64_t *valid,
                               int64_t *padded) {
  int64_t v = 0, p = 0;
  for (int64_t k = 0; k < r->k[a]; k++) {
    const int64_t i = o * r->s[a] - r->p[a] + k * r->d[a];
    v += i >= 0 && i < r->in[a];
    p += i < r->in[a] + r->p1[a];
  }
  *valid = v;
  *padded = p;
}

octet_status octet_ref_AveragePool(const octet_node *node, const octet_tview *in, int n_in,
                                   octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  const octet_tview *x = &in[0];
  ref_win3 r;
  octet_status st = pool_window(node, x, &r);
  if (st != OCTET_OK) return st;
  const octet_dtype dt = x->dtype;
  const bool include_pad = attr_int(node, "count_include_pad", 0) == 1;
  const int64_t planes = x->dims[0] * x->dims[1];
  const void *xp = x->data;
  void *yp = out[0].data;
  int nt = ref_window_threads((double)planes * (double)r.out_numel * (double)r.k_numel, ctx);
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t t = 0; t < planes; t++) {
    const int64_t xb = t * r.in_numel;
    int64_t yo = t * r.out_numel;
    for (int64_t od = 0; od < r.out[0]; od++)
      for (int64_t oh = 0; oh < r.out[1]; oh++)
        for (int64_t ow = 0; ow < r.out[2]; ow++, yo++) {
          int64_t v[3], p[3];
          axis_counts(&r, 0, od, &v[0], &p[0]);
          axis_counts(&r, 1, oh, &v[1], &p[1]);
          axis_counts(&r, 2, ow, &v[2], &p[2]);
          double sum = 0.0;
          for (int64_t kd = 0; kd < r.k[0]; kd++) {
            const int64_t id = od * r.s[0] - r.p[0] + kd * r.d[0];
            if (id < 0 || id >= r.in[0]) continue;
            for (int64_t kh = 0; kh < r.k[1]; kh++) {
              const int64_t ih = oh * r.s[1] - r.p[1] + kh * r.d[1];
              if (ih < 0 || ih >= r.in[1]) continue;
              for (int64_t kw = 0; kw < r.k[2]; kw++) {
                const int64_t iw = ow * r.s[2] - r.p[2] + kw * r.d[2];
                if (iw < 0 || iw >= r.in[2]) continue;
                sum += ref_ld(xp, dt, xb + (id * r.in[1] + ih) * r.in[2] + iw);
              }
            }
          }
          const int64_t count = include_pad ? p[0] * p[1] * p[2] : v[0] * v[1] * v[2];
          ref_st(yp, dt, yo, count > 0 ? sum / (double)count : NAN);
        }
  }
  return OCTET_OK;
}

static octet_status global_pool(const octet_tview *x, octet_tview *y, bool max,
                                const octet_kctx *ctx) {
  int64_t planes = x->dims[0] * x->dims[1], len = 1;
  for (int i = 2; i < x->rank; i++) len *= x->dims[i];
  const octet_dtype dt = x->dtype;
  int nt = ref_window_threads((double)planes * (double)len, ctx);
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t t = 0; t < planes; t++) {
    double acc = max ? -INFINITY : 0.0;
    for (int64_t i = 0; i < len; i++) {
      const double v = ref_ld(x->data, dt, t * len + i);
      if (max)
        acc = (i == 0 || v > acc) ? v : acc;
      else
        acc += v;
    }
    ref_st(y->data, dt, t, max ? acc : (len > 0 ? acc / (double)len : NAN));
  }
  return OCTET_OK;
}

octet_status octet_ref_GlobalMaxPool(const octet_node *node, const octet_tview *in, int n_in,
                                     octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)node;
  (void)n_in;
  (void)n_out;
  return global_pool(&in[0], &out[0], true, ctx);
}

octet_status octet_ref_GlobalAveragePool(const octet_node *node, const octet_tview *in,
                                         int n_in, octet_tview *out, int n_out,
                                         const octet_kctx *ctx) {
  (void)node;
  (void)n_in;
  (void)n_out;
  return global_pool(&in[0], &out[0], false, ctx);
}
