/* Whole sessions of the built-in models (encoder: bias, GELU, residual,
 * attention; mlp: bias, ReLU) in fp32 and fp16 with the arm backend against
 * the same model on the ref backend, normwise max relative error
 * max |arm - ref| / max |ref| within a stated bound. fp16 runs twice: with
 * the kernel the CPU picks and with OCTET_FP16_ARITH=0 (the convert path);
 * the native-fp16 run is skipped on CPUs without FPHP + ASIMDHP. Every
 * OctetLinear node must run on arm, with the kernel the CPU's features call
 * for (and the one OCTET_TEST_EXPECT_FP16_KERNEL names, when set: CI runs
 * this under qemu's max, neoverse-n1 and cortex-a53). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu.h"
#include "octet.h"

enum { BATCH = 2, SEQ = 8 };

typedef struct variant {
  const char *name;
  octet_precision precision;
  const char *fp16_arith; /* OCTET_FP16_ARITH, or NULL: unset */
  double tol;             /* normwise max relative error against ref */
} variant;

/* fp32: FMA instead of multiply-then-add, ~K u32 relative to sum |a w|.
 * fp16 convert: bit-identical (0): products of fp16 values are exact in
 * fp32, so each FMA is ref's rounded add, in ref's k order. fp16 native:
 * fp16 rounding inside 16-step blocks (docs/arm64.md). */
static const variant variants[] = {
    {"fp32", OCTET_PRECISION_FP32, NULL, 1e-4},
    {"fp16 native", OCTET_PRECISION_FP16, NULL, 3e-2},
    {"fp16 convert", OCTET_PRECISION_FP16, "0", 0.0},
};
static const char *const models[] = {"mlp", "encoder"};

typedef struct outputs {
  size_t n;
  octet_tensor t[4];
  void *copy[4];
} outputs;

static void inputs_for(const char *model, octet_tensor *in, size_t *n_in, int64_t *ids,
                       int64_t *mask, float *x) {
  memset(in, 0, 2 * sizeof *in);
  if (strcmp(model, "encoder") == 0) {
    for (int i = 0; i < BATCH * SEQ; i++) {
      ids[i] = (i * 7919 + 13) % 30000;
      mask[i] = i % SEQ < SEQ - i / SEQ ? 1 : 0; /* the second row padded */
    }
    in[0] = (octet_tensor){"input_ids", OCTET_DTYPE_INT64, 2, {BATCH, SEQ}, ids,
                           sizeof(int64_t) * BATCH * SEQ};
    in[1] = (octet_tensor){"attention_mask", OCTET_DTYPE_INT64, 2, {BATCH, SEQ}, mask,
                           sizeof(int64_t) * BATCH * SEQ};
    *n_in = 2;
  } else {
    unsigned r = 5;
    for (int i = 0; i < BATCH * 1024; i++) {
      r = r * 1664525u + 1013904223u;
      x[i] = (float)((r >> 8) & 0xffff) / 32768.0f - 1.0f;
    }
    in[0] = (octet_tensor){"x", OCTET_DTYPE_FLOAT32, 2, {BATCH, 1024}, x,
                           sizeof(float) * BATCH * 1024};
    *n_in = 1;
  }
}

/* Runs the model; counts the OctetLinear nodes and checks their backend
 * and kernel when want_kernel is set. */
static void run(const octet_model *m, const variant *v, const char *backends,
                const char *want_kernel, const octet_tensor *in, size_t n_in, outputs *out) {
  octet_session_options o;
  octet_session_options_init(&o);
  o.precision = v->precision;
  o.threads = 2;
  o.batch = BATCH;
  o.backends = backends;
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(m, &o, &s) == OCTET_OK, "%s", octet_last_error());
  ck_assert_int_eq(octet_model_output_count(m, &out->n), OCTET_OK);
  ck_assert_msg(octet_session_run(s, in, n_in, out->t, out->n) == OCTET_OK, "%s",
                octet_session_last_error(s));
  size_t nodes = 0, linear = 0;
  ck_assert_int_eq(octet_session_node_count(s, &nodes), OCTET_OK);
  for (size_t i = 0; i < nodes && want_kernel; i++) {
    octet_node_info ni;
    ck_assert_int_eq(octet_session_node_info(s, i, &ni), OCTET_OK);
    if (strcmp(ni.op_type, "OctetLinear") != 0) continue;
    linear++;
    ck_assert_msg(strcmp(ni.backend, "arm") == 0 && strcmp(ni.kernel, want_kernel) == 0,
                  "%s %s: node %s on %s (%s), expected arm (%s)", v->name, backends, ni.name,
                  ni.backend, ni.kernel, want_kernel);
  }
  if (want_kernel) ck_assert_msg(linear > 0, "no OctetLinear nodes");
  for (size_t i = 0; i < out->n; i++) {
    out->copy[i] = malloc(out->t[i].nbytes + 1);
    memcpy(out->copy[i], out->t[i].data, out->t[i].nbytes);
    out->t[i].data = out->copy[i];
  }
  octet_session_destroy(s);
}

