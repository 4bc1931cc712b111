/* Reference kernels of the one-input activations and math ops of issue 16:
 * LeakyRelu, HardSigmoid, HardSwish, Elu, Selu, Softplus, Exp, Log, Neg,
 * Abs, Reciprocal, Floor, Ceil, Round (half to even), Clip, and PRelu with
 * its broadcast slope. float32 is computed in float32 with libm, float16 in
 * float32 (rounded once on store), float64 in double; integers (Neg, Abs,
 * Clip, PRelu) in 64-bit two's complement, wrapping like the narrow type
 * (Neg and Abs of INT_MIN give INT_MIN, as numpy does). NaN propagates
 * through every op (Clip and the clamps compare so that NaN stays NaN). */
#include <float.h>
#include <math.h>

#include "backends/ref/elementwise.h"

typedef enum act_op {
  A_LEAKY, A_HSIG, A_HSWISH, A_ELU, A_SELU, A_SOFTPLUS, A_EXP, A_LOG, A_NEG,
  A_ABS, A_RECIP, A_FLOOR, A_CEIL, A_ROUND, A_CLIP,
} act_op;

typedef struct act_arg {
  act_op op;
  octet_dtype t;
  double p, q;        /* alpha / beta / gamma, or the Clip bounds (floats) */
  uint64_t ilo, ihi;  /* Clip bounds of integer inputs (two's complement) */
} act_arg;

/* lo <= x <= hi with NaN kept (comparisons with NaN are false). */
#define CLAMP(x, lo, hi) ((x) < (lo) ? (lo) : (x) > (hi) ? (hi) : (x))

static inline float f32_act(const act_arg *A, float x) {
  const float p = (float)A->p, q = (float)A->q;
  switch (A->op) {
    case A_LEAKY: return x < 0.0f ? p * x : x;
    case A_HSIG: {
      float v = p * x + q;
      return CLAMP(v, 0.0f, 1.0f);
    }
    case A_HSWISH: {
      float v = x * (1.0f / 6.0f) + 0.5f;
      return x * CLAMP(v, 0.0f, 1.0f);
    }
    case A_ELU: return x < 0.0f ? p * expm1f(x) : x;
    case A_SELU: return x > 0.0f ? q * x : q * (p * expm1f(x));
    case A_SOFTPLUS: /* log(1 + e^x) without overflow */
      return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x));
    case A_EXP: return expf(x);
    case A_LOG: return logf(x);
    case A_NEG: return -x;
    case A_ABS: return fabsf(x);
    case A_RECIP: return 1.0f / x;
    case A_FLOOR: return floorf(x);
    case A_CEIL: return ceilf(x);
    case A_ROUND: return nearbyintf(x); /* round half to even */
    case A_CLIP: {
      /* min(max(x, lo), hi): lo > hi gives hi everywhere, as ONNX says */
      float v = x < p ? p : x;
      return v > q ? q : v;
    }
  }
  return x;
}

static inline double f64_act(const act_arg *A, double x) {
  const double p = A->p, q = A->q;
  switch (A->op) {
    case A_LEAKY: return x < 0.0 ? p * x : x;
    case A_HSIG: {
      double v = p * x + q;
      return CLAMP(v, 0.0, 1.0);
    }
    case A_HSWISH: {
      double v = x / 6.0 + 0.5;
      return x * CLAMP(v, 0.0, 1.0);
    }
    case A_ELU: return x < 0.0 ? p * expm1(x) : x;
    case A_SELU: return x > 0.0 ? q * x : q * (p * expm1(x));
    case A_SOFTPLUS: return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
    case A_EXP: return exp(x);
    case A_LOG: return log(x);
    case A_NEG: return -x;
    case A_ABS: return fabs(x);
    case A_RECIP: return 1.0 / x;
    case A_FLOOR: return floor(x);
    case A_CEIL: return ceil(x);
    case A_ROUND: return nearbyint(x);
    case A_CLIP: {
      double v = x < p ? p : x;
      return v > q ? q : v;
    }
  }
  return x;
}

