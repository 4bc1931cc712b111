/* Elementwise reference kernels, shared part: the tiled broadcast iterator,
 * dtype conversion rows, and the Where, Cast and Identity kernels. */
#include "backends/ref/elementwise.h"

#include <math.h>
#include <string.h>

/* ---- broadcast iterator -------------------------------------------------- */

void ew_iter_init(ew_iter *it, const octet_tview *out, const octet_tview *in,
                  int n_in) {
  memset(it, 0, sizeof *it);
  it->n_in = n_in;
  it->out_esize = octet_dtype_size(out->dtype);
  int64_t full[3][OCTET_MAX_RANK];
  for (int k = 0; k < n_in; k++) {
    it->esize[k] = octet_dtype_size(in[k].dtype);
    broadcast_strides(in[k].dims, in[k].rank, out->dims, out->rank, full[k]);
  }
  int r = 0;
  for (int i = 0; i < out->rank; i++) {
    int64_t d = out->dims[i];
    if (d == 1) continue;
    bool merge = r > 0;
    for (int k = 0; k < n_in && merge; k++)
      merge = it->str[k][r - 1] == full[k][i] * d;
    if (merge) {
      it->dims[r - 1] *= d;
      for (int k = 0; k < n_in; k++) it->str[k][r - 1] = full[k][i];
    } else {
      it->dims[r] = d;
      for (int k = 0; k < n_in; k++) it->str[k][r] = full[k][i];
      r++;
    }
  }
  if (r == 0) { /* scalar output */
    it->dims[0] = 1;
    r = 1;
  }
  it->rank = r;
  it->inner = it->dims[r - 1];
  it->numel = tv_numel(out);
  int64_t rows = it->inner ? it->numel / it->inner : 0;
  it->tiles_per_row = (it->inner + EW_TILE - 1) / EW_TILE;
  it->total_tiles = rows * it->tiles_per_row;
}

static int ew_tile(const ew_iter *it, int64_t t, void *out,
                   const void *const *in, ew_row_fn fn, const void *arg) {
  int64_t row = t / it->tiles_per_row;
  int64_t start = (t % it->tiles_per_row) * EW_TILE;
  int64_t n = it->inner - start < EW_TILE ? it->inner - start : EW_TILE;
  int64_t off[3] = {0, 0, 0}, step[3] = {0, 0, 0};
  int64_t rem = row;
  for (int d = it->rank - 2; d >= 0; d--) {
    int64_t q = rem % it->dims[d];
    rem /= it->dims[d];
    for (int k = 0; k < it->n_in; k++) off[k] += q * it->str[k][d];
  }
  const void *p[3] = {NULL, NULL, NULL};
  for (int k = 0; k < it->n_in; k++) {
    step[k] = it->str[k][it->rank - 1];
    p[k] = (const char *)in[k] +
           (size_t)(off[k] + start * step[k]) * it->esize[k];
  }
  char *o = (char *)out + (size_t)(row * it->inner + start) * it->out_esize;
  return fn(arg, o, p, step, n);
}

int ew_iter_run(const ew_iter *it, void *out, const void *const *in,
                ew_row_fn fn, const void *arg, int threads) {
  int flags = 0;
  int nt = threads > 1 && it->numel > EW_PAR_MIN ? threads : 1;
  int64_t total = it->total_tiles;
#pragma omp parallel for if (nt > 1) num_threads(nt) reduction(| : flags) \
    schedule(static)
  for (int64_t t = 0; t < total; t++)
    flags |= ew_tile(it, t, out, in, fn, arg);
  return flags;
}

octet_status ew_flags_status(const octet_node *node, int flags) {
  if (flags & EW_ERR_DIV_ZERO)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': integer division by zero", node->op_type,
                      node->name);
  if (flags)
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype",
                      node->op_type, node->name);
  return OCTET_OK;
}

/* ---- conversions --------------------------------------------------------- */

bool ew_is_signed(octet_dtype t) {
  return t == OCTET_DTYPE_INT8 || t == OCTET_DTYPE_INT16 ||
         t == OCTET_DTYPE_INT32 || t == OCTET_DTYPE_INT64;
}

bool ew_is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 ||
         t == OCTET_DTYPE_FLOAT64;
}

