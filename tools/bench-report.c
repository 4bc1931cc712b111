/* Benchmark reports: tables, JSON, CSV, SVG and a JSON reader (see
 * bench-report.h). */
#include "bench-report.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli-common.h"

#define JSON_FORMAT "octet-bench/1"

/* ---- the report ----------------------------------------------------------- */

void bench_report_init(bench_report *r) { memset(r, 0, sizeof *r); }

void bench_report_free(bench_report *r) {
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
    cli_format_bytes(b, buf, cap);
}

static void upper(const char *s, char *out, size_t cap) {
  size_t i = 0;
  for (; s[i] && i + 1 < cap; i++) out[i] = (char)toupper((unsigned char)s[i]);
  out[i] = '\0';
}

/* ---- table ----------------------------------------------------------------- */

enum { TCOLS = 19 };
static const char *const tcol_names[TCOLS] = {
    "model", "precision", "backend", "threads", "batch", "median ms", "min ms",
    "max ms", "p90 ms", "items/s", "vs fp16", "vs fp32", "cosine", "max rel err",
    "GOP/s", "% peak", "weights", "arena", "kernel"};
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
  snprintf(cells[18], 160, "%s", w->kernel[0] ? w->kernel : "-");
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

bool bench_write_json(FILE *f, const bench_report *r) {
  const bench_machine *m = &r->machine;
  const bench_settings *s = &r->settings;
  bool first = true;
  fputs("{", f);
  json_key(f, "  ", "format", &first);
  json_str(f, JSON_FORMAT);

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
  MSTR("octet_version", m->octet_version);
  MSTR("git_commit", m->git_commit);
  MSTR("openblas", m->openblas);
  MSTR("openblas_core", m->openblas_core);
  MSTR("onednn", m->onednn);
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
        "peak_kind,kernel,error\n",
        f);
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
    fputc('\n', f);
  }
  return !ferror(f);
}

/* ---- SVG ------------------------------------------------------------------- */

void svg_text(FILE *f, const char *s) {
  for (; *s; s++) {
    switch (*s) {
      case '<': fputs("&lt;", f); break;
      case '>': fputs("&gt;", f); break;
      case '&': fputs("&amp;", f); break;
      case '"': fputs("&quot;", f); break;
      default:
        if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n') fputc(*s, f);
    }
  }
}

void chart_color(const char *precision, int variant, char out[16]) {
  static const char *const fp16[] = {"#c8c8c8", "#9e9e9e", "#e0e0e0", "#7a7a7a"};
  static const char *const w8a8[] = {"#8b0000", "#c0392b", "#5a0000", "#e57368"};
  static const char *const fp32[] = {"#5b7083", "#8aa0b2", "#3b4d5c", "#b3c3cf"};
  static const char *const other[] = {"#6a8f6a", "#9cbf9c", "#476847", "#c2dcc2"};
  const char *const *pal = other;
  if (strcmp(precision, "fp16") == 0) pal = fp16;
  if (strcmp(precision, "w8a8") == 0) pal = w8a8;
  if (strcmp(precision, "fp32") == 0) pal = fp32;
  snprintf(out, 16, "%s", pal[(variant < 0 ? 0 : variant) % 4]);
}

void svg_begin(FILE *f, double width, double height) {
  fprintf(f,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
          "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, "
          "sans-serif\">\n"
          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
          width, height, width, height);
}

void svg_end(FILE *f) { fputs("</svg>\n", f); }

/* A round tick step for an axis up to vmax (about 5 ticks). */
static double nice_step(double vmax, int *decimals) {
  double raw = vmax / 5.0;
  double mag = pow(10.0, floor(log10(raw)));
  double norm = raw / mag, step;
  if (norm <= 1.0)
    step = 1.0;
  else if (norm <= 2.0)
    step = 2.0;
  else if (norm <= 2.5)
    step = 2.5;
  else if (norm <= 5.0)
    step = 5.0;
  else
    step = 10.0;
  int d = (int)-floor(log10(step * mag) + 1e-9);
  if (step == 2.5) d++;
  *decimals = d > 0 ? d : 0;
  return step * mag;
}

static void value_label(double v, const char *suffix, char *buf, size_t cap) {
  if (suffix && strcmp(suffix, "x") == 0)
    snprintf(buf, cap, "%.2fx", v);
  else
    bench_format_ms(v, buf, cap);
}

