/* The x86 OctetAttention (backends/x86/attention.h) against the ref
 * backend's: bit-identical (memcmp) in fp32 and fp16 at each x86 ISA level
 * the CPU has (skipped otherwise), over a sweep of shapes: sequence lengths
 * below, at and above a vector and two (1, 7, 16, 24, 31, 32, 33, 70, with
 * Sq != Sk and row counts around the fused softmax's 4-row blocks), head dims
 * 1, 8, 32, 40, 1-3 heads, batch 1-2, every scale op, and masks of shape
 * [B, 1, 1, Sk], [B, H, Sq, Sk], [Sk], [Sq, 1] or none, with one masked
 * column set to -10000. Also: the ref node against the decomposed ops it
 * replaces, computed here with the ref MatMul / Mul / Add / Softmax ops.
 * And the fused AVX-512 score-row kernel (scale, mask, softmax) against
 * vmulc / vdivc, vadd / vaddc and ref's softmax in turn, on rows with NaN,
 * +-inf, all -inf, huge and -10000 values, every length to 70. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu.h"
#include "kernel-check.h"
#include "backends/ref/kernels.h"
#include "backends/x86/attention.h"
#include "backends/x86/vec-ukernels.h"

static const octet_isa levels[] = {OCTET_ISA_AVX2, OCTET_ISA_AVXVNNI, OCTET_ISA_AVX512,
                                   OCTET_ISA_AVX512VNNI, OCTET_ISA_AMX};

static int check_case(octet_dtype t, const att_shape *s, int mask, int op) {
  op_case c;
  att_build(&c, t, s, mask, op);
  ck_assert_msg(oc_run(&c, 1) == OCTET_OK, "%s", octet_last_error());
  int compared = 0;
  for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
    if (!octet_isa_supported(levels[l])) continue;
    setenv("OCTET_ISA", octet_isa_name(levels[l]), 1);
    octet_isa_reset();
    const char *kernel;
    ck_assert_msg(backend_matches_ref(&octet_backend_x86, &c, 2, &kernel),
                  "%s B=%lld Sq=%lld Sk=%lld H=%lld D=%lld mask %d op %d: differs from ref",
                  kernel, (long long)s->B, (long long)s->Sq, (long long)s->Sk,
                  (long long)s->H, (long long)s->D, mask, op);
    compared++;
  }
  unsetenv("OCTET_ISA");
  octet_isa_reset();
  oc_free(&c);
  return compared;
}

static const att_shape shapes[] = {
    {1, 1, 1, 1, 1},   {1, 7, 7, 2, 8},   {2, 16, 16, 3, 32}, {1, 33, 33, 1, 40},
    {2, 32, 32, 2, 32}, {1, 7, 33, 2, 8}, {1, 70, 16, 1, 32}, {2, 5, 70, 3, 1},
    {1, 6, 24, 2, 16}, {1, 9, 31, 1, 8},
};
enum { NSHAPES = sizeof shapes / sizeof shapes[0] };

START_TEST(test_attention_sweep) {
  const octet_dtype t = _i % 2 ? OCTET_DTYPE_FLOAT16 : OCTET_DTYPE_FLOAT32;
  int compared = 0;
  for (int si = 0; si < NSHAPES; si++)
    for (int mask = 0; mask < 5; mask++)
      for (int op = 0; op < 3; op++) compared += check_case(t, &shapes[si], mask, op);
  if (!compared) printf("SKIP: the CPU has no x86 level (AVX2 or above)\n");
  else printf("%s: %d cases x levels bit-identical to ref\n", octet_dtype_name(t), compared);
}
END_TEST

/* ---- the ref node against the ops it replaces ------------------------------ */

static octet_tview run_op(const char *op, octet_tview *ins, int n, int64_t axis) {
  op_case c;
  oc_init(&c, op, 17);
  if (axis != 99) oc_attr_int(&c, "axis", axis);
  if (strcmp(op, "Transpose") == 0) {
    const int64_t *p = (const int64_t *)ins[1].data;
    oc_attr_ints(&c, "perm", p, 4);
    n = 1;
  }
  for (int i = 0; i < n; i++) oc_input_dynamic(&c, ins[i].dtype, ins[i].rank, ins[i].dims, ins[i].data);
  ck_assert_msg(oc_run(&c, 1) == OCTET_OK, "%s: %s", op, octet_last_error());
  octet_tview r = c.out[0];
  size_t bytes = tv_nbytes(&r);
  r.data = malloc(bytes + 1);
  memcpy(r.data, c.out[0].data, bytes);
  oc_free(&c);
  return r;
}

