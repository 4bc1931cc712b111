/* `octet bench`: usage and option parsing (cli-bench.h). */

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

#include "cli-bench.h"

const char bench_usage[] =
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
    "  resnet18  torchvision ResNet-18, input [batch, 3, 224, 224], 1000\n"
    "            classes; default --batch 1 --reps 2 (its convolutions run\n"
    "            on the ref backend: about a minute)\n"
    "\n"
    "workload (LIST = comma-separated values):\n"
    "      --model NAME         built-in model: encoder (default), mlp or\n"
    "                           resnet18\n"
    "  -b, --batch LIST         batch sizes (default 128,256,512,1024; resnet18:\n"
    "                           1)\n"
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
    "                           x86, arm, onednn, openblas, ref. A name goes\n"
    "                           first and the library's default order takes\n"
    "                           what it declines; names joined with '+' are\n"
    "                           the exact preference list (x86+ref; ref always\n"
    "                           comes last, '*' stands for the default order\n"
    "                           of the others). Default: the library's default\n"
    "                           order (run and inspect take one such list)\n"
    "  -t, --threads LIST       thread counts (default: all cores)\n"
    "\n"
    "timing:\n"
    "      --warmup N           untimed runs first (default 1)\n"
    "      --reps N             at least N timed runs (default 5; resnet18: 2)\n"
    "      --min-time S         and at least S seconds of timed runs (default 1;\n"
    "                           0 when only --reps is given)\n"
    "\n"
    "output:\n"
    "      --json FILE          write the report as JSON (layout in\n"
    "                           tools/report/bench-report.h)\n"
    "      --csv FILE           one line per result\n"
    "      --svg FILE           grouped bar chart of the latencies, plus the\n"
    "                           w8a8/fp16 speedup when both ran\n"
    "      --md                 print the table as markdown\n"
    "      --chunk BYTES|off    run a batch whose activations (arena) exceed\n"
    "                           BYTES as equal chunks of it that fit, when the\n"
    "                           graph keeps batch items apart (same results;\n"
    "                           default 16 MiB; the chunk column shows the\n"
    "                           items per chunk); off: every batch whole\n"
    "      --profile            after timing each configuration, run it --reps\n"
    "                           more times (at most 64) with a per-node hook\n"
    "                           and print where the time goes: per op type,\n"
    "                           backend and kernel, the median ms per run, its\n"
    "                           share, and GOP/s and % of peak of the matrix\n"
    "                           products (stdout, before the table)\n"
    "      --no-peaks           skip the machine-peak microbenchmarks (about\n"
    "                           1 s; % of peak is then not reported)\n"
    "  -q, --quiet              print the table only: no machine block, no\n"
    "                           progress (progress goes to stderr when it is a\n"
    "                           terminal, with the time left estimated from the\n"
    "                           configurations done so far)\n"
    "      --progress           progress on stderr even when it is not a\n"
    "                           terminal (one line per step) or with --quiet\n"
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

/* ---- option parsing -------------------------------------------------------- */

/* Splits a comma list into items (empty items are errors). */
static int split_list(const char *v, char items[][64], int max, const char *opt) {
  int n = 0;
  const char *p = v;
  if (!*v) return cli_usage_error("bench", "%s needs a list", opt), -1;
  for (;;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == 0 || len >= 64)
      return cli_usage_error("bench", "bad %s '%s'", opt, v), -1;
    if (n == max)
      return cli_usage_error("bench", "%s: at most %d values", opt, max), -1;
    memcpy(items[n], p, len);
    items[n][len] = '\0';
    n++;
    if (!e) break;
    p = e + 1;
  }
  return n;
}