void ew_load_f32(octet_dtype t, const void *src, int64_t n, float *dst) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32:
      memcpy(dst, src, (size_t)n * sizeof(float));
      return;
    case OCTET_DTYPE_FLOAT16: {
      const uint16_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = octet_fp16_to_fp32(s[i]);
      return;
    }
    case OCTET_DTYPE_FLOAT64: {
      const double *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = (float)s[i];
      return;
    }
    case OCTET_DTYPE_UINT64: {
      const uint64_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = (float)s[i];
      return;
    }
    default: {
      uint64_t buf[EW_TILE];
      for (int64_t i0 = 0; i0 < n; i0 += EW_TILE) {
        int64_t m = n - i0 < EW_TILE ? n - i0 : EW_TILE;
        if (!ew_load_u64(t, (const char *)src +
                                (size_t)i0 * octet_dtype_size(t), m, buf))
          memset(buf, 0, sizeof buf);
        for (int64_t i = 0; i < m; i++) dst[i0 + i] = (float)ew_u2i(buf[i]);
      }
      return;
    }
  }
}

void ew_load_f64(octet_dtype t, const void *src, int64_t n, double *dst) {
  switch (t) {
    case OCTET_DTYPE_FLOAT64:
      memcpy(dst, src, (size_t)n * sizeof(double));
      return;
    case OCTET_DTYPE_FLOAT32: {
      const float *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = s[i];
      return;
    }
    case OCTET_DTYPE_FLOAT16: {
      const uint16_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = octet_fp16_to_fp32(s[i]);
      return;
    }
    case OCTET_DTYPE_UINT64: {
      const uint64_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = (double)s[i];
      return;
    }
    default: {
      uint64_t buf[EW_TILE];
      for (int64_t i0 = 0; i0 < n; i0 += EW_TILE) {
        int64_t m = n - i0 < EW_TILE ? n - i0 : EW_TILE;
        if (!ew_load_u64(t, (const char *)src +
                                (size_t)i0 * octet_dtype_size(t), m, buf))
          memset(buf, 0, sizeof buf);
        for (int64_t i = 0; i < m; i++) dst[i0 + i] = (double)ew_u2i(buf[i]);
      }
      return;
    }
  }
}

bool ew_load_u64(octet_dtype t, const void *src, int64_t n, uint64_t *dst) {
  switch (t) {
    case OCTET_DTYPE_INT8: {
      const int8_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = (uint64_t)(int64_t)s[i];
      return true;
    }
    case OCTET_DTYPE_INT16: {
      const int16_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = (uint64_t)(int64_t)s[i];
      return true;
    }
    case OCTET_DTYPE_INT32: {
      const int32_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = (uint64_t)(int64_t)s[i];
      return true;
    }
    case OCTET_DTYPE_INT64:
    case OCTET_DTYPE_UINT64:
      memcpy(dst, src, (size_t)n * sizeof(uint64_t));
      return true;
    case OCTET_DTYPE_UINT8: {
      const uint8_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = s[i];
      return true;
    }
    case OCTET_DTYPE_UINT16: {
      const uint16_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = s[i];
      return true;
    }
    case OCTET_DTYPE_UINT32: {
      const uint32_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = s[i];
      return true;
    }
    case OCTET_DTYPE_BOOL: {
      const uint8_t *s = src;
      for (int64_t i = 0; i < n; i++) dst[i] = s[i] != 0;
      return true;
    }
    default:
      return false;
  }
}

void ew_store_f32(octet_dtype t, void *dst, int64_t n, const float *src) {
  if (t == OCTET_DTYPE_FLOAT16) {
    uint16_t *d = dst;
    for (int64_t i = 0; i < n; i++) d[i] = octet_fp32_to_fp16(src[i]);
  } else {
    memmove(dst, src, (size_t)n * sizeof(float));
  }
}

