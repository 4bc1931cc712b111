/* End-to-end model tests: octet's fp32 outputs against ONNX Runtime's.
 *
 * The models, inputs and expected outputs are made by
 *   python3 tools/scripts/make_test_models.py OUTDIR
 * and found through the environment variable OCTET_TESTDATA=OUTDIR. Every
 * line "<model> <batch> <model path>" of OUTDIR/manifest.txt is one case: the
 * model is loaded (a relative path is taken relative to OUTDIR), a session
 * is made (fp32, 2 threads, planned for the case's batch), the inputs
 * OUTDIR/<model>/b<batch>/in_<input>.npy are run, and every output is
 * compared with OUTDIR/<model>/b<batch>/out_<output>.npy: the dims must be
 * equal and the normwise relative error max|a-b| / max|b| at most 1e-4.
 *
 * Without OCTET_TESTDATA or its manifest the test is skipped (exit code 77,
 * which meson reports as SKIP), loudly. OCTET_TEST_BACKENDS, when set, is
 * passed as the session's backend list (e.g. "ref" or "x86,ref").
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "octet.h"

#define MAX_REL_ERR 1e-4
#define SKIP_EXIT_CODE 77

typedef struct model_case {
  char model[128];
  long batch;
  char path[1024];
} model_case;

static const char *g_datadir;
static model_case *g_cases;
static int g_ncases;

/* Joins a and b with '/', or copies b when it is absolute. */
static int join_path(char *out, size_t cap, const char *a, const char *b) {
  int n = b[0] == '/' ? snprintf(out, cap, "%s", b)
                      : snprintf(out, cap, "%s/%s", a, b);
  return n >= 0 && (size_t)n < cap;
}

static int load_manifest(const char *dir) {
  char path[1024];
  if (!join_path(path, sizeof path, dir, "manifest.txt")) return -1;
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[2048];
  int lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '\0' || *p == '\n' || *p == '#') continue;
    model_case c;
    memset(&c, 0, sizeof c);
    if (sscanf(p, "%127s %ld %1023s", c.model, &c.batch, c.path) != 3 ||
        c.batch <= 0) {
      fprintf(stderr, "%s:%d: malformed manifest line: %s", path, lineno,
              line);
      fclose(f);
      return -2;
    }
    model_case *grown = realloc(g_cases, (size_t)(g_ncases + 1) * sizeof *grown);
    if (!grown) {
      fclose(f);
      return -2;
    }
    g_cases = grown;
    g_cases[g_ncases++] = c;
  }
  fclose(f);
  return 0;
}

static size_t tensor_numel(const octet_tensor *t) {
  size_t n = 1;
  for (int i = 0; i < t->rank; i++) n *= (size_t)t->dims[i];
  return n;
}

static void dims_str(char *out, size_t cap, const octet_tensor *t) {
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < t->rank && used < cap; i++) {
    int n = snprintf(out + used, cap - used, "%s%lld", i ? "," : "",
                     (long long)t->dims[i]);
    if (n < 0) break;
    used += (size_t)n;
  }
}

/* Normwise relative L-infinity error max|a-b| / max|b| (max|a-b| alone when
 * b is all zeros); +inf when a holds a NaN or an infinity where b does not. */
static double max_rel_err(const float *a, const float *b, size_t n) {
  double maxdiff = 0.0, maxref = 0.0;
  for (size_t i = 0; i < n; i++) {
    double d = fabs((double)a[i] - (double)b[i]);
    if (!(d <= maxdiff)) maxdiff = isnan(d) ? INFINITY : d;
    double r = fabs((double)b[i]);
    if (r > maxref) maxref = r;
  }
  return maxref > 0.0 ? maxdiff / maxref : maxdiff;
}

