/* Reference kernels for normalization and reductions: Softmax,
 * LayerNormalization, ReduceMean and ReduceSum.
 *
 * Softmax and LayerNormalization on float32 and float16 follow the fp32
 * algorithms of core/vmath.h (16-lane row reductions, vm_exp), so the x86
 * vector kernels reproduce them bit for bit; float16 is loaded to fp32 and
 * rounded once on store. float64 is computed in double with libm. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ir.h"
#include "core/vmath.h"
#include "backends/ref/kernels.h"

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

/* float32 or float16 element as fp32 (exact). */
static inline float load_f32(const void *p, bool f16, int64_t i) {
  return f16 ? octet_fp16_to_fp32(((const uint16_t *)p)[i])
             : ((const float *)p)[i];
}

static int64_t prod(const int64_t *d, int from, int to) {
  int64_t n = 1;
  for (int i = from; i < to; i++) n *= d[i];
  return n;
}

/* ---- Softmax ------------------------------------------------------------- */

/* Softmax over `len` elements spaced `stride` apart (vmath order):
 * m = max (16 lanes), e = exp(x - m), s = sum e (16 lanes), y = e * (1/s),
 * NaN canonical.
 * float32 keeps e in y between the passes; float16 recomputes it (the same
 * value) in the last pass. */
static void softmax_row(const void *x, void *y, bool f16, int64_t base,
                        int64_t len, int64_t stride) {
  float acc[VM_LANES];
  for (int l = 0; l < VM_LANES; l++) acc[l] = -INFINITY;
  for (int64_t i = 0; i < len; i++) {
    float v = load_f32(x, f16, base + i * stride);
    acc[i % VM_LANES] = vm_max(acc[i % VM_LANES], v);
  }
  float m = vm_hmax16(acc);
  for (int l = 0; l < VM_LANES; l++) acc[l] = 0.0f;
  for (int64_t i = 0; i < len; i++) {
    int64_t k = base + i * stride;
    float e = vm_exp(load_f32(x, f16, k) - m);
    if (!f16) ((float *)y)[k] = e;
    acc[i % VM_LANES] = acc[i % VM_LANES] + e;
  }
  float inv = 1.0f / vm_hsum16(acc);
  for (int64_t i = 0; i < len; i++) {
    int64_t k = base + i * stride;
    if (f16) {
      float e = vm_exp(load_f32(x, f16, k) - m);
      ((uint16_t *)y)[k] = octet_fp32_to_fp16(vm_canon_nan(e * inv));
    } else {
      ((float *)y)[k] = vm_canon_nan(((float *)y)[k] * inv);
    }
  }
}

void octet_ref_softmax_row(const void *x, void *y, bool f16, size_t n) {
  softmax_row(x, y, f16, 0, (int64_t)n, 1);
}

static void softmax_f64(const double *x, double *y, int64_t base, int64_t len,
                        int64_t stride) {
  double mx = -INFINITY;
  for (int64_t l = 0; l < len; l++)
    if (x[base + l * stride] > mx) mx = x[base + l * stride];
  double sum = 0.0;
  for (int64_t l = 0; l < len; l++) sum += exp(x[base + l * stride] - mx);
  for (int64_t l = 0; l < len; l++)
    y[base + l * stride] = exp(x[base + l * stride] - mx) / sum;
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
  octet_dtype t = x->dtype;
  if (t != OCTET_DTYPE_FLOAT32 && t != OCTET_DTYPE_FLOAT16 &&
      t != OCTET_DTYPE_FLOAT64)
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s",
                      node->op_type, node->name, octet_dtype_name(t));
  int nt = pick_threads(rows * len, ctx ? ctx->threads : 1);
  bool f16 = t == OCTET_DTYPE_FLOAT16;