/* Integer Neg, Abs and Clip on 64-bit two's complement values. */
static inline uint64_t int_act(const act_arg *A, bool sgn, uint64_t x) {
  switch (A->op) {
    case A_NEG: return 0u - x;
    case A_ABS: return sgn && ew_u2i(x) < 0 ? 0u - x : x;
    default: /* A_CLIP */
      if (sgn) {
        int64_t v = ew_u2i(x), lo = ew_u2i(A->ilo), hi = ew_u2i(A->ihi);
        if (v < lo) v = lo;
        if (v > hi) v = hi;
        return (uint64_t)v;
      } else {
        uint64_t v = x < A->ilo ? A->ilo : x;
        return v > A->ihi ? A->ihi : v;
      }
  }
}

static int act_row(const void *arg, void *out, const void *const *in,
                   const int64_t *st, int64_t n) {
  (void)st; /* one input of the output's shape: contiguous */
  const act_arg *A = arg;
  switch (A->t) {
    case OCTET_DTYPE_FLOAT32: {
      const float *x = in[0];
      float *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = f32_act(A, x[i]);
      return 0;
    }
    case OCTET_DTYPE_FLOAT64: {
      const double *x = in[0];
      double *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = f64_act(A, x[i]);
      return 0;
    }
    case OCTET_DTYPE_FLOAT16: {
      float b[EW_TILE];
      ew_load_f32(A->t, in[0], n, b);
      for (int64_t i = 0; i < n; i++) b[i] = f32_act(A, b[i]);
      ew_store_f32(A->t, out, n, b);
      return 0;
    }
    default: {
      if (A->op != A_NEG && A->op != A_ABS && A->op != A_CLIP)
        return EW_ERR_DTYPE;
      uint64_t b[EW_TILE];
      if (!ew_load_u64(A->t, in[0], n, b) || A->t == OCTET_DTYPE_BOOL)
        return EW_ERR_DTYPE;
      bool sgn = ew_is_signed(A->t);
      for (int64_t i = 0; i < n; i++) b[i] = int_act(A, sgn, b[i]);
      ew_store_u64(A->t, out, n, b);
      return 0;
    }
  }
}

static octet_status run_act(const act_arg *a, const octet_node *node,
                            const octet_tview *in, octet_tview *out,
                            const octet_kctx *ctx) {
  ew_iter it;
  ew_iter_init(&it, &out[0], in, 1);
  const void *p[1] = {in[0].data};
  return ew_flags_status(
      node, ew_iter_run(&it, out[0].data, p, act_row, a, ctx->threads));
}

static octet_status act_simple(act_op op, double p, double q,
                               const octet_node *node, const octet_tview *in,
                               octet_tview *out, const octet_kctx *ctx) {
  act_arg a = {.op = op, .t = in[0].dtype, .p = p, .q = q};
  return run_act(&a, node, in, out, ctx);
}

#define REF_ACT(name, op, p, q)                                               \
  octet_status octet_ref_##name(const octet_node *node, const octet_tview *in, \
                                int n_in, octet_tview *out, int n_out,        \
                                const octet_kctx *ctx) {                      \
    (void)n_in;                                                               \
    (void)n_out;                                                              \
    return act_simple(op, p, q, node, in, out, ctx);                          \
  }

REF_ACT(LeakyRelu, A_LEAKY, attr_float(node, "alpha", 0.01f), 0)
REF_ACT(HardSigmoid, A_HSIG, attr_float(node, "alpha", 0.2f),
        attr_float(node, "beta", 0.5f))
REF_ACT(HardSwish, A_HSWISH, 0, 0)
REF_ACT(Elu, A_ELU, attr_float(node, "alpha", 1.0f), 0)
REF_ACT(Selu, A_SELU, attr_float(node, "alpha", 1.67326319217681884765625f),
        attr_float(node, "gamma", 1.05070102214813232421875f))
REF_ACT(Softplus, A_SOFTPLUS, 0, 0)
REF_ACT(Exp, A_EXP, 0, 0)
REF_ACT(Log, A_LOG, 0, 0)
REF_ACT(Neg, A_NEG, 0, 0)
REF_ACT(Abs, A_ABS, 0, 0)
REF_ACT(Reciprocal, A_RECIP, 0, 0)
REF_ACT(Floor, A_FLOOR, 0, 0)
REF_ACT(Ceil, A_CEIL, 0, 0)
REF_ACT(Round, A_ROUND, 0, 0)

/* ---- Clip ---------------------------------------------------------------- */

