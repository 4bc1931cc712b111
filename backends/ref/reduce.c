/* Reference kernels of the reductions of issue 16: ReduceMax, ReduceMin,
 * ReduceProd, ReduceL2, ReduceL1, ReduceSumSquare, ReduceLogSum,
 * ReduceLogSumExp, ArgMax and ArgMin. Every output element walks its
 * reduced input elements in order (an odometer over the reduced axes).
 * Floats accumulate in double and are rounded once on store; integers in
 * 64-bit two's complement (wrapping like the narrow type, L2 takes the
 * square root in double and truncates). Max and Min propagate NaN; an
 * empty reduction gives ONNX's identities: Max -inf (the type's lowest for
 * integers), Min +inf (highest), Prod 1, L1/L2/SumSquare 0, LogSum and
 * LogSumExp -inf. ArgMax/ArgMin take the first extreme (the last with
 * select_last_index); a NaN counts as the extreme, as numpy's argmax and
 * argmin do. */
#include <math.h>
#include <string.h>

#include "backends/ref/elementwise.h"
#include "core/reduce-axes.h"

typedef enum red_op { R_MAX, R_MIN, R_PROD, R_L2, R_L1, R_SSQ, R_LOGSUM, R_LSE } red_op;

/* The input as kept and reduced axes with their strides (elements). */
typedef struct red_plan {
  int nk, nr;
  int64_t kdim[OCTET_MAX_RANK], kstr[OCTET_MAX_RANK];
  int64_t rdim[OCTET_MAX_RANK], rstr[OCTET_MAX_RANK];
  int64_t count; /* reduced elements per output */
} red_plan;

static void plan_axes(const octet_tview *x, const bool *mask, red_plan *p) {
  memset(p, 0, sizeof *p);
  int64_t s = 1, str[OCTET_MAX_RANK];
  for (int d = x->rank - 1; d >= 0; d--) {
    str[d] = s;
    s *= x->dims[d];
  }
  p->count = 1;
  for (int d = 0; d < x->rank; d++) {
    if (mask[d]) {
      p->rdim[p->nr] = x->dims[d];
      p->rstr[p->nr++] = str[d];
      p->count *= x->dims[d];
    } else {
      p->kdim[p->nk] = x->dims[d];
      p->kstr[p->nk++] = str[d];
    }
  }
}

static int64_t base_of(const red_plan *p, int64_t o) {
  int64_t b = 0;
  for (int k = p->nk - 1; k >= 0; k--) {
    b += (o % p->kdim[k]) * p->kstr[k];
    o /= p->kdim[k];
  }
  return b;
}

/* Offset of the next reduced element (odometer in idx), from base. */
static int64_t step_off(const red_plan *p, int64_t *idx) {
  int64_t off = 0;
  for (int r = p->nr - 1; r >= 0; r--) {
    if (++idx[r] < p->rdim[r]) break;
    idx[r] = 0;
  }
  for (int r = 0; r < p->nr; r++) off += idx[r] * p->rstr[r];
  return off;
}

static uint64_t load_u(octet_dtype t, const void *x, int64_t i) {
  uint64_t v = 0;
  ew_load_u64(t, (const char *)x + (size_t)i * octet_dtype_size(t), 1, &v);
  return v;
}

/* Any numeric element as double (integers for LogSum and LogSumExp). */
static double load_f(octet_dtype t, const void *x, int64_t i) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32: return ((const float *)x)[i];
    case OCTET_DTYPE_FLOAT16: return octet_fp16_to_fp32(((const uint16_t *)x)[i]);
    case OCTET_DTYPE_FLOAT64: return ((const double *)x)[i];
    default: {
      uint64_t u = load_u(t, x, i);
      return ew_is_signed(t) ? (double)ew_u2i(u) : (double)u;
    }
  }
}

static void store_f(octet_dtype t, void *y, int64_t i, double v) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32: ((float *)y)[i] = (float)v; return;
    case OCTET_DTYPE_FLOAT16: ((uint16_t *)y)[i] = ew_f64_to_f16(v); return;
    case OCTET_DTYPE_FLOAT64: ((double *)y)[i] = v; return;
    default: {
      uint64_t u = ew_f64_to_int(v, t);
      ew_store_u64(t, (char *)y + (size_t)i * octet_dtype_size(t), 1, &u);
      return;
    }
  }
}

