/* Benchmark reports: tables, JSON and CSV (see bench-report.h; the chart is
 * in bench-svg.c, the JSON reader in bench-json-read.c). */
#include "bench-report.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define JSON_FORMAT "octet-bench/1"

/* ---- the report ----------------------------------------------------------- */

void bench_report_init(bench_report *r) { memset(r, 0, sizeof *r); }

void bench_report_free(bench_report *r) {
  for (int i = 0; i < r->n_rows; i++) {
    free(r->rows[i].samples_ms);
    free(r->rows[i].profile);
  }
  free(r->rows);
  memset(r, 0, sizeof *r);
}

bench_row *bench_report_add_row(bench_report *r) {
  if (r->n_rows == r->cap_rows) {
    int cap = r->cap_rows ? 2 * r->cap_rows : 16;
    bench_row *n = realloc(r->rows, sizeof *n * (size_t)cap);
    if (!n) return NULL;
    r->rows = n;
    r->cap_rows = cap;
  }
  bench_row *w = &r->rows[r->n_rows++];
  memset(w, 0, sizeof *w);
  w->median_ms = w->min_ms = w->max_ms = w->p90_ms = w->mean_ms = NAN;
  w->items_per_s = w->speedup_vs_fp16 = w->speedup_vs_fp32 = NAN;
  w->cosine_vs_fp32 = w->max_rel_err_vs_fp32 = NAN;
  w->weight_bytes = w->arena_bytes = w->gflop = w->gops = w->pct_of_peak = NAN;
  return w;
}

/* ---- formatting ------------------------------------------------------------ */

void bench_format_ms(double ms, char *buf, size_t cap) {
  if (!isfinite(ms))
    snprintf(buf, cap, "-");
  else if (ms < 10.0)
    snprintf(buf, cap, "%.3f", ms);
  else if (ms < 100.0)
    snprintf(buf, cap, "%.2f", ms);
  else if (ms < 1000.0)
    snprintf(buf, cap, "%.1f", ms);
  else
    snprintf(buf, cap, "%.0f", ms);
}

void bench_format_bytes(double bytes, char *buf, size_t cap) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    u++;
  }
  if (u == 0)
    snprintf(buf, cap, "%.0f B", bytes);
  else
    snprintf(buf, cap, "%.1f %s", bytes, units[u]);
}

static void fmt(char *buf, size_t cap, const char *f, double v) {
  if (!isfinite(v))
    snprintf(buf, cap, "-");
  else
    snprintf(buf, cap, f, v);
}

static void fmt_bytes(double b, char *buf, size_t cap) {
  if (!isfinite(b))
    snprintf(buf, cap, "-");
  else
    bench_format_bytes(b, buf, cap);
}

/* ---- table ----------------------------------------------------------------- */

enum { TCOLS = 20 };
static const char *const tcol_names[TCOLS] = {
    "model", "precision", "backend", "threads", "batch", "median ms", "min ms",
    "max ms", "p90 ms", "items/s", "vs fp16", "vs fp32", "cosine", "max rel err",
    "GOP/s", "% peak", "weights", "arena", "chunk", "kernel"};
/* Left-aligned (text) columns. */
static bool tcol_left(int c) { return c <= 2 || c == TCOLS - 1; }

static void row_cells(const bench_row *w, char cells[TCOLS][160]) {
  snprintf(cells[0], 160, "%s", w->model);
  snprintf(cells[1], 160, "%s", w->precision);
  snprintf(cells[2], 160, "%s", w->backend);
  snprintf(cells[3], 160, "%d", w->threads);
  snprintf(cells[4], 160, "%lld", (long long)w->batch);
  if (!w->ok) {
    for (int c = 5; c < TCOLS; c++) cells[c][0] = '\0';
    snprintf(cells[5], 160, "error: %.140s", w->error);
    return;
  }
  bench_format_ms(w->median_ms, cells[5], 160);
  bench_format_ms(w->min_ms, cells[6], 160);
  bench_format_ms(w->max_ms, cells[7], 160);
  bench_format_ms(w->p90_ms, cells[8], 160);
  fmt(cells[9], 160, w->items_per_s < 1000 ? "%.1f" : "%.0f", w->items_per_s);
  fmt(cells[10], 160, "%.2fx", w->speedup_vs_fp16);
  fmt(cells[11], 160, "%.2fx", w->speedup_vs_fp32);
  fmt(cells[12], 160, "%.6f", w->cosine_vs_fp32);
  fmt(cells[13], 160, "%.2e", w->max_rel_err_vs_fp32);
  fmt(cells[14], 160, "%.1f", w->gops);
  fmt(cells[15], 160, "%.1f", w->pct_of_peak);
  fmt_bytes(w->weight_bytes, cells[16], 160);
  fmt_bytes(w->arena_bytes, cells[17], 160);
  if (w->chunk > 0 && w->chunk < w->batch)
    snprintf(cells[18], 160, "%lld", (long long)w->chunk);
  else
    snprintf(cells[18], 160, "-");
  snprintf(cells[19], 160, "%s", w->kernel[0] ? w->kernel : "-");
}

