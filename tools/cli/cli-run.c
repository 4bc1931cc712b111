/* `octet run`: one run of a model on .npy or random inputs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-common.h"
#include "npy.h"

static const char run_usage[] =
    "usage: octet run MODEL [options]\n"
    "\n"
    "Runs MODEL once and prints a summary to stderr: the inputs, the outputs\n"
    "with min/max/mean, and the load, compile, plan and run times. MODEL is\n"
    "an ONNX file or a built-in model (encoder, mlp, resnet18; see octet\n"
    "bench --help).\n"
    "\n"
    "inputs:\n"
    "  -i, --input NAME=FILE.npy  input NAME from a .npy file (repeatable);\n"
    "                             without NAME=, the next input in order.\n"
    "                             A float or integer file of another width\n"
    "                             is converted (float64 -> float32, ...)\n"
    "  Inputs not given are random, from a fixed seed: float N(0,1),\n"
    "  integers uniform in [LO, HI), bool true.\n"
    "      --int-range LO,HI      range of random integers (default 0,1000)\n"
    "      --seed N               seed of the random inputs (default 1)\n"
    "  Symbolic dims of random inputs: the first one is the batch, a dim\n"
    "  named like one of a given file takes its value, the others are 32.\n"
    "  -b, --batch B              batch size (default 1)\n"
    "      --dim NAME=VALUE       value of the symbolic dim NAME (repeatable;\n"
    "                             wins over --batch)\n"
    "\n"
    "session:\n"
    "  -p, --precision P          fp32 (default), fp16 or w8a8\n"
    "  -t, --threads N            worker threads (default 0: all cores)\n"
    "      --backend LIST         the backends, as in octet bench: a name\n"
    "                             (x86, arm, onednn, openblas, ref) goes\n"
    "                             first and the default order takes what it\n"
    "                             declines; names joined with '+' (or ',')\n"
    "                             are the exact order of preference (x86+ref;\n"
    "                             ref always comes last, '*' stands for the\n"
    "                             default order of the others). Default:\n"
    "                             every backend this build has, in the order\n"
    "                             x86, arm, onednn, openblas, ref\n"
    "      --fp16-weights W       fp16 (default) or fp32: how backends that\n"
    "                             multiply in fp32 (openblas) keep fp16\n"
    "                             weights; fp32 converts them once (2x the\n"
    "                             memory, no conversion per run)\n"
    "      --chunk BYTES|off      run a batch whose activations exceed BYTES\n"
    "                             as equal chunks of it that fit, when the graph\n"
    "                             keeps batch items apart (same results; default\n"
    "                             16 MiB); off: every batch whole\n"
    "\n"
    "outputs:\n"
    "  -o, --outdir DIR           write each output to DIR/NAME.npy (DIR and\n"
    "                             its missing parents are created; characters\n"
    "                             of NAME outside\n"
    "                             [A-Za-z0-9._-] become '_'). Without -o\n"
    "                             nothing is written.\n"
    "  -h, --help                 show this help\n";

typedef struct run_input_arg {
  char *text; /* NAME=FILE or FILE, owned */
} run_input_arg;

typedef struct run_state {
  cli_session_opts so;
  cli_rand_opts ro;
  const char *model_path;
  const char *outdir;
  run_input_arg *args;
  int n_args;

  octet_model *model;
  octet_session *session;
  cli_model_io io;
  octet_tensor *inputs;  /* one per model input, owned data */
  char (*source)[160];   /* where each input came from, for the summary */
  octet_tensor *outputs; /* views into the session */
  int name_width;
} run_state;

