/* The vectorised non-GEMM kernels of a backend (x86: backends/x86/vec-*,
 * arm: backends/arm/vec-*-neon.c) against the ref kernels: every op x
 * dtype x kernel level over the target's row lengths, 1 and 2 threads.
 * float32 and float16 results must be bit-identical to the ref (memcmp;
 * float16 is specified within 1 ulp but the kernels round exactly like the
 * ref). Levels the CPU lacks are skipped. Also the accuracy of
 * core/vmath.h against libm, and the selector's declines. Shared by
 * tests/x86/test-vec-ops.c and tests/arm/test-vec-ops-arm.c. */
#include "vec-ops-check.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vmath.h"

#define F32 OCTET_DTYPE_FLOAT32
#define F16 OCTET_DTYPE_FLOAT16

static const vec_target *g_t; /* set by vec_ops_run */
#define N_LENS (g_t->n_lens)
#define k_lens (g_t->lens)

long vec_runs; /* kernel runs compared with the ref */

/* ---- data ---------------------------------------------------------------- */

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;

static float urand(void) { /* [0, 1) */
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return (float)(g_rng >> 40) * (1.0f / 16777216.0f);
}

/* Values in [-scale, scale]; with `specials`, about 1 in 16 is an edge
 * value (zeros, infinities, NaN, saturation and piece boundaries). */
static void fill(float *x, int64_t n, float scale, bool specials) {
  static const float sp[] = {0.0f,        -0.0f,    INFINITY, -INFINITY, NAN,
                             1e-30f,      -3e-40f,  0.5f,     -1.0f,     3.999f,
                             4.0f,        -4.5f,    0.625f,   -0.62499f, 9.1f,
                             -88.8f,      89.5f,    -104.5f,  200.0f,    -1e30f,
                             0.70710678f, 65504.0f, -65520.0f};
  for (int64_t i = 0; i < n; i++) {
    float u = urand();
    if (specials && u < 1.0f / 16)
      x[i] = sp[(int)(urand() * (float)(sizeof sp / sizeof sp[0]))];
    else
      x[i] = (2.0f * urand() - 1.0f) * scale;
  }
}

/* Adds an input of `dt` holding the float values x (rounded to half for
 * float16). */
static void add_input(op_case *c, octet_dtype dt, int rank, const int64_t *dims,
                      const float *x) {
  octet_tview t = {.rank = rank};
  for (int d = 0; d < rank; d++) t.dims[d] = dims[d];
  int64_t n = tv_numel(&t);
  if (dt == F32) {
    oc_input(c, dt, rank, dims, x);
    return;
  }
  uint16_t *h = malloc(sizeof(uint16_t) * (size_t)(n ? n : 1));
  for (int64_t i = 0; i < n; i++) h[i] = octet_fp32_to_fp16(x[i]);
  oc_input(c, dt, rank, dims, h);
  free(h);
}

static void add_random(op_case *c, octet_dtype dt, int rank,
                       const int64_t *dims, float scale, bool specials) {
  octet_tview t = {.rank = rank};
  for (int d = 0; d < rank; d++) t.dims[d] = dims[d];
  int64_t n = tv_numel(&t);
  float *x = malloc(sizeof(float) * (size_t)(n ? n : 1));
  fill(x, n, scale, specials);
  add_input(c, dt, rank, dims, x);
  free(x);
}

/* ---- comparison ---------------------------------------------------------- */

static void report_diff(const op_case *c, const void *got, const char *name,
                        int threads) {
  const octet_tview *r = &c->out[0];
  int64_t n = tv_numel(r);
  for (int64_t i = 0; i < n; i++) {
    uint32_t a, b;
    if (r->dtype == F32) {
      a = vm_bits(((const float *)r->data)[i]);
      b = vm_bits(((const float *)got)[i]);
    } else {
      a = ((const uint16_t *)r->data)[i];
      b = ((const uint16_t *)got)[i];
    }
    if (a != b)
      ck_abort_msg(
          "%s (%d threads): element %lld of %lld is 0x%08x, ref 0x%08x", name,
          threads, (long long)i, (long long)n, b, a);
  }
}

