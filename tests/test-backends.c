/* A library-backed backend (argv[1]: openblas or onednn) against the ref
 * backend and against x86:
 *  - OctetLinear (the only op they claim) over a sweep of shapes, with and
 *    without bias and ReLU, at each precision: fp32 within 1e-5 (normwise
 *    max relative error: a different summation order), fp16 within 2e-3
 *    (fp32 sums rounded to fp16 outputs, 1-2 fp16 ulps), w8a8 bit-identical
 *    (integer products are exact; the epilogue is ref's sequence of fp32
 *    operations). Each case also checks which backend took the node, so a
 *    backend that silently declines fails;
 *  - the end-to-end models (OCTET_TESTDATA) through "<backend>,x86" against
 *    x86 alone: fp32 and fp16 close, w8a8 bit-identical.
 * Exits 77 (skipped, with the reason) when the backend is not in this
 * build or not usable here. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "core/cpu.h"
#include "npy.h"
#include "octet.h"
#include "onnx-build.h"

#define SKIP_EXIT_CODE 77
#define OPENBLAS_MIN_MACS 8192 /* as in backends/openblas */

static const char *g_backend;
static const char *g_dir;

/* ---- OctetLinear sweep ------------------------------------------------------ */

typedef struct lin_case {
  int64_t M, K, N;
  int bias, act; /* act: 0 none, 1 Relu, 2 Gelu, 3 Gelu tanh (fused into the node) */
  int res;       /* + a second input r [M, N] (a residual Add, fused at fp32/w8a8) */
} lin_case;

static const lin_case cases[] = {
    {1, 1, 1, 0, 0, 0},       {7, 33, 1537, 1, 0, 0},  {33, 383, 7, 1, 1, 0},   {1, 1537, 33, 0, 1, 0},
    {64, 64, 64, 1, 0, 0},    {33, 1024, 383, 1, 1, 0}, {257, 384, 1536, 1, 0, 0},
    {300, 1536, 384, 1, 1, 0}, {1025, 7, 1537, 0, 0, 0}, {512, 1024, 1024, 1, 0, 0}, {3, 4096, 33, 1, 0, 0},
    {3, 33, 7, 1, 0, 0},      {8, 32, 32, 1, 1, 0},    {8, 31, 32, 0, 0, 0},
    {65, 384, 1536, 1, 2, 0}, {9, 100, 70, 1, 3, 0},   {40, 64, 129, 0, 2, 0},
    {33, 383, 70, 1, 0, 1}, {257, 384, 384, 1, 0, 1}, {7, 1536, 384, 0, 0, 1},
    {64, 64, 64, 1, 0, 1},
};
enum { N_CASES = sizeof cases / sizeof cases[0] };
static const octet_precision precisions[] = {OCTET_PRECISION_FP32, OCTET_PRECISION_FP16,
                                             OCTET_PRECISION_W8A8};
/* the sweep's variants: each precision, and fp16 with the weights converted
 * to fp32 once (OCTET_SESSION_FP16_WEIGHTS_AS_FP32) */
enum { N_VARIANTS = 4 };
static const octet_precision variant_precision[N_VARIANTS] = {
    OCTET_PRECISION_FP32, OCTET_PRECISION_FP16, OCTET_PRECISION_FP16, OCTET_PRECISION_W8A8};
static const unsigned variant_flags[N_VARIANTS] = {0, 0, OCTET_SESSION_FP16_WEIGHTS_AS_FP32, 0};

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static float frand(void) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (float)((double)(rng >> 40) / (double)(1ull << 24)) * 2.0f - 1.0f;
}

