/* Planning on its own (src/plan/plan.h), without a session: a graph and plan
 * options in, a plan out. Steps and their backends, the arena, folded
 * constants, FLOPs, shape inference at other sizes, the typed status of a
 * shape that depends on input values and the plan specialised to them, the
 * plan's memory limit and the batch-separability proof. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/session.h"
#include "onnx-build.h"
#include "plan/plan.h"

#define F32 1
#define I64 7

static octet_model *load(ob_model *ob) {
  size_t len;
  uint8_t *buf = ob_pack(ob, &len);
  ob_free(ob);
  octet_model *m = NULL;
  ck_assert_msg(octet_model_load_memory(buf, len, NULL, &m) == OCTET_OK, "%s",
                octet_last_error());
  free(buf);
  return m;
}

static octet_plan_options oracle_only(void) {
  octet_plan_options o = {.precision = OCTET_PRECISION_FP32, .threads = 1};
  o.backends[o.n_backends++] = octet_backend_oracle();
  return o;
}

/* y = Relu(x [b, 4] @ W [4, 3]) + Shape-derived constant arithmetic folded away. */
static octet_model *matmul_relu(void) {
  ob_model *ob = ob_new(17);
  const int64_t xd[2] = {-1, 4}, wd[2] = {4, 3};
  const float w[12] = {1, 0, -1, 2, 1, 0, 0, 1, 1, -2, 0, 1};
  ob_input(ob, "x", F32, 2, xd);
  ob_init_f32(ob, "W", 2, wd, w);
  ob_node_add(ob, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"h"});
  ob_node_add(ob, "Relu", "relu", 1, (const char *[]){"h"}, 1, (const char *[]){"y"});
  ob_output(ob, "y", F32);
  return load(ob);
}

START_TEST(test_plan_without_session) {
  octet_model *m = matmul_relu();
  const octet_graph *g = &m->g;
  octet_plan_options o = oracle_only();
  octet_plan p;
  memset(&p, 0, sizeof p);
  int64_t dims[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK] = {{3, 4}};
  ck_assert_msg(octet_plan_build(&p, g, &o, dims, NULL) == OCTET_OK, "%s", octet_last_error());
  ck_assert(p.valid);
  ck_assert_int_eq(p.n_values, g->n_values);
  ck_assert_int_eq(p.n_steps, 2);
  for (int k = 0; k < p.n_steps; k++) ck_assert_ptr_eq(p.steps[k].backend, octet_backend_oracle());
  ck_assert_str_eq(p.steps[0].info.op_type, "MatMul");
  ck_assert(p.steps[0].info.flops == 2.0 * 3 * 3 * 4);
  /* h and y live in the arena: 3 x 3 floats each, at most two of them */
  ck_assert_uint_ge(p.arena_bytes, 3 * 3 * sizeof(float));
  const plan_value *y = &p.pv[g->outputs[0]];
  ck_assert_int_eq(y->state, PV_ARENA);
  ck_assert_int_eq(y->tv.dims[0], 3);
  ck_assert_int_eq(y->tv.dims[1], 3);
  ck_assert(octet_plan_matches(&p, g, dims, NULL));
  int64_t other[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK] = {{50, 4}};
  ck_assert(!octet_plan_matches(&p, g, other, NULL));
  /* shapes at another size, the plan untouched */
  octet_tview *views = NULL;
  size_t arena = 0;
  ck_assert_int_eq(octet_plan_infer_shapes(g, &o, &p, other, &views, &arena, NULL), OCTET_OK);
  ck_assert_int_eq(views[g->outputs[0]].dims[0], 50);
  ck_assert_uint_gt(arena, p.arena_bytes);
  ck_assert_int_eq(p.pv[g->outputs[0]].tv.dims[0], 3);
  free(views);
  /* the rows of a MatMul + Relu never mix: separable along the batch */
  char why[200];
  ck_assert_msg(octet_plan_batch_separable(&p, g, &o, 3, why, sizeof why), "%s", why);
  /* running the steps by hand, as the executor does */
  const float x[12] = {1, 2, 3, 4, -1, -2, -3, -4, 0, 1, 0, 1};
  p.pv[g->inputs[0]].tv.data = (void *)x;
  octet_kctx ctx = {.threads = 1};
  for (int k = 0; k < p.n_steps; k++) {
    const octet_node *n = &g->nodes[p.steps[k].node];
    octet_tview in[2], out[1];
    for (int i = 0; i < n->n_inputs; i++) in[i] = p.pv[n->inputs[i]].tv;
    out[0] = p.pv[n->outputs[0]].tv;
    ctx.state = p.steps[k].kernel.state;
    ck_assert_int_eq(p.steps[k].kernel.run(n, in, n->n_inputs, out, 1, &ctx), OCTET_OK);
  }
  const float *yv = p.pv[g->outputs[0]].tv.data;
  /* row 0: [1 2 3 4] @ W = [1-0+0-8, 0+2+3+0, -1+0+3+4] = [-7, 5, 6] -> relu */
  ck_assert_float_eq(yv[0], 0.0f);
  ck_assert_float_eq(yv[1], 5.0f);
  ck_assert_float_eq(yv[2], 6.0f);
  octet_plan_release(&p);
  ck_assert(!p.valid);
  ck_assert_ptr_null(p.pv);
  octet_plan_release(&p); /* twice is fine */
  octet_model_destroy(m);
}
END_TEST