/* Runs the ref (oc_run with n_out outputs), then the target's kernel at
 * every level the CPU supports with 1 and 2 threads, and requires identical
 * bytes. */
static void check_case(op_case *c, int n_out) {
  ck_assert_int_eq(oc_run(c, n_out), OCTET_OK);
  size_t nb = tv_nbytes(&c->out[0]);
  for (size_t k = 0; k < g_t->n_isas; k++) {
    octet_isa isa = g_t->isas[k];
    if (!octet_isa_supported(isa)) continue;
    const char *name = NULL;
    octet_kernel_fn fn =
        g_t->select(&c->node, c->in, c->n_in, c->out, c->n_out, isa, &name);
    ck_assert_msg(fn != NULL, "%s: no kernel at %s", c->node.op_type,
                  octet_isa_name(isa));
    ck_assert_ptr_nonnull(name);
    for (int threads = 1; threads <= 2; threads++) {
      octet_tview o[8];
      memcpy(o, c->out, sizeof o);
      o[0].data = malloc(nb ? nb : 1);
      memset(o[0].data, 0xa5, nb);
      octet_kctx ctx = {.threads = threads};
      ck_assert_int_eq(fn(&c->node, c->in, c->n_in, o, c->n_out, &ctx),
                       OCTET_OK);
      if (memcmp(o[0].data, c->out[0].data, nb) != 0)
        report_diff(c, o[0].data, name, threads);
      free(o[0].data);
      vec_runs++;
    }
  }
}

void vec_expect_decline(op_case *c, int n_out) {
  ck_assert_int_eq(oc_run(c, n_out), OCTET_OK);
  for (size_t k = 0; k < g_t->n_isas; k++) {
    const char *name = "unset";
    ck_assert_ptr_null(g_t->select(&c->node, c->in, c->n_in, c->out, c->n_out,
                                   g_t->isas[k], &name));
    ck_assert_ptr_null(name);
  }
  oc_free(c);
}

void vec_expect_common_declines(void) {
  op_case c;
  oc_init(&c, "Relu", 14); /* float64: declined */
  oc_input(&c, OCTET_DTYPE_FLOAT64, 1, (int64_t[]){2}, (double[]){1, -1});
  vec_expect_decline(&c, 1);
  oc_init(&c, "Sqrt", 13); /* not a vec op */
  oc_input(&c, F32, 1, (int64_t[]){2}, (float[]){1, 4});
  vec_expect_decline(&c, 1);
  oc_init(&c, "Gelu", 20); /* unknown approximation */
  oc_attr_string(&c, "approximate", "fast");
  oc_input(&c, F32, 1, (int64_t[]){2}, (float[]){1, 4});
  c.out[0] = c.in[0];
  for (size_t k = 0; k < g_t->n_isas; k++)
    ck_assert_ptr_null(g_t->select(&c.node, c.in, c.n_in, c.out, 1, g_t->isas[k], NULL));
  oc_free(&c);
}

static const octet_dtype k_dtypes[] = {F32, F16};

/* ---- vmath accuracy against libm ----------------------------------------- */

START_TEST(vmath_accuracy) {
  double mexp = 0, merf = 0, mtanh = 0;
  /* every 509th bit pattern: ~8.4M floats of both signs, all exponents */
  for (uint64_t b = 0; b < (1ull << 32); b += 509) {
    float x = vm_float((uint32_t)b);
    if (isnan(x)) continue;
    float e = vm_exp(x), le = expf(x);
    if (isinf(le)) {
      ck_assert_msg(isinf(e), "exp(%a) = %a, want inf", x, e);
    } else if (le >= FLT_MIN) {
      ck_assert_msg(e >= FLT_MIN, "exp(%a) = %a flushed", x, e);
      if (fabs((double)e - le) / le > mexp) mexp = fabs((double)e - le) / le;
    } else { /* results below FLT_MIN are flushed to +0 */
      ck_assert_msg(e == 0.0f && !signbit(e), "exp(%a) = %a, want 0", x, e);
    }
    double d = fabs((double)vm_erf(x) - erff(x));
    if (d > merf) merf = d;
    d = fabs((double)vm_tanh(x) - tanhf(x));
    if (d > mtanh) mtanh = d;
  }
  ck_assert_msg(mexp <= 3e-7, "exp relative error %g", mexp);
  ck_assert_msg(merf <= 2e-7, "erf absolute error %g", merf);
  ck_assert_msg(mtanh <= 2e-7, "tanh absolute error %g", mtanh);
  printf("vmath vs libm: exp rel %.3g, erf abs %.3g, tanh abs %.3g\n", mexp,
         merf, mtanh);
}
END_TEST

