/* Runs ONNX's backend node tests (onnx/backend/test/data/node/<test>/
 * {model.onnx, test_data_set_N/input_N.pb, output_N.pb}) through the public
 * API and compares with the reference outputs.
 *
 * Environment:
 *   OCTET_ONNX_NODE_DIR   the node test directory (tools/scripts/find_onnx_node_tests.py
 *                         prints it; meson passes it). Unset/missing: SKIP.
 *   OCTET_NODE_FILTER     run only tests whose name contains this substring.
 *   OCTET_NODE_VERBOSE=1  print every test's result and every skip's reason.
 *   OCTET_NODE_TIMEOUT    seconds per test (default 60).
 *   OCTET_NODE_NOFORK=1   run tests in-process (for a debugger); by default
 *                         each test runs in a child so a crash is reported as
 *                         that test's failure and the others still run.
 *
 * A test is SKIPPED when the loader rejects it for a documented reason: an op
 * octet does not have, a non-default domain, an unsupported element type, a
 * non-tensor (sequence/optional/map) type, an opset older than 7 or newer than
 * octet knows (a newer onnx package), training mode (an op's training
 * form, which an inference runtime refuses by design) or an output size
 * that depends on data known only at run (NonZero of a graph input). Anything
 * else (another load error, session creation, run, a mismatch) is FAILED. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/ir.h"
#include "octet.h"
#include "onnx/loader.h"
#include "onnx-node-compare.h"

#define MAX_FILE_BYTES ((size_t)1 << 30)
#define MAX_IO 64
#define PATH_BUF 4096

/* ---- results ------------------------------------------------------------- */

enum outcome { R_PASS = 0, R_FAIL = 1, R_SKIP_OP = 2, R_SKIP_REASON = 3 };

typedef struct result {
  int outcome;
  char reason[128]; /* R_SKIP_OP: the op type; R_SKIP_REASON: the category */
  char ops[256];    /* the model's op types, when it loaded */
  char msg[1536];
} result;

static void set_msg(result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_msg(result *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->msg, sizeof r->msg, fmt, ap);
  va_end(ap);
}

static bool env_flag(const char *name) {
  const char *v = getenv(name);
  return v && *v && strcmp(v, "0") != 0;
}

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of `dir` starting with `prefix`. If need_file
 * is set, only entries where <dir>/<entry>/<need_file> is a file. */