static int parse_args(run_state *s, int argc, char **argv) {
  bool opts_done = false;
  s->args = calloc((size_t)argc, sizeof *s->args);
  if (!s->args) return cli_error("out of memory");
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    int r;
    if (!opts_done && a[0] == '-' && a[1]) {
      if (strcmp(a, "--") == 0) {
        opts_done = true;
        continue;
      }
      if (cli_is_help(a)) {
        fputs(run_usage, stdout);
        return -1; /* done, exit 0 */
      }
      if ((r = cli_parse_session_opt(argc, argv, &i, "run", &s->so))) {
        if (r < 0) return CLI_EXIT_USAGE;
        continue;
      }
      if ((r = cli_opt_value(argc, argv, &i, "--input", "-i", "run",
                             &v))) {
        if (r < 0) return CLI_EXIT_USAGE;
        const char *eq = strchr(v, '=');
        if (!*v || (eq && (eq == v || !eq[1])))
          return cli_usage_error("run",
                                 "bad --input '%s' (expected NAME=FILE.npy "
                                 "or FILE.npy)",
                                 v);
        if (!(s->args[s->n_args].text = cli_strdup(v)))
          return cli_error("out of memory");
        s->n_args++;
        continue;
      }
      if ((r = cli_opt_value(argc, argv, &i, "--outdir", "-o", "run",
                             &v))) {
        if (r < 0) return CLI_EXIT_USAGE;
        if (!*v) return cli_usage_error("run", "empty --outdir");
        s->outdir = v;
        continue;
      }
      if ((r = cli_opt_value(argc, argv, &i, "--int-range", NULL, "run",
                             &v))) {
        if (r < 0) return CLI_EXIT_USAGE;
        const char *comma = strchr(v, ',');
        char lo[32];
        size_t ll = comma ? (size_t)(comma - v) : 0;
        if (!comma || ll == 0 || ll >= sizeof lo)
          return cli_usage_error("run",
                                 "bad --int-range '%s' (expected LO,HI)", v);
        memcpy(lo, v, ll);
        lo[ll] = '\0';
        if (!cli_parse_i64(lo, INT64_MIN, INT64_MAX, &s->ro.int_lo) ||
            !cli_parse_i64(comma + 1, INT64_MIN, INT64_MAX, &s->ro.int_hi) ||
            s->ro.int_lo >= s->ro.int_hi)
          return cli_usage_error("run",
                                 "bad --int-range '%s' (expected LO,HI with "
                                 "LO < HI; HI is excluded)",
                                 v);
        continue;
      }
      if ((r = cli_opt_value(argc, argv, &i, "--seed", NULL, "run",
                             &v))) {
        if (r < 0) return CLI_EXIT_USAGE;
        int64_t seed;
        if (!cli_parse_i64(v, 0, INT64_MAX, &seed))
          return cli_usage_error("run", "bad --seed '%s'", v);
        s->ro.seed = (uint64_t)seed;
        continue;
      }
      return cli_usage_error("run", "unknown option '%s'", a);
    }
    if (s->model_path)
      return cli_usage_error("run",
                             "unexpected argument '%s' (run takes one MODEL)",
                             a);
    s->model_path = a;
  }
  if (!s->model_path) return cli_usage_error("run", "no MODEL given");
  return CLI_EXIT_OK;
}

static long find_input(const run_state *s, const char *name) {
  for (size_t k = 0; k < s->io.n_inputs; k++)
    if (s->io.inputs[k].name && strcmp(s->io.inputs[k].name, name) == 0)
      return (long)k;
  return -1;
}

static void list_inputs(const run_state *s, char *buf, size_t cap) {
  size_t n = 0;
  buf[0] = '\0';
  for (size_t k = 0; k < s->io.n_inputs && n < cap; k++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", k ? ", " : "",
                          s->io.inputs[k].name ? s->io.inputs[k].name : "?");
  if (s->io.n_inputs == 0) snprintf(buf, cap, "none");
}

static bool file_exists(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  fclose(f);
  return true;
}