START_TEST(vmath_specials) {
  ck_assert(vm_exp(INFINITY) == INFINITY);
  ck_assert(vm_exp(-INFINITY) == 0.0f);
  ck_assert(vm_exp(0.0f) == 1.0f);
  ck_assert(vm_exp(88.8f) == INFINITY);
  ck_assert(vm_exp(-104.0f) == 0.0f);
  ck_assert(vm_exp(-87.3365f) >= FLT_MIN);
  ck_assert(vm_exp(-87.3366f) == 0.0f); /* would be subnormal */
  ck_assert(isnan(vm_exp(NAN)) && isnan(vm_erf(NAN)) && isnan(vm_tanh(NAN)));
  ck_assert(vm_erf(INFINITY) == 1.0f && vm_erf(-INFINITY) == -1.0f);
  ck_assert(vm_erf(10.0f) == 1.0f && vm_erf(-4.0f) == -1.0f);
  ck_assert(vm_tanh(INFINITY) == 1.0f && vm_tanh(-INFINITY) == -1.0f);
  ck_assert(vm_tanh(20.0f) == 1.0f && vm_tanh(-50.0f) == -1.0f);
  ck_assert(signbit(vm_erf(-0.0f)) && vm_erf(-0.0f) == 0.0f);
  ck_assert(signbit(vm_tanh(-0.0f)) && vm_tanh(-0.0f) == 0.0f);
  ck_assert(vm_erf(1e-30f) / 1e-30f > 1.1283791f &&
            vm_erf(1e-30f) / 1e-30f < 1.1283793f);
  ck_assert(vm_tanh(1e-20f) == 1e-20f);
  ck_assert(vm_sigmoid(-INFINITY) == 0.0f && vm_sigmoid(INFINITY) == 1.0f);
  ck_assert(vm_sigmoid(0.0f) == 0.5f);
  ck_assert(vm_gelu(-INFINITY) == 0.0f || isnan(vm_gelu(-INFINITY)));
  ck_assert(vm_gelu(10.0f) == 10.0f && vm_gelu_tanh(10.0f) == 10.0f);
  ck_assert(signbit(vm_relu(-0.0f)) && isnan(vm_relu(NAN)));
  ck_assert(vm_relu(-2.0f) == 0.0f && !signbit(vm_relu(-2.0f)));
}
END_TEST

/* ---- Softmax ------------------------------------------------------------- */

START_TEST(softmax_rows) {
  for (size_t d = 0; d < 2; d++)
    for (size_t l = 0; l < N_LENS; l++) {
      op_case c;
      oc_init(&c, "Softmax", 13);
      add_random(&c, k_dtypes[d], 2, (int64_t[]){3, k_lens[l]}, 8.0f, false);
      check_case(&c, 1);
      oc_free(&c);
    }
}
END_TEST

