/* `octet bench`: latency of a model per batch size and precision, with
 * accuracy against fp32, the machine's peaks, and JSON/CSV/SVG reports. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench-profile.h"
#include "bench-report.h"
#include "cli-common.h"
#include "core/cpu.h"
#include "octet-config.h"
#include "peaks.h"

#if defined(OCTET_BENCH_OPENBLAS)
#include <cblas.h>
#endif
#if defined(OCTET_BENCH_ONEDNN)
#include <oneapi/dnnl/dnnl.h>
#endif
#ifndef OCTET_BENCH_BUILD
#define OCTET_BENCH_BUILD "unknown flags"
#endif

static const char bench_usage[] =
    "usage: octet bench [MODEL] [options]\n"
    "\n"
    "Measures the latency of MODEL for each batch size, precision, backend and\n"
    "thread count, checks each precision's outputs against fp32 on the same\n"
    "input, and prints a table (stdout) after a machine block with the CPU,\n"
    "its ISA, the build and the machine's measured peaks.\n"
    "\n"
    "MODEL is an ONNX file, or a built-in model (no file needed, weights from\n"
    "a fixed seed):\n"
    "  encoder   BERT-style encoder shaped like all-MiniLM-L6-v2 (6 layers,\n"
    "            hidden 384, 12 heads, FFN 1536, GELU), sequence length 32\n"
    "            (the default model)\n"
    "  mlp       MLP 1024 -> 4096 -> 3072 -> 3072 -> 1024 with GELU\n"
    "\n"
    "workload (LIST = comma-separated values):\n"
    "      --model NAME         built-in model: encoder (default) or mlp\n"
    "  -b, --batch LIST         batch sizes (default 128,256,512,1024)\n"
    "      --seq N              sequence length of the encoder; for a file, the\n"
    "                           value of symbolic dims other than the batch\n"
    "                           (default 32)\n"
    "      --batch-dim NAME     the symbolic dim that is the batch (default: the\n"
    "                           first dim of the first input)\n"
    "      --dim NAME=VALUE     value of another symbolic dim (repeatable)\n"
    "      --seed N             seed of the inputs and built-in weights\n"
    "                           (default 42)\n"
    "      --int-range LO,HI    random integer inputs in [LO, HI) (default\n"
    "                           0,30522); inputs named *mask* are all ones,\n"
    "                           *token_type* all zeros\n"
    "\n"
    "sessions:\n"
    "  -p, --precision LIST     fp16, w8a8, fp32 (default fp16,w8a8). fp32 also\n"
    "                           runs once per batch, untimed, as the accuracy\n"
    "                           reference when it is not in the list\n"
    "      --backend LIST       backends to compare, each a session of its own:\n"
    "                           x86, onednn, openblas, ref. A name goes first\n"
    "                           and the library's default order takes what it\n"
    "                           declines; names joined with '+' are the exact\n"
    "                           preference list (x86+ref). Default: the\n"
    "                           library's default order\n"
    "  -t, --threads LIST       thread counts (default: all cores)\n"
    "\n"
    "timing:\n"
    "      --warmup N           untimed runs first (default 1)\n"
    "      --reps N             at least N timed runs (default 5)\n"
    "      --min-time S         and at least S seconds of timed runs (default 1;\n"
    "                           0 when only --reps is given)\n"
    "\n"
    "output:\n"
    "      --json FILE          write the report as JSON (layout in\n"
    "                           tools/bench-report.h)\n"
    "      --csv FILE           one line per result\n"
    "      --svg FILE           grouped bar chart of the latencies, plus the\n"
    "                           w8a8/fp16 speedup when both ran\n"
    "      --md                 print the table as markdown\n"
    "      --profile            after timing each configuration, run it --reps\n"
    "                           more times (at most 64) with a per-node hook\n"
    "                           and print where the time goes: per op type,\n"
    "                           backend and kernel, the median ms per run, its\n"
    "                           share, and GOP/s and %% of peak of the matrix\n"
    "                           products (stdout, before the table)\n"
    "      --no-peaks           skip the machine-peak microbenchmarks (about\n"
    "                           1 s; % of peak is then not reported)\n"
    "  -q, --quiet              print the table only: no machine block, no\n"
    "                           progress (progress goes to stderr when it is a\n"
    "                           terminal)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Columns: latency median/min/max/p90 in ms; items/s (batch / median);\n"
    "speedup vs the fp16 (and fp32) row of the same batch, backend and threads;\n"
    "cosine similarity and max relative error (max |y - y32| / max |y32|) of\n"
    "the outputs against fp32; effective GOP/s of the MatMul/Gemm work and its\n"
    "% of the machine's int8 peak (w8a8) or fp32 FMA peak (fp16, fp32); weight\n"
    "and activation-arena bytes; the kernel that ran most linear nodes.\n"
    "\n"
    "Exit status: 0 when at least one configuration ran, 1 when none did or a\n"
    "file could not be written, 2 on a usage error.\n";

#define MAX_RUNS 1000000
#define MAX_BATCH ((int64_t)1 << 24)

typedef struct bench_opts {
  const char *model_arg;     /* file, or NULL for a built-in */
  char builtin[16];
  int64_t seq;
  bool seq_given;
  int64_t batches[BENCH_MAX_LIST];
  int n_batches;
  octet_precision precs[BENCH_MAX_LIST];
  int n_precs;
  char backends[BENCH_MAX_LIST][64]; /* "" = the library's default */
  int n_backends;
  int threads[BENCH_MAX_LIST];
  int n_threads;
  int warmup, reps;
  double min_time;
  bool reps_given, min_time_given;
  const char *json, *csv, *svg;
  bool md, quiet, no_peaks, profile;
  const char *batch_dim;
  cli_session_opts so;       /* for --dim */
  uint64_t seed;
  int64_t int_lo, int_hi;
} bench_opts;

typedef struct bench_config {
  octet_precision prec;
  const char *backend;       /* library list, NULL = default */
  char spec[64];             /* as given ("x86+ref"), or "default" */
  char label[64];            /* backend column: the spec, or for the default
                                the backend that ran most linear nodes */
  int threads;
  octet_session *sess;
  char error[512];
} bench_config;

typedef struct bench_state {
  bench_opts o;
  bench_report rep;
  octet_model *model;
  cli_model_io io;
  bench_config *cfg;
  int n_cfg;
  int ref_cfg;               /* config whose output is the reference, -1 */
  octet_session *ref_sess;   /* dedicated fp32 reference session, or NULL */
  char ref_error[512];
  bool progress;
  FILE *fjson, *fcsv, *fsvg;
  int step, n_steps;
  double t_start;
} bench_state;

/* ---- option parsing -------------------------------------------------------- */

/* Splits a comma list into items (empty items are errors). */
static int split_list(const char *v, char items[][64], int max, const char *opt) {
  int n = 0;
  const char *p = v;
  if (!*v) return cli_usage_error(bench_usage, "%s needs a list", opt), -1;
  for (;;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == 0 || len >= 64)
      return cli_usage_error(bench_usage, "bad %s '%s'", opt, v), -1;
    if (n == max)
      return cli_usage_error(bench_usage, "%s: at most %d values", opt, max), -1;
    memcpy(items[n], p, len);
    items[n][len] = '\0';
    n++;
    if (!e) break;
    p = e + 1;
  }
  return n;
}

