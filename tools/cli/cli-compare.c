/* `octet compare`: the same workload across machines or builds, side by
 * side, from the JSON reports of `octet bench`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-report.h"
#include "cli-common.h"

static const char compare_usage[] =
    "usage: octet compare A.json B.json ... [--svg FILE]\n"
    "\n"
    "Puts the JSON reports of `octet bench` (from other machines, builds or\n"
    "settings) side by side, one row per (model, precision, batch): the median\n"
    "latency of each, its speedup over the first report (first ms / this ms)\n"
    "and its effective GOP/s as a % of its own machine's peak. Prints a\n"
    "markdown table with the machines and the settings that differ; rows of\n"
    "different models are never mixed (reports with no model in common are\n"
    "refused). A report with several backends or thread counts gives one\n"
    "column per (backend, threads).\n"
    "\n"
    "options:\n"
    "      --svg FILE   grouped bar chart: one group per batch, one bar per\n"
    "                   machine and precision (one panel per model)\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 on success, 1 when a report cannot be read or nothing can\n"
    "be compared, 2 on a usage error.\n";

#define MAX_FILES 16
#define MAX_COLS 64

typedef struct column {
  int file;
  char spec[64];
  int threads;
  char label[160];
} column;

typedef struct key {
  char model[64];
  char precision[16];
  int64_t batch;
} key;

typedef struct cmp_state {
  int n_files;
  const char *paths[MAX_FILES];
  bench_report reps[MAX_FILES];
  char labels[MAX_FILES][64];
  column cols[MAX_COLS];
  int n_cols;
  key *keys;
  int n_keys;
  const char *svg;
} cmp_state;

static void file_label(const char *path, char *out, size_t cap) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  size_t n = strlen(b);
  if (n > 5 && strcmp(b + n - 5, ".json") == 0) n -= 5;
  if (n >= cap) n = cap - 1;
  memcpy(out, b, n);
  out[n] = '\0';
}

/* The row of report column `c` for key k, or NULL. */
static const bench_row *find_row(const cmp_state *s, int c, const key *k) {
  const column *col = &s->cols[c];
  const bench_report *r = &s->reps[col->file];
  for (int i = 0; i < r->n_rows; i++) {
    const bench_row *w = &r->rows[i];
    if (w->threads == col->threads && strcmp(w->backend_spec, col->spec) == 0 &&
        strcmp(w->model, k->model) == 0 && strcmp(w->precision, k->precision) == 0 &&
        w->batch == k->batch)
      return w;
  }
  return NULL;
}

static bool model_in(const bench_report *r, const char *model) {
  for (int i = 0; i < r->n_rows; i++)
    if (strcmp(r->rows[i].model, model) == 0) return true;
  return false;
}

static void model_list(const bench_report *r, char *out, size_t cap) {
  size_t n = 0;
  out[0] = '\0';
  for (int i = 0; i < r->n_rows && n < cap; i++) {
    bool seen = false;
    for (int j = 0; j < i; j++) seen |= strcmp(r->rows[j].model, r->rows[i].model) == 0;
    if (!seen)
      n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "", r->rows[i].model);
  }
  if (!n) snprintf(out, cap, "(no results)");
}

static int build_columns(cmp_state *s) {
  for (int f = 0; f < s->n_files; f++) {
    const bench_report *r = &s->reps[f];
    int first = s->n_cols;
    for (int i = 0; i < r->n_rows; i++) {
      const bench_row *w = &r->rows[i];
      int c = first;
      while (c < s->n_cols && !(s->cols[c].threads == w->threads &&
                                strcmp(s->cols[c].spec, w->backend_spec) == 0))
        c++;
      if (c < s->n_cols) continue;
      if (s->n_cols == MAX_COLS) return cli_error("too many columns (at most %d)", MAX_COLS);
      column *col = &s->cols[s->n_cols++];
      col->file = f;
      col->threads = w->threads;
      snprintf(col->spec, sizeof col->spec, "%s", w->backend_spec);
    }
    int n = s->n_cols - first;
    for (int c = first; c < s->n_cols; c++) {
      column *col = &s->cols[c];
      if (n == 1)
        snprintf(col->label, sizeof col->label, "%s", s->labels[f]);
      else
        snprintf(col->label, sizeof col->label, "%s (%s, %dt)", s->labels[f], col->spec,
                 col->threads);
    }
  }
  return CLI_EXIT_OK;
}

