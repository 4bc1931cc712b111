/* Reference kernels of the comparisons and logic ops of issue 16: Less,
 * LessOrEqual, Greater, GreaterOrEqual (any numeric dtype: floats compared
 * in their own type, float16 through float32, so NaN compares false;
 * integers signed or unsigned by dtype), And, Or, Xor and Not on bool
 * (any nonzero byte is true; outputs are 0 or 1). */
#include "backends/ref/elementwise.h"

typedef enum cmp_op { C_LT, C_LE, C_GT, C_GE, C_AND, C_OR, C_XOR } cmp_op;

typedef struct cmp_arg {
  cmp_op op;
  octet_dtype t;
} cmp_arg;

#define CMP(op, a, b)                               \
  ((op) == C_LT   ? (a) < (b)                       \
   : (op) == C_LE ? (a) <= (b)                      \
   : (op) == C_GT ? (a) > (b)                       \
                  : (a) >= (b))

static int cmp_row(const void *arg, void *out, const void *const *in,
                   const int64_t *st, int64_t n) {
  const cmp_arg *C = arg;
  int64_t sa = st[0], sb = st[1], na = sa ? n : 1, nb = sb ? n : 1;
  uint8_t *o = out;
  cmp_op op = C->op;
  if (op >= C_AND) {
    const uint8_t *a = in[0], *b = in[1];
    for (int64_t i = 0; i < n; i++) {
      bool x = a[i * sa] != 0, y = b[i * sb] != 0;
      o[i] = op == C_AND ? (x && y) : op == C_OR ? (x || y) : (x != y);
    }
    return 0;
  }
  switch (C->t) {
    case OCTET_DTYPE_FLOAT64: {
      const double *a = in[0], *b = in[1];
      for (int64_t i = 0; i < n; i++) o[i] = CMP(op, a[i * sa], b[i * sb]);
      return 0;
    }
    case OCTET_DTYPE_FLOAT32:
    case OCTET_DTYPE_FLOAT16: {
      float ab[EW_TILE], bb[EW_TILE];
      const float *a = in[0], *b = in[1];
      if (C->t == OCTET_DTYPE_FLOAT16) {
        ew_load_f32(C->t, in[0], na, ab);
        ew_load_f32(C->t, in[1], nb, bb);
        a = ab;
        b = bb;
      }
      for (int64_t i = 0; i < n; i++) o[i] = CMP(op, a[i * sa], b[i * sb]);
      return 0;
    }
    default: {
      uint64_t a[EW_TILE], b[EW_TILE];
      if (C->t == OCTET_DTYPE_BOOL || !ew_load_u64(C->t, in[0], na, a) ||
          !ew_load_u64(C->t, in[1], nb, b))
        return EW_ERR_DTYPE;
      if (ew_is_signed(C->t))
        for (int64_t i = 0; i < n; i++)
          o[i] = CMP(op, ew_u2i(a[i * sa]), ew_u2i(b[i * sb]));
      else
        for (int64_t i = 0; i < n; i++) o[i] = CMP(op, a[i * sa], b[i * sb]);
      return 0;
    }
  }
}

static octet_status run_cmp(cmp_op op, const octet_node *node,
                            const octet_tview *in, octet_tview *out,
                            const octet_kctx *ctx) {
  cmp_arg a = {op, in[0].dtype};
  ew_iter it;
  ew_iter_init(&it, &out[0], in, 2);
  const void *p[2] = {in[0].data, in[1].data};
  return ew_flags_status(
      node, ew_iter_run(&it, out[0].data, p, cmp_row, &a, ctx->threads));
}

#define REF_CMP(name, op)                                                     \
  octet_status octet_ref_##name(const octet_node *node, const octet_tview *in, \
                                int n_in, octet_tview *out, int n_out,        \
                                const octet_kctx *ctx) {                      \
    (void)n_in;                                                               \
    (void)n_out;                                                              \
    return run_cmp(op, node, in, out, ctx);                                   \
  }

REF_CMP(Less, C_LT)
REF_CMP(LessOrEqual, C_LE)
REF_CMP(Greater, C_GT)
REF_CMP(GreaterOrEqual, C_GE)
REF_CMP(And, C_AND)
REF_CMP(Or, C_OR)
REF_CMP(Xor, C_XOR)

octet_status octet_ref_Not(const octet_node *node, const octet_tview *in,
                           int n_in, octet_tview *out, int n_out,
                           const octet_kctx *ctx) {
  (void)node;
  (void)n_in;
  (void)n_out;
  (void)ctx;
  const uint8_t *x = in[0].data;
  uint8_t *y = out[0].data;
  int64_t n = tv_numel(&out[0]);
  for (int64_t i = 0; i < n; i++) y[i] = x[i] == 0;
  return OCTET_OK;
}