static int parse_args(bench_opts *o, int argc, char **argv) {
  char items[BENCH_MAX_LIST][64];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    int r, n;
    if (a[0] != '-' || !a[1]) {
      if (o->model_arg || o->builtin[0])
        return cli_usage_error(bench_usage, "unexpected argument '%s' (bench takes one MODEL)", a);
      o->model_arg = a;
      continue;
    }
    if (cli_is_help(a)) {
      fputs(bench_usage, stdout);
      return -1;
    }
    if (cli_opt_flag(a, "--md", NULL)) {
      o->md = true;
      continue;
    }
    if (cli_opt_flag(a, "--quiet", "-q")) {
      o->quiet = true;
      continue;
    }
    if (cli_opt_flag(a, "--profile", NULL)) {
      o->profile = true;
      continue;
    }
    if (cli_opt_flag(a, "--no-peaks", NULL)) {
      o->no_peaks = true;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--model", NULL, bench_usage, &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (strcmp(v, "encoder") != 0 && strcmp(v, "mlp") != 0)
        return cli_usage_error(bench_usage, "bad --model '%s' (built-ins: encoder, mlp)", v);
      if (o->model_arg || o->builtin[0])
        return cli_usage_error(bench_usage, "give either MODEL or --model, once");
      snprintf(o->builtin, sizeof o->builtin, "%s", v);
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--batch", "-b", bench_usage, &v))) {
      if (r < 0 || (n = split_list(v, items, BENCH_MAX_LIST, "--batch")) < 0)
        return CLI_EXIT_USAGE;
      o->n_batches = 0;
      for (int k = 0; k < n; k++) {
        int64_t b;
        if (!cli_parse_i64(items[k], 1, MAX_BATCH, &b))
          return cli_usage_error(bench_usage, "bad batch size '%s' (1..%" PRId64 ")",
                                 items[k], MAX_BATCH);
        for (int j = 0; j < o->n_batches; j++)
          if (o->batches[j] == b)
            return cli_usage_error(bench_usage, "batch size %" PRId64 " given twice", b);
        o->batches[o->n_batches++] = b;
      }
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--precision", "-p", bench_usage, &v))) {
      if (r < 0 || (n = split_list(v, items, BENCH_MAX_LIST, "--precision")) < 0)
        return CLI_EXIT_USAGE;
      o->n_precs = 0;
      for (int k = 0; k < n; k++) {
        octet_precision p;
        if (octet_precision_parse(items[k], &p) != OCTET_OK)
          return cli_usage_error(bench_usage,
                                 "bad precision '%s' (fp16, w8a8 or fp32)", items[k]);
        for (int j = 0; j < o->n_precs; j++)
          if (o->precs[j] == p)
            return cli_usage_error(bench_usage, "precision '%s' given twice", items[k]);
        o->precs[o->n_precs++] = p;
      }
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--backend", NULL, bench_usage, &v))) {
      if (r < 0 || (n = split_list(v, items, BENCH_MAX_LIST, "--backend")) < 0)
        return CLI_EXIT_USAGE;
      o->n_backends = n;
      for (int k = 0; k < n; k++) memcpy(o->backends[k], items[k], 64);
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--threads", "-t", bench_usage, &v))) {
      if (r < 0 || (n = split_list(v, items, BENCH_MAX_LIST, "--threads")) < 0)
        return CLI_EXIT_USAGE;
      o->n_threads = 0;
      for (int k = 0; k < n; k++) {
        int64_t t;
        if (!cli_parse_i64(items[k], 0, 4096, &t))
          return cli_usage_error(bench_usage, "bad thread count '%s' (0..4096, 0 = all cores)",
                                 items[k]);
        o->threads[o->n_threads++] = t == 0 ? omp_get_num_procs() : (int)t;
      }
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--seq", NULL, bench_usage, &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_i64(v, 1, 1 << 20, &o->seq))
        return cli_usage_error(bench_usage, "bad --seq '%s' (a positive integer)", v);
      o->seq_given = true;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--warmup", NULL, bench_usage, &v))) {
      int64_t x;
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_i64(v, 0, 100000, &x))
        return cli_usage_error(bench_usage, "bad --warmup '%s' (0..100000)", v);
      o->warmup = (int)x;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--reps", NULL, bench_usage, &v))) {
      int64_t x;
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_i64(v, 1, MAX_RUNS, &x))
        return cli_usage_error(bench_usage, "bad --reps '%s' (1..%d)", v, MAX_RUNS);
      o->reps = (int)x;
      o->reps_given = true;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--min-time", NULL, bench_usage, &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      char *end;
      double t = strtod(v, &end);
      if (!*v || *end || !(t >= 0.0 && t <= 86400.0))
        return cli_usage_error(bench_usage, "bad --min-time '%s' (seconds, 0..86400)", v);
      o->min_time = t;
      o->min_time_given = true;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--json", NULL, bench_usage, &v)) ||
        (r = cli_opt_value(argc, argv, &i, "--csv", NULL, bench_usage, &v)) ||
        (r = cli_opt_value(argc, argv, &i, "--svg", NULL, bench_usage, &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!*v) return cli_usage_error(bench_usage, "empty file name for %s", a);
      if (strncmp(a, "--json", 6) == 0) o->json = v;
      else if (strncmp(a, "--csv", 5) == 0) o->csv = v;
      else o->svg = v;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--batch-dim", NULL, bench_usage, &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!*v) return cli_usage_error(bench_usage, "empty --batch-dim");
      o->batch_dim = v;
      continue;
    }
    if (strncmp(a, "--dim", 5) == 0 && (a[5] == '\0' || a[5] == '=')) {
      r = cli_parse_session_opt(argc, argv, &i, bench_usage, &o->so);
      if (r < 0) return CLI_EXIT_USAGE;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--seed", NULL, bench_usage, &v))) {
      int64_t s;
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_i64(v, 0, INT64_MAX, &s))
        return cli_usage_error(bench_usage, "bad --seed '%s'", v);
      o->seed = (uint64_t)s;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--int-range", NULL, bench_usage, &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      const char *comma = strchr(v, ',');
      char lo[32];
      size_t ll = comma ? (size_t)(comma - v) : 0;
      if (!comma || ll == 0 || ll >= sizeof lo)
        return cli_usage_error(bench_usage, "bad --int-range '%s' (expected LO,HI)", v);
      memcpy(lo, v, ll);
      lo[ll] = '\0';
      if (!cli_parse_i64(lo, INT64_MIN, INT64_MAX, &o->int_lo) ||
          !cli_parse_i64(comma + 1, INT64_MIN, INT64_MAX, &o->int_hi) ||
          o->int_lo >= o->int_hi)
        return cli_usage_error(bench_usage, "bad --int-range '%s' (LO < HI; HI is excluded)", v);
      continue;
    }
    return cli_usage_error(bench_usage, "unknown option '%s' for bench", a);
  }
  /* A MODEL that names a built-in and is not a file is the built-in. */
  if (cli_is_builtin(o->model_arg)) {
    snprintf(o->builtin, sizeof o->builtin, "%s", o->model_arg);
    o->model_arg = NULL;
  }
  if (!o->model_arg && !o->builtin[0]) snprintf(o->builtin, sizeof o->builtin, "encoder");
  if (!o->min_time_given) o->min_time = o->reps_given ? 0.0 : 1.0;
  return CLI_EXIT_OK;
}

