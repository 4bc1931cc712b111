/* Reference kernels for normalization and reductions: Softmax,
 * LayerNormalization, ReduceMean and ReduceSum. float32 has direct loops;
 * float16 and float64 go through double. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ir.h"

/* Elements above which kernels use several threads. */
#define PAR_ELEMS 65536

static int pick_threads(int64_t elems, int threads) {
  return elems >= PAR_ELEMS && threads > 1 ? threads : 1;
}

static double load_f(const void *p, octet_dtype t, int64_t i) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32: return ((const float *)p)[i];
    case OCTET_DTYPE_FLOAT16:
      return octet_fp16_to_fp32(((const uint16_t *)p)[i]);
    case OCTET_DTYPE_FLOAT64: return ((const double *)p)[i];
    default: return 0.0;
  }
}

static void store_f(void *p, octet_dtype t, int64_t i, double v) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; break;
    case OCTET_DTYPE_FLOAT16:
      ((uint16_t *)p)[i] = octet_fp32_to_fp16((float)v);
      break;
    case OCTET_DTYPE_FLOAT64: ((double *)p)[i] = v; break;
    default: break;
  }
}

static int64_t prod(const int64_t *d, int from, int to) {
  int64_t n = 1;
  for (int i = from; i < to; i++) n *= d[i];
  return n;
}

/* ---- Softmax ------------------------------------------------------------- */

/* Softmax over `len` elements spaced `stride` apart. */
static void softmax_f32(const float *x, float *y, int64_t len,
                        int64_t stride) {
  float mx = -INFINITY;
  for (int64_t l = 0; l < len; l++)
    if (x[l * stride] > mx) mx = x[l * stride];
  double sum = 0.0;
  for (int64_t l = 0; l < len; l++) {
    float e = expf(x[l * stride] - mx);
    y[l * stride] = e;
    sum += e;
  }
  float inv = (float)(1.0 / sum);
  for (int64_t l = 0; l < len; l++) y[l * stride] *= inv;
}

static void softmax_any(const void *x, void *y, octet_dtype t, int64_t base,
                        int64_t len, int64_t stride) {
  double mx = -INFINITY;
  for (int64_t l = 0; l < len; l++) {
    double v = load_f(x, t, base + l * stride);
    if (v > mx) mx = v;
  }
  double sum = 0.0;
  for (int64_t l = 0; l < len; l++)
    sum += exp(load_f(x, t, base + l * stride) - mx);
  for (int64_t l = 0; l < len; l++) {
    double v = exp(load_f(x, t, base + l * stride) - mx) / sum;
    store_f(y, t, base + l * stride, v);
  }
}

octet_status octet_ref_Softmax(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out,
                               const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  const octet_tview *x = &in[0];
  bool legacy = node->opset > 0 && node->opset < 13;
  int64_t axis = attr_int(node, "axis", legacy ? 1 : -1);
  int r = x->rank;
  int64_t outer, len, inner;
  if (legacy) {
    if (axis < -(int64_t)r || axis > (int64_t)r)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': bad axis",
                        node->op_type, node->name);
    int a = (int)(axis < 0 ? axis + r : axis);
    outer = prod(x->dims, 0, a);
    len = prod(x->dims, a, r);
    inner = 1;
  } else {
    int a;
    if (!norm_axis(axis, r, &a))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': bad axis",
                        node->op_type, node->name);
    outer = prod(x->dims, 0, a);
    len = x->dims[a];
    inner = prod(x->dims, a + 1, r);
  }
  int64_t rows = outer * inner;
  if (rows == 0 || len == 0) return OCTET_OK;
  int nt = pick_threads(rows * len, ctx ? ctx->threads : 1);
  if (x->dtype == OCTET_DTYPE_FLOAT32) {
    const float *xp = x->data;
    float *yp = out[0].data;
#pragma omp parallel for num_threads(nt)
    for (int64_t t = 0; t < rows; t++) {
      int64_t base = (t / inner) * len * inner + t % inner;
      softmax_f32(xp + base, yp + base, len, inner);
    }
    return OCTET_OK;
  }
  if (x->dtype != OCTET_DTYPE_FLOAT16 && x->dtype != OCTET_DTYPE_FLOAT64)
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s",
                      node->op_type, node->name, octet_dtype_name(x->dtype));
#pragma omp parallel for num_threads(nt)
  for (int64_t t = 0; t < rows; t++) {
    int64_t base = (t / inner) * len * inner + t % inner;
    softmax_any(x->data, out[0].data, x->dtype, base, len, inner);
  }
  return OCTET_OK;
}