static int build_keys(cmp_state *s) {
  int cap = 0;
  for (int f = 0; f < s->n_files; f++) cap += s->reps[f].n_rows;
  s->keys = calloc((size_t)cap + 1, sizeof *s->keys);
  if (!s->keys) return cli_error("out of memory");
  for (int f = 0; f < s->n_files; f++) {
    const bench_report *r = &s->reps[f];
    for (int i = 0; i < r->n_rows; i++) {
      const bench_row *w = &r->rows[i];
      bool seen = false;
      for (int k = 0; k < s->n_keys && !seen; k++)
        seen = strcmp(s->keys[k].model, w->model) == 0 &&
               strcmp(s->keys[k].precision, w->precision) == 0 && s->keys[k].batch == w->batch;
      if (seen) continue;
      key *k = &s->keys[s->n_keys++];
      snprintf(k->model, sizeof k->model, "%s", w->model);
      snprintf(k->precision, sizeof k->precision, "%s", w->precision);
      k->batch = w->batch;
    }
  }
  return CLI_EXIT_OK;
}

/* Is some key measured by two different files? */
static bool anything_in_common(const cmp_state *s) {
  for (int k = 0; k < s->n_keys; k++) {
    int first_file = -1;
    for (int c = 0; c < s->n_cols; c++) {
      const bench_row *w = find_row(s, c, &s->keys[k]);
      if (!w || !w->ok) continue;
      if (first_file < 0)
        first_file = s->cols[c].file;
      else if (s->cols[c].file != first_file)
        return true;
    }
  }
  return false;
}

/* ---- settings that differ ------------------------------------------------- */

typedef void (*describe_fn)(const bench_report *r, char *out, size_t cap);

static void d_model(const bench_report *r, char *o, size_t cap) { model_list(r, o, cap); }

static void d_threads(const bench_report *r, char *o, size_t cap) {
  size_t n = 0;
  o[0] = '\0';
  for (int i = 0; i < r->settings.n_threads && n < cap; i++)
    n += (size_t)snprintf(o + n, cap - n, "%s%d", i ? "," : "", r->settings.threads[i]);
  if (!n) { /* from the rows */
    for (int i = 0; i < r->n_rows && n < cap; i++) {
      bool seen = false;
      for (int j = 0; j < i; j++) seen |= r->rows[j].threads == r->rows[i].threads;
      if (!seen) n += (size_t)snprintf(o + n, cap - n, "%s%d", n ? "," : "", r->rows[i].threads);
    }
  }
}

static void d_seq(const bench_report *r, char *o, size_t cap) {
  if (r->settings.seq > 0)
    snprintf(o, cap, "%lld", (long long)r->settings.seq);
  else
    snprintf(o, cap, "n/a");
}

static void d_backend(const bench_report *r, char *o, size_t cap) {
  size_t n = 0;
  o[0] = '\0';
  for (int i = 0; i < r->n_rows && n < cap; i++) {
    bool seen = false;
    for (int j = 0; j < i; j++) seen |= strcmp(r->rows[j].backend, r->rows[i].backend) == 0;
    if (!seen) n += (size_t)snprintf(o + n, cap - n, "%s%s", n ? "," : "", r->rows[i].backend);
  }
}

static void d_precisions(const bench_report *r, char *o, size_t cap) {
  size_t n = 0;
  o[0] = '\0';
  for (int i = 0; i < r->settings.n_precisions && n < cap; i++)
    n += (size_t)snprintf(o + n, cap - n, "%s%s", i ? "," : "", r->settings.precisions[i]);
}