/* Checks a file's shape against the model's fixed dims. */
static int check_shape(const run_state *s, size_t k) {
  const octet_tensor_info *in = &s->io.inputs[k];
  const octet_tensor *t = &s->inputs[k];
  bool ok = in->rank < 0 || t->rank == in->rank;
  for (int d = 0; ok && d < t->rank && d < in->rank; d++)
    if (in->dims[d] >= 0 && in->dims[d] != t->dims[d]) ok = false;
  if (ok) return CLI_EXIT_OK;
  char have[160], want[160];
  cli_format_shape(t->dims, t->rank, have, sizeof have);
  cli_format_info_shape(in, want, sizeof want);
  return cli_error("input '%s': %s has shape %s, the model wants %s",
                   in->name, s->source[k], have, want);
}

/* Which model input each --input names: "NAME=FILE" when NAME is an input,
 * else the whole text is a FILE for the next input not yet given. */
static int match_file_inputs(run_state *s, long *which, const char **paths) {
  bool *taken = calloc(s->io.n_inputs ? s->io.n_inputs : 1, sizeof *taken);
  if (!taken) return cli_error("out of memory");
  int rc = CLI_EXIT_OK;
  /* Named ones first, so that positional ones fill the gaps. */
  for (int a = 0; a < s->n_args && rc == CLI_EXIT_OK; a++) {
    char *text = s->args[a].text;
    char *eq = strchr(text, '=');
    which[a] = -1;
    paths[a] = text;
    if (!eq) continue;
    *eq = '\0';
    long k = find_input(s, text);
    if (k >= 0) {
      if (taken[k]) rc = cli_error("input '%s' is given twice", text);
      taken[k] = true;
      which[a] = k;
      paths[a] = eq + 1;
      continue;
    }
    *eq = '=';
    if (!file_exists(text)) {
      char names[512];
      list_inputs(s, names, sizeof names);
      *eq = '\0';
      rc = cli_error("'%s' is not an input of the model (inputs: %s)", text,
                     names);
    }
  }
  size_t next_pos = 0;
  for (int a = 0; a < s->n_args && rc == CLI_EXIT_OK; a++) {
    if (which[a] >= 0) continue;
    while (next_pos < s->io.n_inputs && taken[next_pos]) next_pos++;
    if (next_pos >= s->io.n_inputs) {
      rc = cli_error("more --input files than the model has inputs (%zu)",
                     s->io.n_inputs);
      break;
    }
    taken[next_pos] = true;
    which[a] = (long)next_pos;
  }
  free(taken);
  return rc;
}

static int load_file_inputs(run_state *s) {
  long *which = calloc((size_t)s->n_args + 1, sizeof *which);
  const char **paths = calloc((size_t)s->n_args + 1, sizeof *paths);
  int rc = which && paths ? match_file_inputs(s, which, paths)
                          : cli_error("out of memory");
  for (int a = 0; a < s->n_args && rc == CLI_EXIT_OK; a++) {
    long k = which[a];
    const char *path = paths[a];
    const octet_tensor_info *in = &s->io.inputs[k];
    octet_tensor *t = &s->inputs[k];
    if (npy_read(path, t) != OCTET_OK) {
      rc = cli_error("%s", npy_last_error());
      break;
    }
    t->name = in->name;
    snprintf(s->source[k], sizeof s->source[k], "%s", path);
    if (t->dtype != in->dtype) {
      octet_dtype from = t->dtype;
      char what[256];
      snprintf(what, sizeof what, "input '%s': %s", in->name, path);
      if ((rc = cli_convert_tensor(t, in->dtype, what)) != CLI_EXIT_OK) break;
      size_t n = strlen(s->source[k]);
      snprintf(s->source[k] + n, sizeof s->source[k] - n,
               " (converted from %s)", octet_dtype_name(from));
    }
    rc = check_shape(s, (size_t)k);
  }
  free(which);
  free(paths);
  return rc;
}