START_TEST(softmax_shapes) {
  for (size_t d = 0; d < 2; d++) {
    octet_dtype dt = k_dtypes[d];
    op_case c;
    oc_init(&c, "Softmax", 13); /* attention scores, threaded */
    add_random(&c, dt, 4, (int64_t[]){2, 12, 17, 384}, 20.0f, false);
    check_case(&c, 1);
    oc_free(&c);
    oc_init(&c, "Softmax", 13); /* rows longer than the f16 e buffer */
    add_random(&c, dt, 2, (int64_t[]){2, 5003}, 8.0f, false);
    check_case(&c, 1);
    oc_free(&c);
    oc_init(&c, "Softmax", 13); /* attention masks: -1e4 and -inf */
    float *mk = malloc(sizeof(float) * 8 * 128);
    fill(mk, 8 * 128, 4.0f, false);
    for (int i = 0; i < 8 * 128; i++)
      if (i % 128 >= 100) mk[i] = i % 2 ? -10000.0f : -INFINITY;
    add_input(&c, dt, 2, (int64_t[]){8, 128}, mk);
    free(mk);
    check_case(&c, 1);
    oc_free(&c);
    oc_init(&c, "Softmax", 11); /* opset 11: flattened from axis 1 */
    add_random(&c, dt, 3, (int64_t[]){2, 3, 11}, 5.0f, false);
    check_case(&c, 1);
    oc_free(&c);
    oc_init(&c, "Softmax", 13); /* axis 1 followed by a size-1 dim */
    oc_attr_int(&c, "axis", 1);
    add_random(&c, dt, 3, (int64_t[]){4, 33, 1}, 5.0f, false);
    check_case(&c, 1);
    oc_free(&c);
    oc_init(&c, "Softmax", 13); /* edge values: inf, NaN, huge ranges */
    add_random(&c, dt, 2, (int64_t[]){40, 33}, 100.0f, true);
    check_case(&c, 1);
    oc_free(&c);
    float ninf[17];
    for (int i = 0; i < 17; i++) ninf[i] = -INFINITY;
    oc_init(&c, "Softmax", 13); /* a row of -inf gives NaN everywhere */
    add_input(&c, dt, 2, (int64_t[]){1, 17}, ninf);
    check_case(&c, 1);
    oc_free(&c);
    oc_init(&c, "Softmax", 13); /* axis 0: not contiguous, declined */
    oc_attr_int(&c, "axis", 0);
    add_random(&c, dt, 2, (int64_t[]){4, 16}, 1.0f, false);
    vec_expect_decline(&c, 1);
  }
}
END_TEST

/* ---- LayerNormalization -------------------------------------------------- */

static void ln_case(octet_dtype dt, int rank, const int64_t *dims, int axis,
                    bool bias, float offset, bool specials) {
  op_case c;
  oc_init(&c, "LayerNormalization", 17);
  oc_attr_int(&c, "axis", axis);
  octet_tview t = {.rank = rank};
  for (int d = 0; d < rank; d++) t.dims[d] = dims[d];
  int64_t total = tv_numel(&t);
  float *x = malloc(sizeof(float) * (size_t)total);
  fill(x, total, 3.0f, specials);
  for (int64_t i = 0; i < total; i++) x[i] += offset;
  add_input(&c, dt, rank, dims, x);
  free(x);
  int prank = rank - (axis < 0 ? rank + axis : axis);
  add_random(&c, dt, prank, dims + (rank - prank), 2.0f, false);
  if (bias) add_random(&c, dt, prank, dims + (rank - prank), 1.0f, false);
  check_case(&c, 1);
  oc_free(&c);
}

START_TEST(layernorm_rows) {
  for (size_t d = 0; d < 2; d++)
    for (size_t l = 0; l < N_LENS; l++)
      for (int b = 0; b < 2; b++)
        ln_case(k_dtypes[d], 2, (int64_t[]){5, k_lens[l]}, -1, b,
                b ? 10.0f : 0.0f, false);
}
END_TEST

START_TEST(layernorm_shapes) {
  for (size_t d = 0; d < 2; d++) {
    octet_dtype dt = k_dtypes[d];
    ln_case(dt, 3, (int64_t[]){4, 128, 384}, -1, true, 0.5f, false); /* 2T */
    ln_case(dt, 3, (int64_t[]){2, 3, 17}, -2, true, 0.0f, false);
    ln_case(dt, 2, (int64_t[]){3, 1}, 1, true, 0.0f, false); /* var 0 */
    ln_case(dt, 2, (int64_t[]){64, 7}, 1, true, 0.0f, true); /* inf, NaN */
    ln_case(dt, 2, (int64_t[]){64, 33}, 1, false, 0.0f, true);
    op_case c;
    oc_init(&c, "LayerNormalization", 17); /* epsilon attribute */
    oc_attr_float(&c, "epsilon", 0.25f);
    add_random(&c, dt, 2, (int64_t[]){3, 40}, 1.0f, false);
    add_random(&c, dt, 1, (int64_t[]){40}, 1.0f, false);
    check_case(&c, 1);
    oc_free(&c);
    oc_init(&c, "LayerNormalization", 17); /* broadcast scale: declined */
    add_random(&c, dt, 2, (int64_t[]){3, 40}, 1.0f, false);
    add_random(&c, dt, 1, (int64_t[]){1}, 1.0f, false);
    vec_expect_decline(&c, 1);
    oc_init(&c, "LayerNormalization", 17); /* Mean/InvStdDev: declined */
    add_random(&c, dt, 2, (int64_t[]){3, 40}, 1.0f, false);
    add_random(&c, dt, 1, (int64_t[]){40}, 1.0f, false);
    vec_expect_decline(&c, 3);
  }
}
END_TEST