START_TEST(test_model_case) {
  const model_case *c = &g_cases[_i];
  char msg[4096] = "";
  char path[2048];
  int ok = 0;
  octet_model *model = NULL;
  octet_session *session = NULL;
  octet_tensor *inputs = NULL, *outputs = NULL, *expected = NULL;
  size_t n_in = 0, n_out = 0;
  octet_status st;

#define FAIL_IF(cond, ...)                          \
  do {                                              \
    if (cond) {                                     \
      snprintf(msg, sizeof msg, __VA_ARGS__);       \
      goto done;                                    \
    }                                               \
  } while (0)

  printf("%s batch %ld: %s\n", c->model, c->batch, c->path);
  fflush(stdout);
  FAIL_IF(!join_path(path, sizeof path, g_datadir, c->path), "path too long");
  st = octet_model_load(path, &model);
  FAIL_IF(st != OCTET_OK, "octet_model_load(%s): %s: %s", path,
          octet_status_str(st), octet_last_error());

  octet_session_options opts;
  octet_session_options_init(&opts);
  opts.precision = OCTET_PRECISION_FP32;
  opts.threads = 2;
  opts.batch = c->batch;
  opts.backends = getenv("OCTET_TEST_BACKENDS");
  st = octet_session_create(model, &opts, &session);
  FAIL_IF(st != OCTET_OK, "octet_session_create: %s: %s",
          octet_status_str(st), octet_last_error());

  st = octet_model_input_count(model, &n_in);
  FAIL_IF(st != OCTET_OK || n_in == 0, "octet_model_input_count: %s",
          octet_status_str(st));
  st = octet_model_output_count(model, &n_out);
  FAIL_IF(st != OCTET_OK || n_out == 0, "octet_model_output_count: %s",
          octet_status_str(st));
  inputs = calloc(n_in, sizeof *inputs);
  outputs = calloc(n_out, sizeof *outputs);
  expected = calloc(n_out, sizeof *expected);
  FAIL_IF(!inputs || !outputs || !expected, "out of memory");

  for (size_t i = 0; i < n_in; i++) {
    octet_tensor_info info;
    st = octet_model_input_info(model, i, &info);
    FAIL_IF(st != OCTET_OK, "octet_model_input_info(%zu): %s", i,
            octet_status_str(st));
    int n = snprintf(path, sizeof path, "%s/%s/b%ld/in_%s.npy", g_datadir,
                     c->model, c->batch, info.name);
    FAIL_IF(n < 0 || (size_t)n >= sizeof path, "path too long");
    st = npy_read(path, &inputs[i]);
    FAIL_IF(st != OCTET_OK, "npy_read(%s): %s: %s", path,
            octet_status_str(st), npy_last_error());
    inputs[i].name = info.name;
  }

  st = octet_session_run(session, inputs, n_in, outputs, n_out);
  FAIL_IF(st != OCTET_OK, "octet_session_run: %s: %s", octet_status_str(st),
          octet_session_last_error(session));

  int all_within = 1;
  for (size_t i = 0; i < n_out; i++) {
    octet_tensor_info info;
    st = octet_model_output_info(model, i, &info);
    FAIL_IF(st != OCTET_OK, "octet_model_output_info(%zu): %s", i,
            octet_status_str(st));
    int n = snprintf(path, sizeof path, "%s/%s/b%ld/out_%s.npy", g_datadir,
                     c->model, c->batch, info.name);
    FAIL_IF(n < 0 || (size_t)n >= sizeof path, "path too long");
    st = npy_read(path, &expected[i]);
    FAIL_IF(st != OCTET_OK, "npy_read(%s): %s: %s", path,
            octet_status_str(st), npy_last_error());

    const octet_tensor *a = &outputs[i], *b = &expected[i];
    char da[256], db[256];
    dims_str(da, sizeof da, a);
    dims_str(db, sizeof db, b);
    int same = a->rank == b->rank;
    for (int d = 0; same && d < a->rank; d++) same = a->dims[d] == b->dims[d];
    FAIL_IF(!same, "%s batch %ld output %s: dims [%s], expected [%s]",
            c->model, c->batch, info.name, da, db);
    FAIL_IF(a->dtype != b->dtype, "%s batch %ld output %s: dtype %s, "
            "expected %s", c->model, c->batch, info.name,
            octet_dtype_name(a->dtype), octet_dtype_name(b->dtype));
    size_t numel = tensor_numel(b);
    FAIL_IF(!a->data || a->nbytes != numel * octet_dtype_size(a->dtype),
            "%s batch %ld output %s: %zu bytes of data for [%s]", c->model,
            c->batch, info.name, a->nbytes, da);
    if (a->dtype == OCTET_DTYPE_FLOAT32) {
      double err = max_rel_err(a->data, b->data, numel);
      int within = err <= MAX_REL_ERR;
      printf("%s %ld %s maxrel=%.3g%s\n", c->model, c->batch, info.name, err,
             within ? "" : "  <-- above 1e-4");
      if (!within) {
        if (all_within)
          snprintf(msg, sizeof msg, "%s batch %ld output %s: maxrel %.3g > %g",
                   c->model, c->batch, info.name, err, MAX_REL_ERR);
        all_within = 0;
      }
    } else {
      int equal = memcmp(a->data, b->data, a->nbytes) == 0;
      printf("%s %ld %s (%s) %s\n", c->model, c->batch, info.name,
             octet_dtype_name(a->dtype), equal ? "equal" : "DIFFERENT");
      if (!equal) {
        if (all_within)
          snprintf(msg, sizeof msg, "%s batch %ld output %s differs",
                   c->model, c->batch, info.name);
        all_within = 0;
      }
    }
  }
  fflush(stdout);
  ok = all_within;

done:
#undef FAIL_IF
  if (inputs)
    for (size_t i = 0; i < n_in; i++) free(inputs[i].data);
  if (expected)
    for (size_t i = 0; i < n_out; i++) free(expected[i].data);
  free(inputs);
  free(expected);
  free(outputs); /* the tensors themselves are views into the session */
  octet_session_destroy(session);
  octet_model_destroy(model);
  ck_assert_msg(ok, "%s", msg);
}
END_TEST