#pragma omp parallel for num_threads(nt)
  for (int64_t i = 0; i < rows; i++) {
    int64_t base = (i / inner) * len * inner + i % inner;
    if (t == OCTET_DTYPE_FLOAT64)
      softmax_f64(x->data, out[0].data, base, len, inner);
    else
      softmax_row(x->data, out[0].data, f16, base, len, inner);
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

/* Row statistics in vmath order: mean = (sum, 16 lanes) / n; var = (sum of
 * (x - mean)^2, 16 lanes) / n; inv = 1 / sqrt(var + eps). */
static void ln_stats(const void *x, bool f16, int64_t base, int64_t n,
                     float eps, float *mean, float *inv) {
  float acc[VM_LANES];
  for (int l = 0; l < VM_LANES; l++) acc[l] = 0.0f;
  for (int64_t j = 0; j < n; j++)
    acc[j % VM_LANES] = acc[j % VM_LANES] + load_f32(x, f16, base + j);
  float m = vm_hsum16(acc) / (float)n;
  for (int l = 0; l < VM_LANES; l++) acc[l] = 0.0f;
  for (int64_t j = 0; j < n; j++) {
    float d = load_f32(x, f16, base + j) - m;
    d = d * d;
    acc[j % VM_LANES] = acc[j % VM_LANES] + d;
  }
  float var = vm_hsum16(acc) / (float)n;
  *mean = m;
  *inv = 1.0f / sqrtf(var + eps);
}

/* y = (x - mean) * inv * scale (+ bias), in that order; NaN canonical. */
static inline float ln_apply(float x, float mean, float inv, float g,
                             const float *b) {
  float y = x - mean;
  y = y * inv;
  y = y * g;
  if (b) y = y + *b;
  return vm_canon_nan(y);
}

/* float32/float16 with dense Scale/B (same dtype as X): rows in parallel. */
static void layernorm_dense(const octet_tview *x, const octet_tview *sc,
                            const octet_tview *bi, int64_t outer, int64_t n,
                            float eps, octet_tview *out, int n_out, int nt) {
  bool f16 = x->dtype == OCTET_DTYPE_FLOAT16;
  const void *xp = x->data, *sp = sc->data, *bp = bi ? bi->data : NULL;
  void *yp = out[0].data;
#pragma omp parallel for num_threads(nt)
  for (int64_t o = 0; o < outer; o++) {
    float mean, inv;
    ln_stats(xp, f16, o * n, n, eps, &mean, &inv);
    for (int64_t j = 0; j < n; j++) {
      float b = bp ? load_f32(bp, f16, j) : 0.0f;
      float y = ln_apply(load_f32(xp, f16, o * n + j), mean, inv,
                         load_f32(sp, f16, j), bp ? &b : NULL);
      if (f16)
        ((uint16_t *)yp)[o * n + j] = octet_fp32_to_fp16(y);
      else
        ((float *)yp)[o * n + j] = y;
    }
    write_stats(out, n_out, o, mean, inv);
  }
}

/* Any float dtype and any broadcast of Scale/B, one row at a time; float64
 * in double, float32/float16 with the fp32 statistics above. */
static void layernorm_any(const octet_tview *x, const octet_tview *sc,
                          const octet_tview *bi, int ax, int64_t outer,
                          int64_t n, float eps, octet_tview *out, int n_out) {
  int64_t sstr[OCTET_MAX_RANK], bstr[OCTET_MAX_RANK];
  broadcast_strides(sc->dims, sc->rank, x->dims, x->rank, sstr);
  bool sd = param_dense(sc, x, ax), bd = true;
  if (bi) {
    broadcast_strides(bi->dims, bi->rank, x->dims, x->rank, bstr);
    bd = param_dense(bi, x, ax);
  }
  bool f64 = x->dtype == OCTET_DTYPE_FLOAT64;
  bool f16 = x->dtype == OCTET_DTYPE_FLOAT16;
  for (int64_t o = 0; o < outer; o++) {
    double mean, inv;
    if (f64) {
      double s = 0.0, v = 0.0;
      for (int64_t j = 0; j < n; j++) s += load_f(x->data, x->dtype, o * n + j);
      mean = s / (double)n;
      for (int64_t j = 0; j < n; j++) {
        double d = load_f(x->data, x->dtype, o * n + j) - mean;
        v += d * d;
      }
      inv = 1.0 / sqrt(v / (double)n + (double)eps);
    } else {
      float mf, invf;
      ln_stats(x->data, f16, o * n, n, eps, &mf, &invf);
      mean = mf;
      inv = invf;
    }
    for (int64_t j = 0; j < n; j++) {
      int64_t f = o * n + j;
      int64_t si = sd ? j : param_offset(sstr, x, f);
      int64_t bj = !bi ? 0 : bd ? j : param_offset(bstr, x, f);
      double y;
      if (f64) {
        y = (load_f(x->data, x->dtype, f) - mean) * inv *
            load_f(sc->data, sc->dtype, si);
        if (bi) y += load_f(bi->data, bi->dtype, bj);
      } else {
        float b = bi ? load_f32(bi->data, f16, bj) : 0.0f;
        y = ln_apply(load_f32(x->data, f16, f), (float)mean, (float)inv,
                     load_f32(sc->data, f16, si), bi ? &b : NULL);
      }
      store_f(out[0].data, out[0].dtype, f, y);
    }
    write_stats(out, n_out, o, mean, inv);
  }
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
  float eps = attr_float(node, "epsilon", 1e-5f);
  int64_t outer = prod(x->dims, 0, ax), n = prod(x->dims, ax, x->rank);
  if (outer == 0) return OCTET_OK;
  octet_dtype t = x->dtype;
  if (t != OCTET_DTYPE_FLOAT32 && t != OCTET_DTYPE_FLOAT16 &&
      t != OCTET_DTYPE_FLOAT64)
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s",
                      node->op_type, node->name, octet_dtype_name(t));
  if (t != OCTET_DTYPE_FLOAT64 && sc->dtype == t && param_dense(sc, x, ax) &&
      (!bi || (bi->dtype == t && param_dense(bi, x, ax)))) {
    int nt = pick_threads(outer * n, ctx ? ctx->threads : 1);
    layernorm_dense(x, sc, bi, outer, n, eps, out, n_out, nt);
    return OCTET_OK;
  }
  layernorm_any(x, sc, bi, ax, outer, n, eps, out, n_out);
  return OCTET_OK;
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