void bench_write_table(FILE *f, const bench_report *r, bool markdown) {
  int n = r->n_rows;
  char(*cells)[TCOLS][160] = calloc((size_t)n + 1, sizeof *cells);
  if (!cells) return;
  int width[TCOLS];
  for (int c = 0; c < TCOLS; c++) width[c] = (int)strlen(tcol_names[c]);
  for (int i = 0; i < n; i++) {
    row_cells(&r->rows[i], cells[i]);
    int last = r->rows[i].ok ? TCOLS : 5; /* an error spans the rest */
    for (int c = 0; c < last; c++) {
      int l = (int)strlen(cells[i][c]);
      if (l > width[c]) width[c] = l;
    }
  }
  if (markdown) {
    fputs("|", f);
    for (int c = 0; c < TCOLS; c++) fprintf(f, " %s |", tcol_names[c]);
    fputs("\n|", f);
    for (int c = 0; c < TCOLS; c++) fputs(tcol_left(c) ? "---|" : "---:|", f);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
      fputs("|", f);
      for (int c = 0; c < TCOLS; c++) {
        /* '|' in a message would end the cell */
        fputc(' ', f);
        for (const char *p = cells[i][c]; *p; p++) {
          if (*p == '|') fputc('\\', f);
          fputc(*p, f);
        }
        fputs(" |", f);
      }
      fputc('\n', f);
    }
  } else {
    for (int c = 0; c < TCOLS; c++)
      fprintf(f, "%s%*s", c ? "  " : "", c == TCOLS - 1 ? 0 : tcol_left(c) ? -width[c] : width[c],
              tcol_names[c]);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
      int last = r->rows[i].ok ? TCOLS : 6;
      for (int c = 0; c < last; c++) {
        if (c == last - 1 && (tcol_left(c) || !r->rows[i].ok))
          fprintf(f, "%s%s", c ? "  " : "", cells[i][c]); /* no trailing blanks */
        else
          fprintf(f, "%s%*s", c ? "  " : "", tcol_left(c) ? -width[c] : width[c],
                  cells[i][c]);
      }
      fputc('\n', f);
    }
  }
  free(cells);
}

void bench_write_machine(FILE *f, const bench_machine *m, const char *p) {
  fprintf(f, "%scpu       %s, %d cores; ISA level %s", p, m->cpu, m->cores, m->isa);
  if (strcmp(m->isa, m->isa_best) != 0) fprintf(f, " (CPU best: %s)", m->isa_best);
  fprintf(f, "\n%sisa flags %s\n", p, m->isa_flags);
  if (m->emulated[0])
    fprintf(f, "%semulated  %s: the timings are the emulator's, not the CPU's\n", p, m->emulated);
  if (isfinite(m->peak_fp32_gflops))
    fprintf(f, "%speaks     %d thread%s: fp32 %.1f GFLOP/s (%s), int8 %.1f GOP/s (%s), "
               "memory %.1f GB/s (%s)\n",
            p, m->threads, m->threads == 1 ? "" : "s", m->peak_fp32_gflops, m->peak_fp32_how, m->peak_int8_gops,
            m->peak_int8_how, m->mem_gbps, m->mem_how);
  else
    fprintf(f, "%speaks     not measured\n", p);
  fprintf(f, "%sbuild     octet %s (%s), %s, %s\n", p, m->octet_version, m->git_commit,
          m->compiler, m->build);
  if (m->os_sysname[0] || m->timestamp[0])
    fprintf(f, "%sos        %s %s %s; started %s\n", p, m->os_sysname, m->os_release,
            m->os_machine, m->timestamp[0] ? m->timestamp : "?");
  fprintf(f, "%slibs      OpenBLAS %s%s%s%s, oneDNN %s\n", p,
          m->openblas[0] ? m->openblas : "not linked",
          m->openblas_core[0] ? " (core " : "", m->openblas_core,
          m->openblas_core[0] ? ")" : "", m->onednn[0] ? m->onednn : "not linked");
}

