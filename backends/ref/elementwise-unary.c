/* Elementwise reference kernels with one input: Sqrt, Erf, Tanh, Relu,
 * Sigmoid and Gelu. float32 uses the portable approximations of
 * core/vmath.h (which the x86 vector kernels reproduce bit for bit);
 * float16 is computed in float32 the same way; float64 uses libm. */
#include <math.h>
#include <string.h>

#include "core/vmath.h"
#include "backends/ref/elementwise.h"

typedef enum unary_op {
  U_SQRT,
  U_ERF,
  U_TANH,
  U_RELU,
  U_SIGMOID,
  U_GELU,      /* 0.5 x (1 + erf(x / sqrt 2)) */
  U_GELU_TANH, /* 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
} unary_op;

typedef struct unary_arg {
  unary_op op;
  octet_dtype t;
} unary_arg;

#define EW_SQRT1_2 0.70710678118654752440
#define EW_SQRT_2_PI 0.79788456080286535588

static inline float f32_un(unary_op op, float x) {
  switch (op) {
    case U_SQRT: return sqrtf(x);
    case U_ERF: return vm_erf(x);
    case U_TANH: return vm_tanh(x);
    case U_RELU: return vm_relu(x); /* -0 and NaN stay */
    case U_SIGMOID: return vm_sigmoid(x);
    case U_GELU: return vm_gelu(x);
    default: return vm_gelu_tanh(x);
  }
}

static inline double f64_un(unary_op op, double x) {
  switch (op) {
    case U_SQRT: return sqrt(x);
    case U_ERF: return erf(x);
    case U_TANH: return tanh(x);
    case U_RELU: return x < 0.0 ? 0.0 : x;
    case U_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case U_GELU: return 0.5 * x * (1.0 + erf(x * EW_SQRT1_2));
    default: {
      double u = EW_SQRT_2_PI * (x + 0.044715 * x * x * x);
      return 0.5 * x * (1.0 + tanh(u));
    }
  }
}

/* o may equal a (the float16 path works in place). */
static inline void f32_loop(unary_op op, float *o, const float *a,
                            int64_t n) {
  for (int64_t i = 0; i < n; i++) o[i] = f32_un(op, a[i]);
}

static inline void f64_loop(unary_op op, double *o, const double *a,
                            int64_t n) {
  for (int64_t i = 0; i < n; i++) o[i] = f64_un(op, a[i]);
}

static void f32_rows(unary_op op, float *o, const float *a, int64_t n) {
  switch (op) {
    case U_SQRT: f32_loop(U_SQRT, o, a, n); break;
    case U_ERF: f32_loop(U_ERF, o, a, n); break;
    case U_TANH: f32_loop(U_TANH, o, a, n); break;
    case U_RELU: f32_loop(U_RELU, o, a, n); break;
    case U_SIGMOID: f32_loop(U_SIGMOID, o, a, n); break;
    case U_GELU: f32_loop(U_GELU, o, a, n); break;
    case U_GELU_TANH: f32_loop(U_GELU_TANH, o, a, n); break;
  }
}

static void f64_rows(unary_op op, double *o, const double *a, int64_t n) {
  switch (op) {
    case U_SQRT: f64_loop(U_SQRT, o, a, n); break;
    case U_ERF: f64_loop(U_ERF, o, a, n); break;
    case U_TANH: f64_loop(U_TANH, o, a, n); break;
    case U_RELU: f64_loop(U_RELU, o, a, n); break;
    case U_SIGMOID: f64_loop(U_SIGMOID, o, a, n); break;
    case U_GELU: f64_loop(U_GELU, o, a, n); break;
    case U_GELU_TANH: f64_loop(U_GELU_TANH, o, a, n); break;
  }
}

static int unary_row(const void *arg, void *out, const void *const *in,
                     const int64_t *st, int64_t n) {
  (void)st; /* same shape: always contiguous */
  const unary_arg *U = arg;
  switch (U->t) {
    case OCTET_DTYPE_FLOAT32:
      f32_rows(U->op, out, in[0], n);
      return 0;
    case OCTET_DTYPE_FLOAT64:
      f64_rows(U->op, out, in[0], n);
      return 0;
    case OCTET_DTYPE_FLOAT16: {
      float buf[EW_TILE];
      ew_load_f32(U->t, in[0], n, buf);
      f32_rows(U->op, buf, buf, n);
      ew_store_f32(U->t, out, n, buf);
      return 0;
    }
    default:
      break;
  }
  if (U->op != U_RELU) return EW_ERR_DTYPE;
  switch (U->t) { /* Relu on signed integers */
    case OCTET_DTYPE_INT8: {
      const int8_t *a = in[0];
      int8_t *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = a[i] < 0 ? 0 : a[i];
      return 0;
    }
    case OCTET_DTYPE_INT16: {
      const int16_t *a = in[0];
      int16_t *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = a[i] < 0 ? 0 : a[i];
      return 0;
    }
    case OCTET_DTYPE_INT32: {
      const int32_t *a = in[0];
      int32_t *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = a[i] < 0 ? 0 : a[i];
      return 0;
    }
    case OCTET_DTYPE_INT64: {
      const int64_t *a = in[0];
      int64_t *o = out;
      for (int64_t i = 0; i < n; i++) o[i] = a[i] < 0 ? 0 : a[i];
      return 0;
    }
    default:
      return EW_ERR_DTYPE;
  }
}

static octet_status run_unary(unary_op op, const octet_node *node,
                              const octet_tview *in, octet_tview *out,
                              const octet_kctx *ctx) {
  unary_arg a = {op, in[0].dtype};
  ew_iter it;
  ew_iter_init(&it, &out[0], in, 1);
  const void *p[1] = {in[0].data};
  return ew_flags_status(
      node, ew_iter_run(&it, out[0].data, p, unary_row, &a, ctx->threads));
}

octet_status octet_ref_Sqrt(const octet_node *node, const octet_tview *in,
                            int n_in, octet_tview *out, int n_out,
                            const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return run_unary(U_SQRT, node, in, out, ctx);
}

octet_status octet_ref_Erf(const octet_node *node, const octet_tview *in,
                           int n_in, octet_tview *out, int n_out,
                           const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return run_unary(U_ERF, node, in, out, ctx);
}

octet_status octet_ref_Tanh(const octet_node *node, const octet_tview *in,
                            int n_in, octet_tview *out, int n_out,
                            const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return run_unary(U_TANH, node, in, out, ctx);
}

octet_status octet_ref_Relu(const octet_node *node, const octet_tview *in,
                            int n_in, octet_tview *out, int n_out,
                            const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return run_unary(U_RELU, node, in, out, ctx);
}

octet_status octet_ref_Sigmoid(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out,
                               const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  return run_unary(U_SIGMOID, node, in, out, ctx);
}

octet_status octet_ref_Gelu(const octet_node *node, const octet_tview *in,
                            int n_in, octet_tview *out, int n_out,
                            const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  const char *mode = attr_string(node, "approximate", "none");
  unary_op op = strcmp(mode, "tanh") == 0 ? U_GELU_TANH : U_GELU;
  return run_unary(op, node, in, out, ctx);
}