/* The integer range of dtype t as two's complement bits. */
static void int_range(octet_dtype t, uint64_t *lo, uint64_t *hi) {
  switch (t) {
    case OCTET_DTYPE_INT8: *lo = (uint64_t)(int64_t)INT8_MIN; *hi = INT8_MAX; return;
    case OCTET_DTYPE_INT16: *lo = (uint64_t)(int64_t)INT16_MIN; *hi = INT16_MAX; return;
    case OCTET_DTYPE_INT32: *lo = (uint64_t)(int64_t)INT32_MIN; *hi = INT32_MAX; return;
    case OCTET_DTYPE_INT64: *lo = (uint64_t)INT64_MIN; *hi = INT64_MAX; return;
    case OCTET_DTYPE_UINT8: *lo = 0; *hi = UINT8_MAX; return;
    case OCTET_DTYPE_UINT16: *lo = 0; *hi = UINT16_MAX; return;
    case OCTET_DTYPE_UINT32: *lo = 0; *hi = UINT32_MAX; return;
    default: *lo = 0; *hi = UINT64_MAX; return;
  }
}

octet_status octet_ref_Clip(const octet_node *node, const octet_tview *in,
                            int n_in, octet_tview *out, int n_out,
                            const octet_kctx *ctx) {
  (void)n_out;
  octet_dtype t = in[0].dtype;
  act_arg a = {.op = A_CLIP, .t = t};
  const octet_tview *lo = n_in > 1 && tv_present(&in[1]) ? &in[1] : NULL;
  const octet_tview *hi = n_in > 2 && tv_present(&in[2]) ? &in[2] : NULL;
  if (node->opset < 11) { /* Clip-6: float attributes */
    a.p = attr_float(node, "min", -FLT_MAX);
    a.q = attr_float(node, "max", FLT_MAX);
  } else if (ew_is_float(t)) {
    a.p = lo ? tv_get_f64(lo, 0) : -INFINITY;
    a.q = hi ? tv_get_f64(hi, 0) : INFINITY;
  } else {
    int_range(t, &a.ilo, &a.ihi);
    if ((lo && !ew_load_u64(t, lo->data, 1, &a.ilo)) ||
        (hi && !ew_load_u64(t, hi->data, 1, &a.ihi)))
      return ew_flags_status(node, EW_ERR_DTYPE);
  }
  return run_act(&a, node, in, out, ctx);
}

/* ---- PRelu --------------------------------------------------------------- */

static int prelu_row(const void *arg, void *out, const void *const *in,
                     const int64_t *st, int64_t n) {
  octet_dtype t = *(const octet_dtype *)arg;
  int64_t ns = st[1] ? n : 1, ss = st[1];
  switch (t) {
    case OCTET_DTYPE_FLOAT32: {
      const float *x = in[0], *s = in[1];
      float *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = x[i] < 0.0f ? s[i * ss] * x[i] : x[i];
      return 0;
    }
    case OCTET_DTYPE_FLOAT64: {
      const double *x = in[0], *s = in[1];
      double *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = x[i] < 0.0 ? s[i * ss] * x[i] : x[i];
      return 0;
    }
    case OCTET_DTYPE_FLOAT16: {
      float x[EW_TILE], s[EW_TILE];
      ew_load_f32(t, in[0], n, x);
      ew_load_f32(t, in[1], ns, s);
      for (int64_t i = 0; i < n; i++) x[i] = x[i] < 0.0f ? s[i * ss] * x[i] : x[i];
      ew_store_f32(t, out, n, x);
      return 0;
    }
    default: {
      uint64_t x[EW_TILE], s[EW_TILE];
      if (!ew_load_u64(t, in[0], n, x) || !ew_load_u64(t, in[1], ns, s))
        return EW_ERR_DTYPE;
      if (ew_is_signed(t)) /* unsigned values are never negative */
        for (int64_t i = 0; i < n; i++)
          if (ew_u2i(x[i]) < 0) x[i] *= s[i * ss];
      ew_store_u64(t, out, n, x);
      return 0;
    }
  }
}

octet_status octet_ref_PRelu(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out,
                             const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  octet_dtype t = in[0].dtype;
  ew_iter it;
  ew_iter_init(&it, &out[0], in, 2);
  const void *p[2] = {in[0].data, in[1].data};
  return ew_flags_status(
      node, ew_iter_run(&it, out[0].data, p, prelu_row, &t, ctx->threads));
}