/* ---- JSON writer ------------------------------------------------------------ */

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '"': fputs("\\\"", f); break;
      case '\\': fputs("\\\\", f); break;
      case '\n': fputs("\\n", f); break;
      case '\r': fputs("\\r", f); break;
      case '\t': fputs("\\t", f); break;
      default:
        if (*p < 0x20)
          fprintf(f, "\\u%04x", *p);
        else
          fputc(*p, f);
    }
  }
  fputc('"', f);
}

static void json_num(FILE *f, double v) {
  if (!isfinite(v))
    fputs("null", f);
  else if (v == floor(v) && fabs(v) < 9007199254740992.0)
    fprintf(f, "%.0f", v);
  else
    fprintf(f, "%.9g", v);
}

static void json_key(FILE *f, const char *indent, const char *k, bool *first) {
  fprintf(f, "%s\n%s", *first ? "" : ",", indent);
  *first = false;
  json_str(f, k);
  fputs(": ", f);
}

static void json_words(FILE *f, const char *s) { /* space-separated -> array */
  fputc('[', f);
  bool first = true;
  const char *p = s;
  while (*p) {
    while (*p == ' ') p++;
    if (!*p) break;
    const char *e = p;
    while (*e && *e != ' ') e++;
    char w[64];
    size_t n = (size_t)(e - p) < sizeof w - 1 ? (size_t)(e - p) : sizeof w - 1;
    memcpy(w, p, n);
    w[n] = '\0';
    if (!first) fputs(", ", f);
    first = false;
    json_str(f, w);
    p = e;
  }
  fputc(']', f);
}

static void json_profile(FILE *f, const bench_prof *p) {
  fputs(",\n     \"profile\": {\"runs\": ", f);
  json_num(f, p->runs);
  fputs(", \"total_ms\": ", f);
  json_num(f, p->total_ms);
  fprintf(f, ", \"truncated\": %s, \"ops\": [", p->truncated ? "true" : "false");
  for (int k = 0; k < p->n_ops; k++) {
    const bench_prof_op *o = &p->ops[k];
    fputs(k ? ",\n       {\"op\": " : "\n       {\"op\": ", f);
    json_str(f, o->op);
    fputs(", \"backend\": ", f);
    json_str(f, o->backend);
    fputs(", \"kernel\": ", f);
    json_str(f, o->kernel);
    fputs(", \"nodes\": ", f);
    json_num(f, o->nodes);
    fputs(", \"ms_per_run\": ", f);
    json_num(f, o->ms_per_run);
    fputs(", \"share_pct\": ", f);
    json_num(f, o->share_pct);
    fputs(", \"gflop\": ", f);
    json_num(f, o->gflop);
    fputs(", \"gops\": ", f);
    json_num(f, o->gops);
    fputs(", \"pct_of_peak\": ", f);
    json_num(f, o->pct_of_peak);
    fputc('}', f);
  }
  fputs(p->n_ops ? "\n     ]}" : "]}", f);
}