static octet_model *linear_model(const lin_case *c) {
  ob_model *ob = ob_new(20); /* Gelu is opset 20 */
  int64_t xd[2] = {-1, c->K}, wd[2] = {c->K, c->N}, bd[1] = {c->N};
  ob_input(ob, "x", 1, 2, xd);
  if (c->res) {
    int64_t rd[2] = {-1, c->N};
    ob_input(ob, "r", 1, 2, rd);
  }
  float *w = malloc(sizeof(float) * (size_t)(c->K * c->N));
  float *b = malloc(sizeof(float) * (size_t)c->N);
  for (int64_t i = 0; i < c->K * c->N; i++) w[i] = frand() / sqrtf((float)c->K);
  for (int64_t i = 0; i < c->N; i++) b[i] = frand();
  ob_init_raw(ob, "W", 1, 2, wd, w, sizeof(float) * (size_t)(c->K * c->N));
  ob_init_raw(ob, "B", 1, 1, bd, b, sizeof(float) * (size_t)c->N);
  free(w);
  free(b);
  const char *fin = c->res ? "z" : "y"; /* the linear's output */
  const char *mm_in[] = {"x", "W"}, *mm_out[] = {c->bias || c->act ? "t" : fin};
  ob_node_add(ob, "MatMul", "mm", 2, mm_in, 1, mm_out);
  const char *last = "t";
  if (c->bias) {
    const char *in[] = {"t", "B"}, *out[] = {c->act ? "u" : fin};
    ob_node_add(ob, "Add", "add", 2, in, 1, out);
    last = "u";
  }
  if (c->res) {
    const char *in[] = {"z", "r"}, *out[] = {"y"};
    ob_node_add(ob, "Add", "residual", 2, in, 1, out);
  }
  if (c->act) {
    const char *in[] = {last}, *out[] = {fin};
    ob_node *a = ob_node_add(ob, c->act == 1 ? "Relu" : "Gelu", "act", 1, in, 1, out);
    if (c->act == 3) ob_attr_string(a, "approximate", "tanh");
  }
  ob_output(ob, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(ob, &len);
  ob_free(ob);
  octet_model *m = NULL;
  ck_assert_msg(octet_model_load_memory(buf, len, NULL, &m) == OCTET_OK, "%s",
                octet_last_error());
  free(buf);
  return m;
}

/* Runs the model; returns a copy of output 0 (float32) and the backend of
 * the OctetLinear node. */
static float *run_linear(const octet_model *m, const char *backends, octet_precision p,
                         unsigned flags, const float *x, const float *r, int64_t M, int64_t K,
                         int64_t N, char *who, size_t who_cap, int *n_add) {
  octet_session_options o;
  octet_session_options_init(&o);
  o.precision = p;
  o.threads = 2;
  o.backends = backends;
  o.batch = M;
  o.flags = flags;
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(m, &o, &s) == OCTET_OK, "%s", octet_last_error());
  octet_tensor in[2] = {
      {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 2, .dims = {M, K},
       .data = (void *)x, .nbytes = sizeof(float) * (size_t)(M * K)},
      {.name = "r", .dtype = OCTET_DTYPE_FLOAT32, .rank = 2, .dims = {M, N},
       .data = (void *)r, .nbytes = sizeof(float) * (size_t)(M * N)}};
  octet_tensor out;
  ck_assert_msg(octet_session_run(s, in, r ? 2 : 1, &out, 1) == OCTET_OK, "%s",
                octet_session_last_error(s));
  ck_assert_int_eq(out.dtype, OCTET_DTYPE_FLOAT32);
  ck_assert_uint_eq(out.nbytes, sizeof(float) * (size_t)(M * N));
  float *y = malloc(out.nbytes + 1);
  memcpy(y, out.data, out.nbytes);
  size_t nn = 0;
  ck_assert_int_eq(octet_session_node_count(s, &nn), OCTET_OK);
  who[0] = '\0';
  *n_add = 0;
  for (size_t i = 0; i < nn; i++) {
    octet_node_info info;
    ck_assert_int_eq(octet_session_node_info(s, i, &info), OCTET_OK);
    if (strcmp(info.op_type, "OctetLinear") == 0) snprintf(who, who_cap, "%s", info.backend);
    *n_add += strcmp(info.op_type, "Add") == 0;
  }
  octet_session_destroy(s);
  return y;
}

static bool expect_taken(const lin_case *c, octet_precision p) {
  if (strcmp(g_backend, "openblas") == 0)
    return p != OCTET_PRECISION_W8A8 && (double)c->M * c->N * c->K >= OPENBLAS_MIN_MACS;
  if (p == OCTET_PRECISION_FP16) return false; /* onednn: no f16 matmul */
  if (p == OCTET_PRECISION_W8A8 && octet_isa_active() != OCTET_ISA_AMX &&
      octet_isa_active() != OCTET_ISA_AVX512VNNI &&
      octet_isa_active() != OCTET_ISA_AVXVNNI && octet_isa_active() < OCTET_ISA_NEON)
    return false; /* oneDNN int8 needs VNNI to be exact */
  return true;
}

