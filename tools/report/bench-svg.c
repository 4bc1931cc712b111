/* Benchmark reports: the SVG chart (see bench-report.h). */
#include "bench-report.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


static void upper(const char *s, char *out, size_t cap) {
  size_t i = 0;
  for (; s[i] && i + 1 < cap; i++) out[i] = (char)toupper((unsigned char)s[i]);
  out[i] = '\0';
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
      if (nthr > 1)
        snprintf(se->label + n, sizeof se->label - (size_t)n, " · %d thread%s", w->threads,
                 w->threads == 1 ? "" : "s");
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