void ew_store_u64(octet_dtype t, void *dst, int64_t n, const uint64_t *src) {
  switch (octet_dtype_size(t)) {
    case 1: {
      uint8_t *d = dst;
      if (t == OCTET_DTYPE_BOOL)
        for (int64_t i = 0; i < n; i++) d[i] = src[i] != 0;
      else
        for (int64_t i = 0; i < n; i++) d[i] = (uint8_t)src[i];
      return;
    }
    case 2: {
      uint16_t *d = dst;
      for (int64_t i = 0; i < n; i++) d[i] = (uint16_t)src[i];
      return;
    }
    case 4: {
      uint32_t *d = dst;
      for (int64_t i = 0; i < n; i++) d[i] = (uint32_t)src[i];
      return;
    }
    default:
      memmove(dst, src, (size_t)n * sizeof(uint64_t));
      return;
  }
}

static uint64_t sat_signed(double d, int64_t lo, int64_t hi) {
  if (d <= (double)lo) return (uint64_t)lo;
  if (d >= (double)hi) return (uint64_t)hi; /* (double)INT64_MAX is 2^63 */
  return (uint64_t)(int64_t)d;
}

static uint64_t sat_unsigned(double d, uint64_t hi) {
  if (d <= 0.0) return 0;
  if (d >= (double)hi) return hi; /* (double)UINT64_MAX is 2^64 */
  return (uint64_t)d;
}

uint64_t ew_f64_to_int(double d, octet_dtype t) {
  if (t == OCTET_DTYPE_BOOL) return d != 0.0; /* NaN is true */
  if (isnan(d)) return 0;
  d = trunc(d);
  switch (t) {
    case OCTET_DTYPE_INT8: return sat_signed(d, INT8_MIN, INT8_MAX);
    case OCTET_DTYPE_INT16: return sat_signed(d, INT16_MIN, INT16_MAX);
    case OCTET_DTYPE_INT32: return sat_signed(d, INT32_MIN, INT32_MAX);
    case OCTET_DTYPE_INT64: return sat_signed(d, INT64_MIN, INT64_MAX);
    case OCTET_DTYPE_UINT8: return sat_unsigned(d, UINT8_MAX);
    case OCTET_DTYPE_UINT16: return sat_unsigned(d, UINT16_MAX);
    case OCTET_DTYPE_UINT32: return sat_unsigned(d, UINT32_MAX);
    case OCTET_DTYPE_UINT64: return sat_unsigned(d, UINT64_MAX);
    default: return 0;
  }
}

uint16_t ew_f64_to_f16(double d) {
  float f = (float)d;
  if ((double)f != d && isfinite(f)) {
    /* Round to odd in float (f24 has 13 spare bits over f11), so the second
     * rounding to half cannot hit a false tie. */
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if (!(u & 1u)) {
      if (fabs((double)f) > fabs(d))
        u--;
      else
        u++;
    }
    memcpy(&f, &u, sizeof f);
  }
  return octet_fp32_to_fp16(f);
}

/* ---- Where --------------------------------------------------------------- */

static inline void where_loop(size_t es, char *o, const uint8_t *c,
                              int64_t sc, const char *x, int64_t sx,
                              const char *y, int64_t sy, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const char *s = c[i * sc] ? x + (size_t)(i * sx) * es
                              : y + (size_t)(i * sy) * es;
    memcpy(o + (size_t)i * es, s, es);
  }
}

static int where_row(const void *arg, void *out, const void *const *in,
                     const int64_t *st, int64_t n) {
  size_t es = *(const size_t *)arg;
  const uint8_t *c = in[0];
  const char *x = in[1], *y = in[2];
  switch (es) {
    case 1: where_loop(1, out, c, st[0], x, st[1], y, st[2], n); return 0;
    case 2: where_loop(2, out, c, st[0], x, st[1], y, st[2], n); return 0;
    case 4: where_loop(4, out, c, st[0], x, st[1], y, st[2], n); return 0;
    case 8: where_loop(8, out, c, st[0], x, st[1], y, st[2], n); return 0;
    default: return EW_ERR_DTYPE;
  }
}

octet_status octet_ref_Where(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out,
                             const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  ew_iter it;
  ew_iter_init(&it, &out[0], in, 3);
  size_t es = octet_dtype_size(out[0].dtype);
  const void *p[3] = {in[0].data, in[1].data, in[2].data};
  int flags = ew_iter_run(&it, out[0].data, p, where_row, &es, ctx->threads);
  return ew_flags_status(node, flags);
}

/* ---- Cast ---------------------------------------------------------------- */