static void d_batches(const bench_report *r, char *o, size_t cap) {
  size_t n = 0;
  o[0] = '\0';
  for (int i = 0; i < r->settings.n_batches && n < cap; i++)
    n += (size_t)snprintf(o + n, cap - n, "%s%lld", i ? "," : "",
                          (long long)r->settings.batches[i]);
}

static void d_timing(const bench_report *r, char *o, size_t cap) {
  snprintf(o, cap, "warm-up %d, reps %d, min %.3g s", r->settings.warmup, r->settings.reps,
           r->settings.min_time_s);
}

static void d_build(const bench_report *r, char *o, size_t cap) {
  snprintf(o, cap, "octet %s (%s)", r->machine.octet_version, r->machine.git_commit);
}

static void d_isa(const bench_report *r, char *o, size_t cap) {
  snprintf(o, cap, "%s", r->machine.isa);
}

static void d_cpu(const bench_report *r, char *o, size_t cap) {
  snprintf(o, cap, "%s", r->machine.cpu);
}

static void print_differences(const cmp_state *s, FILE *f) {
  static const struct {
    const char *name;
    describe_fn fn;
  } items[] = {{"model", d_model},         {"threads", d_threads},
               {"seq", d_seq},             {"precisions", d_precisions},
               {"batches", d_batches},     {"backend", d_backend},
               {"timing", d_timing},       {"build", d_build},
               {"isa", d_isa},             {"cpu", d_cpu}};
  int shown = 0;
  for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
    char first[512], cur[512];
    items[i].fn(&s->reps[0], first, sizeof first);
    bool differ = false;
    for (int k = 1; k < s->n_files && !differ; k++) {
      items[i].fn(&s->reps[k], cur, sizeof cur);
      differ = strcmp(first, cur) != 0;
    }
    if (!differ) continue;
    if (!shown++) fputs("Settings that differ:\n\n", f);
    fprintf(f, "- **%s**:", items[i].name);
    for (int k = 0; k < s->n_files; k++) {
      items[i].fn(&s->reps[k], cur, sizeof cur);
      fprintf(f, "%s %s: %s", k ? ";" : "", s->labels[k], cur);
    }
    fputc('\n', f);
  }
  if (shown)
    fputc('\n', f);
  else
    fputs("Settings: the same model, threads, seq, backend and timing in every report.\n\n",
          f);
}

/* ---- output --------------------------------------------------------------- */

static void md_cell(FILE *f, const char *s) {
  fputc(' ', f);
  for (; *s; s++) {
    if (*s == '|') fputc('\\', f);
    fputc(*s == '\n' ? ' ' : *s, f);
  }
  fputs(" |", f);
}