int bench_parse_args(bench_opts *o, int argc, char **argv) {
  char items[BENCH_MAX_LIST][64];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    int r, n;
    if (a[0] != '-' || !a[1]) {
      if (o->model_arg || o->builtin[0])
        return cli_usage_error("bench", "unexpected argument '%s' (bench takes one MODEL)", a);
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
    if (cli_opt_flag(a, "--progress", NULL)) {
      o->progress = true;
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
    if ((r = cli_opt_value(argc, argv, &i, "--model", NULL, "bench", &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_is_builtin_name(v))
        return cli_usage_error("bench", "bad --model '%s' (built-ins: encoder, mlp, resnet18)",
                               v);
      if (o->model_arg || o->builtin[0])
        return cli_usage_error("bench", "give either MODEL or --model, once");
      snprintf(o->builtin, sizeof o->builtin, "%s", v);
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--batch", "-b", "bench", &v))) {
      if (r < 0 || (n = split_list(v, items, BENCH_MAX_LIST, "--batch")) < 0)
        return CLI_EXIT_USAGE;
      o->n_batches = 0;
      o->batches_given = true;
      for (int k = 0; k < n; k++) {
        int64_t b;
        if (!cli_parse_i64(items[k], 1, MAX_BATCH, &b))
          return cli_usage_error("bench", "bad batch size '%s' (1..%" PRId64 ")",
                                 items[k], MAX_BATCH);
        for (int j = 0; j < o->n_batches; j++)
          if (o->batches[j] == b)
            return cli_usage_error("bench", "batch size %" PRId64 " given twice", b);
        o->batches[o->n_batches++] = b;
      }
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--precision", "-p", "bench", &v))) {
      if (r < 0 || (n = split_list(v, items, BENCH_MAX_LIST, "--precision")) < 0)
        return CLI_EXIT_USAGE;
      o->n_precs = 0;
      for (int k = 0; k < n; k++) {
        octet_precision p;
        if (octet_precision_parse(items[k], &p) != OCTET_OK)
          return cli_usage_error("bench",
                                 "bad precision '%s' (fp16, w8a8 or fp32)", items[k]);
        for (int j = 0; j < o->n_precs; j++)
          if (o->precs[j] == p)
            return cli_usage_error("bench", "precision '%s' given twice", items[k]);
        o->precs[o->n_precs++] = p;
      }
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--backend", NULL, "bench", &v))) {
      if (r < 0 || (n = cli_parse_backends("bench", v, true, o->backends, BENCH_MAX_LIST)) < 0)
        return CLI_EXIT_USAGE;
      o->n_backends = n;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--threads", "-t", "bench", &v))) {
      if (r < 0 || (n = split_list(v, items, BENCH_MAX_LIST, "--threads")) < 0)
        return CLI_EXIT_USAGE;
      o->n_threads = 0;
      for (int k = 0; k < n; k++) {
        int64_t t;
        if (!cli_parse_i64(items[k], 0, 4096, &t))
          return cli_usage_error("bench", "bad thread count '%s' (0..4096, 0 = all cores)",
                                 items[k]);
        o->threads[o->n_threads++] = t == 0 ? omp_get_num_procs() : (int)t;
      }
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--seq", NULL, "bench", &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_i64(v, 1, 1 << 20, &o->seq))
        return cli_usage_error("bench", "bad --seq '%s' (a positive integer)", v);
      o->seq_given = true;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--warmup", NULL, "bench", &v))) {
      int64_t x;
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_i64(v, 0, 100000, &x))
        return cli_usage_error("bench", "bad --warmup '%s' (0..100000)", v);
      o->warmup = (int)x;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--reps", NULL, "bench", &v))) {
      int64_t x;
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_i64(v, 1, MAX_RUNS, &x))
        return cli_usage_error("bench", "bad --reps '%s' (1..%d)", v, MAX_RUNS);
      o->reps = (int)x;
      o->reps_given = true;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--min-time", NULL, "bench", &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      char *end;
      double t = strtod(v, &end);
      if (!*v || *end || !(t >= 0.0 && t <= 86400.0))
        return cli_usage_error("bench", "bad --min-time '%s' (seconds, 0..86400)", v);
      o->min_time = t;
      o->min_time_given = true;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--json", NULL, "bench", &v)) ||
        (r = cli_opt_value(argc, argv, &i, "--csv", NULL, "bench", &v)) ||
        (r = cli_opt_value(argc, argv, &i, "--svg", NULL, "bench", &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!*v) return cli_usage_error("bench", "empty file name for %s", a);
      if (strncmp(a, "--json", 6) == 0) o->json = v;
      else if (strncmp(a, "--csv", 5) == 0) o->csv = v;
      else o->svg = v;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--batch-dim", NULL, "bench", &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!*v) return cli_usage_error("bench", "empty --batch-dim");
      o->batch_dim = v;
      continue;
    }
    if ((strncmp(a, "--dim", 5) == 0 && (a[5] == '\0' || a[5] == '=')) ||
        (strncmp(a, "--chunk", 7) == 0 && (a[7] == '\0' || a[7] == '='))) {
      r = cli_parse_session_opt(argc, argv, &i, "bench", &o->so);
      if (r < 0) return CLI_EXIT_USAGE;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--seed", NULL, "bench", &v))) {
      int64_t s;
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_i64(v, 0, INT64_MAX, &s))
        return cli_usage_error("bench", "bad --seed '%s'", v);
      o->seed = (uint64_t)s;
      continue;
    }
    if ((r = cli_opt_value(argc, argv, &i, "--int-range", NULL, "bench", &v))) {
      if (r < 0) return CLI_EXIT_USAGE;
      const char *comma = strchr(v, ',');
      char lo[32];
      size_t ll = comma ? (size_t)(comma - v) : 0;
      if (!comma || ll == 0 || ll >= sizeof lo)
        return cli_usage_error("bench", "bad --int-range '%s' (expected LO,HI)", v);
      memcpy(lo, v, ll);
      lo[ll] = '\0';
      if (!cli_parse_i64(lo, INT64_MIN, INT64_MAX, &o->int_lo) ||
          !cli_parse_i64(comma + 1, INT64_MIN, INT64_MAX, &o->int_hi) ||
          o->int_lo >= o->int_hi)
        return cli_usage_error("bench", "bad --int-range '%s' (LO < HI; HI is excluded)", v);
      continue;
    }
    return cli_usage_error("bench", "unknown option '%s'", a);
  }
  /* A MODEL that names a built-in and is not a file is the built-in. */
  if (cli_is_builtin(o->model_arg)) {
    snprintf(o->builtin, sizeof o->builtin, "%s", o->model_arg);
    o->model_arg = NULL;
  }
  if (!o->model_arg && !o->builtin[0]) snprintf(o->builtin, sizeof o->builtin, "encoder");
  /* Convolutions run on the ref backend, about 4 s per image at fp32 and
   * 12 s at fp16 on 2 cores: resnet18 defaults to batch 1 and 2 timed runs,
   * about a minute for the default precisions. */
  if (strcmp(o->builtin, "resnet18") == 0) {
    if (!o->batches_given) {
      o->batches[0] = 1;
      o->n_batches = 1;
    }
    if (!o->reps_given) o->reps = 2;
  }
  if (!o->min_time_given) o->min_time = o->reps_given ? 0.0 : 1.0;
  return CLI_EXIT_OK;
}

void bench_opts_defaults(bench_opts *o) {
  memset(o, 0, sizeof *o);
  cli_session_opts_init(&o->so);
  static const int64_t batches[] = {128, 256, 512, 1024};
  o->n_batches = 4;
  memcpy(o->batches, batches, sizeof batches);
  o->precs[0] = OCTET_PRECISION_FP16;
  o->precs[1] = OCTET_PRECISION_W8A8;
  o->n_precs = 2;
  o->n_backends = 1;
  snprintf(o->backends[0].spec, sizeof o->backends[0].spec, "default");
  o->backends[0].lib[0] = '\0';
  o->threads[0] = omp_get_num_procs();
  o->n_threads = 1;
  o->warmup = 1;
  o->reps = 5;
  o->seq = 32;
  o->seed = 42;
  o->int_lo = 0;
  o->int_hi = 30522;
}

