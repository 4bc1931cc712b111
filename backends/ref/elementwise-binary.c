/* Elementwise reference kernels with two broadcast inputs: Add, Sub, Mul,
 * Div, Pow and Equal. float32 and float64 run in place; float16 is computed
 * in float32; integers are computed in 64-bit two's complement (wrapping
 * like the narrow type) and narrowed on store. */
#include <math.h>

#include "backends/ref/elementwise.h"

typedef enum arith_op { OP_ADD, OP_SUB, OP_MUL, OP_DIV } arith_op;

typedef struct arith_arg {
  arith_op op;
  octet_dtype t;
} arith_arg;

static inline float f32_op(arith_op op, float x, float y) {
  switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    default: return x / y;
  }
}

static inline double f64_op(arith_op op, double x, double y) {
  switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    default: return x / y;
  }
}

/* Wrapping add/sub/mul (division is int_div). */
static inline uint64_t u64_op(arith_op op, uint64_t x, uint64_t y) {
  switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    default: return x * y;
  }
}

/* Loops specialised on the steps (each 0 or 1), so same-shape, scalar and
 * row-broadcast cases become plain vectorizable loops once `op` is a
 * constant. */
static inline void f32_loop(arith_op op, float *o, const float *a, int64_t sa,
                            const float *b, int64_t sb, int64_t n) {
  if (sa && sb) {
    for (int64_t i = 0; i < n; i++) o[i] = f32_op(op, a[i], b[i]);
  } else if (sa) {
    const float y = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = f32_op(op, a[i], y);
  } else if (sb) {
    const float x = a[0];
    for (int64_t i = 0; i < n; i++) o[i] = f32_op(op, x, b[i]);
  } else {
    const float v = f32_op(op, a[0], b[0]);
    for (int64_t i = 0; i < n; i++) o[i] = v;
  }
}

static inline void f64_loop(arith_op op, double *o, const double *a,
                            int64_t sa, const double *b, int64_t sb,
                            int64_t n) {
  if (sa && sb) {
    for (int64_t i = 0; i < n; i++) o[i] = f64_op(op, a[i], b[i]);
  } else if (sa) {
    const double y = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = f64_op(op, a[i], y);
  } else if (sb) {
    const double x = a[0];
    for (int64_t i = 0; i < n; i++) o[i] = f64_op(op, x, b[i]);
  } else {
    const double v = f64_op(op, a[0], b[0]);
    for (int64_t i = 0; i < n; i++) o[i] = v;
  }
}

static inline void u64_loop(arith_op op, uint64_t *o, const uint64_t *a,
                            int64_t sa, const uint64_t *b, int64_t sb,
                            int64_t n) {
  for (int64_t i = 0; i < n; i++) o[i] = u64_op(op, a[i * sa], b[i * sb]);
}

static void f32_rows(arith_op op, float *o, const float *a, int64_t sa,
                     const float *b, int64_t sb, int64_t n) {
  switch (op) {
    case OP_ADD: f32_loop(OP_ADD, o, a, sa, b, sb, n); break;
    case OP_SUB: f32_loop(OP_SUB, o, a, sa, b, sb, n); break;
    case OP_MUL: f32_loop(OP_MUL, o, a, sa, b, sb, n); break;
    case OP_DIV: f32_loop(OP_DIV, o, a, sa, b, sb, n); break;
  }
}

static void f64_rows(arith_op op, double *o, const double *a, int64_t sa,
                     const double *b, int64_t sb, int64_t n) {
  switch (op) {
    case OP_ADD: f64_loop(OP_ADD, o, a, sa, b, sb, n); break;
    case OP_SUB: f64_loop(OP_SUB, o, a, sa, b, sb, n); break;
    case OP_MUL: f64_loop(OP_MUL, o, a, sa, b, sb, n); break;
    case OP_DIV: f64_loop(OP_DIV, o, a, sa, b, sb, n); break;
  }
}

static void u64_rows(arith_op op, uint64_t *o, const uint64_t *a, int64_t sa,
                     const uint64_t *b, int64_t sb, int64_t n) {
  switch (op) {
    case OP_ADD: u64_loop(OP_ADD, o, a, sa, b, sb, n); break;
    case OP_SUB: u64_loop(OP_SUB, o, a, sa, b, sb, n); break;
    default: u64_loop(OP_MUL, o, a, sa, b, sb, n); break;
  }
}

/* Integer division truncating toward zero; INT_MIN / -1 wraps to INT_MIN
 * (of the narrow type after the store). */
