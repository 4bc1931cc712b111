/* Benchmark reports shared by `octet bench` and `octet compare`: the data
 * (machine, settings, result rows), the writers (text or markdown table,
 * JSON, CSV, SVG chart) and the JSON reader for compare (cJSON).
 *
 * JSON layout (other programs read it; "format" is bumped on incompatible
 * changes):
 *   { "format": "octet-bench/1",
 *     "machine":  { "cpu", "isa" (active level), "isa_best", "isa_flags" [],
 *                   "cores", "threads", "peak_fp32_gflops", "peak_int8_gops",
 *                   "mem_gbps", "peak_fp32_how", "peak_int8_how", "mem_how",
 *                   "compiler", "build", "octet_version", "git_commit",
 *                   "openblas", "openblas_core", "onednn", "warnings" [] },
 *     "settings": { "model", "model_source", "seq", "batches" [],
 *                   "precisions" [], "backends" [], "threads" [], "warmup",
 *                   "reps", "min_time_s", "seed" },
 *     "results":  [ { "model", "precision", "backend", "backend_spec",
 *                     "threads", "batch",
 *                     "seq", "median_ms", "min_ms", "max_ms", "p90_ms",
 *                     "mean_ms", "runs", "items_per_s", "speedup_vs_fp16",
 *                     "speedup_vs_fp32", "cosine_vs_fp32",
 *                     "max_rel_err_vs_fp32", "weight_bytes", "arena_bytes",
 *                     "gflop", "gops", "pct_of_peak", "peak_kind",
 *                     "kernel", "kernels", "error" } ] }
 * Numbers that do not apply are null (a speedup without its fp16 row, every
 * measurement of a row whose "error" is a string). */
#ifndef OCTET_TOOLS_BENCH_REPORT_H
#define OCTET_TOOLS_BENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_MAX_LIST 32
#define BENCH_MAX_WARNINGS 8

typedef struct bench_row {
  char model[64];
  char precision[16];
  char backend[64];          /* the backend that ran most linear nodes, or
                                the one asked for */
  char backend_spec[64];     /* as asked for: "default", "x86", "x86+ref" */
  int threads;
  int64_t batch;
  int64_t seq;               /* 0: not applicable */
  bool ok;
  char error[512];           /* when !ok */
  int runs;
  double median_ms, min_ms, max_ms, p90_ms, mean_ms;
  double items_per_s;
  double speedup_vs_fp16, speedup_vs_fp32;   /* NAN: not run */
  double cosine_vs_fp32, max_rel_err_vs_fp32; /* NAN: no reference */
  double weight_bytes, arena_bytes;           /* NAN: unknown; the arena is
                                                 one chunk's when chunked */
  int64_t chunk;             /* items per chunk (octet_session_chunking);
                                == batch: run whole; 0: unknown */
  double gflop;              /* per run, MatMul/Gemm/linear nodes */
  double gops;               /* effective: gflop / median */
  double pct_of_peak;        /* of the int8 peak (w8a8) or fp32 peak */
  char peak_kind[8];         /* "int8" or "fp32" */
  char kernel[128];          /* kernel of most linear nodes */
  char kernels[512];         /* "name x count; ..." */
} bench_row;

typedef struct bench_machine {
  char cpu[192];
  char emulated[64];         /* "" on hardware, else the emulator ("qemu-user") */
  char isa[32];              /* active level (OCTET_ISA may lower it) */
  char isa_best[32];         /* the best level of the CPU */
  char isa_flags[512];       /* space-separated */
  int cores;
  int threads;               /* threads the peaks were measured with */
  double peak_fp32_gflops, peak_int8_gops, mem_gbps;
  char peak_fp32_how[64], peak_int8_how[64], mem_how[64];
  char compiler[128];
  char build[256];
  char octet_version[64];
  char git_commit[64];
  char openblas[192];
  char openblas_core[64];
  char onednn[64];
  int n_warnings;
  char warnings[BENCH_MAX_WARNINGS][512];
} bench_machine;

typedef struct bench_settings {
  char model[64];
  char model_source[512];    /* "built-in" or the file */
  int64_t seq;               /* 0: not applicable */
  int n_batches, n_precisions, n_backends, n_threads;
  int64_t batches[BENCH_MAX_LIST];
  char precisions[BENCH_MAX_LIST][16];
  char backends[BENCH_MAX_LIST][64];
  int threads[BENCH_MAX_LIST];
  int warmup, reps;
  double min_time_s;
  uint64_t seed;
} bench_settings;

typedef struct bench_report {
  bench_machine machine;
  bench_settings settings;
  bench_row *rows;
  int n_rows, cap_rows;
  char label[128];           /* compare: the name of the file */
} bench_report;

void bench_report_init(bench_report *r);
void bench_report_free(bench_report *r);
/* Appends a zeroed row (NAN in the optional numbers); NULL when out of
 * memory. */
bench_row *bench_report_add_row(bench_report *r);

/* Latency in ms with 3-4 significant digits. */
void bench_format_ms(double ms, char *buf, size_t cap);
/* "1.5 KiB" */
void bench_format_bytes(double bytes, char *buf, size_t cap);

/* The plain-text (or markdown) results table. */
void bench_write_table(FILE *f, const bench_report *r, bool markdown);
/* Machine block: CPU, ISA, peaks, build (plain text, `prefix` per line). */
void bench_write_machine(FILE *f, const bench_machine *m, const char *prefix);
bool bench_write_json(FILE *f, const bench_report *r);
bool bench_write_csv(FILE *f, const bench_report *r);
/* Grouped bar chart: latency per batch, one bar per precision (and per
 * backend/threads when several); a second panel with the speedup of w8a8
 * over fp16 when both ran. */
bool bench_write_svg(FILE *f, const bench_report *r);

/* Reads a JSON report written by bench_write_json. On failure returns false
 * with a message in err. */
bool bench_read_json(const char *path, bench_report *r, char *err, size_t cap);

/* ---- SVG charts (also used by compare) ------------------------------------ */

typedef struct chart_series {
  char label[128];
  char color[16];
  char precision[16];        /* written as data-precision */
  char key[128];             /* written as data-series */
} chart_series;

typedef struct chart_panel {
  const char *title;
  const char *subtitle;      /* may be NULL */
  const char *xlabel, *ylabel;
  int n_groups;
  char (*group_labels)[32];  /* n_groups */
  const int64_t *group_values; /* written as data-batch; may be NULL */
  int n_series;
  const chart_series *series;
  const double *values;      /* [series * n_groups + group]; NAN: none */
  const char *value_suffix;  /* after the value above a bar ("" or "x") */
  const char *bar_class;     /* class attribute of the bars */
  double ref_line;           /* dashed horizontal line; NAN: none */
} chart_panel;

/* Colour of a precision, shaded for the `variant`-th series of the same
 * precision. */
void chart_color(const char *precision, int variant, char out[16]);
void svg_begin(FILE *f, double width, double height);
/* Draws a panel in the box (x, y, w, h). */
void svg_panel(FILE *f, const chart_panel *p, double x, double y, double w, double h);
void svg_end(FILE *f);
/* Writes s with XML special characters escaped. */
void svg_text(FILE *f, const char *s);

#endif
