/* Reference kernels of the variadic elementwise ops of issue 16: Max, Min,
 * Sum and Mean. The inputs are folded pairwise into the output, each
 * broadcast to the output's shape: out = in0 op in1, then out = out op in2,
 * and so on (Mean divides the sum by the input count at the end). float32
 * and float64 compute in their type, float16 in float32 rounded to float16
 * after every step (as numpy does with float16 arrays); integers compare
 * signed or unsigned. Max and Min propagate NaN (numpy's maximum/minimum). */
#include <string.h>

#include "backends/ref/elementwise.h"

typedef enum var_op { V_MAX, V_MIN, V_SUM } var_op;

typedef struct var_arg {
  var_op op;
  octet_dtype t;
} var_arg;

static inline float f32_var(var_op op, float a, float b) {
  switch (op) {
    case V_MAX: return (a > b || a != a) ? a : b;
    case V_MIN: return (a < b || a != a) ? a : b;
    default: return a + b;
  }
}

static inline double f64_var(var_op op, double a, double b) {
  switch (op) {
    case V_MAX: return (a > b || a != a) ? a : b;
    case V_MIN: return (a < b || a != a) ? a : b;
    default: return a + b;
  }
}

static int var_row(const void *arg, void *out, const void *const *in,
                   const int64_t *st, int64_t n) {
  const var_arg *V = arg;
  int64_t sa = st[0], sb = st[1], na = sa ? n : 1, nb = sb ? n : 1;
  switch (V->t) {
    case OCTET_DTYPE_FLOAT32: {
      const float *a = in[0], *b = in[1];
      float *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = f32_var(V->op, a[i * sa], b[i * sb]);
      return 0;
    }
    case OCTET_DTYPE_FLOAT64: {
      const double *a = in[0], *b = in[1];
      double *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = f64_var(V->op, a[i * sa], b[i * sb]);
      return 0;
    }
    case OCTET_DTYPE_FLOAT16: {
      float a[EW_TILE], b[EW_TILE];
      ew_load_f32(V->t, in[0], na, a);
      ew_load_f32(V->t, in[1], nb, b);
      for (int64_t i = 0; i < n; i++) a[i] = f32_var(V->op, a[i * sa], b[i * sb]);
      ew_store_f32(V->t, out, n, a);
      return 0;
    }
    default: {
      uint64_t a[EW_TILE], b[EW_TILE];
      if (V->op == V_SUM || V->t == OCTET_DTYPE_BOOL ||
          !ew_load_u64(V->t, in[0], na, a) || !ew_load_u64(V->t, in[1], nb, b))
        return EW_ERR_DTYPE;
      bool sgn = ew_is_signed(V->t), mx = V->op == V_MAX;
      for (int64_t i = 0; i < n; i++) {
        uint64_t x = a[i * sa], y = b[i * sb];
        bool gt = sgn ? ew_u2i(x) > ew_u2i(y) : x > y;
        a[i] = gt == mx ? x : y;
      }
      ew_store_u64(V->t, out, n, a);
      return 0;
    }
  }
}

static octet_status run_variadic(var_op op, const octet_node *node,
                                 const octet_tview *in, int n_in,
                                 octet_tview *out, const octet_kctx *ctx) {
  octet_tview *o = &out[0];
  var_arg a = {op, o->dtype};
  if (n_in == 1) { /* the output is the input */
    size_t nb = tv_nbytes(o);
    if (nb && o->data != in[0].data) memmove(o->data, in[0].data, nb);
    return OCTET_OK;
  }
  for (int k = 1; k < n_in; k++) {
    /* the first step reads input 0, later ones the output so far (an
     * element reads only its own position before it is written) */
    octet_tview pair[2] = {k == 1 ? in[0] : *o, in[k]};
    ew_iter it;
    ew_iter_init(&it, o, pair, 2);
    const void *p[2] = {pair[0].data, pair[1].data};
    int flags = ew_iter_run(&it, o->data, p, var_row, &a, ctx->threads);
    if (flags) return ew_flags_status(node, flags);
  }
  return OCTET_OK;
}

#define REF_VAR(name, op)                                                     \
  octet_status octet_ref_##name(const octet_node *node, const octet_tview *in, \
                                int n_in, octet_tview *out, int n_out,        \
                                const octet_kctx *ctx) {                      \
    (void)n_out;                                                              \
    return run_variadic(op, node, in, n_in, out, ctx);                        \
  }

REF_VAR(Max, V_MAX)
REF_VAR(Min, V_MIN)
REF_VAR(Sum, V_SUM)

octet_status octet_ref_Mean(const octet_node *node, const octet_tview *in,
                            int n_in, octet_tview *out, int n_out,
                            const octet_kctx *ctx) {
  (void)n_out;
  octet_status st = run_variadic(V_SUM, node, in, n_in, out, ctx);
  if (st || n_in == 1) return st;
  octet_tview *o = &out[0];
  int64_t n = tv_numel(o);
  switch (o->dtype) {
    case OCTET_DTYPE_FLOAT32: {
      float *y = o->data, k = (float)n_in;
      for (int64_t i = 0; i < n; i++) y[i] /= k;
      return OCTET_OK;
    }
    case OCTET_DTYPE_FLOAT64: {
      double *y = o->data, k = (double)n_in;
      for (int64_t i = 0; i < n; i++) y[i] /= k;
      return OCTET_OK;
    }
    case OCTET_DTYPE_FLOAT16: {
      uint16_t *y = o->data;
      float k = (float)n_in;
      for (int64_t i = 0; i < n; i++)
        y[i] = octet_fp32_to_fp16(octet_fp16_to_fp32(y[i]) / k);
      return OCTET_OK;
    }
    default:
      return ew_flags_status(node, EW_ERR_DTYPE);
  }
}
