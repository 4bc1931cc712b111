/* Unit tests of Tile, DepthToSpace (DCR and CRD), SpaceToDepth and
 * InstanceNormalization (issue 16): layouts against hand-made indices,
 * round trips, and the refusals of infer (sizes, overflow, attributes). */
#include "elementwise-test.h"
#include "op-check.h"

START_TEST(tile_values) {
  op_case c;
  float x[4] = {1, 2, 3, 4}; /* [2, 2] */
  oc_init(&c, "Tile", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){2, 3});
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 2, (int64_t[]){4, 6});
  f32_is(&c, (float[]){1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,
                       1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}, 24, 0);
  oc_free(&c);
  /* zero repeats, bool, rank 0 */
  oc_init(&c, "Tile", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){0, 1});
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 2, (int64_t[]){0, 2});
  oc_free(&c);
  uint8_t b[2] = {1, 0}, wb[6] = {1, 0, 1, 0, 1, 0};
  oc_init(&c, "Tile", 13);
  oc_input(&c, BOOL, 1, (int64_t[]){2}, b);
  oc_input(&c, I64, 1, (int64_t[]){1}, (int64_t[]){3});
  ok(oc_run(&c, 1));
  bytes_is(&c, wb, 6);
  oc_free(&c);
  oc_init(&c, "Tile", 13);
  oc_input(&c, F32, 0, NULL, x);
  oc_input(&c, I64, 1, (int64_t[]){0}, NULL);
  ok(oc_run(&c, 1));
  f32_is(&c, x, 1, 0);
  oc_free(&c);
  /* refusals */
  oc_init(&c, "Tile", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){-1, 1});
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Tile", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, x);
  oc_input(&c, I64, 1, (int64_t[]){1}, (int64_t[]){2});
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "Tile", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){INT64_MAX, 2});
  expect_fail(&c, 1, OCTET_ERR_OVERFLOW);
  oc_init(&c, "Tile", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1 << 20, 1 << 20});
  expect_fail(&c, 1, OCTET_ERR_OVERFLOW); /* 2^42 elements */
  oc_init(&c, "Tile", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, x);
  oc_input_dynamic(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);
  oc_init(&c, "Tile", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, x);
  oc_input(&c, I32, 1, (int64_t[]){2}, (int32_t[]){1, 1});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

static octet_status d2s(op_case *c, const char *op, const char *mode, int64_t b,
                        const int64_t *dims, const float *x) {
  oc_init(c, op, 13);
  oc_attr_int(c, "blocksize", b);
  if (mode) oc_attr_string(c, "mode", mode);
  oc_input(c, F32, 4, dims, x);
  octet_clear_error();
  return oc_run(c, 1);
}