static void print_machines(const cmp_state *s, FILE *f) {
  fputs("| |", f);
  for (int k = 0; k < s->n_files; k++) md_cell(f, s->labels[k]);
  fputs("\n|---|", f);
  for (int k = 0; k < s->n_files; k++) fputs("---|", f);
  fputc('\n', f);
  const char *names[] = {"file", "cpu", "isa", "cores", "peak fp32 GFLOP/s", "peak int8 GOP/s",
                         "memory GB/s", "os", "date", "octet"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    fputs("|", f);
    md_cell(f, names[i]);
    for (int k = 0; k < s->n_files; k++) {
      const bench_machine *m = &s->reps[k].machine;
      char c[400];
      switch (i) {
        case 0: snprintf(c, sizeof c, "%s", s->paths[k]); break;
        case 1: snprintf(c, sizeof c, "%s", m->cpu[0] ? m->cpu : "?"); break;
        case 2: snprintf(c, sizeof c, "%s", m->isa[0] ? m->isa : "?"); break;
        case 3: snprintf(c, sizeof c, "%d", m->cores); break;
        case 4:
          isfinite(m->peak_fp32_gflops)
              ? snprintf(c, sizeof c, "%.1f (%d thread%s)", m->peak_fp32_gflops, m->threads,
                         m->threads == 1 ? "" : "s")
              : snprintf(c, sizeof c, "-");
          break;
        case 5:
          isfinite(m->peak_int8_gops) ? snprintf(c, sizeof c, "%.1f", m->peak_int8_gops)
                                      : snprintf(c, sizeof c, "-");
          break;
        case 6:
          isfinite(m->mem_gbps) ? snprintf(c, sizeof c, "%.1f", m->mem_gbps)
                                : snprintf(c, sizeof c, "-");
          break;
        case 7:
          m->os_sysname[0] ? snprintf(c, sizeof c, "%s %s %s", m->os_sysname, m->os_release,
                                      m->os_machine)
                           : snprintf(c, sizeof c, "-");
          break;
        case 8: snprintf(c, sizeof c, "%s", m->timestamp[0] ? m->timestamp : "-"); break;
        default:
          snprintf(c, sizeof c, "%s (%s)%s%s", m->octet_version, m->git_commit,
                   m->build_type[0] ? ", " : "", m->build_type);
          break;
      }
      md_cell(f, c);
    }
    fputc('\n', f);
  }
  fputc('\n', f);
}

static void print_table(const cmp_state *s, FILE *f) {
  fputs("| model | precision | batch |", f);
  for (int c = 0; c < s->n_cols; c++) {
    char h[256];
    snprintf(h, sizeof h, "%s ms", s->cols[c].label);
    md_cell(f, h);
    if (c > 0) {
      snprintf(h, sizeof h, "%s vs %s", s->cols[c].label, s->cols[0].label);
      md_cell(f, h);
    }
    snprintf(h, sizeof h, "%s %% peak", s->cols[c].label);
    md_cell(f, h);
  }
  fputs("\n|---|---|---:|", f);
  for (int c = 0; c < s->n_cols; c++) fputs(c ? "---:|---:|---:|" : "---:|---:|", f);
  fputc('\n', f);
  for (int k = 0; k < s->n_keys; k++) {
    const key *ky = &s->keys[k];
    fprintf(f, "| %s | %s | %lld |", ky->model, ky->precision, (long long)ky->batch);
    const bench_row *base = find_row(s, 0, ky);
    double base_ms = base && base->ok ? base->median_ms : NAN;
    for (int c = 0; c < s->n_cols; c++) {
      const bench_row *w = find_row(s, c, ky);
      char ms[32] = "-", sp[32] = "-", pk[32] = "-";
      if (w && !w->ok) snprintf(ms, sizeof ms, "error");
      if (w && w->ok) {
        bench_format_ms(w->median_ms, ms, sizeof ms);
        if (isfinite(base_ms) && w->median_ms > 0)
          snprintf(sp, sizeof sp, "%.2fx", base_ms / w->median_ms);
        if (isfinite(w->pct_of_peak)) snprintf(pk, sizeof pk, "%.1f%%", w->pct_of_peak);
      }
      md_cell(f, ms);
      if (c > 0) md_cell(f, sp);
      md_cell(f, pk);
    }
    fputc('\n', f);
  }
}