/* ---- LayerNormalization -------------------------------------------------- */

/* True when a parameter is laid out exactly over the normalized dims
 * (X.shape[axis:]) and constant along the others, so element j of a row is
 * p[j]. */
static bool param_dense(const octet_tview *p, const octet_tview *x, int ax) {
  for (int d = 0; d < x->rank; d++) {
    int pi = d - (x->rank - p->rank);
    int64_t pd = pi >= 0 ? p->dims[pi] : 1;
    if (d < ax ? pd != 1 : pd != x->dims[d]) return false;
  }
  return true;
}

/* Offset in a broadcast parameter of X's flat element `f`. */
static int64_t param_offset(const int64_t *pstr, const octet_tview *x,
                            int64_t f) {
  int64_t off = 0;
  for (int d = x->rank - 1; d >= 0; d--) {
    off += (f % x->dims[d]) * pstr[d];
    f /= x->dims[d];
  }
  return off;
}

static void write_stats(octet_tview *out, int n_out, int64_t row, double mean,
                        double inv) {
  if (n_out > 1 && tv_present(&out[1]) && out[1].data)
    store_f(out[1].data, out[1].dtype, row, mean);
  if (n_out > 2 && tv_present(&out[2]) && out[2].data)
    store_f(out[2].data, out[2].dtype, row, inv);
}

/* float32 with dense Scale/B: rows in parallel, statistics in double. */
static void layernorm_f32(const octet_tview *x, const float *scale,
                          const float *bias, int64_t outer, int64_t n,
                          double eps, octet_tview *out, int n_out, int nt) {
  const float *xp = x->data;
  float *yp = out[0].data;
#pragma omp parallel for num_threads(nt)
  for (int64_t o = 0; o < outer; o++) {
    const float *xr = xp + o * n;
    float *yr = yp + o * n;
    double s = 0.0;
    for (int64_t j = 0; j < n; j++) s += xr[j];
    double mean = s / (double)n;
    double v = 0.0;
    for (int64_t j = 0; j < n; j++) {
      double d = xr[j] - mean;
      v += d * d;
    }
    double inv = 1.0 / sqrt(v / (double)n + eps);
    float mf = (float)mean, invf = (float)inv;
    if (bias)
      for (int64_t j = 0; j < n; j++)
        yr[j] = (xr[j] - mf) * invf * scale[j] + bias[j];
    else
      for (int64_t j = 0; j < n; j++) yr[j] = (xr[j] - mf) * invf * scale[j];
    write_stats(out, n_out, o, mean, inv);
  }
}

/* Any float dtype and any broadcast of Scale/B, one row at a time. */
static octet_status layernorm_any(const octet_tview *x,
                                  const octet_tview *sc,
                                  const octet_tview *bi, int ax,
                                  int64_t outer, int64_t n, double eps,
                                  octet_tview *out, int n_out) {
  int64_t sstr[OCTET_MAX_RANK], bstr[OCTET_MAX_RANK];
  broadcast_strides(sc->dims, sc->rank, x->dims, x->rank, sstr);
  bool sd = param_dense(sc, x, ax), bd = true;
  if (bi) {
    broadcast_strides(bi->dims, bi->rank, x->dims, x->rank, bstr);
    bd = param_dense(bi, x, ax);
  }
  double *xb = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  if (!xb) return octet_fail(OCTET_ERR_NO_MEMORY, "LayerNormalization: out "
                                                  "of memory");
  for (int64_t o = 0; o < outer; o++) {
    double s = 0.0, v = 0.0;
    for (int64_t j = 0; j < n; j++) {
      xb[j] = load_f(x->data, x->dtype, o * n + j);
      s += xb[j];
    }
    double mean = s / (double)n;
    for (int64_t j = 0; j < n; j++) v += (xb[j] - mean) * (xb[j] - mean);
    double inv = 1.0 / sqrt(v / (double)n + eps);
    for (int64_t j = 0; j < n; j++) {
      int64_t f = o * n + j;
      double g = load_f(sc->data, sc->dtype,
                        sd ? j : param_offset(sstr, x, f));
      double y = (xb[j] - mean) * inv * g;
      if (bi)
        y += load_f(bi->data, bi->dtype, bd ? j : param_offset(bstr, x, f));
      store_f(out[0].data, out[0].dtype, f, y);
    }
    write_stats(out, n_out, o, mean, inv);
  }
  free(xb);
  return OCTET_OK;
}