static void free_outputs(outputs *o) {
  for (size_t i = 0; i < o->n; i++) free(o->copy[i]);
}

static const char *expected_kernel(const variant *v) {
  if (v->precision == OCTET_PRECISION_FP32) return "f32 8x12 neon";
  const octet_cpu_features *f = octet_cpu();
  const bool native = f->fphp && f->asimdhp && !(v->fp16_arith && !strcmp(v->fp16_arith, "0"));
  return native ? "f16 8x8 neonfp16arith" : "f16w 8x12 neon";
}

START_TEST(test_models_against_ref) {
  const variant *v = &variants[_i % 3];
  const char *model = models[_i / 3];
  const octet_cpu_features *f = octet_cpu();
  if (v->precision == OCTET_PRECISION_FP16 && !v->fp16_arith && !(f->fphp && f->asimdhp)) {
    printf("SKIP %s %s: the CPU lacks FPHP + ASIMDHP\n", model, v->name);
    return;
  }
  if (v->fp16_arith)
    setenv("OCTET_FP16_ARITH", v->fp16_arith, 1);
  else
    unsetenv("OCTET_FP16_ARITH");
  octet_builtin_options bo;
  octet_builtin_options_init(&bo);
  bo.seq = SEQ;
  octet_model *m = NULL;
  ck_assert_int_eq(octet_model_builtin(model, &bo, &m), OCTET_OK);
  octet_tensor in[2];
  size_t n_in;
  int64_t ids[BATCH * SEQ], mask[BATCH * SEQ];
  float *x = malloc(sizeof(float) * BATCH * 1024);
  inputs_for(model, in, &n_in, ids, mask, x);
  const char *want = expected_kernel(v);
  const char *ci = getenv("OCTET_TEST_EXPECT_FP16_KERNEL");
  if (ci && *ci && v->precision == OCTET_PRECISION_FP16 && !v->fp16_arith)
    ck_assert_msg(strcmp(want, ci) == 0, "this CPU selects %s, CI expects %s", want, ci);
  outputs ref, arm;
  run(m, v, "ref", NULL, in, n_in, &ref);
  run(m, v, "arm,ref", want, in, n_in, &arm);
  for (size_t i = 0; i < ref.n; i++) {
    const octet_tensor *a = &arm.t[i], *b = &ref.t[i];
    ck_assert_int_eq(a->dtype, OCTET_DTYPE_FLOAT32);
    ck_assert_uint_eq(a->nbytes, b->nbytes);
    double maxd = 0, maxb = 0;
    for (size_t j = 0; j < a->nbytes / sizeof(float); j++) {
      const double p = ((const float *)a->data)[j], q = ((const float *)b->data)[j];
      maxd = isnan(p) ? INFINITY : fmax(maxd, fabs(p - q));
      maxb = fmax(maxb, fabs(q));
    }
    const double err = maxd / (maxb + 1e-30);
    printf("%-8s %-13s %-6s %s: max rel err %.3g (bound %.3g)\n", model, v->name, "arm", want,
           err, v->tol);
    ck_assert_msg(err <= v->tol, "%s %s: max rel err %.3g > %.3g", model, v->name, err, v->tol);
  }
  free_outputs(&ref);
  free_outputs(&arm);
  free(x);
  octet_model_destroy(m);
  unsetenv("OCTET_FP16_ARITH");
}
END_TEST

int main(void) {
  Suite *su = suite_create("arm-linear");
  TCase *tc = tcase_create("models");
  tcase_set_timeout(tc, 900);
  tcase_add_loop_test(tc, test_models_against_ref, 0, 6);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
