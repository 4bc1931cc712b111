/* `octet inspect`: what a model holds and how a session would run it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-report.h"
#include "cli-common.h"

static const char inspect_usage[] =
    "usage: octet inspect MODEL [options]\n"
    "\n"
    "MODEL is an ONNX file or a built-in model (encoder, mlp, resnet18;\n"
    "see octet bench --help).\n"
    "\n"
    "Prints the model's opset, inputs and outputs (symbolic dims by name),\n"
    "op histogram and parameters; then compiles a session, plans it for the\n"
    "batch and prints its arena and weight memory and, per node, the backend\n"
    "and kernel that run it.\n"
    "\n"
    "options:\n"
    "  -p, --precision P    fp32 (default), fp16 or w8a8\n"
    "      --backend LIST   the backends, as in octet bench: a name (x86,\n"
    "                       arm, onednn, openblas, ref) goes first and the\n"
    "                       default order takes what it declines; names\n"
    "                       joined with '+' (or ',') are the exact order of\n"
    "                       preference (x86+ref; ref always comes last).\n"
    "                       Default: every backend this build has\n"
    "      --fp16-weights W fp16 (default) or fp32 (see octet run --help)\n"
    "      --chunk BYTES|off chunk budget (see octet run --help)\n"
    "  -b, --batch B        batch size to plan for (default 1)\n"
    "      --dim NAME=VALUE value of the symbolic dim NAME (repeatable;\n"
    "                       other symbolic dims are 32)\n"
    "  -t, --threads N      worker threads (default 0: all cores)\n"
    "  -h, --help           show this help\n";

typedef struct op_entry {
  const char *op;
  size_t count;
} op_entry;

static int op_cmp(const void *a, const void *b) {
  const op_entry *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->op, y->op);
}

static void print_io(const char *title, const octet_tensor_info *t, size_t n) {
  int w = 4;
  for (size_t k = 0; k < n; k++) {
    int len = t[k].name ? (int)strlen(t[k].name) : 1;
    if (len > w) w = len > 40 ? 40 : len;
  }
  printf("%s (%zu):\n", title, n);
  for (size_t k = 0; k < n; k++) {
    char shape[256];
    cli_format_info_shape(&t[k], shape, sizeof shape);
    printf("  %-*s  %-7s  %s\n", w, t[k].name ? t[k].name : "?",
           octet_dtype_name(t[k].dtype), shape);
  }
}

static int print_model(const octet_model *model, const char *path,
                       const cli_model_io *io) {
  octet_model_stats stats;
  octet_status st = octet_model_stats_get(model, &stats);
  if (st != OCTET_OK) return cli_fail(st, NULL);
  char count[32], bytes[32];
  cli_format_count((double)stats.param_count, count, sizeof count);
  bench_format_bytes((double)stats.param_bytes, bytes, sizeof bytes);
  printf("model: %s\n", path);
  printf("opset: %" PRId64 "\n", stats.opset);
  printf("nodes: %zu\n", stats.node_count);
  printf("parameters: %zu (%s), %zu bytes (%s) as stored\n",
         stats.param_count, count, stats.param_bytes, bytes);
  print_io("inputs", io->inputs, io->n_inputs);
  print_io("outputs", io->outputs, io->n_outputs);

  /* The histogram has at most one entry per node. */
  size_t cap = stats.node_count ? stats.node_count : 1, n = 0;
  op_entry *ops = calloc(cap, sizeof *ops);
  if (!ops) return cli_error("out of memory");
  while (n < cap) {
    const char *op = NULL;
    size_t c = 0;
    if (octet_model_op_type(model, n, &op, &c) != OCTET_OK || !op) break;
    ops[n].op = op;
    ops[n].count = c;
    n++;
  }
  qsort(ops, n, sizeof *ops, op_cmp);
  int w = 8;
  for (size_t k = 0; k < n; k++)
    if ((int)strlen(ops[k].op) > w) w = (int)strlen(ops[k].op);
  printf("ops (%zu types, %zu nodes):\n", n, stats.node_count);
  for (size_t k = 0; k < n; k++)
    printf("  %-*s  %zu\n", w, ops[k].op, ops[k].count);
  free(ops);
  return CLI_EXIT_OK;
}