static int make_random_inputs(run_state *s) {
  int64_t(*dims)[OCTET_MAX_RANK] =
      calloc(s->io.n_inputs ? s->io.n_inputs : 1, sizeof *dims);
  if (!dims) return cli_error("out of memory");
  s->so.batch = cli_resolve_shapes(&s->io, &s->so, s->inputs, dims);
  int rc = CLI_EXIT_OK;
  for (size_t k = 0; k < s->io.n_inputs && rc == CLI_EXIT_OK; k++) {
    const octet_tensor_info *in = &s->io.inputs[k];
    octet_tensor *t = &s->inputs[k];
    if (t->dtype != OCTET_DTYPE_UNDEFINED) continue;
    t->name = in->name;
    t->dtype = in->dtype;
    t->rank = in->rank < 0 ? 0 : in->rank;
    memcpy(t->dims, dims[k], sizeof t->dims);
    rc = cli_random_tensor(t, in->name ? in->name : "", &s->ro);
    if (rc != CLI_EXIT_OK) {
      t->dtype = OCTET_DTYPE_UNDEFINED;
      break;
    }
    if (in->dtype == OCTET_DTYPE_BOOL)
      snprintf(s->source[k], sizeof s->source[k], "all true");
    else if (in->dtype == OCTET_DTYPE_FLOAT32 ||
             in->dtype == OCTET_DTYPE_FLOAT16 ||
             in->dtype == OCTET_DTYPE_FLOAT64)
      snprintf(s->source[k], sizeof s->source[k], "random normal, seed %" PRIu64,
               s->ro.seed);
    else
      snprintf(s->source[k], sizeof s->source[k],
               "random uniform [%" PRId64 ", %" PRId64 "), seed %" PRIu64,
               s->ro.int_lo, s->ro.int_hi, s->ro.seed);
  }
  free(dims);
  return rc;
}

static void print_tensor_line(const run_state *s, const char *kind,
                              const octet_tensor *t, const char *extra) {
  char shape[160];
  cli_format_shape(t->dims, t->rank, shape, sizeof shape);
  fprintf(stderr, "  %-6s %-*s  %-7s  %-14s  %s\n", kind, s->name_width,
          t->name ? t->name : "?", octet_dtype_name(t->dtype), shape, extra);
}

static int write_outputs(run_state *s) {
  int rc = CLI_EXIT_OK;
  size_t n = s->io.n_outputs;
  char(*names)[208] = calloc(n ? n : 1, sizeof *names);
  if (!names) return cli_error("out of memory");
  size_t dl = strlen(s->outdir);
  char *path = malloc(dl + sizeof names[0] + 8);
  if (!path) {
    free(names);
    return cli_error("out of memory");
  }
  for (size_t k = 0; k < n && rc == CLI_EXIT_OK; k++) {
    const octet_tensor *t = &s->outputs[k];
    cli_sanitize_name(t->name ? t->name : s->io.outputs[k].name, names[k],
                      192);
    /* Two names that sanitize alike get the output's index appended. */
    for (size_t j = 0; j < k; j++)
      if (strcmp(names[j], names[k]) == 0) {
        size_t len = strlen(names[k]);
        snprintf(names[k] + len, sizeof names[k] - len, "_%zu", k);
        break;
      }
    snprintf(path, dl + sizeof names[0] + 8, "%s%s%s.npy", s->outdir,
             s->outdir[dl - 1] == '/' ? "" : "/", names[k]);
    if (npy_write(path, t) != OCTET_OK)
      rc = cli_error("%s", npy_last_error());
    else
      fprintf(stderr, "  wrote  %s\n", path);
  }
  free(path);
  free(names);
  return rc;
}