static int int_div(uint64_t *o, const uint64_t *a, int64_t sa,
                   const uint64_t *b, int64_t sb, int64_t n, bool sgn) {
  for (int64_t i = 0; i < n; i++) {
    uint64_t x = a[i * sa], y = b[i * sb];
    if (y == 0) return EW_ERR_DIV_ZERO;
    if (!sgn)
      o[i] = x / y;
    else if (ew_u2i(y) == -1)
      o[i] = 0u - x;
    else
      o[i] = (uint64_t)(ew_u2i(x) / ew_u2i(y));
  }
  return 0;
}

static int arith_row(const void *arg, void *out, const void *const *in,
                     const int64_t *st, int64_t n) {
  const arith_arg *A = arg;
  int64_t na = st[0] ? n : 1, nb = st[1] ? n : 1;
  switch (A->t) {
    case OCTET_DTYPE_FLOAT32:
      f32_rows(A->op, out, in[0], st[0], in[1], st[1], n);
      return 0;
    case OCTET_DTYPE_FLOAT64:
      f64_rows(A->op, out, in[0], st[0], in[1], st[1], n);
      return 0;
    case OCTET_DTYPE_FLOAT16: {
      float a[EW_TILE], b[EW_TILE], o[EW_TILE];
      ew_load_f32(A->t, in[0], na, a);
      ew_load_f32(A->t, in[1], nb, b);
      f32_rows(A->op, o, a, st[0], b, st[1], n);
      ew_store_f32(A->t, out, n, o);
      return 0;
    }
    default: {
      uint64_t a[EW_TILE], b[EW_TILE], o[EW_TILE];
      if (!ew_load_u64(A->t, in[0], na, a) || !ew_load_u64(A->t, in[1], nb, b))
        return EW_ERR_DTYPE;
      if (A->op == OP_DIV) {
        int f = int_div(o, a, st[0], b, st[1], n, ew_is_signed(A->t));
        if (f) return f;
      } else {
        u64_rows(A->op, o, a, st[0], b, st[1], n);
      }
      ew_store_u64(A->t, out, n, o);
      return 0;
    }
  }
}

static octet_status run_binary(const octet_node *node, const octet_tview *in,
                               octet_tview *out, ew_row_fn fn,
                               const void *arg, const octet_kctx *ctx) {
  ew_iter it;
  ew_iter_init(&it, &out[0], in, 2);
  const void *p[2] = {in[0].data, in[1].data};
  return ew_flags_status(
      node, ew_iter_run(&it, out[0].data, p, fn, arg, ctx->threads));
}

static octet_status run_arith(arith_op op, const octet_node *node,
                              const octet_tview *in, octet_tview *out,
                              const octet_kctx *ctx) {
  arith_arg a = {op, out[0].dtype};
  return run_binary(node, in, out, arith_row, &a, ctx);
}

octet_status octet_ref_Add(const octet_node *node, const octet_tview *in,
                           int n_in, octet_tview *out, int n_out,
                           const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return run_arith(OP_ADD, node, in, out, ctx);
}

octet_status octet_ref_Sub(const octet_node *node, const octet_tview *in,
                           int n_in, octet_tview *out, int n_out,
                           const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return run_arith(OP_SUB, node, in, out, ctx);
}

octet_status octet_ref_Mul(const octet_node *node, const octet_tview *in,
                           int n_in, octet_tview *out, int n_out,
                           const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return run_arith(OP_MUL, node, in, out, ctx);
}

octet_status octet_ref_Div(const octet_node *node, const octet_tview *in,
                           int n_in, octet_tview *out, int n_out,
                           const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return run_arith(OP_DIV, node, in, out, ctx);
}

/* ---- Pow ----------------------------------------------------------------- */

typedef struct pow_arg {
  octet_dtype bt, et; /* base (= output) and exponent dtypes */
} pow_arg;

static void pow_f32(float *o, const float *a, int64_t sa, const float *b,
                    int64_t sb, int64_t n) {
  if (sb == 0 && b[0] == 2.0f)
    for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] * a[i * sa];
  else
    for (int64_t i = 0; i < n; i++) o[i] = powf(a[i * sa], b[i * sb]);
}

static void pow_f64(double *o, const double *a, int64_t sa, const double *b,
                    int64_t sb, int64_t n) {
  for (int64_t i = 0; i < n; i++) o[i] = pow(a[i * sa], b[i * sb]);
}

/* base^e by squaring, wrapping; `neg` when e is a negative signed value:
 * then 1 and -1 keep their exact powers, 0 is an error, others give 0. */