void svg_panel(FILE *f, const chart_panel *p, double x, double y, double w, double h) {
  double top = y + (p->subtitle ? 64 : 48), bottom = y + h - 56;
  double left = x + 74, right = x + w - 24;
  double pw = right - left, ph = bottom - top;
  double vmax = 0.0;
  for (int i = 0; i < p->n_series * p->n_groups; i++)
    if (isfinite(p->values[i]) && p->values[i] > vmax) vmax = p->values[i];
  if (isfinite(p->ref_line) && p->ref_line > vmax) vmax = p->ref_line;
  if (vmax <= 0.0) vmax = 1.0;
  /* Bar layout (independent of the scale). */
  double gw = pw / (p->n_groups > 0 ? p->n_groups : 1);
  double bw = gw * 0.8 / (p->n_series > 0 ? p->n_series : 1);
  if (bw > 110) bw = 110; /* few series: bars of a sensible width */
  double inner = bw * (p->n_series > 0 ? p->n_series : 1);
  /* The legend, top left inside the plot. */
  size_t maxl = 0;
  for (int s = 0; s < p->n_series; s++)
    if (strlen(p->series[s].label) > maxl) maxl = strlen(p->series[s].label);
  double lx = left + 10, ly0 = top + 6;
  double lw = 34 + (double)maxl * 7.2, lh = p->n_series > 0 ? 8 + 20.0 * p->n_series : 0;
  /* The tallest bar under the legend, which must stay clear of it. */
  double vcov = 0.0;
  for (int g = 0; g < p->n_groups; g++)
    for (int s = 0; s < p->n_series; s++) {
      double v = p->values[s * p->n_groups + g];
      double bx = left + g * gw + (gw - inner) / 2 + s * bw;
      if (isfinite(v) && bx < lx + lw && bx + bw > lx && v > vcov) vcov = v;
    }
  int dec;
  /* Room above the tallest bar for its label. */
  double need = vmax * 1.12;
  if (lh > 0 && ph > lh + 40 && vcov * ph / (ph - lh - 24) > need)
    need = vcov * ph / (ph - lh - 24);
  double step = nice_step(need, &dec);
  double ymax = ceil(need / step - 1e-9) * step;
  double scale = ph / ymax; /* pixels per unit */

  fprintf(f, "<g class=\"panel\" data-scale=\"%.9g\" data-baseline=\"%.3f\">\n", scale, bottom);
  fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"17\" font-weight=\"bold\" "
             "text-anchor=\"middle\" fill=\"#222\">",
          x + w / 2, y + 24);
  svg_text(f, p->title);
  fputs("</text>\n", f);
  if (p->subtitle) {
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" "
               "fill=\"#666\">",
            x + w / 2, y + 44);
    svg_text(f, p->subtitle);
    fputs("</text>\n", f);
  }
  /* Grid and y ticks. */
  for (int k = 0;; k++) {
    double v = k * step;
    if (v > ymax + step * 1e-6) break;
    double ty = bottom - v * scale;
    if (k > 0)
      fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e6e6\"/>\n",
              left, ty, right, ty);
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
            left - 5, ty, left, ty);
    fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
               "text-anchor=\"end\" fill=\"#333\">%.*f</text>\n",
            left - 8, ty + 4, dec, v);
  }
  /* Bars. */
  for (int g = 0; g < p->n_groups; g++) {
    for (int s = 0; s < p->n_series; s++) {
      double v = p->values[s * p->n_groups + g];
      double bx = left + g * gw + (gw - inner) / 2 + s * bw;
      double cx = bx + bw / 2;
      const chart_series *se = &p->series[s];
      if (!isfinite(v)) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\" "
                   "fill=\"#999\">n/a</text>\n",
                cx, bottom - 4);
        continue;
      }
      double bh = v * scale;
      fprintf(f, "<rect class=\"%s\" data-series=\"", p->bar_class);
      svg_text(f, se->key);
      fprintf(f, "\" data-precision=\"");
      svg_text(f, se->precision);
      fprintf(f, "\" data-group=\"");
      svg_text(f, p->group_labels[g]);
      if (p->group_values) fprintf(f, "\" data-batch=\"%lld", (long long)p->group_values[g]);
      fprintf(f, "\" data-value=\"%.9g\" x=\"%.2f\" y=\"%.3f\" width=\"%.2f\" "
                 "height=\"%.3f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"0.6\"/>\n",
              v, bx + bw * 0.04, bottom - bh, bw * 0.92, bh, se->color,
              strcmp(se->precision, "fp16") == 0 ? "#8a8a8a" : se->color);
      char lab[32];
      value_label(v, p->value_suffix, lab, sizeof lab);
      double fs = 11.0;
      double tw = (double)strlen(lab) * fs * 0.6;
      if (tw <= bw * 1.05) {
        fprintf(f, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" "
                   "text-anchor=\"middle\" fill=\"#222\">%s</text>\n",
                cx, bottom - bh - 4, fs, lab);
      } else { /* narrow bars: vertical labels */
        fs = bw * 0.8 < 11.0 ? (bw * 0.8 > 7.0 ? bw * 0.8 : 7.0) : 11.0;
        fprintf(f, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" "
                   "text-anchor=\"start\" fill=\"#222\" transform=\"rotate(-90 %.1f %.1f)\">"
                   "%s</text>\n",
                cx + fs * 0.35, bottom - bh - 4, fs, cx + fs * 0.35, bottom - bh - 4, lab);
      }
    }
    fprintf(f, "<text class=\"group\" x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
               "text-anchor=\"middle\" fill=\"#222\">",
            left + g * gw + gw / 2, bottom + 20);
    svg_text(f, p->group_labels[g]);
    fputs("</text>\n", f);
  }
  if (isfinite(p->ref_line)) {
    double ty = bottom - p->ref_line * scale;
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
               "stroke-dasharray=\"5,4\"/>\n",
            left, ty, right, ty);
  }
  /* Axes. */
  fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
          left, top, left, bottom);
  fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
          left, bottom, right, bottom);
  fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" "
             "fill=\"#222\">",
          (left + right) / 2, y + h - 14);
  svg_text(f, p->xlabel);
  fputs("</text>\n", f);
  fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" "
             "fill=\"#222\" transform=\"rotate(-90 %.1f %.1f)\">",
          x + 20, (top + bottom) / 2, x + 20, (top + bottom) / 2);
  svg_text(f, p->ylabel);
  fputs("</text>\n", f);
  /* Legend, top left inside the plot. */
  if (p->n_series > 0) {
    fprintf(f, "<g class=\"legend\">\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
               "height=\"%.1f\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n",
            lx, ly0, lw, lh);
    for (int s = 0; s < p->n_series; s++) {
      double ly = ly0 + 6 + 20.0 * s;
      fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"%s\" "
                 "stroke=\"%s\" stroke-width=\"0.6\"/>\n",
              lx + 8, ly, p->series[s].color,
              strcmp(p->series[s].precision, "fp16") == 0 ? "#8a8a8a" : p->series[s].color);
      fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#222\">", lx + 28,
              ly + 12);
      svg_text(f, p->series[s].label);
      fputs("</text>\n", f);
    }
    fputs("</g>\n", f);
  }
  fputs("</g>\n", f);
}