static void opts_defaults(bench_opts *o) {
  memset(o, 0, sizeof *o);
  cli_session_opts_init(&o->so);
  static const int64_t batches[] = {128, 256, 512, 1024};
  o->n_batches = 4;
  memcpy(o->batches, batches, sizeof batches);
  o->precs[0] = OCTET_PRECISION_FP16;
  o->precs[1] = OCTET_PRECISION_W8A8;
  o->n_precs = 2;
  o->n_backends = 1;
  o->backends[0][0] = '\0';
  o->threads[0] = omp_get_num_procs();
  o->n_threads = 1;
  o->warmup = 1;
  o->reps = 5;
  o->seq = 32;
  o->seed = 42;
  o->int_lo = 0;
  o->int_hi = 30522;
}

/* ---- progress --------------------------------------------------------------- */

static void progress(bench_state *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(bench_state *s, const char *fmt, ...) {
  if (!s->progress) return;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* One line: a wrapped line would not be overwritten by the next. */
  struct winsize ws;
  int cols = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 80;
  int room = cols - 18;
  if (room < (int)sizeof msg && (int)strlen(msg) > room) msg[room] = '\0';
  if (s->n_steps > 0)
    fprintf(stderr, "\r\033[K[%d/%d, %.0f s] %s", s->step, s->n_steps, cli_now() - s->t_start,
            msg);
  else
    fprintf(stderr, "\r\033[K%s", msg);
  fflush(stderr);
}

static void progress_done(bench_state *s) {
  if (!s->progress) return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
}

/* ---- machine ----------------------------------------------------------------- */

static void add_warning(bench_machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_warning(bench_machine *m, const char *fmt, ...) {
  if (m->n_warnings >= BENCH_MAX_WARNINGS) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->warnings[m->n_warnings++], sizeof m->warnings[0], fmt, ap);
  va_end(ap);
}

static octet_isa best_isa(void) {
  static const octet_isa order[] = {OCTET_ISA_I8MM, OCTET_ISA_DOTPROD, OCTET_ISA_NEON,
                                    OCTET_ISA_AVX512VNNI, OCTET_ISA_AVX512,
                                    OCTET_ISA_AVXVNNI, OCTET_ISA_AVX2};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (octet_isa_supported(order[i])) return order[i];
  return OCTET_ISA_REF;
}

static void cpu_name(char *out, size_t cap) {
  const char *b = octet_cpu()->brand;
  while (*b == ' ') b++;
  if (*b && strcmp(b, "unknown") != 0 && strcmp(b, "arm64") != 0) {
    snprintf(out, cap, "%s", b);
    return;
  }
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[512];
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) == 0 || strncmp(line, "Model", 5) == 0 ||
        strncmp(line, "CPU part", 8) == 0) {
      const char *c = strchr(line, ':');
      if (!c) continue;
      c++;
      while (*c == ' ' || *c == '\t') c++;
      snprintf(out, cap, "%s", c);
      out[strcspn(out, "\n")] = '\0';
      fclose(f);
      return;
    }
  }
  if (f) fclose(f);
  snprintf(out, cap, "%s", *b ? b : "unknown");
}

static void fill_machine(bench_machine *m, int threads, bool measure) {
  cpu_name(m->cpu, sizeof m->cpu);
  snprintf(m->emulated, sizeof m->emulated, "%s", octet_cpu()->emulated);
  octet_isa act = octet_isa_active(), best = best_isa();
  snprintf(m->isa, sizeof m->isa, "%s", octet_isa_name(act));
  snprintf(m->isa_best, sizeof m->isa_best, "%s", octet_isa_name(best));
  const octet_cpu_features *f = octet_cpu();
  const struct { bool on; const char *name; } flags[] = {
      {f->avx2, "avx2"}, {f->fma, "fma"}, {f->f16c, "f16c"}, {f->avx512f, "avx512f"},
      {f->avx512bw, "avx512bw"}, {f->avx512vl, "avx512vl"}, {f->avx512dq, "avx512dq"},
      {f->avx512vnni, "avx512_vnni"}, {f->avxvnni, "avx_vnni"},
      {f->avx512bf16, "avx512_bf16"}, {f->avx512fp16, "avx512_fp16"}, {f->neon, "neon"},
      {f->asimddp, "asimddp"}, {f->i8mm, "i8mm"}, {f->fphp, "fphp"}, {f->asimdhp, "asimdhp"}};
  size_t n = 0;
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    if (flags[i].on && n < sizeof m->isa_flags)
      n += (size_t)snprintf(m->isa_flags + n, sizeof m->isa_flags - n, "%s%s", n ? " " : "",
                            flags[i].name);
  if (!n) snprintf(m->isa_flags, sizeof m->isa_flags, "none");
  m->cores = omp_get_num_procs();
  snprintf(m->compiler, sizeof m->compiler, "%s", OCTET_COMPILER);
  snprintf(m->build, sizeof m->build, "%s", OCTET_BENCH_BUILD);
  snprintf(m->octet_version, sizeof m->octet_version, "%s", OCTET_VERSION_STRING);
  snprintf(m->git_commit, sizeof m->git_commit, "%s", OCTET_GIT_COMMIT);
#if defined(OCTET_BENCH_OPENBLAS)
  {
    const char *cfg = openblas_get_config();
    snprintf(m->openblas, sizeof m->openblas, "%s", cfg ? cfg : "");
    if (strncmp(m->openblas, "OpenBLAS ", 9) == 0)
      memmove(m->openblas, m->openblas + 9, strlen(m->openblas + 9) + 1);
    const char *core = openblas_get_corename();
    snprintf(m->openblas_core, sizeof m->openblas_core, "%s", core ? core : "");
  }
#endif
#if defined(OCTET_BENCH_ONEDNN)
  {
    const dnnl_version_t *v = dnnl_version();
    if (v) snprintf(m->onednn, sizeof m->onednn, "%d.%d.%d", v->major, v->minor, v->patch);
  }
#endif
  m->threads = threads;
  m->peak_fp32_gflops = m->peak_int8_gops = m->mem_gbps = NAN;
  if (measure) {
    bench_peaks p;
    bench_measure_peaks(threads, &p);
    m->peak_fp32_gflops = p.fp32_gflops;
    m->peak_int8_gops = p.int8_gops;
    m->mem_gbps = p.mem_gbps;
    snprintf(m->peak_fp32_how, sizeof m->peak_fp32_how, "%s", p.fp32_how);
    snprintf(m->peak_int8_how, sizeof m->peak_int8_how, "%s", p.int8_how);
    snprintf(m->mem_how, sizeof m->mem_how, "%s", p.mem_how);
  }
  const char *env = getenv("OCTET_ISA");
  if (env && *env && strcmp(env, octet_isa_name(act)) != 0)
    add_warning(m, "OCTET_ISA=%s is not a level this CPU supports (or not a known name); "
                   "using %s",
                env, octet_isa_name(act));
}