START_TEST(test_linear_sweep) {
  const lin_case *c = &cases[_i / N_VARIANTS];
  const octet_precision p = variant_precision[_i % N_VARIANTS];
  const unsigned flags = variant_flags[_i % N_VARIANTS];
  octet_model *m = linear_model(c);
  float *x = malloc(sizeof(float) * (size_t)(c->M * c->K));
  for (int64_t i = 0; i < c->M * c->K; i++) x[i] = frand();
  float *r = NULL;
  if (c->res) {
    r = malloc(sizeof(float) * (size_t)(c->M * c->N));
    for (int64_t i = 0; i < c->M * c->N; i++) r[i] = frand();
  }
  char who[32], who_ref[32];
  int adds_ref, adds;
  float *ref = run_linear(m, "ref", p, 0, x, r, c->M, c->K, c->N, who_ref, sizeof who_ref,
                          &adds_ref);
  float *got = run_linear(m, g_backend, p, flags, x, r, c->M, c->K, c->N, who, sizeof who, &adds);
  ck_assert_str_eq(who_ref, "ref");
  /* the residual Add is fused into the linear node except at fp16 */
  ck_assert_int_eq(adds, c->res && p == OCTET_PRECISION_FP16 ? 1 : 0);
  ck_assert_int_eq(adds_ref, adds);
  bool taken = strcmp(who, g_backend) == 0;
  ck_assert_msg(taken == expect_taken(c, p), "M=%lld K=%lld N=%lld %s: node went to %s",
                (long long)c->M, (long long)c->K, (long long)c->N, octet_precision_name(p), who);
  size_t n = (size_t)(c->M * c->N);
  if (p == OCTET_PRECISION_W8A8) {
    ck_assert_msg(memcmp(ref, got, n * sizeof(float)) == 0,
                  "w8a8 M=%lld K=%lld N=%lld: not bit-identical to ref", (long long)c->M,
                  (long long)c->K, (long long)c->N);
  } else {
    double maxd = 0, maxr = 0;
    for (size_t i = 0; i < n; i++) {
      double d = fabs((double)got[i] - ref[i]);
      if (d > maxd || isnan(d)) maxd = isnan(d) ? INFINITY : d;
      if (fabs(ref[i]) > maxr) maxr = fabs(ref[i]);
    }
    double tol = p == OCTET_PRECISION_FP32 ? 1e-5 : 2e-3;
    ck_assert_msg(maxd <= tol * (maxr + 1e-30),
                  "%s M=%lld K=%lld N=%lld: max rel err %.3g > %.1g", octet_precision_name(p),
                  (long long)c->M, (long long)c->K, (long long)c->N, maxd / (maxr + 1e-30), tol);
  }
  free(ref);
  free(got);
  free(x);
  free(r);
  octet_model_destroy(m);
}
END_TEST

/* ---- models ----------------------------------------------------------------- */

static const char *const models[] = {"mlp", "encoder", "torch_tiny"};

static void run_model(const octet_model *m, const char *backends, octet_precision p,
                      const octet_tensor *in, size_t n_in, float **y, size_t *ny,
                      int *n_taken, char *note, size_t note_cap) {
  octet_session_options o;
  octet_session_options_init(&o);
  o.precision = p;
  o.threads = 2;
  o.backends = backends;
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(m, &o, &s) == OCTET_OK, "%s", octet_last_error());
  octet_tensor out[4];
  size_t n_out;
  ck_assert_int_eq(octet_model_output_count(m, &n_out), OCTET_OK);
  ck_assert(n_out >= 1 && n_out <= 4);
  ck_assert_msg(octet_session_run(s, in, n_in, out, n_out) == OCTET_OK, "%s",
                octet_session_last_error(s));
  ck_assert_int_eq(out[0].dtype, OCTET_DTYPE_FLOAT32);
  *ny = out[0].nbytes / sizeof(float);
  *y = malloc(out[0].nbytes + 1);
  memcpy(*y, out[0].data, out[0].nbytes);
  size_t nn = 0;
  ck_assert_int_eq(octet_session_node_count(s, &nn), OCTET_OK);
  *n_taken = 0;
  for (size_t i = 0; i < nn; i++) {
    octet_node_info info;
    ck_assert_int_eq(octet_session_node_info(s, i, &info), OCTET_OK);
    *n_taken += strcmp(info.backend, g_backend) == 0;
    if (note && !note[0] && info.note && strncmp(info.note, g_backend, strlen(g_backend)) == 0)
      snprintf(note, note_cap, "%s", info.note);
  }
  octet_session_destroy(s);
}