/* A Reshape whose shape is a graph input: planning without the input's
 * values says OCTET_ERR_DATA_DEPENDENT (a typed status, not a message to
 * match); with them, the plan is specialised to those values. */
START_TEST(test_data_dependent) {
  ob_model *ob = ob_new(17);
  const int64_t xd[1] = {6}, sd[1] = {2};
  ob_input(ob, "x", F32, 1, xd);
  ob_input(ob, "shape", I64, 1, sd);
  ob_node_add(ob, "Reshape", "r", 2, (const char *[]){"x", "shape"}, 1, (const char *[]){"y"});
  ob_node_add(ob, "Relu", "relu", 1, (const char *[]){"y"}, 1, (const char *[]){"z"});
  ob_output(ob, "z", F32);
  octet_model *m = load(ob);
  const octet_graph *g = &m->g;
  octet_plan_options o = oracle_only();
  octet_plan p;
  memset(&p, 0, sizeof p);
  int64_t dims[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK] = {{6}, {2}};
  ck_assert_int_eq(octet_plan_build(&p, g, &o, dims, NULL), OCTET_ERR_DATA_DEPENDENT);
  ck_assert(!p.valid);
  const int64_t s23[2] = {2, 3}, s32[2] = {3, 2};
  const void *data[OCTET_PLAN_MAX_IO] = {NULL, s23};
  ck_assert_msg(octet_plan_build(&p, g, &o, dims, data) == OCTET_OK, "%s", octet_last_error());
  ck_assert(p.value_bound[1]);
  ck_assert_int_eq(p.pv[g->outputs[0]].tv.dims[0], 2);
  ck_assert(octet_plan_matches(&p, g, dims, data));
  const void *other[OCTET_PLAN_MAX_IO] = {NULL, s32};
  ck_assert(!octet_plan_matches(&p, g, dims, other));
  ck_assert(!octet_plan_matches(&p, g, dims, NULL));
  octet_plan_release(&p);
  octet_model_destroy(m);
}
END_TEST

/* The limit on arena + folded constants fails before allocating. */
START_TEST(test_plan_limit) {
  octet_model *m = matmul_relu();
  octet_plan_options o = oracle_only();
  o.max_plan_bytes = 1024;
  octet_plan p;
  memset(&p, 0, sizeof p);
  int64_t dims[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK] = {{1000, 4}};
  ck_assert_int_eq(octet_plan_build(&p, &m->g, &o, dims, NULL), OCTET_ERR_NO_MEMORY);
  ck_assert_ptr_nonnull(strstr(octet_last_error(), "max_plan_bytes"));
  ck_assert_ptr_null(p.arena);
  dims[0][0] = 2;
  ck_assert_int_eq(octet_plan_build(&p, &m->g, &o, dims, NULL), OCTET_OK);
  octet_plan_release(&p);
  octet_model_destroy(m);
}
END_TEST

/* A sum over the batch mixes items: not separable, and the reason names
 * the node. */
START_TEST(test_not_separable) {
  ob_model *ob = ob_new(13);
  const int64_t xd[2] = {-1, 4}, ad[1] = {1}, axes[1] = {0};
  ob_input(ob, "x", F32, 2, xd);
  ob_init_i64(ob, "axes", 1, ad, axes);
  ob_node *n = ob_node_add(ob, "ReduceSum", "sum_batch", 2, (const char *[]){"x", "axes"}, 1,
                           (const char *[]){"y"});
  ob_attr_int(n, "keepdims", 1);
  ob_output(ob, "y", F32);
  octet_model *m = load(ob);
  octet_plan_options o = oracle_only();
  octet_plan p;
  memset(&p, 0, sizeof p);
  int64_t dims[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK] = {{2, 4}};
  ck_assert_int_eq(octet_plan_build(&p, &m->g, &o, dims, NULL), OCTET_OK);
  char why[200];
  ck_assert(!octet_plan_batch_separable(&p, &m->g, &o, 2, why, sizeof why));
  ck_assert_msg(strstr(why, "sum_batch") != NULL, "%s", why);
  octet_plan_release(&p);
  octet_model_destroy(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("plan");
  TCase *tc = tcase_create("plan");
  tcase_add_test(tc, test_plan_without_session);
  tcase_add_test(tc, test_data_dependent);
  tcase_add_test(tc, test_plan_limit);
  tcase_add_test(tc, test_not_separable);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
