/* fp16 and w8a8 against fp32 on the end-to-end models (cosine similarity
 * and normwise max relative error, printed), and w8a8 outputs bit-identical
 * at every ISA level this CPU has (OCTET_ISA = ref, avx2, avxvnni, avx512,
 * avx512vnni). Data: OCTET_TESTDATA as for test-models (skipped without). */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu.h"
#include "npy.h"
#include "octet.h"
#include "onnx-build.h"

/* y = Gather(table, ids), table float32 [v, d] with rows of varied scale
 * (row 1 all zeros); the table is also returned. */
uint8_t *precision_table_model(int v, int d, float *table, size_t *len);
uint8_t *precision_table_model(int v, int d, float *table, size_t *len) {
  unsigned r = 99;
  for (int i = 0; i < v; i++)
    for (int j = 0; j < d; j++) {
      r = r * 1664525u + 1013904223u;
      float u = (float)((r >> 8) & 0xffff) / 32768.0f - 1.0f;
      table[i * d + j] = i == 1 ? 0.0f : u * (float)(1 + i % 13) * 0.25f;
    }
  ob_model *m = ob_new(17);
  int64_t td[2] = {v, d}, idd[1] = {-1};
  ob_input(m, "ids", 7, 1, idd);
  ob_init_raw(m, "table", 1, 2, td, table, sizeof(float) * (size_t)(v * d));
  ob_node_add(m, "Gather", "lookup", 2, (const char *[]){"table", "ids"}, 1,
              (const char *[]){"y"});
  ob_output(m, "y", 1);
  uint8_t *buf = ob_pack(m, len);
  ob_free(m);
  return buf;
}

#define SKIP_EXIT_CODE 77
#define BATCH 7

static const char *g_dir;
static const char *const all_models[] = {"mlp", "encoder", "torch_tiny"};
/* The models under test: all, or those OCTET_TEST_MODELS names
 * (comma-separated; emulated runs take a subset). */
static const char *models[sizeof all_models / sizeof all_models[0]];
static int n_models;

typedef struct run_out {
  size_t n;
  octet_tensor t[8];
  void *copy[8];
} run_out;

static void load_inputs(const char *model, const octet_model *m, octet_tensor *in,
                        size_t *n_in) {
  size_t n;
  ck_assert_int_eq(octet_model_input_count(m, &n), OCTET_OK);
  for (size_t i = 0; i < n; i++) {
    octet_tensor_info info;
    ck_assert_int_eq(octet_model_input_info(m, i, &info), OCTET_OK);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/b%d/in_%s.npy", g_dir, model, BATCH, info.name);
    ck_assert_msg(npy_read(path, &in[i]) == OCTET_OK, "%s", npy_last_error());
    in[i].name = info.name;
  }
  *n_in = n;
}

/* Runs a session with these flags; returns how many of its nodes are
 * fused OctetAttention nodes (and sets *adds to the number of Add nodes). */
static int run_flags(const octet_model *m, octet_precision p, const char *backends,
                     unsigned flags, const octet_tensor *in, size_t n_in, run_out *out,
                     int *adds) {
  octet_session_options o;
  octet_session_options_init(&o);
  o.precision = p;
  o.threads = 2;
  o.backends = backends;
  o.flags = flags;
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(m, &o, &s) == OCTET_OK, "%s", octet_last_error());
  ck_assert_int_eq(octet_model_output_count(m, &out->n), OCTET_OK);
  ck_assert_msg(octet_session_run(s, in, n_in, out->t, out->n) == OCTET_OK, "%s",
                octet_session_last_error(s));
  size_t nodes = 0;
  int fused = 0, n_add = 0;
  ck_assert_int_eq(octet_session_node_count(s, &nodes), OCTET_OK);
  for (size_t i = 0; i < nodes; i++) {
    octet_node_info info;
    ck_assert_int_eq(octet_session_node_info(s, i, &info), OCTET_OK);
    fused += strcmp(info.op_type, "OctetAttention") == 0;
    n_add += strcmp(info.op_type, "Add") == 0;
  }
  if (adds) *adds = n_add;
  for (size_t i = 0; i < out->n; i++) { /* outputs live in the session */
    octet_tensor_info info;
    ck_assert_int_eq(octet_model_output_info(m, i, &info), OCTET_OK);
    out->t[i].name = info.name; /* the model's string outlives the session */
    out->copy[i] = malloc(out->t[i].nbytes + 1);
    memcpy(out->copy[i], out->t[i].data, out->t[i].nbytes);
    out->t[i].data = out->copy[i];
  }
  octet_session_destroy(s);
  return fused;
}