octet_status octet_ref_LayerNormalization(const octet_node *node,
                                          const octet_tview *in, int n_in,
                                          octet_tview *out, int n_out,
                                          const octet_kctx *ctx) {
  const octet_tview *x = &in[0], *sc = &in[1];
  const octet_tview *bi = n_in > 2 && tv_present(&in[2]) ? &in[2] : NULL;
  int ax;
  if (!norm_axis(attr_int(node, "axis", -1), x->rank, &ax))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': bad axis",
                      node->op_type, node->name);
  double eps = attr_float(node, "epsilon", 1e-5f);
  int64_t outer = prod(x->dims, 0, ax), n = prod(x->dims, ax, x->rank);
  if (outer == 0) return OCTET_OK;
  if (x->dtype == OCTET_DTYPE_FLOAT32 && param_dense(sc, x, ax) &&
      (!bi || param_dense(bi, x, ax))) {
    int nt = pick_threads(outer * n, ctx ? ctx->threads : 1);
    layernorm_f32(x, sc->data, bi ? bi->data : NULL, outer, n, eps, out,
                  n_out, nt);
    return OCTET_OK;
  }
  return layernorm_any(x, sc, bi, ax, outer, n, eps, out, n_out);
}

/* ---- ReduceMean / ReduceSum ---------------------------------------------- */

/* The input seen as groups of adjacent dims that are all reduced or all
 * kept (size-1 dims dropped). Input strides are contiguous; output strides
 * are 0 on reduced groups. */
typedef struct rplan {
  int ng;
  int64_t size[OCTET_MAX_RANK], istr[OCTET_MAX_RANK], ostr[OCTET_MAX_RANK];
  bool red[OCTET_MAX_RANK];
} rplan;

/* Reduced-dims mask from the axes input or attribute (validated by the
 * infer function); returns false for the no-op case. */
static bool reduce_mask(const octet_node *node, const octet_tview *in,
                        int n_in, bool *mask) {
  const octet_tview *x = &in[0];
  const octet_tview *at = n_in > 1 && tv_present(&in[1]) ? &in[1] : NULL;
  const int64_t *attr = NULL;
  size_t count = 0;
  if (at)
    count = (size_t)tv_numel(at);
  else
    attr_ints(node, "axes", &attr, &count);
  for (int d = 0; d < x->rank; d++) mask[d] = count == 0;
  if (count == 0) return attr_int(node, "noop_with_empty_axes", 0) == 0;
  for (size_t i = 0; i < count; i++) {
    int64_t a = 0;
    if (at)
      tv_read_i64(at, (int64_t)i, &a);
    else
      a = attr[i];
    int d;
    if (norm_axis(a, x->rank, &d)) mask[d] = true;
  }
  return true;
}

static void make_plan(const octet_tview *x, const bool *mask, rplan *p) {
  p->ng = 0;
  for (int d = 0; d < x->rank; d++) {
    if (x->dims[d] == 1) continue;
    if (p->ng > 0 && p->red[p->ng - 1] == mask[d]) {
      p->size[p->ng - 1] *= x->dims[d];
    } else {
      p->size[p->ng] = x->dims[d];
      p->red[p->ng] = mask[d];
      p->ng++;
    }
  }
  int64_t is = 1, os = 1;
  for (int g = p->ng - 1; g >= 0; g--) {
    p->istr[g] = is;
    is *= p->size[g];
    p->ostr[g] = p->red[g] ? 0 : os;
    if (!p->red[g]) os *= p->size[g];
  }
}

/* Adds one contiguous run of `len` inputs into the accumulators: summed into
 * acc[0] when `red`, else element-wise into acc[0..len). Floats accumulate
 * in double, integers in uint64 (wrapping). */
static void add_run(octet_dtype t, const void *x, int64_t len, bool red,
                    void *accp) {
  double *acc = accp;
  uint64_t *iacc = accp;
  if (t == OCTET_DTYPE_FLOAT32) {
    const float *xp = x;
    if (red) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int64_t j = 0;
      for (; j + 4 <= len; j += 4) {
        s0 += xp[j];
        s1 += xp[j + 1];
        s2 += xp[j + 2];
        s3 += xp[j + 3];
      }
      for (; j < len; j++) s0 += xp[j];
      acc[0] += (s0 + s1) + (s2 + s3);
    } else {
      for (int64_t j = 0; j < len; j++) acc[j] += xp[j];
    }
  } else if (t == OCTET_DTYPE_FLOAT16 || t == OCTET_DTYPE_FLOAT64) {
    for (int64_t j = 0; j < len; j++) acc[red ? 0 : j] += load_f(x, t, j);
  } else if (t == OCTET_DTYPE_INT64) {
    const int64_t *xp = x;
    for (int64_t j = 0; j < len; j++) iacc[red ? 0 : j] += (uint64_t)xp[j];
  } else { /* int32 */
    const int32_t *xp = x;
    for (int64_t j = 0; j < len; j++)
      iacc[red ? 0 : j] += (uint64_t)(int64_t)xp[j];
  }
}

