/* Benchmark reports shared by `octet bench` and `octet compare`: the data
 * (machine, settings, result rows), the writers (text or markdown table,
 * JSON, CSV, SVG chart) and the JSON reader for compare (cJSON).
 *
 * JSON layout (other programs read it; "format" is bumped on incompatible
 * changes, and fields are only ever added within a format):
 *   { "format": "octet-bench/1",
 *     "timestamp": "2026-12-07T14:05:09Z" (UTC, when the bench started),
 *     "machine":  { "cpu", "emulated", "isa" (active level), "isa_best",
 *                   "isa_flags" [], "cores", "threads", "peak_fp32_gflops",
 *                   "peak_int8_gops", "mem_gbps", "peak_fp32_how",
 *                   "peak_int8_how", "mem_how", "compiler", "build",
 *                   "build_type" ("release", "debug", ...), "octet_version",
 *                   "git_commit", "openblas", "openblas_core", "onednn",
 *                   "os": { "sysname", "release", "machine" } (uname),
 *                   "warnings" [] },
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
 *                     "kernel", "kernels", "error",
 *                     "samples_ms" [] (every timed run in the order run;
 *                                      the statistics above are of these),
 *                     "profile" (only with --profile): { "runs", "total_ms",
 *                       "truncated", "ops": [ { "op", "backend", "kernel",
 *                       "nodes", "ms_per_run" (median over the runs),
 *                       "share_pct", "gflop", "gops", "pct_of_peak" } ] }
 *                   } ] }
 * Numbers that do not apply are null (a speedup without its fp16 row, every
 * measurement of a row whose "error" is a string). Reports written before
 * "timestamp", "os", "build_type", "samples_ms" and "profile" existed are
 * read with those empty.
 *
 * CSV: a header line, then one line per result with the row's fields and
 * the machine's (cpu, isa, isa_best, cores, octet_version, git_commit,
 * build_type, compiler, os, timestamp) on every line. */
#ifndef OCTET_TOOLS_BENCH_REPORT_H
#define OCTET_TOOLS_BENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_MAX_LIST 32
#define BENCH_MAX_WARNINGS 8
#define BENCH_PROF_MAX_OPS 96

/* `--profile` of one row: per (op type, backend, kernel). */
typedef struct bench_prof_op {
  char op[64], backend[32], kernel[128];
  int nodes;                 /* nodes of this kind per run */
  double ms_per_run;         /* median over the runs */
  double share_pct;          /* of the time in nodes */
  double gflop;              /* per run; 0: not a matrix product */
  double gops, pct_of_peak;  /* NAN when they do not apply */
} bench_prof_op;

typedef struct bench_prof {
  int runs;
  double total_ms;           /* per run, in nodes */
  bool truncated;            /* more kinds than BENCH_PROF_MAX_OPS */
  int n_ops;
  bench_prof_op ops[BENCH_PROF_MAX_OPS]; /* by time, largest first */
} bench_prof;

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
  double *samples_ms;        /* every timed run, in order (owned) */
  int n_samples;
  bench_prof *profile;       /* --profile, or NULL (owned) */
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
  char build_type[32];       /* meson buildtype: release, debug, ... */
  char os_sysname[72], os_release[128], os_machine[72]; /* uname */
  char timestamp[32];        /* ISO 8601 UTC, when the bench started */
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
void bench_report_free(bench_report *r); /* and every row's samples, profile */
/* Appends a zeroed row (NAN in the optional numbers; no samples, no
 * profile); NULL when out of memory. */
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