static void run(const octet_model *m, octet_precision p, const char *backends,
                const octet_tensor *in, size_t n_in, run_out *out) {
  run_flags(m, p, backends, 0, in, n_in, out, NULL);
}

static void free_out(run_out *o) {
  for (size_t i = 0; i < o->n; i++) free(o->copy[i]);
}

static double value(const octet_tensor *t, size_t i) {
  return t->dtype == OCTET_DTYPE_FLOAT32 ? ((const float *)t->data)[i] : NAN;
}

static void compare(const char *model, const char *what, const run_out *ref,
                    const run_out *got, double min_cos) {
  for (size_t k = 0; k < ref->n; k++) {
    const octet_tensor *a = &got->t[k], *b = &ref->t[k];
    ck_assert_int_eq(a->dtype, OCTET_DTYPE_FLOAT32);
    ck_assert_uint_eq(a->nbytes, b->nbytes);
    size_t n = a->nbytes / sizeof(float);
    double dot = 0, na = 0, nb = 0, maxd = 0, maxb = 0;
    for (size_t i = 0; i < n; i++) {
      double x = value(a, i), y = value(b, i);
      dot += x * y;
      na += x * x;
      nb += y * y;
      if (fabs(x - y) > maxd || isnan(x)) maxd = isnan(x) ? INFINITY : fabs(x - y);
      if (fabs(y) > maxb) maxb = fabs(y);
    }
    double cos = dot / (sqrt(na) * sqrt(nb) + 1e-30);
    printf("%-10s %-6s %-18s cosine %.6f  max rel err %.3g\n", model, what, b->name, cos,
           maxd / (maxb + 1e-30));
    ck_assert_msg(cos >= min_cos, "%s %s %s: cosine %.6f < %.4f", model, what, b->name, cos,
                  min_cos);
  }
}

/* tests/data/MODEL.onnx and its inputs. */
static octet_model *open_model(const char *model, octet_tensor *in, size_t *n_in) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s.onnx", g_dir, model);
  octet_model *m = NULL;
  ck_assert_msg(octet_model_load(path, &m) == OCTET_OK, "%s", octet_last_error());
  load_inputs(model, m, in, n_in);
  return m;
}

START_TEST(test_accuracy) {
  const char *model = models[_i];
  octet_tensor in[8];
  size_t n_in;
  octet_model *m = open_model(model, in, &n_in);
  run_out f32, f16, q8;
  run(m, OCTET_PRECISION_FP32, NULL, in, n_in, &f32);
  run(m, OCTET_PRECISION_FP16, NULL, in, n_in, &f16);
  run(m, OCTET_PRECISION_W8A8, NULL, in, n_in, &q8);
  compare(model, "fp16", &f32, &f16, 0.999);
  compare(model, "w8a8", &f32, &q8, 0.99);
  free_out(&f32);
  free_out(&f16);
  free_out(&q8);
  for (size_t i = 0; i < n_in; i++) free(in[i].data);
  octet_model_destroy(m);
}
END_TEST

START_TEST(test_w8a8_bit_identical_across_isas) {
  const char *model = models[_i];
  octet_tensor in[8];
  size_t n_in;
  octet_model *m = open_model(model, in, &n_in);
  static const octet_isa levels[] = {OCTET_ISA_AVX2, OCTET_ISA_AVXVNNI, OCTET_ISA_AVX512,
                                     OCTET_ISA_AVX512VNNI, OCTET_ISA_AMX, OCTET_ISA_NEON,
                                     OCTET_ISA_DOTPROD,
                                     OCTET_ISA_I8MM};
  setenv("OCTET_ISA", "ref", 1);
  octet_isa_reset();
  run_out base;
  run(m, OCTET_PRECISION_W8A8, NULL, in, n_in, &base);
  int compared = 0;
  for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
    if (!octet_isa_supported(levels[l])) {
      printf("%-10s w8a8 %-10s SKIP: CPU lacks it\n", model, octet_isa_name(levels[l]));
      continue;
    }
    setenv("OCTET_ISA", octet_isa_name(levels[l]), 1);
    octet_isa_reset();
    ck_assert_int_eq(octet_isa_active(), levels[l]);
    run_out got;
    run(m, OCTET_PRECISION_W8A8, NULL, in, n_in, &got);
    for (size_t k = 0; k < base.n; k++) {
      ck_assert_uint_eq(got.t[k].nbytes, base.t[k].nbytes);
      ck_assert_msg(memcmp(got.t[k].data, base.t[k].data, base.t[k].nbytes) == 0,
                    "%s: w8a8 output '%s' at %s differs from ref", model, base.t[k].name,
                    octet_isa_name(levels[l]));
    }
    printf("%-10s w8a8 %-10s bit-identical to ref\n", model, octet_isa_name(levels[l]));
    compared++;
    free_out(&got);
  }
  unsetenv("OCTET_ISA");
  octet_isa_reset();
  free_out(&base);
  for (size_t i = 0; i < n_in; i++) free(in[i].data);
  octet_model_destroy(m);
}
END_TEST