static bool write_svg(const cmp_state *s, FILE *f) {
  /* models in order */
  int n_models = 0;
  char models[32][64];
  for (int k = 0; k < s->n_keys && n_models < 32; k++) {
    bool seen = false;
    for (int m = 0; m < n_models; m++) seen |= strcmp(models[m], s->keys[k].model) == 0;
    if (!seen) snprintf(models[n_models++], 64, "%s", s->keys[k].model);
  }
  enum { MAXG = 64, MAXS = 128 };
  chart_series *series = calloc(MAXS, sizeof *series);
  double *vals = malloc(sizeof(double) * MAXS * MAXG);
  char(*glabels)[32] = calloc(MAXG, sizeof *glabels);
  int64_t *gvals = calloc(MAXG, sizeof *gvals);
  bool ok = series && vals && glabels && gvals;
  double W = 960, H = 540;
  if (ok) svg_begin(f, W, H * n_models);
  for (int m = 0; ok && m < n_models; m++) {
    int ng = 0, ns = 0;
    for (int k = 0; k < s->n_keys; k++) {
      if (strcmp(s->keys[k].model, models[m]) != 0) continue;
      bool seen = false;
      for (int g = 0; g < ng; g++) seen |= gvals[g] == s->keys[k].batch;
      if (!seen && ng < MAXG) {
        gvals[ng] = s->keys[k].batch;
        snprintf(glabels[ng++], 32, "%lld", (long long)s->keys[k].batch);
      }
    }
    /* series: (column, precision) with a value */
    int sc[MAXS];
    char sp[MAXS][16];
    for (int c = 0; c < s->n_cols; c++) {
      for (int k = 0; k < s->n_keys; k++) {
        const key *ky = &s->keys[k];
        if (strcmp(ky->model, models[m]) != 0) continue;
        const bench_row *w = find_row(s, c, ky);
        if (!w || !w->ok) continue;
        bool seen = false;
        for (int j = 0; j < ns; j++) seen |= sc[j] == c && strcmp(sp[j], ky->precision) == 0;
        if (seen || ns == MAXS) continue;
        sc[ns] = c;
        snprintf(sp[ns], 16, "%s", ky->precision);
        chart_series *se = &series[ns];
        chart_color(ky->precision, s->cols[c].file, se->color);
        snprintf(se->precision, sizeof se->precision, "%s", ky->precision);
        char up[16];
        size_t i = 0;
        for (; ky->precision[i] && i < 15; i++)
          up[i] = (char)(ky->precision[i] >= 'a' && ky->precision[i] <= 'z'
                             ? ky->precision[i] - 32
                             : ky->precision[i]);
        up[i] = '\0';
        snprintf(se->label, sizeof se->label, "%s · %s", s->cols[c].label, up);
        snprintf(se->key, sizeof se->key, "%s/%s", s->cols[c].label, ky->precision);
        ns++;
      }
    }
    for (int j = 0; j < ns; j++)
      for (int g = 0; g < ng; g++) {
        key ky;
        snprintf(ky.model, sizeof ky.model, "%.*s", (int)sizeof ky.model - 1, models[m]);
        memcpy(ky.precision, sp[j], sizeof ky.precision);
        ky.batch = gvals[g];
        const bench_row *w = find_row(s, sc[j], &ky);
        vals[j * ng + g] = w && w->ok ? w->median_ms : NAN;
      }
    char title[256], sub[512];
    int n = snprintf(title, sizeof title, "octet compare · %s · ", models[m]);
    for (int k = 0; k < s->n_files && n < (int)sizeof title; k++)
      n += snprintf(title + n, sizeof title - (size_t)n, "%s%s", k ? " vs " : "", s->labels[k]);
    n = 0;
    sub[0] = '\0';
    for (int k = 0; k < s->n_files && n < (int)sizeof sub; k++) {
      const bench_report *r = &s->reps[k];
      char thr[64];
      d_threads(r, thr, sizeof thr);
      n += snprintf(sub + n, sizeof sub - (size_t)n, "%s%s: %.40s, %s thread%s", k ? "; " : "",
                    s->labels[k], r->machine.cpu[0] ? r->machine.cpu : "?", thr,
                    strcmp(thr, "1") == 0 ? "" : "s");
    }
    chart_panel p = {.title = title, .subtitle = sub, .xlabel = "Batch Size",
                     .ylabel = "Latency (ms)", .n_groups = ng, .group_labels = glabels,
                     .group_values = gvals, .n_series = ns, .series = series, .values = vals,
                     .value_suffix = "", .bar_class = "bar", .ref_line = NAN};
    svg_panel(f, &p, 0, H * m, W, H);
  }
  if (ok) svg_end(f);
  free(series);
  free(vals);
  free(glabels);
  free(gvals);
  return ok && !ferror(f);
}