static bool int8_pays_off(octet_isa isa) {
  return isa == OCTET_ISA_AVX512VNNI || isa == OCTET_ISA_AVXVNNI || isa == OCTET_ISA_DOTPROD ||
         isa == OCTET_ISA_I8MM;
}

/* ---- sessions, kernels ------------------------------------------------------- */

static bool is_linear_op(const char *op) {
  return op && (strcmp(op, "MatMul") == 0 || strcmp(op, "Gemm") == 0 ||
                strstr(op, "Linear") || strstr(op, "MatMul") || strstr(op, "Gemm"));
}

/* Most frequent kernel (and backend) of the linear nodes; `all` lists every
 * kernel with its count. */
static void kernel_summary(const octet_session *s, char *kernel, size_t kcap, char *all,
                           size_t acap, char *backend, size_t bcap) {
  enum { MAXK = 32 };
  const char *names[MAXK], *bnames[MAXK];
  int counts[MAXK], bcounts[MAXK], nk = 0, nb = 0;
  size_t n = 0;
  kernel[0] = all[0] = '\0';
  if (backend) backend[0] = '\0';
  if (octet_session_node_count(s, &n) != OCTET_OK) return;
  for (int pass = 0; pass < 2 && nk == 0; pass++) { /* pass 1: any node */
    for (size_t i = 0; i < n; i++) {
      octet_node_info info;
      if (octet_session_node_info(s, i, &info) != OCTET_OK) continue;
      if (pass == 0 && !is_linear_op(info.op_type)) continue;
      const char *k = info.kernel ? info.kernel : "?";
      const char *b = info.backend ? info.backend : "?";
      int j = 0;
      while (j < nk && strcmp(names[j], k) != 0) j++;
      if (j == nk && nk < MAXK) {
        names[nk] = k;
        counts[nk++] = 0;
      }
      if (j < nk) counts[j]++;
      j = 0;
      while (j < nb && strcmp(bnames[j], b) != 0) j++;
      if (j == nb && nb < MAXK) {
        bnames[nb] = b;
        bcounts[nb++] = 0;
      }
      if (j < nb) bcounts[j]++;
    }
  }
  int best = -1;
  for (int j = 0; j < nk; j++)
    if (best < 0 || counts[j] > counts[best]) best = j;
  if (best >= 0) snprintf(kernel, kcap, "%s", names[best]);
  size_t o = 0;
  for (int j = 0; j < nk && o < acap; j++)
    o += (size_t)snprintf(all + o, acap - o, "%s%s x%d", j ? "; " : "", names[j], counts[j]);
  if (backend) {
    int bb = -1;
    for (int j = 0; j < nb; j++)
      if (bb < 0 || bcounts[j] > bcounts[bb]) bb = j;
    if (bb >= 0) snprintf(backend, bcap, "%s", bnames[bb]);
  }
}

/* Whether fp16 linear kernels compute in fp16 (rather than converting to
 * fp32): judged from their names. */
static bool fp16_native(const char *kernels) {
  static const char *const marks[] = {"avx512fp16", "fp16arith", "neonfp16", "asimdhp", "fphp"};
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
    if (strstr(kernels, marks[i])) return true;
  return false;
}

static void session_error(const octet_session *s, octet_status st, char *buf, size_t cap) {
  const char *msg = s ? octet_session_last_error(s) : NULL;
  if (!msg || !*msg) msg = octet_last_error();
  if (!msg || !*msg) msg = octet_status_str(st);
  snprintf(buf, cap, "%s", msg);
}

static octet_status make_session(const bench_state *s, octet_precision prec, const char *backend,
                                 int threads, octet_session **out) {
  octet_session_options so;
  octet_session_options_init(&so);
  so.precision = prec;
  so.backends = backend;
  so.threads = threads;
  so.batch = s->o.batches[0];
  return octet_session_create(s->model, &so, out);
}

/* ---- inputs ------------------------------------------------------------------- */

static bool name_has(const char *name, const char *part) {
  if (!name) return false;
  size_t n = strlen(part);
  for (const char *p = name; *p; p++) {
    size_t k = 0;
    while (k < n && p[k] && tolower((unsigned char)p[k]) == part[k]) k++;
    if (k == n) return true;
  }
  return false;
}

/* Shapes of every input at batch `batch`. Returns false with a message. */
static bool input_dims(const bench_state *s, int64_t batch, int64_t (*dims)[OCTET_MAX_RANK],
                       char *err, size_t cap) {
  const cli_model_io *io = &s->io;
  const char *bname = s->o.batch_dim;
  bool found = false;
  if (!bname) {
    if (io->n_inputs == 0 || io->inputs[0].rank < 1) {
      snprintf(err, cap, "the first input has no dims to take the batch; give --batch-dim");
      return false;
    }
    const octet_tensor_info *in0 = &io->inputs[0];
    if (in0->dims[0] >= 0 && in0->dims[0] != batch) {
      snprintf(err, cap,
               "the first dim of input '%s' is fixed at %" PRId64
               ": it cannot take batch %" PRId64 " (name a symbolic dim with --batch-dim)",
               in0->name, in0->dims[0], batch);
      return false;
    }
    bname = in0->dims[0] < 0 ? in0->dim_names[0] : NULL;
  }
  for (size_t k = 0; k < io->n_inputs; k++) {
    const octet_tensor_info *in = &io->inputs[k];
    int rank = in->rank < 0 ? 0 : in->rank;
    for (int d = 0; d < rank; d++) {
      int64_t v = in->dims[d];
      const char *dn = in->dim_names[d];
      bool is_batch = (bname && dn && strcmp(dn, bname) == 0) ||
                      (!s->o.batch_dim && d == 0 && (k == 0 || (v < 0 && !dn)));
      if (is_batch && (v < 0 || k == 0)) {
        dims[k][d] = batch;
        found = true;
        continue;
      }
      if (v >= 0) {
        dims[k][d] = v;
        continue;
      }
      dims[k][d] = s->o.seq;
      for (int j = 0; j < s->o.so.n_dims; j++)
        if (dn && strcmp(s->o.so.dims[j].name, dn) == 0) dims[k][d] = s->o.so.dims[j].value;
    }
  }
  if (!found) {
    snprintf(err, cap, "no input has a dim named '%s' (--batch-dim)", s->o.batch_dim);
    return false;
  }
  return true;
}

static void free_inputs(octet_tensor *t, size_t n) {
  for (size_t k = 0; k < n; k++) free(t[k].data);
}