/* Index of a string in a list, appending it when absent. */
static int intern(char (*list)[128], int *n, int cap, const char *s) {
  for (int i = 0; i < *n; i++)
    if (strcmp(list[i], s) == 0) return i;
  if (*n >= cap) return -1;
  snprintf(list[*n], 128, "%s", s);
  return (*n)++;
}

/* Shortens a CPU brand for a title: drops "(R)", "(TM)", "CPU", "@ ...". */
static void short_cpu(const char *cpu, char *out, size_t cap) {
  char tmp[256];
  size_t n = 0;
  for (const char *p = cpu; *p && n + 1 < sizeof tmp;) {
    if (strncmp(p, "(R)", 3) == 0 || strncmp(p, "(r)", 3) == 0) {
      p += 3;
      continue;
    }
    if (strncmp(p, "(TM)", 4) == 0 || strncmp(p, "(tm)", 4) == 0) {
      p += 4;
      continue;
    }
    if (*p == '@') break;
    tmp[n++] = *p++;
  }
  tmp[n] = '\0';
  /* collapse blanks, drop a trailing " CPU" */
  size_t o = 0;
  for (size_t i = 0; tmp[i] && o + 1 < cap; i++) {
    if (tmp[i] == ' ' && (o == 0 || out[o - 1] == ' ')) continue;
    out[o++] = tmp[i];
  }
  while (o > 0 && out[o - 1] == ' ') o--;
  out[o] = '\0';
  if (o >= 4 && strcmp(out + o - 4, " CPU") == 0) out[o - 4] = '\0';
  if (!out[0]) snprintf(out, cap, "unknown CPU");
}