START_TEST(depth_space) {
  op_case c;
  float *x = iota_f32(8); /* [1, 8, 1, 1] -> b = 2: [1, 2, 2, 2] */
  int64_t d[4] = {1, 8, 1, 1};
  ok(d2s(&c, "DepthToSpace", NULL, 2, d, x));
  check_shape(&c, 0, 4, (int64_t[]){1, 2, 2, 2});
  /* DCR: out[c, i, j] = x[(i b + j) C' + c] */
  f32_is(&c, (float[]){0, 2, 4, 6, 1, 3, 5, 7}, 8, 0);
  oc_free(&c);
  ok(d2s(&c, "DepthToSpace", "CRD", 2, d, x));
  /* CRD: out[c, i, j] = x[c b^2 + i b + j] */
  f32_is(&c, (float[]){0, 1, 2, 3, 4, 5, 6, 7}, 8, 0);
  oc_free(&c);
  free(x);
  /* SpaceToDepth inverts DepthToSpace DCR on [2, 8, 3, 2] with b = 2 */
  float *y = iota_f32(2 * 8 * 3 * 2);
  ok(d2s(&c, "DepthToSpace", "DCR", 2, (int64_t[]){2, 8, 3, 2}, y));
  check_shape(&c, 0, 4, (int64_t[]){2, 2, 6, 4});
  op_case c2;
  ok(d2s(&c2, "SpaceToDepth", NULL, 2, (int64_t[]){2, 2, 6, 4}, c.out[0].data));
  check_shape(&c2, 0, 4, (int64_t[]){2, 8, 3, 2});
  f32_is(&c2, y, 96, 0);
  oc_free(&c2);
  oc_free(&c);
  free(y);
  /* SpaceToDepth by hand: [1, 1, 2, 2] -> [1, 4, 1, 1] */
  float s[4] = {1, 2, 3, 4};
  ok(d2s(&c, "SpaceToDepth", NULL, 2, (int64_t[]){1, 1, 2, 2}, s));
  f32_is(&c, s, 4, 0);
  oc_free(&c);
  /* SpaceToDepth-28 modes on [1, 2, 2, 2] */
  float *v = iota_f32(8);
  oc_init(&c, "SpaceToDepth", 28);
  oc_attr_int(&c, "blocksize", 2);
  oc_attr_string(&c, "mode", "CRD");
  oc_input(&c, F32, 4, (int64_t[]){1, 2, 2, 2}, v);
  ok(oc_run(&c, 1));
  f32_is(&c, v, 8, 0); /* channel c b^2 + i b + j */
  oc_free(&c);
  oc_init(&c, "SpaceToDepth", 28);
  oc_attr_int(&c, "blocksize", 2);
  oc_input(&c, F32, 4, (int64_t[]){1, 2, 2, 2}, v);
  ok(oc_run(&c, 1));
  f32_is(&c, (float[]){0, 4, 1, 5, 2, 6, 3, 7}, 8, 0); /* (i b + j) C + c */
  oc_free(&c);
  oc_init(&c, "SpaceToDepth", 13); /* mode before opset 28 */
  oc_attr_int(&c, "blocksize", 2);
  oc_attr_string(&c, "mode", "CRD");
  oc_input(&c, F32, 4, (int64_t[]){1, 2, 2, 2}, v);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  free(v);
  /* refusals */
  float z[16] = {0};
  fails(d2s(&c, "DepthToSpace", NULL, 3, (int64_t[]){1, 8, 1, 1}, z), OCTET_ERR_SHAPE);
  oc_free(&c);
  fails(d2s(&c, "DepthToSpace", "XYZ", 2, (int64_t[]){1, 8, 1, 1}, z),
        OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  fails(d2s(&c, "DepthToSpace", NULL, 0, (int64_t[]){1, 8, 1, 1}, z),
        OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  fails(d2s(&c, "SpaceToDepth", NULL, 3, (int64_t[]){1, 1, 4, 4}, z), OCTET_ERR_SHAPE);
  oc_free(&c);
  fails(d2s(&c, "SpaceToDepth", NULL, (int64_t)1 << 30, (int64_t[]){1, 1, 4, 4}, z),
        OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  oc_init(&c, "SpaceToDepth", 13);
  oc_attr_int(&c, "blocksize", 2);
  oc_input(&c, F32, 3, (int64_t[]){1, 4, 4}, z);
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "DepthToSpace", 13);
  oc_input(&c, F32, 4, (int64_t[]){1, 4, 1, 1}, z);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT); /* no blocksize */
}
END_TEST

START_TEST(instance_norm) {
  op_case c;
  /* [1, 2, 3]: channel 0 {1, 2, 3}, channel 1 {4, 4, 4} */
  float x[6] = {1, 2, 3, 4, 4, 4}, s[2] = {2, 1}, b[2] = {0.5f, -1};
  oc_init(&c, "InstanceNormalization", 6);
  oc_attr_float(&c, "epsilon", 0.0f);
  oc_input(&c, F32, 3, (int64_t[]){1, 2, 3}, x);
  oc_input(&c, F32, 1, (int64_t[]){2}, s);
  oc_input(&c, F32, 1, (int64_t[]){2}, b);
  ok(oc_run(&c, 1));
  float k = 2 / sqrtf(2.0f / 3);
  f32_is(&c, (float[]){0.5f - k, 0.5f, 0.5f + k, NAN, NAN, NAN}, 6, 1e-5f);
  oc_free(&c);
  oc_init(&c, "InstanceNormalization", 6); /* default epsilon: constant plane */
  oc_input(&c, F32, 3, (int64_t[]){1, 2, 3}, x);
  oc_input(&c, F32, 1, (int64_t[]){2}, s);
  oc_input(&c, F32, 1, (int64_t[]){2}, b);
  ok(oc_run(&c, 1));
  f32_is(&c, (float[]){0.5f - k, 0.5f, 0.5f + k, -1, -1, -1}, 6, 1e-4f);
  oc_free(&c);
  /* refusals: rank 2, scale size, dtype, epsilon */
  oc_init(&c, "InstanceNormalization", 6);
  oc_input(&c, F32, 2, (int64_t[]){2, 3}, x);
  oc_input(&c, F32, 1, (int64_t[]){3}, x);
  oc_input(&c, F32, 1, (int64_t[]){3}, x);
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "InstanceNormalization", 6);
  oc_input(&c, F32, 3, (int64_t[]){1, 2, 3}, x);
  oc_input(&c, F32, 1, (int64_t[]){3}, x);
  oc_input(&c, F32, 1, (int64_t[]){2}, b);
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "InstanceNormalization", 6);
  oc_input(&c, F32, 3, (int64_t[]){1, 2, 3}, x);
  oc_input(&c, F64, 1, (int64_t[]){2}, (double[]){1, 1});
  oc_input(&c, F32, 1, (int64_t[]){2}, b);
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "InstanceNormalization", 6);
  oc_attr_float(&c, "epsilon", -1.0f);
  oc_input(&c, F32, 3, (int64_t[]){1, 2, 3}, x);
  oc_input(&c, F32, 1, (int64_t[]){2}, s);
  oc_input(&c, F32, 1, (int64_t[]){2}, b);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
}
END_TEST

static Suite *space_suite(void) {
  Suite *s = suite_create("space");
  TCase *tc = tcase_create("space");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, tile_values);
  tcase_add_test(tc, depth_space);
  tcase_add_test(tc, instance_norm);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(space_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