static int run(run_state *s) {
  /* Fail early, not after a long run, when the output dir is unusable. */
  int rc;
  if (s->outdir && (rc = cli_mkdir_p(s->outdir)) != CLI_EXIT_OK) return rc;
  double t0 = cli_now();
  octet_status st = cli_model_open(s->model_path, &s->model);
  if (st != OCTET_OK) return cli_fail(st, NULL);
  double t_load = cli_now() - t0;

  if ((rc = cli_model_io_get(s->model, &s->io)) != CLI_EXIT_OK) return rc;
  size_t ni = s->io.n_inputs, no = s->io.n_outputs;
  s->inputs = calloc(ni ? ni : 1, sizeof *s->inputs);
  s->source = calloc(ni ? ni : 1, sizeof *s->source);
  s->outputs = calloc(no ? no : 1, sizeof *s->outputs);
  if (!s->inputs || !s->source || !s->outputs)
    return cli_error("out of memory");

  if ((rc = load_file_inputs(s)) != CLI_EXIT_OK) return rc;
  if ((rc = make_random_inputs(s)) != CLI_EXIT_OK) return rc;

  s->name_width = 4;
  for (size_t k = 0; k < ni + no; k++) {
    const char *n = k < ni ? s->io.inputs[k].name : s->io.outputs[k - ni].name;
    int len = n ? (int)strlen(n) : 1;
    if (len > s->name_width) s->name_width = len > 32 ? 32 : len;
  }

  char threads[32];
  fprintf(stderr, "octet run %s\n", s->model_path);
  fprintf(stderr, "  precision %s, threads %s, backends %s, batch %" PRId64
          "\n",
          octet_precision_name(s->so.precision),
          cli_threads_str(s->so.threads, threads),
          s->so.backend.spec[0] ? s->so.backend.spec : "default", s->so.batch);
  for (size_t k = 0; k < ni; k++)
    print_tensor_line(s, "input", &s->inputs[k], s->source[k]);

  octet_session_options opts;
  cli_session_opts_apply(&s->so, &opts);
  t0 = cli_now();
  st = octet_session_create(s->model, &opts, &s->session);
  if (st != OCTET_OK) return cli_fail(st, NULL);
  double t_compile = cli_now() - t0;

  /* Plan for these shapes first so that the timed run is a steady one. */
  t0 = cli_now();
  st = octet_session_plan(s->session, s->inputs, ni);
  if (st != OCTET_OK) return cli_fail(st, s->session);
  double t_plan = cli_now() - t0;

  t0 = cli_now();
  st = octet_session_run(s->session, s->inputs, ni, s->outputs, no);
  if (st != OCTET_OK) return cli_fail(st, s->session);
  double t_run = cli_now() - t0;

  for (size_t k = 0; k < no; k++) {
    octet_tensor *t = &s->outputs[k];
    if (!t->name) t->name = s->io.outputs[k].name;
    cli_stats stats;
    char text[160];
    cli_tensor_stats(t, &stats);
    cli_format_stats(&stats, text, sizeof text);
    print_tensor_line(s, "output", t, text);
  }
  fprintf(stderr,
          "  time   load %.3f ms, compile %.3f ms, plan %.3f ms, run %.3f ms\n",
          t_load * 1e3, t_compile * 1e3, t_plan * 1e3, t_run * 1e3);

  if (s->outdir) return write_outputs(s);
  return CLI_EXIT_OK;
}

int cmd_run(int argc, char **argv) {
  run_state s;
  memset(&s, 0, sizeof s);
  cli_session_opts_init(&s.so);
  s.ro.seed = 1;
  s.ro.int_lo = 0;
  s.ro.int_hi = 1000;

  int rc = parse_args(&s, argc, argv);
  if (rc == -1)
    rc = CLI_EXIT_OK; /* --help */
  else if (rc == CLI_EXIT_OK)
    rc = run(&s);

  octet_session_destroy(s.session); /* before its model */
  octet_model_destroy(s.model);
  for (size_t k = 0; s.inputs && k < s.io.n_inputs; k++)
    free(s.inputs[k].data);
  free(s.inputs);
  free(s.source);
  free(s.outputs);
  cli_model_io_free(&s.io);
  for (int a = 0; a < s.n_args; a++) free(s.args[a].text);
  free(s.args);
  cli_session_opts_free(&s.so);
  return rc;
}