static char **list_dir(const char *dir, const char *prefix,
                       const char *need_file, size_t *count) {
  *count = 0;
  DIR *d = opendir(dir);
  if (!d) return NULL;
  size_t n = 0, cap = 64;
  char **names = malloc(cap * sizeof *names);
  struct dirent *e;
  while (names && (e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
    if (need_file) {
      char p[PATH_BUF];
      if (snprintf(p, sizeof p, "%s/%s/%s", dir, e->d_name, need_file) >=
              (int)sizeof p ||
          !is_file(p))
        continue;
    }
    if (n == cap) {
      cap *= 2;
      char **nn = realloc(names, cap * sizeof *names);
      if (!nn) break;
      names = nn;
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  if (names) qsort(names, n, sizeof *names, cmp_str);
  *count = n;
  return names;
}

static void free_list(char **names, size_t n) {
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
}

/* Counts <dir>/<prefix>0.pb, <prefix>1.pb, ... until one is missing. */
static int count_pb(const char *dir, const char *prefix) {
  int n = 0;
  for (;; n++) {
    char p[PATH_BUF];
    if (snprintf(p, sizeof p, "%s/%s%d.pb", dir, prefix, n) >= (int)sizeof p ||
        !is_file(p))
      return n;
  }
}

/* ---- classification of rejections --------------------------------------- */

/* Copies the text after `key` up to the next single quote into out. */
static bool quoted_after(const char *msg, const char *key, char *out,
                         size_t n) {
  const char *p = strstr(msg, key);
  if (!p) return false;
  p += strlen(key);
  const char *q = strchr(p, '\'');
  if (!q) return false;
  size_t len = (size_t)(q - p);
  if (len >= n) len = n - 1;
  memcpy(out, p, len);
  out[len] = '\0';
  return true;
}

/* ONNX TensorProto.DataType names, for codes the loader prints bare. */
static const char *onnx_type_name(long code) {
  static const char *names[] = {
      "undefined", "float",   "uint8",      "int8",         "uint16",
      "int16",     "int32",   "int64",      "string",       "bool",
      "float16",   "double",  "uint32",     "uint64",       "complex64",
      "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz",
      "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1",
      "float8e8m0", "uint2", "int2"};
  if (code >= 0 && code < (long)(sizeof names / sizeof names[0]))
    return names[code];
  return NULL;
}

/* Decides whether a rejection is a documented "not supported" (a skip) or a
 * failure. Fills r->outcome and r->reason; r->msg already holds the text. */
static void classify(octet_status st, const char *msg, result *r) {
  char op[96], domain[96];
  r->outcome = R_FAIL;
  if (st == OCTET_ERR_UNSUPPORTED &&
      quoted_after(msg, "unsupported op '", op, sizeof op)) {
    if (quoted_after(msg, "domain '", domain, sizeof domain) && *domain &&
        strcmp(domain, "ai.onnx") != 0) {
      r->outcome = R_SKIP_REASON;
      snprintf(r->reason, sizeof r->reason, "domain %s", domain);
    } else if (!octet_op_find(op)) {
      r->outcome = R_SKIP_OP;
      snprintf(r->reason, sizeof r->reason, "%s", op);
    }
    /* else: octet has the op, so saying it is unsupported is a bug. */
    return;
  }
  if (st == OCTET_ERR_DTYPE) {
    const char *p = strstr(msg, "unsupported dtype ");
    if (!p) return;
    p += strlen("unsupported dtype ");
    /* Either "unsupported dtype 16 (bfloat16)" (a code, then the loader's
     * name, "unknown" when it has none) or "unsupported dtype float16 (...
     * the supported ones)" (a name first). */
    char name[64] = "";
    char *end;
    long code = strtol(p, &end, 10);
    if (end == p) {
      if (sscanf(p, "%63[^ ,;:()]", name) != 1) snprintf(name, sizeof name, "?");
    } else {
      const char *par = strchr(end, '(');
      const char *nm = onnx_type_name(code);
      if (!(par && par - end <= 2 && sscanf(par + 1, "%63[^) ,]", name) == 1 &&
            strcmp(name, "unknown") != 0))
        snprintf(name, sizeof name, "%s", nm ? nm : "?");
    }
    r->outcome = R_SKIP_REASON;
    snprintf(r->reason, sizeof r->reason, "dtype %s", name);
    return;
  }
  if (st == OCTET_ERR_UNSUPPORTED && strstr(msg, "type") &&
      (strstr(msg, "sequence") || strstr(msg, "optional") ||
       strstr(msg, "map") || strstr(msg, "non-tensor"))) {
    r->outcome = R_SKIP_REASON;
    snprintf(r->reason, sizeof r->reason, "sequence/optional type");
    return;
  }
  if (st == OCTET_ERR_UNSUPPORTED && strstr(msg, "opset") &&
      strstr(msg, "too old")) {
    r->outcome = R_SKIP_REASON;
    snprintf(r->reason, sizeof r->reason, "opset < 7");
    return;
  }
  if (st == OCTET_ERR_UNSUPPORTED && strstr(msg, "opset") && strstr(msg, "newer than")) {
    r->outcome = R_SKIP_REASON; /* a newer onnx package than octet knows */
    snprintf(r->reason, sizeof r->reason, "opset newer than octet's");
    return;
  }
}

/* A dtype an op's kernel rejects at plan/run time (the loader took it):
 * names the op in the reason ("dtype float16 in Range") so that such skips
 * of supported ops stand apart in the summary. */
static void classify_kernel(octet_status st, const char *msg, result *r) {
  if (st == OCTET_ERR_UNSUPPORTED && strstr(msg, "training_mode=1 is not supported")) {
    /* octet runs inference: BatchNormalization's training form is refused
     * by design (issue 16 part B) */
    r->outcome = R_SKIP_REASON;
    snprintf(r->reason, sizeof r->reason, "training mode");
    return;
  }
  if (st == OCTET_ERR_UNSUPPORTED &&
      strstr(msg, "output size depends on the input data")) {
    /* NonZero of a value known only at run: octet plans every shape
     * before a run and refuses it by design (docs/ops.md) */
    r->outcome = R_SKIP_REASON;
    snprintf(r->reason, sizeof r->reason, "data-dependent output size");
    return;
  }
  classify(st == OCTET_ERR_DTYPE ? st : OCTET_ERR_INTERNAL, msg, r);
  if (r->outcome != R_SKIP_REASON) return;
  char op[64];
  if (sscanf(msg, "%63[A-Za-z0-9_]", op) == 1 && octet_op_find(op)) {
    size_t k = strlen(r->reason);
    snprintf(r->reason + k, sizeof r->reason - k, " in %s", op);
  }
}

/* ---- one test ------------------------------------------------------------ */

/* In a child: the pipe to the parent. Progress records (the stage reached,
 * the model's ops) go first so that a crash or hang still names both. */
static int progress_fd = -1;

static void write_record(int fd, const result *r) {
  const char *p = (const char *)r;
  size_t left = sizeof *r;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    p += w;
    left -= (size_t)w;
  }
}

static void progress(result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void progress(result *r, const char *fmt, ...) {
  if (progress_fd < 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->msg, sizeof r->msg, fmt, ap);
  va_end(ap);
  r->outcome = R_FAIL;
  write_record(progress_fd, r);
  r->msg[0] = '\0';
}

/* Reads <dir>/<file> as a TensorProto. On a rejection fills r (classified). */
static bool read_tensor(const char *dir, const char *file, octet_tview *out,
                        result *r) {
  char path[PATH_BUF];
  void *buf = NULL;
  size_t len = 0;
  memset(out, 0, sizeof *out);
  if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) {
    set_msg(r, "%s: path too long", file);
    return false;
  }
  octet_status st = octet_read_file(path, MAX_FILE_BYTES, &buf, &len);
  if (st == OCTET_OK) {
    st = octet_onnx_parse_tensor(buf, len, dir, out, NULL);
    free(buf);
  }
  if (st != OCTET_OK) {
    set_msg(r, "%s: %s: %s", file, octet_status_str(st), octet_last_error());
    classify(st, octet_last_error(), r);
    return false;
  }
  return true;
}

static void model_ops(const octet_model *m, result *r) {
  octet_model_stats stats;
  size_t k = 0;
  r->ops[0] = '\0';
  if (octet_model_stats_get(m, &stats) != OCTET_OK) return;
  for (size_t i = 0; i < stats.node_count; i++) {
    const char *op = NULL;
    size_t cnt = 0;
    if (octet_model_op_type(m, i, &op, &cnt) != OCTET_OK || !op) break;
    int w = snprintf(r->ops + k, sizeof r->ops - k, "%s%s", k ? "," : "", op);
    if (w < 0 || (size_t)w >= sizeof r->ops - k) break;
    k += (size_t)w;
  }
}

static void run_test(const char *root, const char *name, result *r) {
  char tdir[PATH_BUF], path[PATH_BUF];
  memset(r, 0, sizeof *r);
  r->outcome = R_FAIL;
  if (snprintf(tdir, sizeof tdir, "%s/%s", root, name) >= (int)sizeof tdir ||
      snprintf(path, sizeof path, "%s/model.onnx", tdir) >= (int)sizeof path) {
    set_msg(r, "path too long");
    return;
  }

  octet_model *model = NULL;
  octet_session *sess = NULL;
  octet_status st = octet_model_load(path, &model);
  if (st != OCTET_OK) {
    set_msg(r, "load: %s: %s", octet_status_str(st), octet_last_error());
    classify(st, octet_last_error(), r);
    return;
  }
  model_ops(model, r);
  progress(r, "in session_create");

  size_t n_in = 0, n_out = 0;
  if (octet_model_input_count(model, &n_in) != OCTET_OK ||
      octet_model_output_count(model, &n_out) != OCTET_OK) {
    set_msg(r, "model_input/output_count: %s", octet_last_error());
    goto done;
  }
  if (n_in > MAX_IO || n_out > MAX_IO) {
    set_msg(r, "%zu inputs / %zu outputs: more than the runner handles",
            n_in, n_out);
    goto done;
  }

  octet_session_options opts;
  octet_session_options_init(&opts);
  const char *th = getenv("OCTET_NODE_THREADS");
  if (th && *th) opts.threads = atoi(th);
  st = octet_session_create(model, &opts, &sess);
  if (st != OCTET_OK) {
    set_msg(r, "session_create: %s: %s", octet_status_str(st),
            octet_last_error());
    /* An element type the loader accepts but no kernel handles is still an
     * unsupported dtype; everything else is a failure. */
    classify_kernel(st, octet_last_error(), r);
    goto done;
  }

  size_t n_sets = 0;
  char **sets = list_dir(tdir, "test_data_set_", NULL, &n_sets);
  if (n_sets == 0) {
    set_msg(r, "no test_data_set_* directory");
    free_list(sets, n_sets);
    goto done;
  }
  bool ok = true;
  for (size_t s = 0; ok && s < n_sets; s++) {
    char sdir[PATH_BUF];
    if (snprintf(sdir, sizeof sdir, "%s/%s", tdir, sets[s]) >=
        (int)sizeof sdir) {
      set_msg(r, "%s: path too long", sets[s]);
      ok = false;
      break;
    }
    int n_in_pb = count_pb(sdir, "input_"), n_out_pb = count_pb(sdir, "output_");
    if ((size_t)n_in_pb != n_in || (size_t)n_out_pb != n_out) {
      set_msg(r, "%s: %d input / %d output files, model has %zu inputs / "
              "%zu outputs", sets[s], n_in_pb, n_out_pb, n_in, n_out);
      ok = false;
      break;
    }
    octet_tview in_tv[MAX_IO], want[MAX_IO];
    octet_tensor in[MAX_IO], out[MAX_IO];
    memset(in_tv, 0, sizeof in_tv);
    memset(want, 0, sizeof want);
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    char file[64];
    for (size_t i = 0; ok && i < n_in; i++) {
      snprintf(file, sizeof file, "input_%zu.pb", i);
      if (!read_tensor(sdir, file, &in_tv[i], r)) {
        ok = false;
        break;
      }
      in[i].name = NULL;
      in[i].dtype = in_tv[i].dtype;
      in[i].rank = in_tv[i].rank;
      memcpy(in[i].dims, in_tv[i].dims, sizeof in[i].dims);
      in[i].data = in_tv[i].data;
      in[i].nbytes = tv_nbytes(&in_tv[i]);
    }
    for (size_t i = 0; ok && i < n_out; i++) {
      snprintf(file, sizeof file, "output_%zu.pb", i);
      if (!read_tensor(sdir, file, &want[i], r)) ok = false;
    }
    if (ok) {
      progress(r, "in run (%s)", sets[s]);
      st = octet_session_run(sess, in, n_in, out, n_out);
      if (st != OCTET_OK) {
        set_msg(r, "%s: run: %s: %s", sets[s], octet_status_str(st),
                octet_session_last_error(sess));
        classify_kernel(st, octet_session_last_error(sess), r);
        ok = false;
      }
    }
    for (size_t i = 0; ok && i < n_out; i++) {
      if (!onnx_node_compare(&out[i], &want[i], (int)i, r->msg, sizeof r->msg)) {
        char m[sizeof r->msg + 512];
        snprintf(m, sizeof m, "%s: %s", sets[s], r->msg);
        size_t len = strlen(m);
        if (len >= sizeof r->msg) len = sizeof r->msg - 1;
        memcpy(r->msg, m, len);
        r->msg[len] = '\0';
        ok = false;
      }
    }
    for (size_t i = 0; i < n_in; i++) free(in_tv[i].data);
    for (size_t i = 0; i < n_out; i++) free(want[i].data);
  }
  free_list(sets, n_sets);
  if (ok) {
    r->outcome = R_PASS;
    r->msg[0] = '\0';
  }
done:
  octet_session_destroy(sess);
  octet_model_destroy(model);
}

/* Runs one test in a child process (unless OCTET_NODE_NOFORK), so that a
 * crash or a hang is that test's failure. */
static void run_isolated(const char *root, const char *name, int timeout,
                         result *r) {
  if (env_flag("OCTET_NODE_NOFORK")) {
    run_test(root, name, r);
    return;
  }
  int fd[2];
  memset(r, 0, sizeof *r);
  r->outcome = R_FAIL;
  if (pipe(fd) != 0) {
    set_msg(r, "pipe: %s", strerror(errno));
    return;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    set_msg(r, "fork: %s", strerror(errno));
    close(fd[0]);
    close(fd[1]);
    return;
  }
  if (pid == 0) {
    close(fd[0]);
    /* Check's runner installs handlers (SIGALRM kills its process group);
     * this child must die alone. */
    signal(SIGALRM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (timeout > 0) alarm((unsigned)timeout);
    result res;
    progress_fd = fd[1];
    run_test(root, name, &res);
    res.outcome = -res.outcome - 1; /* marks the final record */
    write_record(fd[1], &res);
    fflush(stdout);
    fflush(stderr);
    _exit(0);
  }
  close(fd[1]);
  /* Read records until EOF; the last complete one wins. */
  result res;
  bool final = false, any = false;
  for (;;) {
    size_t got = 0;
    while (got < sizeof res) {
      ssize_t n = read(fd[0], (char *)&res + got, sizeof res - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += (size_t)n;
    }
    if (got < sizeof res) break;
    any = true;
    *r = res;
    if (r->outcome < 0) {
      r->outcome = -r->outcome - 1;
      final = true;
    }
  }
  close(fd[0]);
  int wst = 0;
  while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {
  }
  if (final) return;
  char stage[sizeof r->msg];
  snprintf(stage, sizeof stage, "%s", any ? r->msg : "in load");
  r->outcome = R_FAIL;
  if (WIFSIGNALED(wst) && WTERMSIG(wst) == SIGALRM)
    set_msg(r, "timed out after %d s %s", timeout, stage);
  else if (WIFSIGNALED(wst))
    set_msg(r, "crashed: signal %d (%s) %s", WTERMSIG(wst),
            strsignal(WTERMSIG(wst)), stage);
  else
    set_msg(r, "child exited with status %d without a result %s",
            WIFEXITED(wst) ? WEXITSTATUS(wst) : -1, stage);
}

/* ---- tallies ------------------------------------------------------------- */

typedef struct tally {
  char key[128];
  int count;
} tally;

typedef struct tallies {
  tally *v;
  size_t n, cap;
} tallies;

static void tally_add(tallies *t, const char *key) {
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->v[i].key, key) == 0) {
      t->v[i].count++;
      return;
    }
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 32;
    tally *nv = realloc(t->v, cap * sizeof *nv);
    if (!nv) return;
    t->v = nv;
    t->cap = cap;
  }
  snprintf(t->v[t->n].key, sizeof t->v[t->n].key, "%s", key);
  t->v[t->n].count = 1;
  t->n++;
}

static int cmp_tally(const void *a, const void *b) {
  const tally *x = a, *y = b;
  if (x->count != y->count) return y->count - x->count;
  return strcmp(x->key, y->key);
}

static void tally_print(tallies *t, const char *title) {
  if (t->n == 0) return;
  qsort(t->v, t->n, sizeof *t->v, cmp_tally);
  printf("%s:\n", title);
  for (size_t i = 0; i < t->n; i++)
    printf("  %-32s %d\n", t->v[i].key, t->v[i].count);
}

typedef struct failure {
  char *name;
  char *ops;
  char *msg;
} failure;

/* ---- the Check test ------------------------------------------------------ */

START_TEST(test_onnx_node_suite) {
  const char *root = getenv("OCTET_ONNX_NODE_DIR");
  if (!root || !*root || !is_dir(root)) {
    printf("\n*** SKIP: onnx node tests not run: OCTET_ONNX_NODE_DIR %s%s%s "
           "***\n*** (install the onnx Python package and reconfigure; "
           "tools/scripts/find_onnx_node_tests.py prints the directory) ***\n\n",
           root && *root ? "'" : "is not set",
           root && *root ? root : "",
           root && *root ? "' is not a directory" : "");
    fflush(stdout);
    return;
  }
  const char *filter = getenv("OCTET_NODE_FILTER");
  if (filter && !*filter) filter = NULL;
  bool verbose = env_flag("OCTET_NODE_VERBOSE");
  int timeout = 60;
  const char *to = getenv("OCTET_NODE_TIMEOUT");
  if (to && *to) timeout = atoi(to);

  size_t n_tests = 0;
  char **tests = list_dir(root, "", "model.onnx", &n_tests);
  int passed = 0, failed = 0, skipped = 0;
  tallies ops = {0}, reasons = {0};
  failure *fails = NULL;
  size_t n_fails = 0;
  for (size_t t = 0; t < n_tests; t++) {
    const char *name = tests[t];
    if (filter && !strstr(name, filter)) continue;
    result r;
    run_isolated(root, name, timeout, &r);
    switch (r.outcome) {
      case R_PASS:
        passed++;
        if (verbose) printf("PASS %s\n", name);
        break;
      case R_SKIP_OP:
        skipped++;
        tally_add(&ops, r.reason);
        if (verbose) printf("SKIP %s: unsupported op %s\n", name, r.reason);
        break;
      case R_SKIP_REASON:
        skipped++;
        tally_add(&reasons, r.reason);
        if (verbose)
          printf("SKIP %s: %s [%s]\n", name, r.reason, r.msg);
        break;
      default: {
        failed++;
        if (verbose) printf("FAIL %s [%s]: %s\n", name, r.ops, r.msg);
        failure *nf = realloc(fails, (n_fails + 1) * sizeof *nf);
        if (nf) {
          fails = nf;
          fails[n_fails].name = strdup(name);
          fails[n_fails].ops = strdup(r.ops);
          fails[n_fails].msg = strdup(r.msg);
          n_fails++;
        }
        break;
      }
    }
    fflush(stdout);
  }

  printf("\nonnx node tests (%s%s%s):\n", root, filter ? ", filter " : "",
         filter ? filter : "");
  tally_print(&ops, "skipped: unsupported op types");
  tally_print(&reasons, "skipped: other reasons");
  if (n_fails) {
    printf("failed:\n");
    for (size_t i = 0; i < n_fails; i++)
      printf("  %s [%s]: %s\n", fails[i].name, fails[i].ops, fails[i].msg);
  }
  printf("onnx node tests: %d passed, %d failed, %d skipped\n", passed, failed,
         skipped);
  fflush(stdout);

  for (size_t i = 0; i < n_fails; i++) {
    free(fails[i].name);
    free(fails[i].ops);
    free(fails[i].msg);
  }
  free(fails);
  free(ops.v);
  free(reasons.v);
  free_list(tests, n_tests);

  ck_assert_msg(failed == 0, "%d onnx node test(s) failed", failed);
  if (!filter)
    ck_assert_msg(passed > 0, "no onnx node test passed in %s", root);
}
END_TEST

int main(void) {
  Suite *s = suite_create("onnx-node");
  TCase *tc = tcase_create("node");
  tcase_set_timeout(tc, 3600);
  tcase_add_test(tc, test_onnx_node_suite);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int nf = srunner_ntests_failed(sr);
  srunner_free(sr);
  return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