/* Accumulates the inputs whose first-group index is in [b, e). The last
 * group is the contiguous run; groups in between are walked by odometer. */
static void reduce_range(const rplan *p, octet_dtype t, const void *x,
                         void *acc, int64_t b, int64_t e) {
  size_t es = octet_dtype_size(t);
  int last = p->ng - 1;
  int64_t len = p->size[last];
  for (int64_t i0 = b; i0 < e; i0++) {
    int64_t idx[OCTET_MAX_RANK] = {0};
    for (;;) {
      int64_t io = i0 * p->istr[0], oo = i0 * p->ostr[0];
      for (int g = 1; g < last; g++) {
        io += idx[g] * p->istr[g];
        oo += idx[g] * p->ostr[g];
      }
      add_run(t, (const char *)x + (size_t)io * es, len, p->red[last],
              (char *)acc + (size_t)oo * 8);
      int g = last - 1;
      while (g >= 1 && ++idx[g] == p->size[g]) idx[g--] = 0;
      if (g < 1) break;
    }
  }
}

static octet_status ref_reduce(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, bool mean,
                               const octet_kctx *ctx) {
  const octet_tview *x = &in[0];
  octet_tview *o = &out[0];
  octet_dtype t = x->dtype;
  bool is_int = t == OCTET_DTYPE_INT32 || t == OCTET_DTYPE_INT64;
  if (!(t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 ||
        t == OCTET_DTYPE_FLOAT64 || (is_int && !mean)))
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s",
                      node->op_type, node->name, octet_dtype_name(t));
  bool mask[OCTET_MAX_RANK];
  if (!reduce_mask(node, in, n_in, mask)) {
    if (tv_nbytes(x)) memcpy(o->data, x->data, tv_nbytes(x));
    return OCTET_OK;
  }
  int64_t nout = tv_numel(o), count = 1;
  for (int d = 0; d < x->rank; d++)
    if (mask[d]) count *= x->dims[d];
  if (nout == 0) return OCTET_OK;
  /* double and uint64 accumulators are both 8 bytes */
  void *acc = calloc((size_t)nout, 8);
  if (!acc)
    return octet_fail(OCTET_ERR_NO_MEMORY, "%s '%s': out of memory",
                      node->op_type, node->name);
  if (tv_numel(x) > 0) {
    rplan p;
    make_plan(x, mask, &p);
    if (p.ng == 0) { /* every dim has size 1 */
      p.ng = 1;
      p.size[0] = 1;
      p.istr[0] = p.ostr[0] = 1;
      p.red[0] = true;
    }
    if (p.ng == 1) {
      add_run(t, x->data, p.size[0], p.red[0], acc);
    } else {
      int64_t n0 = p.size[0];
      int nt =
          p.red[0] ? 1 : pick_threads(tv_numel(x), ctx ? ctx->threads : 1);
#pragma omp parallel for num_threads(nt)
      for (int64_t i = 0; i < n0; i++)
        reduce_range(&p, t, x->data, acc, i, i + 1);
    }
  }
  if (is_int) {
    const uint64_t *ia = acc;
    for (int64_t i = 0; i < nout; i++) {
      if (t == OCTET_DTYPE_INT64)
        ((int64_t *)o->data)[i] = (int64_t)ia[i];
      else
        ((int32_t *)o->data)[i] = (int32_t)(uint32_t)ia[i];
    }
  } else {
    const double *da = acc;
    for (int64_t i = 0; i < nout; i++)
      store_f(o->data, t, i, mean ? da[i] / (double)count : da[i]);
  }
  free(acc);
  return OCTET_OK;
}

octet_status octet_ref_ReduceMean(const octet_node *node,
                                  const octet_tview *in, int n_in,
                                  octet_tview *out, int n_out,
                                  const octet_kctx *ctx) {
  (void)n_out;
  return ref_reduce(node, in, n_in, out, true, ctx);
}

octet_status octet_ref_ReduceSum(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, int n_out,
                                 const octet_kctx *ctx) {
  (void)n_out;
  return ref_reduce(node, in, n_in, out, false, ctx);
}