bool bench_write_json(FILE *f, const bench_report *r) {
  const bench_machine *m = &r->machine;
  const bench_settings *s = &r->settings;
  bool first = true;
  fputs("{", f);
  json_key(f, "  ", "format", &first);
  json_str(f, JSON_FORMAT);
  json_key(f, "  ", "timestamp", &first);
  json_str(f, m->timestamp);

  json_key(f, "  ", "machine", &first);
  fputs("{", f);
  bool mf = true;
#define MSTR(k, v) (json_key(f, "    ", k, &mf), json_str(f, v))
#define MNUM(k, v) (json_key(f, "    ", k, &mf), json_num(f, v))
  MSTR("cpu", m->cpu);
  MSTR("emulated", m->emulated);
  MSTR("isa", m->isa);
  MSTR("isa_best", m->isa_best);
  json_key(f, "    ", "isa_flags", &mf);
  json_words(f, m->isa_flags);
  MNUM("cores", m->cores);
  MNUM("threads", m->threads);
  MNUM("peak_fp32_gflops", m->peak_fp32_gflops);
  MNUM("peak_int8_gops", m->peak_int8_gops);
  MNUM("mem_gbps", m->mem_gbps);
  MSTR("peak_fp32_how", m->peak_fp32_how);
  MSTR("peak_int8_how", m->peak_int8_how);
  MSTR("mem_how", m->mem_how);
  MSTR("compiler", m->compiler);
  MSTR("build", m->build);
  MSTR("build_type", m->build_type);
  MSTR("octet_version", m->octet_version);
  MSTR("git_commit", m->git_commit);
  MSTR("openblas", m->openblas);
  MSTR("openblas_core", m->openblas_core);
  MSTR("onednn", m->onednn);
  json_key(f, "    ", "os", &mf);
  fputs("{\"sysname\": ", f);
  json_str(f, m->os_sysname);
  fputs(", \"release\": ", f);
  json_str(f, m->os_release);
  fputs(", \"machine\": ", f);
  json_str(f, m->os_machine);
  fputc('}', f);
  json_key(f, "    ", "warnings", &mf);
  fputc('[', f);
  for (int i = 0; i < m->n_warnings; i++) {
    fputs(i ? ",\n      " : "\n      ", f);
    json_str(f, m->warnings[i]);
  }
  fputs(m->n_warnings ? "\n    ]" : "]", f);
#undef MSTR
#undef MNUM
  fputs("\n  }", f);

  json_key(f, "  ", "settings", &first);
  fputs("{", f);
  bool sf = true;
  json_key(f, "    ", "model", &sf);
  json_str(f, s->model);
  json_key(f, "    ", "model_source", &sf);
  json_str(f, s->model_source);
  json_key(f, "    ", "seq", &sf);
  json_num(f, s->seq > 0 ? (double)s->seq : NAN);
  json_key(f, "    ", "batches", &sf);
  fputc('[', f);
  for (int i = 0; i < s->n_batches; i++) fprintf(f, "%s%lld", i ? ", " : "", (long long)s->batches[i]);
  fputc(']', f);
  json_key(f, "    ", "precisions", &sf);
  fputc('[', f);
  for (int i = 0; i < s->n_precisions; i++) {
    if (i) fputs(", ", f);
    json_str(f, s->precisions[i]);
  }
  fputc(']', f);
  json_key(f, "    ", "backends", &sf);
  fputc('[', f);
  for (int i = 0; i < s->n_backends; i++) {
    if (i) fputs(", ", f);
    json_str(f, s->backends[i]);
  }
  fputc(']', f);
  json_key(f, "    ", "threads", &sf);
  fputc('[', f);
  for (int i = 0; i < s->n_threads; i++) fprintf(f, "%s%d", i ? ", " : "", s->threads[i]);
  fputc(']', f);
  json_key(f, "    ", "warmup", &sf);
  json_num(f, s->warmup);
  json_key(f, "    ", "reps", &sf);
  json_num(f, s->reps);
  json_key(f, "    ", "min_time_s", &sf);
  json_num(f, s->min_time_s);
  json_key(f, "    ", "seed", &sf);
  json_num(f, (double)s->seed);
  fputs("\n  }", f);

  json_key(f, "  ", "results", &first);
  fputs("[", f);
  for (int i = 0; i < r->n_rows; i++) {
    const bench_row *w = &r->rows[i];
    fputs(i ? ",\n    {" : "\n    {", f);
    bool rf = true;
#define RSTR(k, v) (fputs(rf ? "" : ", ", f), rf = false, json_str(f, k), fputs(": ", f), json_str(f, v))
#define RNUM(k, v) (fputs(rf ? "" : ", ", f), rf = false, json_str(f, k), fputs(": ", f), json_num(f, v))
    double ok = w->ok ? 0.0 : NAN; /* measurements of failed rows are null */
    RSTR("model", w->model);
    RSTR("precision", w->precision);
    RSTR("backend", w->backend);
    RSTR("backend_spec", w->backend_spec);
    RNUM("threads", w->threads);
    RNUM("batch", (double)w->batch);
    RNUM("seq", w->seq > 0 ? (double)w->seq : NAN);
    RNUM("median_ms", w->median_ms + ok);
    RNUM("min_ms", w->min_ms + ok);
    RNUM("max_ms", w->max_ms + ok);
    RNUM("p90_ms", w->p90_ms + ok);
    RNUM("mean_ms", w->mean_ms + ok);
    RNUM("runs", w->ok ? w->runs : NAN);
    RNUM("items_per_s", w->items_per_s + ok);
    RNUM("speedup_vs_fp16", w->speedup_vs_fp16 + ok);
    RNUM("speedup_vs_fp32", w->speedup_vs_fp32 + ok);
    RNUM("cosine_vs_fp32", w->cosine_vs_fp32 + ok);
    RNUM("max_rel_err_vs_fp32", w->max_rel_err_vs_fp32 + ok);
    RNUM("weight_bytes", w->weight_bytes + ok);
    RNUM("arena_bytes", w->arena_bytes + ok);
    RNUM("chunk_items", w->chunk > 0 ? (double)w->chunk : NAN);
    RNUM("gflop", w->gflop + ok);
    RNUM("gops", w->gops + ok);
    RNUM("pct_of_peak", w->pct_of_peak + ok);
    RSTR("peak_kind", w->peak_kind);
    RSTR("kernel", w->kernel);
    RSTR("kernels", w->kernels);
    fputs(", \"error\": ", f);
    if (w->ok)
      fputs("null", f);
    else
      json_str(f, w->error);
    fputs(",\n     \"samples_ms\": [", f);
    for (int k = 0; k < w->n_samples; k++) {
      if (k) fputs(k % 16 ? ", " : ",\n       ", f);
      json_num(f, w->samples_ms[k]);
    }
    fputc(']', f);
    if (w->profile) json_profile(f, w->profile);
#undef RSTR
#undef RNUM
    fputs("}", f);
  }
  fputs(r->n_rows ? "\n  ]" : "]", f);
  fputs("\n}\n", f);
  return !ferror(f);
}