/* The exported encoder at a sequence longer than its position table (512):
 * the position ids Slice clamps at 512 and the Expand that follows cannot
 * reach 600. The message has to say so with the shapes, not only "cannot
 * be broadcast". */
START_TEST(test_sequence_past_position_table) {
  char path[1200];
  ck_assert(join_path(path, sizeof path, g_datadir, "encoder.onnx"));
  octet_model *model = NULL;
  ck_assert_msg(octet_model_load(path, &model) == OCTET_OK, "%s", octet_last_error());
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(model, NULL, &s) == OCTET_OK, "%s", octet_last_error());
  octet_tensor in[2] = {
      {.name = "input_ids", .dtype = OCTET_DTYPE_INT64, .rank = 2, .dims = {1, 600}},
      {.name = "attention_mask", .dtype = OCTET_DTYPE_INT64, .rank = 2, .dims = {1, 600}}};
  ck_assert_int_eq(octet_session_plan(s, in, 2), OCTET_ERR_SHAPE);
  const char *msg = octet_session_last_error(s);
  ck_assert_msg(strstr(msg, "[1,512] cannot be broadcast to the requested shape [1,600]") &&
                    strstr(msg, "position table"),
                "%s", msg);
  octet_session_destroy(s);
  octet_model_destroy(model);
}
END_TEST

static void skip_loudly(const char *why) {
  const char *banner =
      "************************************************************\n";
  fprintf(stderr,
          "%s* test-models SKIPPED: %s\n"
          "*   make the data with: python3 tools/scripts/make_test_models.py DIR\n"
          "*   and run with:       OCTET_TESTDATA=DIR\n%s",
          banner, why, banner);
  printf("SKIP: %s\n", why);
}

int main(void) {
  g_datadir = getenv("OCTET_TESTDATA");
  if (!g_datadir || !*g_datadir) {
    skip_loudly("OCTET_TESTDATA is not set");
    return SKIP_EXIT_CODE;
  }
  int r = load_manifest(g_datadir);
  if (r == -1) {
    char why[1200];
    snprintf(why, sizeof why, "cannot read %s/manifest.txt: %s", g_datadir,
             strerror(errno));
    skip_loudly(why);
    return SKIP_EXIT_CODE;
  }
  if (r != 0) return EXIT_FAILURE;
  if (g_ncases == 0) {
    skip_loudly("the manifest lists no cases");
    return SKIP_EXIT_CODE;
  }

  Suite *s = suite_create("models");
  TCase *tc = tcase_create("ort-reference");
  /* The large models on the portable backend take a while. */
  tcase_set_timeout(tc, 1800);
  tcase_add_loop_test(tc, test_model_case, 0, g_ncases);
  tcase_add_test(tc, test_sequence_past_position_table);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_VERBOSE);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  free(g_cases);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