static int make_inputs(const bench_state *s, int64_t batch, octet_tensor *t, char *err,
                       size_t cap) {
  int64_t(*dims)[OCTET_MAX_RANK] = calloc(s->io.n_inputs + 1, sizeof *dims);
  if (!dims) {
    snprintf(err, cap, "out of memory");
    return CLI_EXIT_ERROR;
  }
  if (!input_dims(s, batch, dims, err, cap)) {
    free(dims);
    return CLI_EXIT_ERROR;
  }
  cli_rand_opts ro = {.seed = s->o.seed, .int_lo = s->o.int_lo, .int_hi = s->o.int_hi};
  int rc = CLI_EXIT_OK;
  for (size_t k = 0; k < s->io.n_inputs && rc == CLI_EXIT_OK; k++) {
    const octet_tensor_info *in = &s->io.inputs[k];
    t[k].name = in->name;
    t[k].dtype = in->dtype;
    t[k].rank = in->rank < 0 ? 0 : in->rank;
    memcpy(t[k].dims, dims[k], sizeof t[k].dims);
    rc = cli_random_tensor(&t[k], in->name ? in->name : "", &ro);
    if (rc != CLI_EXIT_OK) {
      snprintf(err, cap, "cannot make input '%s'", in->name ? in->name : "?");
      break;
    }
    bool is_int = in->dtype == OCTET_DTYPE_INT64 || in->dtype == OCTET_DTYPE_INT32;
    if (is_int && (name_has(in->name, "mask") || name_has(in->name, "token_type"))) {
      size_t es = octet_dtype_size(in->dtype), n = t[k].nbytes / es;
      int64_t val = name_has(in->name, "mask") ? 1 : 0;
      for (size_t i = 0; i < n; i++) {
        if (es == 8)
          ((int64_t *)t[k].data)[i] = val;
        else
          ((int32_t *)t[k].data)[i] = (int32_t)val;
      }
    }
  }
  free(dims);
  return rc;
}

/* ---- accuracy ------------------------------------------------------------------ */

typedef struct ref_out {
  float *data;   /* NULL: not a float output */
  size_t n;
} ref_out;

static bool out_float(const octet_tensor *t, size_t i, float *v) {
  switch (t->dtype) {
    case OCTET_DTYPE_FLOAT32: *v = ((const float *)t->data)[i]; return true;
    case OCTET_DTYPE_FLOAT16: *v = cli_fp16_to_f32(((const uint16_t *)t->data)[i]); return true;
    case OCTET_DTYPE_FLOAT64: *v = (float)((const double *)t->data)[i]; return true;
    default: return false;
  }
}

static bool is_float_dtype(octet_dtype d) {
  return d == OCTET_DTYPE_FLOAT32 || d == OCTET_DTYPE_FLOAT16 || d == OCTET_DTYPE_FLOAT64;
}

static void ref_free(ref_out *r, size_t n) {
  for (size_t k = 0; k < n; k++) {
    free(r[k].data);
    r[k].data = NULL;
    r[k].n = 0;
  }
}

static bool ref_keep(ref_out *r, const octet_tensor *out, size_t n_out) {
  ref_free(r, n_out);
  for (size_t k = 0; k < n_out; k++) {
    const octet_tensor *t = &out[k];
    if (!is_float_dtype(t->dtype)) continue;
    size_t n = t->nbytes / octet_dtype_size(t->dtype);
    r[k].data = malloc(sizeof(float) * (n ? n : 1));
    if (!r[k].data) return false;
    r[k].n = n;
    for (size_t i = 0; i < n; i++) out_float(t, i, &r[k].data[i]);
  }
  return true;
}

/* Cosine similarity and max |y - r| / max |r| over all float outputs. */
static void accuracy(const ref_out *r, const octet_tensor *out, size_t n_out, double *cosine,
                     double *max_rel) {
  double dot = 0, na = 0, nb = 0, maxd = 0, maxr = 0;
  bool any = false;
  *cosine = *max_rel = NAN;
  for (size_t k = 0; k < n_out; k++) {
    const octet_tensor *t = &out[k];
    if (!r[k].data || !is_float_dtype(t->dtype)) continue;
    size_t n = t->nbytes / octet_dtype_size(t->dtype);
    if (n != r[k].n) return; /* shapes differ: no comparison */
    any = true;
    for (size_t i = 0; i < n; i++) {
      float y = 0.0f;
      out_float(t, i, &y);
      double a = y, b = r[k].data[i];
      dot += a * b;
      na += a * a;
      nb += b * b;
      double d = fabs(a - b);
      if (d > maxd || isnan(d)) maxd = isnan(d) ? INFINITY : d;
      if (fabs(b) > maxr) maxr = fabs(b);
    }
  }
  if (!any) return;
  *cosine = (na > 0 && nb > 0) ? dot / (sqrt(na) * sqrt(nb)) : (na == nb ? 1.0 : 0.0);
  if (!isfinite(*cosine)) *cosine = NAN;
  *max_rel = maxr > 0 ? maxd / maxr : (maxd == 0 ? 0.0 : INFINITY);
}

/* ---- timing -------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void time_stats(double *t, int n, bench_row *w) {
  qsort(t, (size_t)n, sizeof *t, cmp_double);
  w->runs = n;
  w->min_ms = t[0];
  w->max_ms = t[n - 1];
  w->median_ms = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
  double pos = 0.9 * (n - 1); /* linear interpolation, as numpy */
  int lo = (int)floor(pos);
  int hi = lo + 1 < n ? lo + 1 : lo;
  w->p90_ms = t[lo] + (t[hi] - t[lo]) * (pos - lo);
  double sum = 0;
  for (int i = 0; i < n; i++) sum += t[i];
  w->mean_ms = sum / n;
}

/* Plans, warms up and times one configuration at one batch. */
static void run_config(bench_state *s, bench_config *c, int64_t batch, const octet_tensor *in,
                       octet_tensor *out, bench_row *w, double **times, int *times_cap) {
  const char *pn = octet_precision_name(c->prec);
  if (!c->sess) {
    snprintf(w->error, sizeof w->error, "%s", c->error);
    return;
  }
  progress(s, "%s %s %s %dt batch %" PRId64 ": planning", s->rep.settings.model, pn, c->label,
           c->threads, batch);
  octet_status st = octet_session_plan(c->sess, in, s->io.n_inputs);
  if (st != OCTET_OK) {
    session_error(c->sess, st, w->error, sizeof w->error);
    return;
  }
  size_t ab = 0, wb = 0;
  if (octet_session_arena_bytes(c->sess, &ab) == OCTET_OK) w->arena_bytes = (double)ab;
  if (octet_session_weight_bytes(c->sess, &wb) == OCTET_OK) w->weight_bytes = (double)wb;
  double flops = 0;
  if (octet_session_flops(c->sess, &flops) == OCTET_OK) w->gflop = flops * 1e-9;
  char backend[64];
  kernel_summary(c->sess, w->kernel, sizeof w->kernel, w->kernels, sizeof w->kernels, backend,
                 sizeof backend);
  if (!c->backend && backend[0] && strcmp(c->label, "default") == 0)
    snprintf(c->label, sizeof c->label, "%s", backend);
  snprintf(w->backend, sizeof w->backend, "%s", c->label);

  for (int k = 0; k < s->o.warmup; k++) {
    progress(s, "%s %s %s %dt batch %" PRId64 ": warm-up %d/%d", s->rep.settings.model, pn,
             c->label, c->threads, batch, k + 1, s->o.warmup);
    st = octet_session_run(c->sess, in, s->io.n_inputs, out, s->io.n_outputs);
    if (st != OCTET_OK) {
      session_error(c->sess, st, w->error, sizeof w->error);
      return;
    }
  }
  int n = 0;
  double t_begin = cli_now();
  while (n < s->o.reps || cli_now() - t_begin < s->o.min_time) {
    if (n >= MAX_RUNS) break;
    if (n == *times_cap) {
      int cap = *times_cap ? *times_cap * 2 : 64;
      double *t = realloc(*times, sizeof *t * (size_t)cap);
      if (!t) {
        snprintf(w->error, sizeof w->error, "out of memory");
        return;
      }
      *times = t;
      *times_cap = cap;
    }
    progress(s, "%s %s %s %dt batch %" PRId64 ": run %d/%d", s->rep.settings.model, pn,
             c->label, c->threads, batch, n + 1, n + 1 > s->o.reps ? n + 1 : s->o.reps);
    double t0 = cli_now();
    st = octet_session_run(c->sess, in, s->io.n_inputs, out, s->io.n_outputs);
    double t1 = cli_now();
    if (st != OCTET_OK) {
      session_error(c->sess, st, w->error, sizeof w->error);
      return;
    }
    (*times)[n++] = (t1 - t0) * 1e3;
  }
  time_stats(*times, n, w);
  w->items_per_s = (double)batch / (w->median_ms * 1e-3);
  w->gops = w->gflop / (w->median_ms * 1e-3);
  w->ok = true;
}