/* The fused OctetAttention and the residual Add fused into linear nodes give
 * the decomposed graph's outputs bit for bit, at every precision, on ref,
 * avx2 and the best ISA level of this CPU. The encoder has one fused
 * attention per layer and, at fp32 and w8a8, two residual Adds per layer
 * fused (fp16 keeps them: its Add rounds the linear's output first). */
START_TEST(test_fusion_exact) {
  const char *model = models[_i];
  octet_tensor in[8];
  size_t n_in;
  octet_model *m = open_model(model, in, &n_in);
  static const octet_precision ps[] = {OCTET_PRECISION_FP32, OCTET_PRECISION_FP16,
                                       OCTET_PRECISION_W8A8};
  static const char *const isas[] = {"ref", "avx2", NULL};
  const bool encoder = strcmp(model, "encoder") == 0;
  for (size_t l = 0; l < 3; l++) {
    if (isas[l]) setenv("OCTET_ISA", isas[l], 1);
    else unsetenv("OCTET_ISA");
    octet_isa_reset();
    for (size_t p = 0; p < 3; p++) {
      run_out fused, plain, nores;
      int adds_f, adds_p, adds_r;
      int nf = run_flags(m, ps[p], NULL, 0, in, n_in, &fused, &adds_f);
      int np = run_flags(m, ps[p], NULL, OCTET_SESSION_NO_FUSE_ATTENTION, in, n_in, &plain,
                         &adds_p);
      run_flags(m, ps[p], NULL, OCTET_SESSION_NO_FUSE_RESIDUAL, in, n_in, &nores, &adds_r);
      ck_assert_int_eq(np, 0);
      if (encoder) {
        ck_assert_int_eq(nf, 6);
        ck_assert_int_eq(adds_r - adds_f, ps[p] == OCTET_PRECISION_FP16 ? 0 : 12);
      }
      for (size_t k = 0; k < plain.n; k++) {
        ck_assert_uint_eq(fused.t[k].nbytes, plain.t[k].nbytes);
        ck_assert_msg(memcmp(fused.t[k].data, plain.t[k].data, plain.t[k].nbytes) == 0,
                      "%s: precision %d at %s: fused attention output '%s' differs", model,
                      (int)ps[p], octet_isa_name(octet_isa_active()), plain.t[k].name);
        ck_assert_msg(memcmp(fused.t[k].data, nores.t[k].data, plain.t[k].nbytes) == 0,
                      "%s: precision %d at %s: fused residual output '%s' differs", model,
                      (int)ps[p], octet_isa_name(octet_isa_active()), plain.t[k].name);
      }
      printf("%-10s %-4s %-10s %d fused attention, %d residual Adds fused: bit-identical\n",
             model, octet_precision_name(ps[p]), octet_isa_name(octet_isa_active()), nf,
             adds_r - adds_f);
      free_out(&fused);
      free_out(&plain);
      free_out(&nores);
    }
  }
  unsetenv("OCTET_ISA");
  octet_isa_reset();
  for (size_t i = 0; i < n_in; i++) free(in[i].data);
  octet_model_destroy(m);
}
END_TEST

/* Weight memory of the built-in encoder: fp16 holds at most 0.51x and w8a8
 * at most 0.27x of fp32's bytes (int8 linear weights and an int8 token
 * embedding table with a scale per row). */