/* ---- unary --------------------------------------------------------------- */

static void unary_case(const char *op, const char *gelu_mode, octet_dtype dt,
                       int rank, const int64_t *dims, float scale,
                       bool specials) {
  op_case c;
  oc_init(&c, op, 20);
  if (gelu_mode) oc_attr_string(&c, "approximate", gelu_mode);
  add_random(&c, dt, rank, dims, scale, specials);
  check_case(&c, 1);
  oc_free(&c);
}

START_TEST(unary_ops) {
  static const struct {
    const char *op, *mode;
  } ops[] = {{"Erf", NULL},  {"Tanh", NULL},   {"Sigmoid", NULL},
             {"Gelu", NULL}, {"Gelu", "none"}, {"Gelu", "tanh"},
             {"Relu", NULL}};
  for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
    for (size_t d = 0; d < 2; d++) {
      for (size_t l = 0; l < N_LENS; l++)
        unary_case(ops[o].op, ops[o].mode, k_dtypes[d], 2,
                   (int64_t[]){3, k_lens[l]}, 6.0f, true);
      /* threaded, and the whole range of interesting magnitudes */
      unary_case(ops[o].op, ops[o].mode, k_dtypes[d], 2, (int64_t[]){64, 1536},
                 12.0f, true);
      unary_case(ops[o].op, ops[o].mode, k_dtypes[d], 0, NULL, 1.0f, false);
    }
}
END_TEST

/* Every 1021st float32 bit pattern (4.2M values: all exponents, subnormals,
 * infinities, NaNs) through each activation. */
START_TEST(unary_sweep) {
  static const struct {
    const char *op, *mode;
  } ops[] = {{"Erf", NULL},    {"Tanh", NULL},   {"Sigmoid", NULL},
             {"Gelu", "none"}, {"Gelu", "tanh"}, {"Relu", NULL}};
  enum { STEP = 1021 };
  int64_t n = (int64_t)((1ull << 32) / STEP);
  float *x = malloc(sizeof(float) * (size_t)n);
  for (int64_t i = 0; i < n; i++) x[i] = vm_float((uint32_t)(i * STEP));
  for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
    op_case c;
    oc_init(&c, ops[o].op, 20);
    if (ops[o].mode) oc_attr_string(&c, "approximate", ops[o].mode);
    oc_input(&c, F32, 1, &n, x);
    check_case(&c, 1);
    oc_free(&c);
  }
  free(x);
}
END_TEST

/* ---- binary -------------------------------------------------------------- */

/* NaN and other edge values only in A, so no lane has two NaN operands
 * (whose payload choice C leaves open). */
static void binary_case(const char *op, octet_dtype dt, int ra,
                        const int64_t *da, int rb, const int64_t *db) {
  op_case c;
  oc_init(&c, op, 14);
  add_random(&c, dt, ra, da, 5.0f, true);
  add_random(&c, dt, rb, db, 5.0f, false);
  check_case(&c, 1);
  oc_free(&c);
}