/* Per-node profile of one configuration (--profile). */
static void profile_config(bench_state *s, bench_config *c, int64_t batch, const octet_tensor *in,
                           octet_tensor *out) {
  const bench_machine *m = &s->rep.machine;
  double scale = m->threads > 0 && c->threads < m->threads ? (double)c->threads / m->threads : 1.0;
  char title[256];
  snprintf(title, sizeof title, "%s %s %s, %d threads, batch %" PRId64, s->rep.settings.model,
           octet_precision_name(c->prec), c->label, c->threads, batch);
  progress(s, "%s: profiling", title);
  octet_status st = bench_profile(c->sess, in, s->io.n_inputs, out, s->io.n_outputs,
                                  s->o.reps, c->prec == OCTET_PRECISION_W8A8,
                                  m->peak_int8_gops * scale, m->peak_fp32_gflops * scale, title,
                                  stdout);
  if (st != OCTET_OK) {
    char err[256];
    session_error(c->sess, st, err, sizeof err);
    fprintf(stderr, "octet: profile of %s failed: %s\n", title, err);
  }
}

/* ---- the report ------------------------------------------------------------------ */

static void finish_rows(bench_state *s) {
  bench_report *r = &s->rep;
  const bench_machine *m = &r->machine;
  for (int i = 0; i < r->n_rows; i++) {
    bench_row *w = &r->rows[i];
    if (!w->ok) continue;
    for (int j = 0; j < r->n_rows; j++) {
      const bench_row *u = &r->rows[j];
      if (!u->ok || u->batch != w->batch || u->threads != w->threads ||
          strcmp(u->backend_spec, w->backend_spec) != 0)
        continue;
      if (strcmp(u->precision, "fp16") == 0) w->speedup_vs_fp16 = u->median_ms / w->median_ms;
      if (strcmp(u->precision, "fp32") == 0) w->speedup_vs_fp32 = u->median_ms / w->median_ms;
    }
    bool int8 = strcmp(w->precision, "w8a8") == 0;
    snprintf(w->peak_kind, sizeof w->peak_kind, "%s", int8 ? "int8" : "fp32");
    double peak = int8 ? m->peak_int8_gops : m->peak_fp32_gflops;
    if (m->threads > 0 && w->threads < m->threads) peak *= (double)w->threads / m->threads;
    w->pct_of_peak = (isfinite(peak) && peak > 0 && w->gflop > 0) ? 100.0 * w->gops / peak : NAN;
  }
}

static void print_header(bench_state *s, FILE *f) {
  const bench_settings *st = &s->rep.settings;
  const char *p = s->o.md ? "    " : "  ";
  char thr[128] = "", bat[256] = "", pre[128] = "", bk[256] = "";
  for (int i = 0, n = 0; i < st->n_threads; i++)
    n += snprintf(thr + n, sizeof thr - (size_t)n, "%s%d", i ? "," : "", st->threads[i]);
  for (int i = 0, n = 0; i < st->n_batches; i++)
    n += snprintf(bat + n, sizeof bat - (size_t)n, "%s%" PRId64, i ? "," : "", st->batches[i]);
  for (int i = 0, n = 0; i < st->n_precisions; i++)
    n += snprintf(pre + n, sizeof pre - (size_t)n, "%s%s", i ? "," : "", st->precisions[i]);
  for (int i = 0, n = 0; i < st->n_backends; i++)
    n += snprintf(bk + n, sizeof bk - (size_t)n, "%s%s", i ? "," : "", st->backends[i]);
  if (s->o.md) fputs("```\n", f);
  fprintf(f, "octet bench: %s", st->model);
  if (st->seq > 0) fprintf(f, " (seq %" PRId64 ")", st->seq);
  fprintf(f, ", %s\n", st->model_source);
  fprintf(f, "%sbatches %s; precisions %s; backends %s; threads %s\n", p, bat, pre, bk, thr);
  fprintf(f, "%swarm-up %d, at least %d runs and %.3g s per configuration; inputs seed %" PRIu64
             "\n",
          p, st->warmup, st->reps, st->min_time_s, st->seed);
  bench_write_machine(f, &s->rep.machine, p);
  if (s->o.md) fputs("```\n", f);
  fputc('\n', f);
  fflush(f);
}

static FILE *open_out(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) cli_error("cannot write %s: %s", path, strerror(errno));
  return f;
}

static int close_out(FILE *f, const char *path, bool ok) {
  if (!f) return CLI_EXIT_OK;
  if (fclose(f) != 0 || !ok) return cli_error("error writing %s", path);
  return CLI_EXIT_OK;
}

/* ---- main ------------------------------------------------------------------------ */

static int load_model(bench_state *s) {
  bench_settings *st = &s->rep.settings;
  octet_status rc;
  if (s->o.builtin[0]) {
    octet_builtin_options bo;
    octet_builtin_options_init(&bo);
    bo.seq = s->o.seq;
    bo.seed = s->o.seed;
    progress(s, "building the built-in %s", s->o.builtin);
    rc = octet_model_builtin(s->o.builtin, &bo, &s->model);
    snprintf(st->model, sizeof st->model, "%s", s->o.builtin);
    snprintf(st->model_source, sizeof st->model_source, "built-in, weights seed %" PRIu64,
             s->o.seed);
    st->seq = strcmp(s->o.builtin, "encoder") == 0 ? s->o.seq : 0;
  } else {
    progress(s, "loading %s", s->o.model_arg);
    rc = octet_model_load(s->o.model_arg, &s->model);
    const char *base = strrchr(s->o.model_arg, '/');
    base = base ? base + 1 : s->o.model_arg;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".onnx") == 0) n -= 5;
    snprintf(st->model, sizeof st->model, "%.*s", (int)(n < 63 ? n : 63), base);
    snprintf(st->model_source, sizeof st->model_source, "%s", s->o.model_arg);
    st->seq = s->o.seq;
  }
  if (rc != OCTET_OK) {
    progress_done(s);
    return cli_fail(rc, NULL);
  }
  if (s->o.builtin[0] && strcmp(s->o.builtin, "mlp") == 0) st->seq = 0;
  /* A file without non-batch symbolic dims has no seq to report. */
  int rc2 = cli_model_io_get(s->model, &s->io);
  if (rc2 != CLI_EXIT_OK) return rc2;
  if (!s->o.builtin[0]) {
    bool any = false;
    for (size_t k = 0; k < s->io.n_inputs; k++)
      for (int d = 0; d < s->io.inputs[k].rank; d++)
        if (s->io.inputs[k].dims[d] < 0 && !(k == 0 && d == 0)) any = true;
    if (!any) st->seq = 0;
  }
  return CLI_EXIT_OK;
}

