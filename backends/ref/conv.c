/* Reference kernels for Conv and ConvTranspose: direct loops over NCHW
 * tensors (1-D to 3-D windows, run as 3-D), float32, float16 and float64,
 * accumulated in double and rounded once on store. Each output element is
 * B + the sum over its group's input channels and the kernel taps, in that
 * order (channel outer, then depth, height, width). */
#include "core/ir.h"
#include "backends/ref/window-io.h"

static octet_status get_window(const octet_node *node, const octet_tview *x,
                               const octet_tview *w, octet_window_kind kind, ref_win3 *r) {
  octet_window win;
  octet_status st = octet_window_get(node, kind, x->dims + 2, x->rank - 2, w->dims + 2, &win);
  if (st == OCTET_OK) ref_win3_from(&win, r);
  return st;
}

octet_status octet_ref_Conv(const octet_node *node, const octet_tview *in, int n_in,
                            octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const octet_tview *x = &in[0], *w = &in[1];
  const octet_tview *b = n_in > 2 && tv_present(&in[2]) ? &in[2] : NULL;
  ref_win3 r;
  octet_status st = get_window(node, x, w, OCTET_WINDOW_CONV, &r);
  if (st != OCTET_OK) return st;
  const octet_dtype dt = x->dtype;
  const int64_t N = x->dims[0], C = x->dims[1], M = w->dims[0];
  const int64_t group = attr_int(node, "group", 1), Cg = C / group, Mg = M / group;
  const void *xp = x->data, *wp = w->data;
  void *yp = out[0].data;
  const int64_t planes = N * M;
  int nt = ref_window_threads((double)planes * (double)r.out_numel * (double)(Cg * r.k_numel),
                              ctx);
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t t = 0; t < planes; t++) {
    const int64_t n = t / M, m = t % M, g = m / Mg;
    const double bias = b ? ref_ld(b->data, dt, m) : 0.0;
    int64_t yo = t * r.out_numel;
    for (int64_t od = 0; od < r.out[0]; od++)
      for (int64_t oh = 0; oh < r.out[1]; oh++)
        for (int64_t ow = 0; ow < r.out[2]; ow++, yo++) {
          double acc = bias;
          for (int64_t c = 0; c < Cg; c++) {
            const int64_t xb = (n * C + g * Cg + c) * r.in_numel;
            int64_t wo = (m * Cg + c) * r.k_numel;
            for (int64_t kd = 0; kd < r.k[0]; kd++) {
              const int64_t id = od * r.s[0] - r.p[0] + kd * r.d[0];
              if (id < 0 || id >= r.in[0]) {
                wo += r.k[1] * r.k[2];
                continue;
              }
              for (int64_t kh = 0; kh < r.k[1]; kh++) {
                const int64_t ih = oh * r.s[1] - r.p[1] + kh * r.d[1];
                if (ih < 0 || ih >= r.in[1]) {
                  wo += r.k[2];
                  continue;
                }
                const int64_t xr = xb + (id * r.in[1] + ih) * r.in[2];
                for (int64_t kw = 0; kw < r.k[2]; kw++, wo++) {
                  const int64_t iw = ow * r.s[2] - r.p[2] + kw * r.d[2];
                  if (iw < 0 || iw >= r.in[2]) continue;
                  acc += ref_ld(xp, dt, xr + iw) * ref_ld(wp, dt, wo);
                }
              }
            }
          }
          ref_st(yp, dt, yo, acc);
        }
  }
  return OCTET_OK;
}

/* One output tap of a transposed window along an axis: the input index i
 * with i * s + k * d == o + p, or -1. */
static inline int64_t source(int64_t o, int64_t p, int64_t k, int64_t d, int64_t s,
                             int64_t n) {
  int64_t f = o + p - k * d;
  if (f < 0 || f % s != 0) return -1;
  f /= s;
  return f < n ? f : -1;
}

octet_status octet_ref_ConvTranspose(const octet_node *node, const octet_tview *in, int n_in,
                                     octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const octet_tview *x = &in[0], *w = &in[1];
  const octet_tview *b = n_in > 2 && tv_present(&in[2]) ? &in[2] : NULL;
  ref_win3 r;
  octet_status st = get_window(node, x, w, OCTET_WINDOW_CONV_TRANSPOSE, &r);
  if (st != OCTET_OK) return st;
  const octet_dtype dt = x->dtype;
  const int64_t N = x->dims[0], C = x->dims[1], Mg = w->dims[1];
  const int64_t group = attr_int(node, "group", 1), Cg = C / group, M = Mg * group;
  const void *xp = x->data, *wp = w->data;
  void *yp = out[0].data;
  const int64_t planes = N * M;
  int nt = ref_window_threads((double)planes * (double)r.out_numel * (double)(Cg * r.k_numel),
                              ctx);
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t t = 0; t < planes; t++) {
    const int64_t n = t / M, oc = t % M, g = oc / Mg, m = oc % Mg;
    const double bias = b ? ref_ld(b->data, dt, oc) : 0.0;
    int64_t yo = t * r.out_numel;
    for (int64_t od = 0; od < r.out[0]; od++)
      for (int64_t oh = 0; oh < r.out[1]; oh++)
        for (int64_t ow = 0; ow < r.out[2]; ow++, yo++) {
          double acc = bias;
          for (int64_t c = 0; c < Cg; c++) {
            const int64_t ic = g * Cg + c, xb = (n * C + ic) * r.in_numel;
            const int64_t wb = (ic * Mg + m) * r.k_numel;
            for (int64_t kd = 0; kd < r.k[0]; kd++) {
              const int64_t id = source(od, r.p[0], kd, r.d[0], r.s[0], r.in[0]);
              if (id < 0) continue;
              for (int64_t kh = 0; kh < r.k[1]; kh++) {
                const int64_t ih = source(oh, r.p[1], kh, r.d[1], r.s[1], r.in[1]);
                if (ih < 0) continue;
                for (int64_t kw = 0; kw < r.k[2]; kw++) {
                  const int64_t iw = source(ow, r.p[2], kw, r.d[2], r.s[2], r.in[2]);
                  if (iw < 0) continue;
                  acc += ref_ld(xp, dt, xb + (id * r.in[1] + ih) * r.in[2] + iw) *
                         ref_ld(wp, dt, wb + (kd * r.k[1] + kh) * r.k[2] + kw);
                }
              }
            }
          }
          ref_st(yp, dt, yo, acc);
        }
  }
  return OCTET_OK;
}