int cmd_compare(int argc, char **argv) {
  cmp_state *s = calloc(1, sizeof *s);
  if (!s) return cli_error("out of memory");
  int rc = CLI_EXIT_OK;
  for (int i = 1; i < argc && rc == CLI_EXIT_OK; i++) {
    const char *a = argv[i], *v;
    int r;
    if (a[0] == '-' && a[1]) {
      if (cli_is_help(a)) {
        fputs(compare_usage, stdout);
        free(s);
        return CLI_EXIT_OK;
      }
      if ((r = cli_opt_value(argc, argv, &i, "--svg", NULL, "compare", &v))) {
        if (r < 0) rc = CLI_EXIT_USAGE;
        else if (!*v) rc = cli_usage_error("compare", "empty --svg file name");
        else s->svg = v;
        continue;
      }
      rc = cli_usage_error("compare", "unknown option '%s'", a);
      break;
    }
    if (s->n_files == MAX_FILES) {
      rc = cli_usage_error("compare", "at most %d reports", MAX_FILES);
      break;
    }
    s->paths[s->n_files++] = a;
  }
  if (rc == CLI_EXIT_OK && s->n_files < 2)
    rc = cli_usage_error("compare", "needs at least two JSON reports");
  int loaded = 0;
  for (int k = 0; k < s->n_files && rc == CLI_EXIT_OK; k++) {
    char err[512];
    if (!bench_read_json(s->paths[k], &s->reps[k], err, sizeof err)) {
      rc = cli_error("%s", err);
      break;
    }
    loaded++;
    file_label(s->paths[k], s->labels[k], sizeof s->labels[k]);
    for (int j = 0; j < k; j++)
      if (strcmp(s->labels[j], s->labels[k]) == 0) {
        size_t n = strlen(s->labels[k]);
        snprintf(s->labels[k] + (n > 56 ? 56 : n), 8, "#%d", (k + 1) % 100);
      }
  }
  if (rc == CLI_EXIT_OK) rc = build_columns(s);
  if (rc == CLI_EXIT_OK) rc = build_keys(s);
  if (rc == CLI_EXIT_OK && !anything_in_common(s)) {
    bool same_models = true;
    char first[256], cur[256];
    model_list(&s->reps[0], first, sizeof first);
    for (int k = 1; k < s->n_files; k++) {
      model_list(&s->reps[k], cur, sizeof cur);
      bool shared = false;
      for (int i = 0; i < s->reps[k].n_rows; i++)
        shared |= model_in(&s->reps[0], s->reps[k].rows[i].model);
      if (!shared) same_models = false;
    }
    if (!same_models) {
      fprintf(stderr, "octet: cannot compare different models:");
      for (int k = 0; k < s->n_files; k++) {
        model_list(&s->reps[k], cur, sizeof cur);
        fprintf(stderr, "%s %s has %s", k ? ";" : "", s->paths[k], cur);
      }
      fputs(" (rows of different models are never put side by side)\n", stderr);
      rc = CLI_EXIT_ERROR;
    } else {
      rc = cli_error("nothing to compare: no (model, precision, batch) was measured in two "
                     "reports");
    }
  }
  if (rc == CLI_EXIT_OK) {
    FILE *f = stdout;
    fputs("## octet compare\n\n", f);
    print_machines(s, f);
    print_differences(s, f);
    print_table(s, f);
    if (s->svg) {
      FILE *g = fopen(s->svg, "w");
      if (!g) {
        rc = cli_error("cannot write %s", s->svg);
      } else {
        bool ok = write_svg(s, g);
        if (fclose(g) != 0 || !ok) rc = cli_error("error writing %s", s->svg);
      }
    }
  }
  for (int k = 0; k < loaded; k++) bench_report_free(&s->reps[k]);
  free(s->keys);
  free(s);
  return rc;
}