static int print_session(octet_model *model, const cli_model_io *io,
                         cli_session_opts *o) {
  octet_session *session = NULL;
  octet_tensor *inputs = NULL;
  int64_t(*dims)[OCTET_MAX_RANK] = NULL;
  int rc = CLI_EXIT_OK;
  char threads[32];
  octet_status st;

  size_t ni = io->n_inputs;
  inputs = calloc(ni ? ni : 1, sizeof *inputs);
  dims = calloc(ni ? ni : 1, sizeof *dims);
  if (!inputs || !dims) {
    rc = cli_error("out of memory");
    goto done;
  }
  o->batch = cli_resolve_shapes(io, o, NULL, dims);
  int w = 4;
  for (size_t k = 0; k < ni; k++) {
    int len = io->inputs[k].name ? (int)strlen(io->inputs[k].name) : 1;
    if (len > w) w = len > 40 ? 40 : len;
  }

  printf("session: precision %s, backends %s, threads %s, batch %" PRId64
         "\n",
         octet_precision_name(o->precision),
         o->backend.spec[0] ? o->backend.spec : "default",
         cli_threads_str(o->threads, threads), o->batch);
  fflush(stdout); /* keep the order if an error follows on stderr */
  octet_session_options opts;
  cli_session_opts_apply(o, &opts);
  st = octet_session_create(model, &opts, &session);
  if (st != OCTET_OK) {
    rc = cli_fail(st, NULL);
    goto done;
  }

  printf("planned for:\n");
  for (size_t k = 0; k < ni; k++) {
    octet_tensor *t = &inputs[k];
    t->name = io->inputs[k].name;
    t->dtype = io->inputs[k].dtype;
    t->rank = io->inputs[k].rank < 0 ? 0 : io->inputs[k].rank;
    memcpy(t->dims, dims[k], sizeof t->dims);
    t->data = NULL;
    if (!cli_shape_bytes(t->dims, t->rank, t->dtype, &t->nbytes)) t->nbytes = 0;
    char shape[256];
    cli_format_shape(t->dims, t->rank, shape, sizeof shape);
    printf("  %-*s  %-7s  %s\n", w, t->name ? t->name : "?",
           octet_dtype_name(t->dtype), shape);
  }
  fflush(stdout);
  st = octet_session_plan(session, inputs, ni);
  if (st != OCTET_OK) {
    rc = cli_fail(st, session);
    goto done;
  }

  size_t arena = 0, weights = 0, n_nodes = 0;
  if ((st = octet_session_arena_bytes(session, &arena)) != OCTET_OK ||
      (st = octet_session_weight_bytes(session, &weights)) != OCTET_OK ||
      (st = octet_session_node_count(session, &n_nodes)) != OCTET_OK) {
    rc = cli_fail(st, session);
    goto done;
  }
  char ab[32], wb[32];
  bench_format_bytes((double)arena, ab, sizeof ab);
  bench_format_bytes((double)weights, wb, sizeof wb);
  printf("arena: %zu bytes (%s)\n", arena, ab);
  printf("weights: %zu bytes (%s)\n", weights, wb);
  int64_t cbatch = 0, citems = 0;
  const char *cwhy = "";
  if (octet_session_chunking(session, &cbatch, &citems, &cwhy) == OCTET_OK) {
    if (citems > 0 && citems < cbatch)
      printf("chunks: batch %" PRId64 " runs as %" PRId64 " chunks of %" PRId64
             " items (the arena and the schedule are one chunk's)\n",
             cbatch, cbatch / citems, citems);
    else if (cwhy && *cwhy)
      printf("chunks: none, the graph does not keep batch items apart: %s\n", cwhy);
  }

  octet_node_info *nodes = calloc(n_nodes ? n_nodes : 1, sizeof *nodes);
  if (!nodes) {
    rc = cli_error("out of memory");
    goto done;
  }
  int wn = 4, wo = 7, wb2 = 7;
  for (size_t k = 0; k < n_nodes; k++) {
    if ((st = octet_session_node_info(session, k, &nodes[k])) != OCTET_OK) {
      free(nodes);
      rc = cli_fail(st, session);
      goto done;
    }
    const octet_node_info *ni_ = &nodes[k];
    int l;
    if (ni_->name && (l = (int)strlen(ni_->name)) > wn) wn = l > 40 ? 40 : l;
    if (ni_->op_type && (l = (int)strlen(ni_->op_type)) > wo) wo = l;
    if (ni_->backend && (l = (int)strlen(ni_->backend)) > wb2) wb2 = l;
  }
  int wi = snprintf(NULL, 0, "%zu", n_nodes ? n_nodes - 1 : 0);
  if (wi < 1) wi = 1;
  printf("schedule (%zu nodes):\n", n_nodes);
  printf("  %*s  %-*s  %-*s  %-*s  %s\n", wi, "#", wn, "name", wo, "op", wb2,
         "backend", "kernel");
  for (size_t k = 0; k < n_nodes; k++) {
    const octet_node_info *x = &nodes[k];
    printf("  %*zu  %-*s  %-*s  %-*s  %s%s%s%s\n", wi, k, wn,
           x->name && *x->name ? x->name : "-", wo,
           x->op_type ? x->op_type : "?", wb2, x->backend ? x->backend : "?",
           x->kernel ? x->kernel : "?", x->note ? "  (declined by " : "",
           x->note ? x->note : "", x->note ? ")" : "");
  }
  free(nodes);

done:
  free(dims);
  free(inputs);
  octet_session_destroy(session);
  return rc;
}

int cmd_inspect(int argc, char **argv) {
  cli_session_opts so;
  cli_session_opts_init(&so);
  const char *path = NULL;
  bool opts_done = false;
  int rc = CLI_EXIT_OK;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!opts_done && a[0] == '-' && a[1]) {
      if (strcmp(a, "--") == 0) {
        opts_done = true;
        continue;
      }
      if (cli_is_help(a)) {
        fputs(inspect_usage, stdout);
        cli_session_opts_free(&so);
        return CLI_EXIT_OK;
      }
      int r = cli_parse_session_opt(argc, argv, &i, "inspect", &so);
      if (r > 0) continue;
      if (r == 0)
        cli_usage_error("inspect", "unknown option '%s'", a);
      cli_session_opts_free(&so);
      return CLI_EXIT_USAGE;
    }
    if (path) {
      cli_session_opts_free(&so);
      return cli_usage_error(
          "inspect", "unexpected argument '%s' (inspect takes one MODEL)",
          a);
    }
    path = a;
  }
  if (!path) {
    cli_session_opts_free(&so);
    return cli_usage_error("inspect", "no MODEL given");
  }

  octet_model *model = NULL;
  cli_model_io io;
  memset(&io, 0, sizeof io);
  octet_status st = cli_model_open(path, &model);
  if (st != OCTET_OK) {
    rc = cli_fail(st, NULL);
    goto done;
  }
  if ((rc = cli_model_io_get(model, &io)) != CLI_EXIT_OK) goto done;
  if ((rc = print_model(model, path, &io)) != CLI_EXIT_OK) goto done;
  rc = print_session(model, &io, &so);
done:
  cli_model_io_free(&io);
  octet_model_destroy(model);
  cli_session_opts_free(&so);
  return rc;
}
