/* Replays the inputs the fuzzer found (tests/data/fuzz-regress/, one file
 * per bug; tools/scripts/fuzz.sh, tests/fuzz/) through the same steps as the fuzz
 * target: load, then a session per precision and backend list, planned and
 * run on small well-formed inputs. Each must end as the table below says,
 * with a status and a message, and nothing may crash, leak or read out of
 * bounds (the sanitizer build runs this too). */
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz-one.h"

static const char *regress_dir;
static char base_dir[64], ext_path[128];

/* How each file must end: the first failure's stage ("load", "create" or
 * "run"; NULL: loads and runs everywhere), status and a piece of its
 * message; `any`: a piece of some session's message (the precision or
 * backend the bug was in), or NULL. */
static const struct expect {
  const char *file;
  const char *stage;
  octet_status status;
  const char *fragment;
  const char *any;
} expects[] = {
    /* ConstantOfShape to [2, 154618822659] float: too large for fp32 (over
     * 1 TiB), but in fp16 the 618 GB constant was malloc'd at planning. */
    {"plan-fold-huge.onnx", "create", OCTET_ERR_OVERFLOW, "too large", "max_plan_bytes"},
};
#define N_EXPECTS (sizeof expects / sizeof expects[0])

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  ck_assert_int_ge(n, 0);
  /* Exactly n bytes: ASan sees any read past the end. */
  uint8_t *buf = malloc(n ? (size_t)n : 1);
  ck_assert_ptr_nonnull(buf);
  ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static void replay(const struct expect *e, size_t max_plan_bytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", regress_dir, e->file);
  size_t len;
  uint8_t *buf = read_all(path, &len);
  fuzz_result r;
  fuzz_one(buf, len, base_dir, max_plan_bytes, &r);
  free(buf);
  ck_assert_msg(r.violation[0] == '\0', "%s: %s", e->file, r.violation);
  if (!e->stage) {
    ck_assert_msg(r.first_stage == NULL, "%s: %s failed: %s", e->file,
                  r.first_stage, r.first_error);
  } else {
    ck_assert_msg(r.first_stage && strcmp(r.first_stage, e->stage) == 0,
                  "%s: first failure at '%s' (%s), wanted '%s'", e->file,
                  r.first_stage ? r.first_stage : "(none)", r.first_error, e->stage);
    ck_assert_msg(r.first_status == e->status, "%s: status %s, wanted %s (%s)",
                  e->file, octet_status_str(r.first_status),
                  octet_status_str(e->status), r.first_error);
    ck_assert_msg(strstr(r.first_error, e->fragment) != NULL,
                  "%s: message '%s' lacks '%s'", e->file, r.first_error, e->fragment);
  }
  if (e->any) {
    int k = 0;
    while (k < FUZZ_N_SESSIONS && !strstr(r.session_error[k], e->any)) k++;
    ck_assert_msg(k < FUZZ_N_SESSIONS, "%s: no session failed with '%s'", e->file, e->any);
    printf("  ok: %-28s %-6s %s: %s\n", e->file, "", fuzz_session_name(k),
           r.session_error[k]);
  }
  printf("  ok: %-28s %-6s %s\n", e->file, e->stage ? e->stage : "runs",
         e->stage ? r.first_error : "");
}

START_TEST(test_replay) {
  replay(&expects[_i], FUZZ_MAX_PLAN_BYTES);
}
END_TEST

/* Every file in the folder has a line in the table and the reverse. */
START_TEST(test_table_complete) {
  DIR *d = opendir(regress_dir);
  ck_assert_msg(d != NULL, "cannot open %s", regress_dir);
  size_t n_files = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue;
    bool listed = false;
    for (size_t i = 0; i < N_EXPECTS; i++) listed |= strcmp(expects[i].file, de->d_name) == 0;
    ck_assert_msg(listed, "%s/%s is not in test-fuzz-regress.c's table", regress_dir,
                  de->d_name);
    n_files++;
  }
  closedir(d);
  ck_assert_uint_eq(n_files, N_EXPECTS);
}
END_TEST

/* With the default limit (half of the memory this process may use) an
 * absurd plan still fails before allocating. */
START_TEST(test_default_limit) {
  static const struct expect e = {"plan-fold-huge.onnx", "create", OCTET_ERR_OVERFLOW,
                                  "too large", "max_plan_bytes"};
  replay(&e, 0);
}
END_TEST

static void remove_base_dir(void) {
  unlink(ext_path);
  rmdir(base_dir);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR (tests/data/fuzz-regress)\n", argv[0]);
    return 2;
  }
  regress_dir = argv[1];
  if (fuzz_make_base_dir("/tmp/octet-fuzz-regress-XXXXXX", base_dir, sizeof base_dir,
                         ext_path, sizeof ext_path) != 0) {
    perror("cannot make the external data folder");
    return 1;
  }
  atexit(remove_base_dir);
  Suite *s = suite_create("fuzz-regress");
  TCase *tc = tcase_create("fuzz-regress");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_table_complete);
  tcase_add_loop_test(tc, test_replay, 0, (int)N_EXPECTS);
  tcase_add_test(tc, test_default_limit);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_set_fork_status(sr, CK_NOFORK); /* so ASan/LSan see every test */
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