bool bench_write_svg(FILE *f, const bench_report *r) {
  enum { MAXS = 64, MAXG = BENCH_MAX_LIST };
  char(*skeys)[128] = calloc(MAXS, sizeof *skeys);
  chart_series *series = calloc(MAXS, sizeof *series);
  chart_series *sp_series = calloc(MAXS, sizeof *sp_series);
  double *vals = malloc(sizeof(double) * MAXS * MAXG);
  double *spv = malloc(sizeof(double) * MAXS * MAXG);
  char(*glabels)[32] = calloc(MAXG, sizeof *glabels);
  int64_t gvals[MAXG];
  bool ok = skeys && series && sp_series && vals && spv && glabels;
  if (!ok) goto out;
  int ns = 0, ng = 0, np = 0;
  /* Series labels name the backend and threads only when they vary. */
  int nthr = 0, nbk = 0;
  for (int i = 0; i < r->n_rows; i++) {
    bool t_seen = false, b_seen = false;
    for (int j = 0; j < i; j++) {
      t_seen |= r->rows[j].threads == r->rows[i].threads;
      b_seen |= strcmp(r->rows[j].backend_spec, r->rows[i].backend_spec) == 0;
    }
    nthr += !t_seen;
    nbk += !b_seen;
  }
  char bk0[64] = "";
  for (int i = 0; i < r->n_rows && !bk0[0]; i++)
    if (r->rows[i].ok) snprintf(bk0, sizeof bk0, "%s", r->rows[i].backend);
  for (int i = 0; i < MAXS * MAXG; i++) vals[i] = spv[i] = NAN;
  for (int i = 0; i < r->n_rows; i++) {
    const bench_row *w = &r->rows[i];
    int g = -1;
    for (int k = 0; k < ng; k++)
      if (gvals[k] == w->batch) g = k;
    if (g < 0 && ng < MAXG) {
      g = ng++;
      gvals[g] = w->batch;
      snprintf(glabels[g], 32, "%lld", (long long)w->batch);
    }
    char key[128];
    snprintf(key, sizeof key, "%s/%s/%d", w->precision, w->backend_spec, w->threads);
    int before = ns;
    int s = intern(skeys, &ns, MAXS, key);
    if (s < 0 || g < 0) continue;
    if (s == before) { /* a new series */
      chart_series *se = &series[s];
      int variant = 0;
      for (int k = 0; k < s; k++)
        if (strcmp(series[k].precision, w->precision) == 0) variant++;
      chart_color(w->precision, variant, se->color);
      snprintf(se->precision, sizeof se->precision, "%s", w->precision);
      snprintf(se->key, sizeof se->key, "%s", key);
      char up[16];
      upper(w->precision, up, sizeof up);
      int n = snprintf(se->label, sizeof se->label, "%s", up);
      if (nbk > 1)
        n += snprintf(se->label + n, sizeof se->label - (size_t)n, " · %s", w->backend_spec);
      if (nthr > 1) snprintf(se->label + n, sizeof se->label - (size_t)n, " · %d threads", w->threads);
    }
    if (w->ok) {
      vals[s * MAXG + g] = w->median_ms;
      /* the backend that actually ran, for the label */
      if (nbk > 1 && !strstr(series[s].label, w->backend) && strcmp(w->backend, w->backend_spec) != 0) {
        size_t n = strlen(series[s].label);
        snprintf(series[s].label + n, sizeof series[s].label - n, " (%s)", w->backend);
      }
    }
  }
  /* compact the value matrix to [series][ng] */
  double *v2 = vals;
  for (int s = 0; s < ns; s++)
    for (int g = 0; g < ng; g++) v2[s * ng + g] = vals[s * MAXG + g];

  /* w8a8 / fp16 speedups per (backend, threads) */
  for (int s = 0; s < ns; s++) {
    if (strcmp(series[s].precision, "w8a8") != 0) continue;
    const char *rest = strchr(skeys[s], '/');
    char fkey[128];
    snprintf(fkey, sizeof fkey, "fp16%s", rest ? rest : "");
    int t = -1;
    for (int k = 0; k < ns; k++)
      if (strcmp(skeys[k], fkey) == 0) t = k;
    if (t < 0) continue;
    int p = np++;
    chart_series *se = &sp_series[p];
    chart_color("w8a8", p, se->color);
    snprintf(se->precision, sizeof se->precision, "w8a8");
    snprintf(se->key, sizeof se->key, "w8a8/fp16%s", rest ? rest : "");
    int n = snprintf(se->label, sizeof se->label, "W8A8 vs FP16");
    if (nbk > 1 || nthr > 1) {
      char bk[128];
      snprintf(bk, sizeof bk, "%s", rest ? rest + 1 : "");
      char *slash = strrchr(bk, '/');
      if (slash) *slash = '\0';
      if (nbk > 1) n += snprintf(se->label + n, sizeof se->label - (size_t)n, " · %s", bk);
      if (nthr > 1 && slash)
        snprintf(se->label + n, sizeof se->label - (size_t)n, " · %s threads", slash + 1);
    }
    for (int g = 0; g < ng; g++) {
      double a = v2[t * ng + g], b = v2[s * ng + g];
      spv[p * ng + g] = (isfinite(a) && isfinite(b) && b > 0) ? a / b : NAN;
    }
  }
  bool any_sp = false;
  for (int i = 0; i < np * ng; i++) any_sp |= isfinite(spv[i]);

  const bench_machine *m = &r->machine;
  const bench_settings *st = &r->settings;
  char cpu[128], title[384], sub[512], thr[64] = "";
  short_cpu(m->cpu, cpu, sizeof cpu);
  for (int i = 0, n = 0; i < st->n_threads && n < (int)sizeof thr - 8; i++)
    n += snprintf(thr + n, sizeof thr - (size_t)n, "%s%d", i ? "," : "", st->threads[i]);
  char model[160];
  if (st->seq > 0)
    snprintf(model, sizeof model, "%s (seq %lld)", st->model, (long long)st->seq);
  else
    snprintf(model, sizeof model, "%s", st->model);
  snprintf(title, sizeof title, "%s · %s thread%s · %s", model, thr,
           strcmp(thr, "1") == 0 ? "" : "s", cpu);
  snprintf(sub, sizeof sub, "median latency per batch; octet %s (%s), ISA %s, backend %s",
           m->octet_version, m->git_commit, m->isa, nbk > 1 ? "various" : bk0);
  double W = 960, H1 = 540, H2 = 380;
  svg_begin(f, W, H1 + (any_sp ? H2 : 0));
  chart_panel p1 = {.title = title, .subtitle = sub, .xlabel = "Batch Size",
                    .ylabel = "Latency (ms)", .n_groups = ng, .group_labels = glabels,
                    .group_values = gvals, .n_series = ns, .series = series,
                    .values = v2, .value_suffix = "", .bar_class = "bar",
                    .ref_line = NAN};
  svg_panel(f, &p1, 0, 0, W, H1);
  if (any_sp) {
    char t2[256];
    snprintf(t2, sizeof t2, "Speedup W8A8 over FP16 · %s", model);
    chart_panel p2 = {.title = t2, .subtitle = "fp16 median latency / w8a8 median latency; "
                                               "above the dashed line w8a8 is faster",
                      .xlabel = "Batch Size", .ylabel = "Speedup (x)", .n_groups = ng,
                      .group_labels = glabels, .group_values = gvals, .n_series = np,
                      .series = sp_series, .values = spv, .value_suffix = "x",
                      .bar_class = "speedup-bar", .ref_line = 1.0};
    svg_panel(f, &p2, 0, H1, W, H2);
  }
  svg_end(f);
  ok = !ferror(f);
out:
  free(skeys);
  free(series);
  free(sp_series);
  free(vals);
  free(spv);
  free(glabels);
  return ok;
}