START_TEST(test_models) {
  const char *model = models[_i / 3];
  const octet_precision p = precisions[_i % 3];
  char path[1024];
  snprintf(path, sizeof path, "%s/%s.onnx", g_dir, model);
  octet_model *m = NULL;
  ck_assert_msg(octet_model_load(path, &m) == OCTET_OK, "%s", octet_last_error());
  size_t n_in;
  ck_assert_int_eq(octet_model_input_count(m, &n_in), OCTET_OK);
  octet_tensor in[8];
  for (size_t i = 0; i < n_in; i++) {
    octet_tensor_info info;
    ck_assert_int_eq(octet_model_input_info(m, i, &info), OCTET_OK);
    snprintf(path, sizeof path, "%s/%s/b7/in_%s.npy", g_dir, model, info.name);
    ck_assert_msg(npy_read(path, &in[i]) == OCTET_OK, "%s", npy_last_error());
    in[i].name = info.name;
  }
  const char *base = octet_backend_find("x86") ? "x86" : "ref";
  char list[64];
  snprintf(list, sizeof list, "%s,%s", g_backend, base);
  float *a, *b;
  size_t na, nb;
  int taken_a, taken_b;
  char note[256] = "";
  run_model(m, base, p, in, n_in, &a, &na, &taken_a, NULL, 0);
  run_model(m, list, p, in, n_in, &b, &nb, &taken_b, note, sizeof note);
  ck_assert_uint_eq(na, nb);
  /* oneDNN's int8 is exact only with VNNI (without it, it declines w8a8
   * and says why: checked below) */
  const octet_isa isa = octet_isa_active();
  const bool vnni = isa == OCTET_ISA_AMX || isa == OCTET_ISA_AVX512VNNI || isa == OCTET_ISA_AVXVNNI;
  const bool onednn_int8_declined =
      strcmp(g_backend, "onednn") == 0 && p == OCTET_PRECISION_W8A8 && !vnni;
  bool want = !(strcmp(g_backend, "openblas") == 0 && p == OCTET_PRECISION_W8A8) &&
              !(strcmp(g_backend, "onednn") == 0 && p == OCTET_PRECISION_FP16) &&
              !onednn_int8_declined;
  ck_assert_msg((taken_b > 0) == want, "%s %s: %s ran %d nodes", model,
                octet_precision_name(p), g_backend, taken_b);
  if (onednn_int8_declined)
    ck_assert_msg(strstr(note, "without VNNI") != NULL,
                  "%s w8a8: onednn declined without saying why (note '%s')", model, note);
  double maxd = 0, maxr = 0, dot = 0, n2a = 0, n2b = 0;
  for (size_t i = 0; i < na; i++) {
    double d = fabs((double)a[i] - b[i]);
    if (d > maxd || isnan(d)) maxd = isnan(d) ? INFINITY : d;
    if (fabs(a[i]) > maxr) maxr = fabs(a[i]);
    dot += (double)a[i] * b[i];
    n2a += (double)a[i] * a[i];
    n2b += (double)b[i] * b[i];
  }
  double rel = maxd / (maxr + 1e-30), cos = dot / (sqrt(n2a * n2b) + 1e-30);
  printf("%-10s %-5s %s(%d nodes) vs %s: cosine %.7f max rel err %.3g\n", model,
         octet_precision_name(p), g_backend, taken_b, base, cos, rel);
  if (p == OCTET_PRECISION_W8A8)
    ck_assert_msg(memcmp(a, b, na * sizeof(float)) == 0, "%s w8a8: not bit-identical", model);
  else
    ck_assert_msg(rel <= (p == OCTET_PRECISION_FP32 ? 1e-4 : 2e-2) && cos >= 0.9999,
                  "%s %s: max rel err %.3g, cosine %.7f", model, octet_precision_name(p), rel,
                  cos);
  free(a);
  free(b);
  for (size_t i = 0; i < n_in; i++) free(in[i].data);
  octet_model_destroy(m);
}
END_TEST

int main(int argc, char **argv) {
  g_backend = argc > 1 ? argv[1] : "";
  const octet_backend *be = octet_backend_find(g_backend);
  if (!be) {
    printf("SKIP: backend '%s' is not in this build (built with: %s)\n", g_backend,
           octet_backend_names());
    return SKIP_EXIT_CODE;
  }
  if (be->available && !be->available()) {
    printf("SKIP: backend '%s' is not usable here: %s\n", g_backend, octet_last_error());
    return SKIP_EXIT_CODE;
  }
  g_dir = getenv("OCTET_TESTDATA");
  Suite *s = suite_create(g_backend);
  TCase *tc = tcase_create("linear");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, test_linear_sweep, 0, N_CASES * N_VARIANTS);
  suite_add_tcase(s, tc);
  char manifest[1024];
  snprintf(manifest, sizeof manifest, "%s/manifest.txt", g_dir ? g_dir : "");
  FILE *f = g_dir ? fopen(manifest, "r") : NULL;
  if (f) {
    fclose(f);
    TCase *tm = tcase_create("models");
    tcase_set_timeout(tm, 900);
    tcase_add_loop_test(tm, test_models, 0, 3 * 3);
    suite_add_tcase(s, tm);
  } else {
    printf("models: skipped (OCTET_TESTDATA unset or has no manifest)\n");
  }
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