START_TEST(binary_ops) {
  static const char *ops[] = {"Add", "Sub", "Mul", "Div"};
  for (size_t o = 0; o < 4; o++)
    for (size_t d = 0; d < 2; d++) {
      octet_dtype dt = k_dtypes[d];
      for (size_t l = 0; l < N_LENS; l++) {
        int64_t n = k_lens[l];
        const int64_t full[2] = {3, n}, row[1] = {n}, row2[2] = {1, n};
        const int64_t one[1] = {1};
        binary_case(ops[o], dt, 2, full, 2, full); /* same shape */
        binary_case(ops[o], dt, 2, full, 0, NULL); /* scalar B */
        binary_case(ops[o], dt, 1, one, 2, full);  /* scalar A */
        binary_case(ops[o], dt, 2, full, 1, row);  /* row B */
        binary_case(ops[o], dt, 2, row2, 2, full); /* row A */
      }
      /* threaded */
      binary_case(ops[o], dt, 3, (int64_t[]){4, 64, 384}, 3,
                  (int64_t[]){4, 64, 384});
      binary_case(ops[o], dt, 3, (int64_t[]){4, 64, 384}, 1, (int64_t[]){384});
      binary_case(ops[o], dt, 0, NULL, 3, (int64_t[]){4, 64, 384});
      /* [G, 1, N] rows: an attention mask [B, 1, 1, S] and its mirror */
      binary_case(ops[o], dt, 4, (int64_t[]){2, 3, 5, 33}, 4,
                  (int64_t[]){2, 1, 1, 33});
      binary_case(ops[o], dt, 3, (int64_t[]){2, 1, 17}, 3,
                  (int64_t[]){2, 4, 17});
      binary_case(ops[o], dt, 4, (int64_t[]){4, 12, 64, 128}, 4,
                  (int64_t[]){4, 1, 1, 128});
      /* positions [1, S, H] against [B, S, H]; one long row, threaded */
      binary_case(ops[o], dt, 3, (int64_t[]){3, 5, 4}, 3, (int64_t[]){1, 5, 4});
      binary_case(ops[o], dt, 3, (int64_t[]){1, 40, 1000}, 3,
                  (int64_t[]){1, 40, 1000});
      binary_case(ops[o], dt, 3, (int64_t[]){2, 40, 1000}, 2,
                  (int64_t[]){40, 1000});
      /* [3, 1, 4] against [3, 5, 1]: not a supported pattern */
      op_case c;
      oc_init(&c, ops[o], 14);
      add_random(&c, dt, 3, (int64_t[]){3, 1, 4}, 1.0f, false);
      add_random(&c, dt, 3, (int64_t[]){3, 5, 1}, 1.0f, false);
      vec_expect_decline(&c, 1);
      oc_init(&c, ops[o], 14); /* a column [4, 1] against [4, 8] */
      add_random(&c, dt, 2, (int64_t[]){4, 8}, 1.0f, false);
      add_random(&c, dt, 2, (int64_t[]){4, 1}, 1.0f, false);
      vec_expect_decline(&c, 1);
      /* [3, 1] with [1, 4]: not a supported pattern */
      oc_init(&c, ops[o], 14);
      add_random(&c, dt, 2, (int64_t[]){3, 1}, 1.0f, false);
      add_random(&c, dt, 2, (int64_t[]){1, 4}, 1.0f, false);
      vec_expect_decline(&c, 1);
    }
}
END_TEST

/* Every float16 bit pattern (NaN payloads, signalling NaNs of both signs,
 * subnormals) through each float16 activation and binary op: whatever NaN
 * the fp32 arithmetic makes, the store must give sign | 0x7e00 as the ref's
 * octet_fp32_to_fp16 does. */
START_TEST(f16_every_half) {
  static const struct {
    const char *op, *mode;
  } un[] = {{"Erf", NULL},    {"Tanh", NULL},   {"Sigmoid", NULL},
            {"Gelu", "none"}, {"Gelu", "tanh"}, {"Relu", NULL}};
  static const char *bin[] = {"Add", "Sub", "Mul", "Div"};
  int64_t n = 65536;
  uint16_t *h = malloc(sizeof(uint16_t) * (size_t)n);
  for (int64_t i = 0; i < n; i++) h[i] = (uint16_t)i;
  for (size_t o = 0; o < sizeof un / sizeof un[0]; o++) {
    op_case c;
    oc_init(&c, un[o].op, 20);
    if (un[o].mode) oc_attr_string(&c, "approximate", un[o].mode);
    oc_input(&c, F16, 1, &n, h);
    check_case(&c, 1);
    oc_free(&c);
  }
  const uint16_t two = 0x4000;
  for (size_t o = 0; o < 4; o++)
    for (int swap = 0; swap < 2; swap++) { /* every half as A, then as B */
      op_case c;
      oc_init(&c, bin[o], 14);
      if (swap) oc_input(&c, F16, 0, NULL, &two);
      oc_input(&c, F16, 1, &n, h);
      if (!swap) oc_input(&c, F16, 0, NULL, &two);
      check_case(&c, 1);
      oc_free(&c);
    }
  free(h);
}
END_TEST