/* ---- JSON reader ----------------------------------------------------------- */

enum { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jv {
  int type;
  double num;
  char *str;         /* J_STR */
  int n;             /* items of J_ARR / J_OBJ */
  struct jv *items;
  char **keys;       /* J_OBJ */
} jv;

typedef struct jparser {
  const char *p, *end;
  int depth;
  char err[160];
  const char *base;
} jparser;

static void jv_free(jv *v) {
  if (!v) return;
  free(v->str);
  for (int i = 0; i < v->n; i++) {
    jv_free(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  memset(v, 0, sizeof *v);
}

static bool jfail(jparser *j, const char *msg) {
  if (!j->err[0])
    snprintf(j->err, sizeof j->err, "%s at byte %ld", msg, (long)(j->p - j->base));
  return false;
}

static void jws(jparser *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool jhex4(jparser *j, unsigned *out) {
  if (j->end - j->p < 4) return jfail(j, "truncated \\u escape");
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(j->p[i]);
    if (h < 0) return jfail(j, "bad \\u escape");
    v = v * 16 + (unsigned)h;
  }
  j->p += 4;
  *out = v;
  return true;
}

static bool jstring(jparser *j, char **out) {
  j->p++; /* opening quote */
  size_t cap = 32, n = 0;
  char *s = malloc(cap);
  if (!s) return jfail(j, "out of memory");
  for (;;) {
    if (j->p >= j->end) {
      free(s);
      return jfail(j, "unterminated string");
    }
    unsigned char c = (unsigned char)*j->p++;
    char buf[4];
    size_t len = 0;
    if (c == '"') break;
    if (c < 0x20) {
      free(s);
      return jfail(j, "control character in string");
    }
    if (c != '\\') {
      buf[len++] = (char)c;
    } else {
      if (j->p >= j->end) {
        free(s);
        return jfail(j, "unterminated escape");
      }
      char e = *j->p++;
      unsigned cp = 0;
      switch (e) {
        case '"': buf[len++] = '"'; break;
        case '\\': buf[len++] = '\\'; break;
        case '/': buf[len++] = '/'; break;
        case 'b': buf[len++] = '\b'; break;
        case 'f': buf[len++] = '\f'; break;
        case 'n': buf[len++] = '\n'; break;
        case 'r': buf[len++] = '\r'; break;
        case 't': buf[len++] = '\t'; break;
        case 'u':
          if (!jhex4(j, &cp)) {
            free(s);
            return false;
          }
          if (cp >= 0xd800 && cp < 0xdc00) { /* a surrogate pair */
            unsigned lo;
            if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u') {
              free(s);
              return jfail(j, "unpaired surrogate");
            }
            j->p += 2;
            if (!jhex4(j, &lo)) {
              free(s);
              return false;
            }
            if (lo < 0xdc00 || lo >= 0xe000) {
              free(s);
              return jfail(j, "unpaired surrogate");
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            free(s);
            return jfail(j, "unpaired surrogate");
          }
          if (cp == 0) cp = 0xfffd; /* no NULs inside C strings */
          if (cp < 0x80) {
            buf[len++] = (char)cp;
          } else if (cp < 0x800) {
            buf[len++] = (char)(0xc0 | (cp >> 6));
            buf[len++] = (char)(0x80 | (cp & 0x3f));
          } else if (cp < 0x10000) {
            buf[len++] = (char)(0xe0 | (cp >> 12));
            buf[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            buf[len++] = (char)(0x80 | (cp & 0x3f));
          } else {
            buf[len++] = (char)(0xf0 | (cp >> 18));
            buf[len++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            buf[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            buf[len++] = (char)(0x80 | (cp & 0x3f));
          }
          break;
        default:
          free(s);
          return jfail(j, "bad escape");
      }
    }
    if (n + len + 1 > cap) {
      cap *= 2;
      char *t = realloc(s, cap);
      if (!t) {
        free(s);
        return jfail(j, "out of memory");
      }
      s = t;
    }
    memcpy(s + n, buf, len);
    n += len;
  }
  s[n] = '\0';
  *out = s;
  return true;
}

static bool jnumber(jparser *j, double *out) {
  const char *s = j->p;
  const char *p = s;
  if (p < j->end && *p == '-') p++;
  if (p >= j->end || !isdigit((unsigned char)*p)) return jfail(j, "bad number");
  if (*p == '0')
    p++;
  else
    while (p < j->end && isdigit((unsigned char)*p)) p++;
  if (p < j->end && *p == '.') {
    p++;
    if (p >= j->end || !isdigit((unsigned char)*p)) return jfail(j, "bad number");
    while (p < j->end && isdigit((unsigned char)*p)) p++;
  }
  if (p < j->end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < j->end && (*p == '+' || *p == '-')) p++;
    if (p >= j->end || !isdigit((unsigned char)*p)) return jfail(j, "bad number");
    while (p < j->end && isdigit((unsigned char)*p)) p++;
  }
  char buf[64];
  size_t n = (size_t)(p - s);
  if (n >= sizeof buf) return jfail(j, "number too long");
  memcpy(buf, s, n);
  buf[n] = '\0';
  *out = strtod(buf, NULL);
  j->p = p;
  return true;
}

static bool jvalue(jparser *j, jv *v);

static bool jpush(jparser *j, jv *v, int *cap, char *key) {
  if (v->n == *cap) {
    int nc = *cap ? *cap * 2 : 8;
    jv *ni = realloc(v->items, sizeof *ni * (size_t)nc);
    if (!ni) return jfail(j, "out of memory");
    v->items = ni;
    if (v->type == J_OBJ) {
      char **nk = realloc(v->keys, sizeof *nk * (size_t)nc);
      if (!nk) return jfail(j, "out of memory");
      v->keys = nk;
    }
    *cap = nc;
  }
  memset(&v->items[v->n], 0, sizeof v->items[0]);
  if (v->type == J_OBJ) v->keys[v->n] = key;
  v->n++;
  return true;
}

static bool jcontainer(jparser *j, jv *v, bool obj) {
  if (++j->depth > 64) return jfail(j, "nesting too deep");
  v->type = obj ? J_OBJ : J_ARR;
  j->p++;
  int cap = 0;
  jws(j);
  if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
    j->p++;
    j->depth--;
    return true;
  }
  for (;;) {
    char *key = NULL;
    jws(j);
    if (obj) {
      if (j->p >= j->end || *j->p != '"') return jfail(j, "expected a key");
      if (!jstring(j, &key)) return false;
      jws(j);
      if (j->p >= j->end || *j->p != ':') {
        free(key);
        return jfail(j, "expected ':'");
      }
      j->p++;
    }
    if (!jpush(j, v, &cap, key)) {
      free(key);
      return false;
    }
    if (!jvalue(j, &v->items[v->n - 1])) return false;
    jws(j);
    if (j->p < j->end && *j->p == ',') {
      j->p++;
      continue;
    }
    if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
      j->p++;
      break;
    }
    return jfail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
  j->depth--;
  return true;
}

static bool jlit(jparser *j, const char *lit, int type, jv *v) {
  size_t n = strlen(lit);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0) return jfail(j, "bad literal");
  j->p += n;
  v->type = type;
  return true;
}

static bool jvalue(jparser *j, jv *v) {
  jws(j);
  if (j->p >= j->end) return jfail(j, "unexpected end");
  switch (*j->p) {
    case '{': return jcontainer(j, v, true);
    case '[': return jcontainer(j, v, false);
    case '"':
      v->type = J_STR;
      return jstring(j, &v->str);
    case 't': return jlit(j, "true", J_TRUE, v);
    case 'f': return jlit(j, "false", J_FALSE, v);
    case 'n': return jlit(j, "null", J_NULL, v);
    default:
      v->type = J_NUM;
      return jnumber(j, &v->num);
  }
}

static const jv *jget(const jv *o, const char *key) {
  if (!o || o->type != J_OBJ) return NULL;
  for (int i = 0; i < o->n; i++)
    if (strcmp(o->keys[i], key) == 0) return &o->items[i];
  return NULL;
}

static double jnum(const jv *o, const char *key) {
  const jv *v = jget(o, key);
  return v && v->type == J_NUM ? v->num : NAN;
}

static void jstrcpy(const jv *o, const char *key, char *buf, size_t cap) {
  const jv *v = jget(o, key);
  if (v && v->type == J_STR)
    snprintf(buf, cap, "%s", v->str);
  else if (v && v->type == J_NUM)
    snprintf(buf, cap, "%.9g", v->num);
  else
    buf[0] = '\0';
}

static int jint(const jv *o, const char *key, int dflt) {
  double d = jnum(o, key);
  return isfinite(d) && fabs(d) < 1e9 ? (int)d : dflt;
}

static bool fill_report(const jv *root, bench_report *r, char *err, size_t cap) {
  if (root->type != J_OBJ) {
    snprintf(err, cap, "not a JSON object");
    return false;
  }
  const jv *res = jget(root, "results");
  if (!res || res->type != J_ARR) {
    snprintf(err, cap, "no \"results\" list: not an octet bench report");
    return false;
  }
  const jv *m = jget(root, "machine"), *s = jget(root, "settings");
  bench_machine *bm = &r->machine;
  jstrcpy(m, "cpu", bm->cpu, sizeof bm->cpu);
  jstrcpy(m, "emulated", bm->emulated, sizeof bm->emulated);
  jstrcpy(m, "isa", bm->isa, sizeof bm->isa);
  jstrcpy(m, "isa_best", bm->isa_best, sizeof bm->isa_best);
  const jv *flags = jget(m, "isa_flags");
  if (flags && flags->type == J_ARR)
    for (int i = 0, n = 0; i < flags->n; i++)
      if (flags->items[i].type == J_STR && n < (int)sizeof bm->isa_flags - 1)
        n += snprintf(bm->isa_flags + n, sizeof bm->isa_flags - (size_t)n, "%s%s",
                      n ? " " : "", flags->items[i].str);
  bm->cores = jint(m, "cores", 0);
  bm->threads = jint(m, "threads", 0);
  bm->peak_fp32_gflops = jnum(m, "peak_fp32_gflops");
  bm->peak_int8_gops = jnum(m, "peak_int8_gops");
  bm->mem_gbps = jnum(m, "mem_gbps");
  jstrcpy(m, "peak_fp32_how", bm->peak_fp32_how, sizeof bm->peak_fp32_how);
  jstrcpy(m, "peak_int8_how", bm->peak_int8_how, sizeof bm->peak_int8_how);
  jstrcpy(m, "mem_how", bm->mem_how, sizeof bm->mem_how);
  jstrcpy(m, "compiler", bm->compiler, sizeof bm->compiler);
  jstrcpy(m, "build", bm->build, sizeof bm->build);
  jstrcpy(m, "octet_version", bm->octet_version, sizeof bm->octet_version);
  jstrcpy(m, "git_commit", bm->git_commit, sizeof bm->git_commit);
  jstrcpy(m, "openblas", bm->openblas, sizeof bm->openblas);
  jstrcpy(m, "openblas_core", bm->openblas_core, sizeof bm->openblas_core);
  jstrcpy(m, "onednn", bm->onednn, sizeof bm->onednn);

  bench_settings *bs = &r->settings;
  jstrcpy(s, "model", bs->model, sizeof bs->model);
  jstrcpy(s, "model_source", bs->model_source, sizeof bs->model_source);
  double seq = jnum(s, "seq");
  bs->seq = isfinite(seq) && seq > 0 ? (int64_t)seq : 0;
  const jv *thr = jget(s, "threads");
  if (thr && thr->type == J_ARR)
    for (int i = 0; i < thr->n && bs->n_threads < BENCH_MAX_LIST; i++)
      if (thr->items[i].type == J_NUM) bs->threads[bs->n_threads++] = (int)thr->items[i].num;
  const jv *bat = jget(s, "batches");
  if (bat && bat->type == J_ARR)
    for (int i = 0; i < bat->n && bs->n_batches < BENCH_MAX_LIST; i++)
      if (bat->items[i].type == J_NUM) bs->batches[bs->n_batches++] = (int64_t)bat->items[i].num;
  const jv *pre = jget(s, "precisions");
  if (pre && pre->type == J_ARR)
    for (int i = 0; i < pre->n && bs->n_precisions < BENCH_MAX_LIST; i++)
      if (pre->items[i].type == J_STR)
        snprintf(bs->precisions[bs->n_precisions++], 16, "%s", pre->items[i].str);
  bs->warmup = jint(s, "warmup", 0);
  bs->reps = jint(s, "reps", 0);
  bs->min_time_s = jnum(s, "min_time_s");

  for (int i = 0; i < res->n; i++) {
    const jv *o = &res->items[i];
    if (o->type != J_OBJ) {
      snprintf(err, cap, "results[%d] is not an object", i);
      return false;
    }
    bench_row *w = bench_report_add_row(r);
    if (!w) {
      snprintf(err, cap, "out of memory");
      return false;
    }
    jstrcpy(o, "model", w->model, sizeof w->model);
    jstrcpy(o, "precision", w->precision, sizeof w->precision);
    jstrcpy(o, "backend", w->backend, sizeof w->backend);
    jstrcpy(o, "backend_spec", w->backend_spec, sizeof w->backend_spec);
    if (!w->backend_spec[0]) snprintf(w->backend_spec, sizeof w->backend_spec, "%s", w->backend);
    double b = jnum(o, "batch");
    if (!w->model[0] || !w->precision[0] || !isfinite(b)) {
      snprintf(err, cap, "results[%d] lacks model, precision or batch", i);
      return false;
    }
    w->batch = (int64_t)b;
    w->threads = jint(o, "threads", 0);
    double sq = jnum(o, "seq");
    w->seq = isfinite(sq) && sq > 0 ? (int64_t)sq : 0;
    const jv *e = jget(o, "error");
    w->ok = !(e && e->type == J_STR);
    if (!w->ok) snprintf(w->error, sizeof w->error, "%s", e->str);
    w->runs = jint(o, "runs", 0);
    w->median_ms = jnum(o, "median_ms");
    w->min_ms = jnum(o, "min_ms");
    w->max_ms = jnum(o, "max_ms");
    w->p90_ms = jnum(o, "p90_ms");
    w->mean_ms = jnum(o, "mean_ms");
    w->items_per_s = jnum(o, "items_per_s");
    w->speedup_vs_fp16 = jnum(o, "speedup_vs_fp16");
    w->speedup_vs_fp32 = jnum(o, "speedup_vs_fp32");
    w->cosine_vs_fp32 = jnum(o, "cosine_vs_fp32");
    w->max_rel_err_vs_fp32 = jnum(o, "max_rel_err_vs_fp32");
    w->weight_bytes = jnum(o, "weight_bytes");
    w->arena_bytes = jnum(o, "arena_bytes");
    w->gflop = jnum(o, "gflop");
    w->gops = jnum(o, "gops");
    w->pct_of_peak = jnum(o, "pct_of_peak");
    jstrcpy(o, "peak_kind", w->peak_kind, sizeof w->peak_kind);
    jstrcpy(o, "kernel", w->kernel, sizeof w->kernel);
    jstrcpy(o, "kernels", w->kernels, sizeof w->kernels);
    if (w->ok && !isfinite(w->median_ms)) {
      w->ok = false;
      snprintf(w->error, sizeof w->error, "no median_ms");
    }
  }
  return true;
}

#define MAX_JSON_FILE ((size_t)64 << 20)

bool bench_read_json(const char *path, bench_report *r, char *err, size_t cap) {
  bench_report_init(r);
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, cap, "cannot open %s: %s", path, strerror(errno));
    return false;
  }
  size_t n = 0, bcap = 1 << 16;
  char *buf = malloc(bcap);
  bool ok = buf != NULL;
  while (ok) {
    if (n == bcap) {
      if (bcap >= MAX_JSON_FILE) {
        snprintf(err, cap, "%s: larger than %zu MiB", path, MAX_JSON_FILE >> 20);
        ok = false;
        break;
      }
      char *t = realloc(buf, bcap * 2);
      if (!t) {
        ok = false;
        snprintf(err, cap, "out of memory");
        break;
      }
      buf = t;
      bcap *= 2;
    }
    size_t k = fread(buf + n, 1, bcap - n, f);
    n += k;
    if (k == 0) {
      if (ferror(f)) {
        snprintf(err, cap, "cannot read %s: %s", path, strerror(errno));
        ok = false;
      }
      break;
    }
  }
  fclose(f);
  if (!buf) snprintf(err, cap, "out of memory");
  if (!ok) {
    free(buf);
    return false;
  }
  jparser j = {.p = buf, .end = buf + n, .base = buf};
  jv root;
  memset(&root, 0, sizeof root);
  ok = jvalue(&j, &root);
  if (ok) {
    jws(&j);
    if (j.p != j.end) ok = jfail(&j, "trailing characters");
  }
  if (!ok) {
    snprintf(err, cap, "%s: not valid JSON (%s)", path, j.err);
  } else if (!fill_report(&root, r, err, cap)) {
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", err);
    snprintf(err, cap, "%s: %s", path, tmp);
    ok = false;
  }
  jv_free(&root);
  free(buf);
  if (!ok) bench_report_free(r);
  return ok;
}