static void setup_settings(bench_state *s) {
  bench_settings *st = &s->rep.settings;
  st->n_batches = s->o.n_batches;
  memcpy(st->batches, s->o.batches, sizeof st->batches);
  st->n_precisions = s->o.n_precs;
  for (int i = 0; i < s->o.n_precs; i++)
    snprintf(st->precisions[i], 16, "%s", octet_precision_name(s->o.precs[i]));
  st->n_backends = s->o.n_backends;
  for (int i = 0; i < s->o.n_backends; i++)
    snprintf(st->backends[i], 64, "%s", s->o.backends[i][0] ? s->o.backends[i] : "default");
  st->n_threads = s->o.n_threads;
  memcpy(st->threads, s->o.threads, sizeof st->threads);
  st->warmup = s->o.warmup;
  st->reps = s->o.reps;
  st->min_time_s = s->o.min_time;
  st->seed = s->o.seed;
}

static int create_sessions(bench_state *s) {
  s->n_cfg = s->o.n_precs * s->o.n_backends * s->o.n_threads;
  s->cfg = calloc((size_t)s->n_cfg, sizeof *s->cfg);
  if (!s->cfg) return cli_error("out of memory");
  int k = 0;
  s->ref_cfg = -1;
  for (int p = 0; p < s->o.n_precs; p++)
    for (int b = 0; b < s->o.n_backends; b++)
      for (int t = 0; t < s->o.n_threads; t++) {
        bench_config *c = &s->cfg[k];
        c->prec = s->o.precs[p];
        c->threads = s->o.threads[t];
        if (s->o.backends[b][0]) {
          /* "x86+ref" -> "x86,ref"; a single name X -> "X,*" (X first, then
           * the library's default order for what X declines) */
          const char *spec = s->o.backends[b];
          bool joined = strchr(spec, '+') != NULL;
          char *lib = malloc(strlen(spec) + 3);
          if (!lib) return cli_error("out of memory");
          snprintf(lib, strlen(spec) + 3, "%s%s", spec, joined ? "" : ",*");
          for (char *q = lib; *q; q++)
            if (*q == '+') *q = ',';
          c->backend = lib;
          snprintf(c->label, sizeof c->label, "%s", s->o.backends[b]);
        } else {
          snprintf(c->label, sizeof c->label, "default");
        }
        snprintf(c->spec, sizeof c->spec, "%s", c->backend ? s->o.backends[b] : "default");
        progress(s, "compiling %s for %s, %d threads", s->rep.settings.model,
                 octet_precision_name(c->prec), c->threads);
        octet_status st = make_session(s, c->prec, c->backend, c->threads, &c->sess);
        if (st != OCTET_OK) {
          session_error(NULL, st, c->error, sizeof c->error);
          c->sess = NULL;
        } else if (!c->backend) {
          char kernel[128], all[512], backend[64];
          kernel_summary(c->sess, kernel, sizeof kernel, all, sizeof all, backend,
                         sizeof backend);
          if (backend[0]) snprintf(c->label, sizeof c->label, "%s", backend);
        }
        if (c->prec == OCTET_PRECISION_FP32 && c->sess && s->ref_cfg < 0) s->ref_cfg = k;
        k++;
      }
  if (s->ref_cfg < 0) {
    int tmax = 0;
    for (int t = 0; t < s->o.n_threads; t++)
      if (s->o.threads[t] > tmax) tmax = s->o.threads[t];
    progress(s, "compiling %s for fp32 (accuracy reference)", s->rep.settings.model);
    octet_status st = make_session(s, OCTET_PRECISION_FP32, NULL, tmax, &s->ref_sess);
    if (st != OCTET_OK) {
      session_error(NULL, st, s->ref_error, sizeof s->ref_error);
      s->ref_sess = NULL;
    }
  }
  return CLI_EXIT_OK;
}

static void precision_warnings(bench_state *s) {
  bench_machine *m = &s->rep.machine;
  bool w8 = false, f16 = false;
  for (int i = 0; i < s->o.n_precs; i++) {
    w8 |= s->o.precs[i] == OCTET_PRECISION_W8A8;
    f16 |= s->o.precs[i] == OCTET_PRECISION_FP16;
  }
  octet_isa act = octet_isa_active(), best = best_isa();
  if (w8 && !int8_pays_off(act)) {
    char forced[128] = "";
    if (int8_pays_off(best))
      snprintf(forced, sizeof forced, " (lowered by OCTET_ISA; the CPU has %s)",
               octet_isa_name(best));
    add_warning(m,
                "int8 cannot pay off at ISA level %s%s: no VNNI / dot-product instruction, "
                "so the w8a8 kernels fall back to exact 16-bit multiply-adds; expect little "
                "or no speedup over fp16",
                octet_isa_name(act), forced);
  }
  if (f16) {
    bool native = false;
    for (int i = 0; i < s->n_cfg; i++) {
      const bench_config *c = &s->cfg[i];
      if (c->prec != OCTET_PRECISION_FP16 || !c->sess) continue;
      char kernel[128], all[512];
      kernel_summary(c->sess, kernel, sizeof kernel, all, sizeof all, NULL, 0);
      native |= fp16_native(all);
    }
    if (!native) {
      const octet_cpu_features *f = octet_cpu();
      bool hw = f->avx512fp16 || f->asimdhp;
      add_warning(m,
                  "fp16 runs through fp32 conversion (fp16 storage, fp32 FMA arithmetic), "
                  "not native fp16 arithmetic: it halves weight memory and bandwidth but "
                  "computes at the fp32 rate%s",
                  hw ? (f->avx512fp16 ? "; this CPU has AVX512-FP16, which octet does not "
                                        "use yet"
                                      : "; this CPU has fp16 arithmetic, which octet does "
                                        "not use yet")
                     : "");
    }
  }
}