START_TEST(test_weight_bytes) {
  octet_model *m = NULL;
  ck_assert_msg(octet_model_builtin("encoder", NULL, &m) == OCTET_OK, "%s", octet_last_error());
  size_t bytes[3];
  const octet_precision ps[3] = {OCTET_PRECISION_FP32, OCTET_PRECISION_FP16,
                                 OCTET_PRECISION_W8A8};
  for (int i = 0; i < 3; i++) {
    octet_session_options o;
    octet_session_options_init(&o);
    o.precision = ps[i];
    o.threads = 2;
    octet_session *s = NULL;
    ck_assert_msg(octet_session_create(m, &o, &s) == OCTET_OK, "%s", octet_last_error());
    ck_assert_int_eq(octet_session_weight_bytes(s, &bytes[i]), OCTET_OK);
    octet_session_destroy(s);
  }
  double r16 = (double)bytes[1] / (double)bytes[0], r8 = (double)bytes[2] / (double)bytes[0];
  printf("encoder weights: fp32 %zu, fp16 %zu (%.3fx), w8a8 %zu (%.3fx)\n", bytes[0], bytes[1],
         r16, bytes[2], r8);
  ck_assert_msg(r16 <= 0.51, "fp16 weights %.3fx of fp32", r16);
  ck_assert_msg(r8 <= 0.27, "w8a8 weights %.3fx of fp32", r8);
  octet_model_destroy(m);
}
END_TEST

/* w8a8 stores a Gather's large float table as int8 rows with a scale per
 * row: each looked-up value is within half a step (max |row| / 254) of the
 * fp32 table's. */
START_TEST(test_quantized_table) {
  enum { V = 700, D = 100 };
  octet_model *m = NULL;
  float *table = malloc(sizeof(float) * V * D);
  size_t len;
  uint8_t *buf = precision_table_model(V, D, table, &len);
  ck_assert_msg(octet_model_load_memory(buf, len, NULL, &m) == OCTET_OK, "%s", octet_last_error());
  free(buf);
  int64_t ids[6] = {0, 1, 2, 350, 698, 699};
  octet_tensor in = {.name = "ids", .dtype = OCTET_DTYPE_INT64, .rank = 1, .dims = {6},
                     .data = ids, .nbytes = sizeof ids};
  run_out q8;
  run(m, OCTET_PRECISION_W8A8, NULL, &in, 1, &q8);
  const float *y = q8.t[0].data;
  ck_assert_uint_eq(q8.t[0].nbytes, sizeof(float) * 6 * D);
  double worst = 0;
  for (int r = 0; r < 6; r++) {
    const float *row = table + ids[r] * D;
    float amax = 0;
    for (int d = 0; d < D; d++) amax = fmaxf(amax, fabsf(row[d]));
    for (int d = 0; d < D; d++) {
      double e = fabs((double)y[r * D + d] - row[d]);
      ck_assert_msg(e <= amax / 254.0 * 1.0001 + 1e-30, "row %lld col %d: %g vs %g",
                    (long long)ids[r], d, y[r * D + d], row[d]);
      if (e / amax > worst) worst = e / amax;
    }
  }
  printf("int8 table: worst error %.3g of the row's max |x| (bound 1/254 = %.3g)\n", worst,
         1 / 254.0);
  ck_assert_msg(worst > 0, "the table was not quantized"); /* else w8a8 kept fp32 */
  free_out(&q8);
  free(table);
  octet_model_destroy(m);
}
END_TEST

int main(void) {
  g_dir = getenv("OCTET_TESTDATA");
  char manifest[1024];
  snprintf(manifest, sizeof manifest, "%s/manifest.txt", g_dir ? g_dir : "");
  FILE *f = g_dir ? fopen(manifest, "r") : NULL;
  if (!f) {
    fprintf(stderr, "test-precision SKIPPED: OCTET_TESTDATA unset or has no manifest\n");
    return SKIP_EXIT_CODE;
  }
  fclose(f);
  Suite *s = suite_create("precision");
  TCase *tc = tcase_create("precision");
  tcase_set_timeout(tc, 900);
  const char *only = getenv("OCTET_TEST_MODELS");
  for (size_t i = 0; i < sizeof all_models / sizeof all_models[0]; i++) {
    size_t len = strlen(all_models[i]);
    const char *p = only;
    while (p && *p) {
      if (strncmp(p, all_models[i], len) == 0 && (p[len] == ',' || p[len] == 0)) break;
      p = strchr(p, ',');
      if (p) p++;
    }
    if (!only || (p && *p)) models[n_models++] = all_models[i];
  }
  if (n_models == 0) {
    fprintf(stderr, "test-precision: OCTET_TEST_MODELS='%s' names none of mlp, encoder, "
            "torch_tiny\n", only);
    return 1;
  }
  int n = n_models;
  tcase_add_loop_test(tc, test_accuracy, 0, n);
  tcase_add_loop_test(tc, test_w8a8_bit_identical_across_isas, 0, n);
  tcase_add_loop_test(tc, test_fusion_exact, 0, n);
  tcase_add_test(tc, test_weight_bytes);
  tcase_add_test(tc, test_quantized_table);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