/* ---- Cast ---------------------------------------------------------------- */

static void cast_case(octet_dtype from, octet_dtype to, int64_t n,
                      const void *data) {
  op_case c;
  oc_init(&c, "Cast", 19);
  oc_attr_int(&c, "to", to);
  oc_input(&c, from, 1, (int64_t[]){n}, data);
  check_case(&c, 1);
  oc_free(&c);
}

START_TEST(cast_ops) {
  /* every half, signalling NaNs included */
  uint16_t *h = malloc(sizeof(uint16_t) * 65536);
  for (int i = 0; i < 65536; i++) h[i] = (uint16_t)i;
  cast_case(F16, F32, 65536, h);
  free(h);
  for (size_t l = 0; l < N_LENS; l++) {
    uint16_t hh[1536];
    float f[1536];
    fill(f, k_lens[l], 70000.0f, true);
    for (int64_t i = 0; i < k_lens[l]; i++) hh[i] = octet_fp32_to_fp16(f[i]);
    cast_case(F16, F32, k_lens[l], hh);
    cast_case(F32, F16, k_lens[l], f);
  }
  /* float32 edge cases: rounding ties, subnormal halves, overflow and NaN
   * payloads (which the ref maps to sign | 0x7e00) */
  float *f = malloc(sizeof(float) * 64 * 1536);
  static const uint32_t bits[] = {
      0x7fc00001u, 0xffa00000u, 0x7f800001u, 0x477fefffu, 0x477ff000u,
      0x33000000u, 0x33000001u, 0x387fc000u, 0x38800000u, 0x3f801000u,
      0x3f803000u, 0x80000000u, 0x00000001u, 0xc77ff000u, 0x7f7fffffu};
  for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
    f[i] = vm_float(bits[i]);
  cast_case(F32, F16, sizeof bits / sizeof bits[0], f);
  for (int i = 0; i < 64 * 1536; i++) /* threaded, all exponents of halves */
    f[i] = vm_float(0x33000000u + (uint32_t)i * 1597u);
  cast_case(F32, F16, 64 * 1536, f);
  free(f);
  /* same dtype: declined */
  op_case c;
  oc_init(&c, "Cast", 19);
  oc_attr_int(&c, "to", F32);
  oc_input(&c, F32, 1, (int64_t[]){4}, (float[]){1, 2, 3, 4});
  vec_expect_decline(&c, 1);
}
END_TEST

static void add_core_tests(TCase *t) {
  tcase_add_test(t, vmath_accuracy);
  tcase_add_test(t, vmath_specials);
  tcase_add_test(t, softmax_rows);
  tcase_add_test(t, softmax_shapes);
  tcase_add_test(t, layernorm_rows);
  tcase_add_test(t, layernorm_shapes);
  tcase_add_test(t, unary_ops);
  tcase_add_test(t, unary_sweep);
  tcase_add_test(t, binary_ops);
  tcase_add_test(t, f16_every_half);
  tcase_add_test(t, cast_ops);
}

int vec_ops_run(const vec_target *t, void (*add_tests)(TCase *)) {
  g_t = t;
  for (size_t k = 0; k < t->n_isas; k++)
    if (!octet_isa_supported(t->isas[k]))
      printf("SKIP vec kernels %s: CPU lacks %s\n", octet_isa_name(t->isas[k]),
             octet_isa_name(t->isas[k]));
  Suite *s = suite_create(t->suite);
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 300);
  add_core_tests(tc);
  if (add_tests) add_tests(tc);
  suite_add_tcase(s, tc);
  SRunner *r = srunner_create(s);
  srunner_set_fork_status(r, CK_NOFORK);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  printf("kernel runs compared bit for bit with the ref: %ld\n", vec_runs);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