static int run_all(bench_state *s) {
  size_t ni = s->io.n_inputs, no = s->io.n_outputs;
  octet_tensor *in = calloc(ni + 1, sizeof *in);
  octet_tensor *out = calloc(no + 1, sizeof *out);
  ref_out *ref = calloc(no + 1, sizeof *ref);
  double *times = NULL;
  int times_cap = 0;
  if (!in || !out || !ref) {
    free(in);
    free(out);
    free(ref);
    return cli_error("out of memory");
  }
  /* Rows in display order: batch, then precision, backend, threads. */
  for (int b = 0; b < s->o.n_batches; b++)
    for (int c = 0; c < s->n_cfg; c++) {
      bench_row *w = bench_report_add_row(&s->rep);
      if (!w) return cli_error("out of memory");
      snprintf(w->model, sizeof w->model, "%s", s->rep.settings.model);
      snprintf(w->precision, sizeof w->precision, "%s", octet_precision_name(s->cfg[c].prec));
      snprintf(w->backend, sizeof w->backend, "%s", s->cfg[c].label);
      snprintf(w->backend_spec, sizeof w->backend_spec, "%s", s->cfg[c].spec);
      w->threads = s->cfg[c].threads;
      w->batch = s->o.batches[b];
      w->seq = s->rep.settings.seq;
    }
  s->n_steps = s->o.n_batches * s->n_cfg;
  s->step = 0;
  for (int b = 0; b < s->o.n_batches; b++) {
    int64_t batch = s->o.batches[b];
    bench_row *rows = &s->rep.rows[b * s->n_cfg];
    char err[512];
    memset(in, 0, sizeof *in * ni);
    if (make_inputs(s, batch, in, err, sizeof err) != CLI_EXIT_OK) {
      for (int c = 0; c < s->n_cfg; c++) snprintf(rows[c].error, sizeof rows[c].error, "%s", err);
      free_inputs(in, ni);
      continue;
    }
    /* The fp32 reference for this batch. */
    bool have_ref = false;
    char ref_err[512] = "";
    if (s->ref_sess) {
      progress(s, "%s fp32 reference, batch %" PRId64, s->rep.settings.model, batch);
      octet_status st = octet_session_run(s->ref_sess, in, ni, out, no);
      if (st == OCTET_OK)
        have_ref = ref_keep(ref, out, no);
      else
        session_error(s->ref_sess, st, ref_err, sizeof ref_err);
    } else if (s->ref_cfg < 0) {
      snprintf(ref_err, sizeof ref_err, "%s", s->ref_error);
    }
    /* The reference configuration first, then the others. */
    for (int i = -1; i < s->n_cfg; i++) {
      int c = i < 0 ? s->ref_cfg : i;
      if (c < 0 || (i >= 0 && c == s->ref_cfg)) continue;
      bench_config *cf = &s->cfg[c];
      bench_row *w = &rows[c];
      s->step++;
      run_config(s, cf, batch, in, out, w, &times, &times_cap);
      if (!w->ok) continue;
      if (c == s->ref_cfg) {
        have_ref = ref_keep(ref, out, no);
        if (!have_ref) snprintf(ref_err, sizeof ref_err, "out of memory");
      }
      if (have_ref) accuracy(ref, out, no, &w->cosine_vs_fp32, &w->max_rel_err_vs_fp32);
      if (s->o.profile) profile_config(s, cf, batch, in, out);
    }
    if (!have_ref && ref_err[0] && !s->o.quiet) {
      progress_done(s);
      fprintf(stderr, "octet: batch %" PRId64 ": no fp32 reference, no accuracy (%s)\n", batch,
              ref_err);
    }
    ref_free(ref, no);
    free_inputs(in, ni);
    memset(in, 0, sizeof *in * ni);
  }
  progress_done(s);
  free(times);
  free(in);
  free(out);
  free(ref);
  return CLI_EXIT_OK;
}

int cmd_bench(int argc, char **argv) {
  bench_state *s = calloc(1, sizeof *s);
  if (!s) return cli_error("out of memory");
  opts_defaults(&s->o);
  bench_report_init(&s->rep);
  int rc = parse_args(&s->o, argc, argv);
  if (rc != CLI_EXIT_OK) {
    cli_session_opts_free(&s->o.so);
    free(s);
    return rc < 0 ? CLI_EXIT_OK : rc;
  }
  s->progress = !s->o.quiet && isatty(2);
  s->t_start = cli_now();
  setup_settings(s);

  /* Output files first: a bad path fails now, not after the runs. */
  if (s->o.json && !(s->fjson = open_out(s->o.json))) rc = CLI_EXIT_ERROR;
  if (rc == CLI_EXIT_OK && s->o.csv && !(s->fcsv = open_out(s->o.csv))) rc = CLI_EXIT_ERROR;
  if (rc == CLI_EXIT_OK && s->o.svg && !(s->fsvg = open_out(s->o.svg))) rc = CLI_EXIT_ERROR;
  if (rc == CLI_EXIT_OK) rc = load_model(s);
  if (rc == CLI_EXIT_OK) { /* every batch size must fit the model's inputs */
    int64_t(*dims)[OCTET_MAX_RANK] = calloc(s->io.n_inputs + 1, sizeof *dims);
    char err[512];
    if (!dims) rc = cli_error("out of memory");
    for (int b = 0; rc == CLI_EXIT_OK && b < s->o.n_batches; b++)
      if (!input_dims(s, s->o.batches[b], dims, err, sizeof err)) {
        progress_done(s);
        rc = cli_error("%s", err);
      }
    free(dims);
  }
  if (rc == CLI_EXIT_OK) {
    int tmax = 0;
    for (int t = 0; t < s->o.n_threads; t++)
      if (s->o.threads[t] > tmax) tmax = s->o.threads[t];
    if (!s->o.no_peaks) progress(s, "measuring the machine's peaks (%d threads)", tmax);
    fill_machine(&s->rep.machine, tmax, !s->o.no_peaks);
    rc = create_sessions(s);
  }
  if (rc == CLI_EXIT_OK) {
    precision_warnings(s);
    progress_done(s);
    if (!s->o.quiet) print_header(s, stdout);
    for (int i = 0; i < s->rep.machine.n_warnings; i++)
      fprintf(stderr, "octet: warning: %s\n", s->rep.machine.warnings[i]);
    rc = run_all(s);
  }
  if (rc == CLI_EXIT_OK) {
    finish_rows(s);
    bench_write_table(stdout, &s->rep, s->o.md);
    fflush(stdout);
    int n_ok = 0;
    for (int i = 0; i < s->rep.n_rows; i++) n_ok += s->rep.rows[i].ok;
    if (s->fjson) rc |= close_out(s->fjson, s->o.json, bench_write_json(s->fjson, &s->rep));
    if (s->fcsv) rc |= close_out(s->fcsv, s->o.csv, bench_write_csv(s->fcsv, &s->rep));
    if (s->fsvg) rc |= close_out(s->fsvg, s->o.svg, bench_write_svg(s->fsvg, &s->rep));
    s->fjson = s->fcsv = s->fsvg = NULL;
    if (!s->o.quiet) {
      if (s->o.json) fprintf(stderr, "octet: wrote %s\n", s->o.json);
      if (s->o.csv) fprintf(stderr, "octet: wrote %s\n", s->o.csv);
      if (s->o.svg) fprintf(stderr, "octet: wrote %s\n", s->o.svg);
    }
    if (n_ok == 0) rc = cli_error("no configuration ran");
    if (rc != CLI_EXIT_OK) rc = CLI_EXIT_ERROR;
  }
  if (s->fjson) fclose(s->fjson);
  if (s->fcsv) fclose(s->fcsv);
  if (s->fsvg) fclose(s->fsvg);
  for (int i = 0; i < s->n_cfg; i++) {
    octet_session_destroy(s->cfg[i].sess);
    free((char *)s->cfg[i].backend);
  }
  free(s->cfg);
  octet_session_destroy(s->ref_sess);
  octet_model_destroy(s->model);
  cli_model_io_free(&s->io);
  cli_session_opts_free(&s->o.so);
  bench_report_free(&s->rep);
  free(s);
  return rc;
}