static double reduce_float(red_op op, const red_plan *p, octet_dtype t, const void *x,
                           int64_t base) {
  int64_t idx[OCTET_MAX_RANK] = {0};
  double acc = op == R_MAX ? -INFINITY : op == R_MIN ? INFINITY : op == R_PROD ? 1.0 : 0.0;
  double mx = -INFINITY;
  if (op == R_LSE) { /* log(sum(exp(x - max))) + max, without overflow */
    int64_t off = 0;
    for (int64_t j = 0; j < p->count; j++) {
      double v = load_f(t, x, base + off);
      if (v > mx || v != v) mx = v;
      if (j + 1 < p->count) off = step_off(p, idx);
    }
    memset(idx, 0, sizeof idx);
    if (!isfinite(mx)) mx = isnan(mx) ? mx : 0.0;
  }
  int64_t off = 0;
  for (int64_t j = 0; j < p->count; j++) {
    double v = load_f(t, x, base + off);
    switch (op) {
      case R_MAX: if (v > acc || v != v) acc = v; break;
      case R_MIN: if (v < acc || v != v) acc = v; break;
      case R_PROD: acc *= v; break;
      case R_L2: case R_SSQ: acc += v * v; break;
      case R_L1: acc += fabs(v); break;
      case R_LOGSUM: acc += v; break;
      case R_LSE: acc += exp(v - mx); break;
    }
    if (isnan(acc) && (op == R_MAX || op == R_MIN)) break;
    if (j + 1 < p->count) off = step_off(p, idx);
  }
  switch (op) {
    case R_L2: return sqrt(acc);
    case R_LOGSUM: return log(acc);
    case R_LSE: return log(acc) + mx;
    default: return acc;
  }
}

static uint64_t reduce_int(red_op op, const red_plan *p, octet_dtype t, const void *x,
                           int64_t base) {
  int64_t idx[OCTET_MAX_RANK] = {0};
  bool sgn = ew_is_signed(t);
  size_t es = octet_dtype_size(t);
  /* the type's range, for the empty Max / Min */
  uint64_t hi = es == 8 ? UINT64_MAX : ((uint64_t)1 << (8 * es)) - 1, lo = 0;
  if (t == OCTET_DTYPE_BOOL) hi = 1;
  if (sgn) {
    hi >>= 1;
    lo = ~hi;
  }
  uint64_t acc = op == R_MAX ? lo : op == R_MIN ? hi : op == R_PROD ? 1 : 0;
  int64_t off = 0;
  for (int64_t j = 0; j < p->count; j++) {
    uint64_t v = load_u(t, x, base + off);
    bool gt = sgn ? ew_u2i(v) > ew_u2i(acc) : v > acc;
    bool lt = sgn ? ew_u2i(v) < ew_u2i(acc) : v < acc;
    switch (op) {
      case R_MAX: if (gt) acc = v; break;
      case R_MIN: if (lt) acc = v; break;
      case R_PROD: acc *= v; break;
      case R_L1: acc += sgn && ew_u2i(v) < 0 ? 0u - v : v; break;
      case R_L2: case R_SSQ: acc += v * v; break;
      default: acc += v; break;
    }
    if (j + 1 < p->count) off = step_off(p, idx);
  }
  if (op == R_L2) {
    double s = sgn ? (double)ew_u2i(acc) : (double)acc;
    return ew_f64_to_int(sqrt(s), t);
  }
  return acc;
}