typedef struct cast_arg {
  octet_dtype from, to;
} cast_arg;

/* Float source (exact in double) to any dtype. */
static void cast_from_f64(octet_dtype to, void *out, const double *v,
                          int64_t n) {
  switch (to) {
    case OCTET_DTYPE_FLOAT32: {
      float *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = (float)v[i];
      return;
    }
    case OCTET_DTYPE_FLOAT64:
      memcpy(out, v, (size_t)n * sizeof(double));
      return;
    case OCTET_DTYPE_FLOAT16: {
      uint16_t *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = ew_f64_to_f16(v[i]);
      return;
    }
    default: {
      uint64_t bits[EW_TILE];
      for (int64_t i = 0; i < n; i++) bits[i] = ew_f64_to_int(v[i], to);
      ew_store_u64(to, out, n, bits);
      return;
    }
  }
}

/* Integer/bool source (two's complement bits) to any dtype. */
static void cast_from_int(octet_dtype to, void *out, const uint64_t *v,
                          bool sgn, int64_t n) {
  switch (to) {
    case OCTET_DTYPE_FLOAT32: {
      float *o = out;
      for (int64_t i = 0; i < n; i++)
        o[i] = sgn ? (float)ew_u2i(v[i]) : (float)v[i];
      return;
    }
    case OCTET_DTYPE_FLOAT64: {
      double *o = out;
      for (int64_t i = 0; i < n; i++)
        o[i] = sgn ? (double)ew_u2i(v[i]) : (double)v[i];
      return;
    }
    case OCTET_DTYPE_FLOAT16: {
      /* |v| >= 65520 becomes inf however it is rounded first. */
      uint16_t *o = out;
      for (int64_t i = 0; i < n; i++)
        o[i] = ew_f64_to_f16(sgn ? (double)ew_u2i(v[i]) : (double)v[i]);
      return;
    }
    default:
      ew_store_u64(to, out, n, v);
      return;
  }
}

static int cast_row(const void *arg, void *out, const void *const *in,
                    const int64_t *st, int64_t n) {
  (void)st; /* same shape: always contiguous */
  const cast_arg *a = arg;
  const void *src = in[0];
  if (a->from == a->to) {
    memmove(out, src, (size_t)n * octet_dtype_size(a->to));
  } else if (a->from == OCTET_DTYPE_FLOAT16 && a->to == OCTET_DTYPE_FLOAT32) {
    float tmp[EW_TILE];
    ew_load_f32(a->from, src, n, tmp);
    memcpy(out, tmp, (size_t)n * sizeof(float));
  } else if (a->from == OCTET_DTYPE_FLOAT32 && a->to == OCTET_DTYPE_FLOAT16) {
    ew_store_f32(a->to, out, n, src);
  } else if (ew_is_float(a->from)) {
    double v[EW_TILE];
    ew_load_f64(a->from, src, n, v);
    cast_from_f64(a->to, out, v, n);
  } else {
    uint64_t v[EW_TILE];
    if (!ew_load_u64(a->from, src, n, v)) return EW_ERR_DTYPE;
    cast_from_int(a->to, out, v, ew_is_signed(a->from), n);
  }
  return 0;
}

octet_status octet_ref_Cast(const octet_node *node, const octet_tview *in,
                            int n_in, octet_tview *out, int n_out,
                            const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  cast_arg a = {in[0].dtype, out[0].dtype};
  if (octet_dtype_size(a.from) == 0 || octet_dtype_size(a.to) == 0)
    return ew_flags_status(node, EW_ERR_DTYPE);
  ew_iter it;
  ew_iter_init(&it, &out[0], in, 1);
  const void *p[1] = {in[0].data};
  return ew_flags_status(
      node, ew_iter_run(&it, out[0].data, p, cast_row, &a, ctx->threads));
}

/* ---- Identity ------------------------------------------------------------ */

octet_status octet_ref_Identity(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out,
                                const octet_kctx *ctx) {
  (void)node;
  (void)n_in;
  (void)n_out;
  (void)ctx;
  size_t nb = tv_nbytes(&in[0]);
  if (nb && out[0].data != in[0].data) memmove(out[0].data, in[0].data, nb);
  return OCTET_OK;
}