START_TEST(test_ref_matches_decomposed) {
  const octet_dtype t = _i % 2 ? OCTET_DTYPE_FLOAT16 : OCTET_DTYPE_FLOAT32;
  const att_shape s = {2, 9, 13, 3, 8};
  for (int op = 0; op < 3; op++) {
    op_case c;
    att_build(&c, t, &s, 1, op);
    ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
    static const int64_t to_heads[4] = {0, 2, 1, 3}, to_keys[4] = {0, 2, 3, 1};
    octet_tview ph = {.dtype = OCTET_DTYPE_INT64, .rank = 1, .dims = {4}, .data = (void *)to_heads};
    octet_tview pk = ph;
    pk.data = (void *)to_keys;
    octet_tview a[2];
    a[0] = c.in[0], a[1] = ph;
    octet_tview qt = run_op("Transpose", a, 2, 99);
    a[0] = c.in[1], a[1] = pk;
    octet_tview kt = run_op("Transpose", a, 2, 99);
    a[0] = c.in[2], a[1] = ph;
    octet_tview vt = run_op("Transpose", a, 2, 99);
    a[0] = qt, a[1] = kt;
    octet_tview x = run_op("MatMul", a, 2, 99);
    if (op) {
      a[0] = x, a[1] = c.in[4];
      octet_tview y = run_op(op == 1 ? "Mul" : "Div", a, 2, 99);
      free(x.data);
      x = y;
    }
    a[0] = x, a[1] = c.in[3];
    octet_tview y = run_op("Add", a, 2, 99);
    octet_tview p = run_op("Softmax", &y, 1, -1);
    a[0] = p, a[1] = vt;
    octet_tview o = run_op("MatMul", a, 2, 99);
    a[0] = o, a[1] = ph;
    octet_tview want = run_op("Transpose", a, 2, 99);
    ck_assert_uint_eq(tv_nbytes(&want), tv_nbytes(&c.out[0]));
    ck_assert_msg(memcmp(want.data, c.out[0].data, tv_nbytes(&want)) == 0,
                  "%s op %d: ref OctetAttention differs from the decomposed ops",
                  octet_dtype_name(t), op);
    octet_tview *all[] = {&qt, &kt, &vt, &x, &y, &p, &o, &want};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]->data);
    oc_free(&c);
  }
}
END_TEST

/* ---- the fused score-row kernel on special values --------------------------- */

/* Row r of n scores: random, with row r % 9 made special. */
static void special_row(float *x, size_t n, size_t r) {
  for (size_t i = 0; i < n; i++) x[i] = frand() * 8.0f;
  const size_t j = (r * 7) % n;
  switch (r % 9) {
    case 1: x[j] = NAN; break;
    case 2: x[j] = INFINITY; break;
    case 3: for (size_t i = 0; i < n; i++) x[i] = -INFINITY; break;
    case 4: x[j] = -INFINITY; break;
    case 5: for (size_t i = 0; i < n; i++) x[i] = frand() * 1e30f; break;
    case 6: x[j] = FLT_MAX, x[(j + 1) % n] = -FLT_MAX; break;
    case 7: x[j] = -10000.0f; break;
    case 8: x[j] = -NAN, x[(j + 3) % n] = NAN; break;
    default: break;
  }
}

START_TEST(test_fused_rows_special) {
  if (!octet_isa_supported(OCTET_ISA_AVX512)) {
    printf("SKIP: no avx512\n");
    return;
  }
  enum { ROWS = 11, MAXN = 70 };
  static const float scales[] = {0.125f, 3.0f, 0.0f};
  int cases = 0;
  for (size_t n = 1; n <= MAXN; n++)
    for (int op = 0; op < 3; op++)
      for (int mk = 0; mk < 4; mk++) { /* none, [rows, n], [n] for all rows, one value per row */
        float x[ROWS * MAXN], mask[ROWS * MAXN], want[ROWS * MAXN], got[ROWS * MAXN];
        float z[MAXN];
        for (size_t r = 0; r < ROWS; r++) special_row(x + r * n, n, r);
        for (size_t i = 0; i < ROWS * n; i++) mask[i] = frand();
        mask[2] = -INFINITY, mask[n + 1 < ROWS * n ? n + 1 : 0] = -10000.0f;
        const float c = scales[(n + (size_t)op) % 3];
        const size_t ldm = mk == 1 ? n : mk == 3 ? 1 : 0;
        const bool cols = mk == 1 || mk == 2;
        for (size_t r = 0; r < ROWS; r++) {
          memcpy(z, x + r * n, sizeof(float) * n);
          if (op == 1) octet_f32_vmulc_ukernel__avx512(n, z, &c, z);
          if (op == 2) octet_f32_vdivc_ukernel__avx512(n, z, &c, z);
          if (mk) {
            const float *m = mask + r * ldm;
            if (cols)
              octet_f32_vadd_ukernel__avx512(n, z, m, z);
            else
              octet_f32_vaddc_ukernel__avx512(n, z, m, z);
          }
          octet_ref_softmax_row(z, want + r * n, false, n);
        }
        memset(got, 0xAB, sizeof got);
        octet_f32_att_softmax_rows__avx512(ROWS, n, x, n, op, c, mk ? mask : NULL, ldm, cols,
                                           got, n);
        ck_assert_msg(memcmp(got, want, sizeof(float) * ROWS * n) == 0,
                      "fused rows n=%zu op %d mask %d c=%g: differ from the separate kernels", n,
                      op, mk, (double)c);
        cases++;
      }
  printf("fused score rows: %d cases of %d rows bit-identical\n", cases, ROWS);
}
END_TEST

int main(void) {
  rand_seed(11);
  Suite *s = suite_create("x86-attention");
  TCase *tc = tcase_create("attention");
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, test_attention_sweep, 0, 2);
  tcase_add_loop_test(tc, test_ref_matches_decomposed, 0, 2);
  tcase_add_test(tc, test_fused_rows_special);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