static int ipow(uint64_t base, uint64_t e, bool neg, uint64_t *out) {
  int64_t x = ew_u2i(base);
  if (neg) {
    if (x == 0) return EW_ERR_DIV_ZERO;
    if (x == 1) *out = 1;
    else if (x == -1) *out = (e & 1u) ? (uint64_t)0 - 1u : 1u;
    else *out = 0;
    return 0;
  }
  uint64_t r = 1;
  while (e) {
    if (e & 1u) r *= base;
    base *= base;
    e >>= 1;
  }
  *out = r;
  return 0;
}

static int pow_row(const void *arg, void *out, const void *const *in,
                   const int64_t *st, int64_t n) {
  const pow_arg *P = arg;
  int64_t na = st[0] ? n : 1, nb = st[1] ? n : 1;
  if (P->bt == OCTET_DTYPE_FLOAT32 || P->bt == OCTET_DTYPE_FLOAT16) {
    float a[EW_TILE], b[EW_TILE], o[EW_TILE];
    const float *pa = in[0], *pb = in[1];
    bool f32 = P->bt == OCTET_DTYPE_FLOAT32;
    if (!f32) {
      ew_load_f32(P->bt, in[0], na, a);
      pa = a;
    }
    if (P->et != OCTET_DTYPE_FLOAT32) {
      ew_load_f32(P->et, in[1], nb, b);
      pb = b;
    }
    pow_f32(f32 ? out : o, pa, st[0], pb, st[1], n);
    if (!f32) ew_store_f32(P->bt, out, n, o);
    return 0;
  }
  if (P->bt == OCTET_DTYPE_FLOAT64) {
    double b[EW_TILE];
    const double *pb = in[1];
    if (P->et != OCTET_DTYPE_FLOAT64) {
      ew_load_f64(P->et, in[1], nb, b);
      pb = b;
    }
    pow_f64(out, in[0], st[0], pb, st[1], n);
    return 0;
  }
  uint64_t a[EW_TILE], o[EW_TILE];
  if (!ew_load_u64(P->bt, in[0], na, a)) return EW_ERR_DTYPE;
  if (ew_is_float(P->et)) {
    /* Integer base, float exponent (Pow-15): computed in double, then
     * truncated and saturated like Cast. */
    double e[EW_TILE];
    ew_load_f64(P->et, in[1], nb, e);
    for (int64_t i = 0; i < n; i++)
      o[i] = ew_f64_to_int(
          pow((double)ew_u2i(a[i * st[0]]), e[i * st[1]]), P->bt);
  } else {
    uint64_t e[EW_TILE];
    if (!ew_load_u64(P->et, in[1], nb, e)) return EW_ERR_DTYPE;
    bool esgn = ew_is_signed(P->et);
    for (int64_t i = 0; i < n; i++) {
      uint64_t ei = e[i * st[1]];
      int f = ipow(a[i * st[0]], ei, esgn && ew_u2i(ei) < 0, &o[i]);
      if (f) return f;
    }
  }
  ew_store_u64(P->bt, out, n, o);
  return 0;
}

octet_status octet_ref_Pow(const octet_node *node, const octet_tview *in,
                           int n_in, octet_tview *out, int n_out,
                           const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  pow_arg a = {in[0].dtype, in[1].dtype};
  return run_binary(node, in, out, pow_row, &a, ctx);
}

/* ---- Equal --------------------------------------------------------------- */

static int equal_row(const void *arg, void *out, const void *const *in,
                     const int64_t *st, int64_t n) {
  octet_dtype t = *(const octet_dtype *)arg;
  int64_t na = st[0] ? n : 1, nb = st[1] ? n : 1, sa = st[0], sb = st[1];
  uint8_t *o = out;
  if (t == OCTET_DTYPE_FLOAT64) {
    const double *a = in[0], *b = in[1];
    for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] == b[i * sb];
  } else if (t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16) {
    float ab[EW_TILE], bb[EW_TILE];
    const float *a = in[0], *b = in[1];
    if (t == OCTET_DTYPE_FLOAT16) {
      ew_load_f32(t, in[0], na, ab);
      ew_load_f32(t, in[1], nb, bb);
      a = ab;
      b = bb;
    }
    for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] == b[i * sb];
  } else {
    uint64_t a[EW_TILE], b[EW_TILE];
    if (!ew_load_u64(t, in[0], na, a) || !ew_load_u64(t, in[1], nb, b))
      return EW_ERR_DTYPE;
    for (int64_t i = 0; i < n; i++) o[i] = a[i * sa] == b[i * sb];
  }
  return 0;
}

octet_status octet_ref_Equal(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out,
                             const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  octet_dtype t = in[0].dtype;
  return run_binary(node, in, out, equal_row, &t, ctx);
}