static octet_status ref_reduce(red_op op, const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, const octet_kctx *ctx) {
  const octet_tview *x = &in[0];
  octet_tview *y = &out[0];
  octet_dtype t = x->dtype;
  bool mask[OCTET_MAX_RANK], noop;
  octet_status st = octet_reduce_axes_get(node, in, n_in, 18, mask, &noop);
  if (st) return st;
  if (noop) { /* the input itself (ReduceL2 etc. still apply per element) */
    for (int d = 0; d < x->rank; d++) mask[d] = false;
  }
  red_plan p;
  plan_axes(x, mask, &p);
  int64_t nout = tv_numel(y);
  /* LogSum and LogSumExp of integers go through double too */
  bool fl = ew_is_float(t) || op == R_LOGSUM || op == R_LSE;
  size_t es = octet_dtype_size(t);
  int nt = ctx->threads > 1 && tv_numel(x) > 65536 ? ctx->threads : 1;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t o = 0; o < nout; o++) {
    int64_t base = base_of(&p, o);
    if (fl) {
      store_f(t, y->data, o, reduce_float(op, &p, t, x->data, base));
    } else {
      uint64_t v = reduce_int(op, &p, t, x->data, base);
      ew_store_u64(t, (char *)y->data + (size_t)o * es, 1, &v);
    }
  }
  return OCTET_OK;
}

#define REF_REDUCE(name, op)                                                  \
  octet_status octet_ref_##name(const octet_node *node, const octet_tview *in, \
                                int n_in, octet_tview *out, int n_out,        \
                                const octet_kctx *ctx) {                      \
    (void)n_out;                                                              \
    return ref_reduce(op, node, in, n_in, out, ctx);                          \
  }

REF_REDUCE(ReduceMax, R_MAX)
REF_REDUCE(ReduceMin, R_MIN)
REF_REDUCE(ReduceProd, R_PROD)
REF_REDUCE(ReduceL2, R_L2)
REF_REDUCE(ReduceL1, R_L1)
REF_REDUCE(ReduceSumSquare, R_SSQ)
REF_REDUCE(ReduceLogSum, R_LOGSUM)
REF_REDUCE(ReduceLogSumExp, R_LSE)

/* ---- ArgMax / ArgMin ----------------------------------------------------- */

static octet_status ref_arg(bool is_max, const octet_node *node, const octet_tview *in,
                            octet_tview *out, const octet_kctx *ctx) {
  const octet_tview *x = &in[0];
  octet_tview *y = &out[0];
  octet_dtype t = x->dtype;
  int ax;
  if (!norm_axis(attr_int(node, "axis", 0), x->rank, &ax))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': bad axis", node->op_type,
                      node->name);
  bool last = attr_int(node, "select_last_index", 0) != 0;
  bool mask[OCTET_MAX_RANK] = {false};
  mask[ax] = true;
  red_plan p;
  plan_axes(x, mask, &p);
  int64_t nout = tv_numel(y), stride = p.rstr[0], n = p.count;
  bool fl = ew_is_float(t), sgn = ew_is_signed(t);
  int64_t *res = y->data;
  int nt = ctx->threads > 1 && tv_numel(x) > 65536 ? ctx->threads : 1;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t o = 0; o < nout; o++) {
    int64_t base = base_of(&p, o), best = 0;
    if (fl) {
      double b = load_f(t, x->data, base);
      for (int64_t j = 1; j < n; j++) {
        double v = load_f(t, x->data, base + j * stride);
        bool take;
        if (v != v) take = last || b == b; /* NaN: the extreme */
        else if (b != b) take = false;
        else take = is_max ? (last ? v >= b : v > b) : (last ? v <= b : v < b);
        if (take) {
          b = v;
          best = j;
        }
      }
    } else {
      uint64_t b = load_u(t, x->data, base);
      for (int64_t j = 1; j < n; j++) {
        uint64_t v = load_u(t, x->data, base + j * stride);
        int c = sgn ? (ew_u2i(v) > ew_u2i(b)) - (ew_u2i(v) < ew_u2i(b))
                    : (v > b) - (v < b);
        if (!is_max) c = -c;
        if (c > 0 || (last && c == 0)) {
          b = v;
          best = j;
        }
      }
    }
    res[o] = best;
  }
  return OCTET_OK;
}

octet_status octet_ref_ArgMax(const octet_node *node, const octet_tview *in, int n_in,
                              octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return ref_arg(true, node, in, out, ctx);
}

octet_status octet_ref_ArgMin(const octet_node *node, const octet_tview *in, int n_in,
                              octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return ref_arg(false, node, in, out, ctx);
}