/* ---- CSV ------------------------------------------------------------------- */

static void csv_str(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static void csv_num(FILE *f, double v) {
  if (isfinite(v)) json_num(f, v);
}

bool bench_write_csv(FILE *f, const bench_report *r) {
  fputs("model,precision,backend,backend_spec,threads,batch,seq,median_ms,min_ms,max_ms,p90_ms,"
        "mean_ms,runs,items_per_s,speedup_vs_fp16,speedup_vs_fp32,cosine_vs_fp32,"
        "max_rel_err_vs_fp32,weight_bytes,arena_bytes,gflop,gops,pct_of_peak,"
        "peak_kind,kernel,error,chunk_items,cpu,isa,isa_best,cores,octet_version,git_commit,"
        "build_type,compiler,os,timestamp\n",
        f);
  const bench_machine *m = &r->machine;
  char os[320];
  snprintf(os, sizeof os, "%s %s %s", m->os_sysname, m->os_release, m->os_machine);
  for (int i = 0; i < r->n_rows; i++) {
    const bench_row *w = &r->rows[i];
    double ok = w->ok ? 0.0 : NAN;
    csv_str(f, w->model);
    fputc(',', f);
    csv_str(f, w->precision);
    fputc(',', f);
    csv_str(f, w->backend);
    fputc(',', f);
    csv_str(f, w->backend_spec);
    fprintf(f, ",%d,%lld,", w->threads, (long long)w->batch);
    csv_num(f, w->seq > 0 ? (double)w->seq : NAN);
    const double nums[] = {w->median_ms, w->min_ms, w->max_ms, w->p90_ms, w->mean_ms,
                           w->ok ? (double)w->runs : NAN, w->items_per_s,
                           w->speedup_vs_fp16, w->speedup_vs_fp32, w->cosine_vs_fp32,
                           w->max_rel_err_vs_fp32, w->weight_bytes, w->arena_bytes,
                           w->gflop, w->gops, w->pct_of_peak};
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
      fputc(',', f);
      csv_num(f, nums[k] + ok);
    }
    fputc(',', f);
    csv_str(f, w->peak_kind);
    fputc(',', f);
    csv_str(f, w->kernel);
    fputc(',', f);
    if (!w->ok) csv_str(f, w->error);
    fputc(',', f);
    csv_num(f, w->chunk > 0 ? (double)w->chunk : NAN);
    const char *mach[] = {m->cpu, m->isa, m->isa_best};
    for (size_t k = 0; k < sizeof mach / sizeof mach[0]; k++) {
      fputc(',', f);
      csv_str(f, mach[k]);
    }
    fprintf(f, ",%d", m->cores);
    const char *build[] = {m->octet_version, m->git_commit, m->build_type, m->compiler,
                           os[0] != ' ' ? os : "", m->timestamp};
    for (size_t k = 0; k < sizeof build / sizeof build[0]; k++) {
      fputc(',', f);
      csv_str(f, build[k]);
    }
    fputc('\n', f);
  }
  return !ferror(f);
}

