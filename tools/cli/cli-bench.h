/* `octet bench` (cli-bench.c): its options, state and the parts that live
 * in files of their own: option parsing (cli-bench-options.c), the machine
 * block (cli-bench-machine.c), inputs and accuracy (cli-bench-inputs.c). */
#ifndef OCTET_CLI_BENCH_H
#define OCTET_CLI_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench-report.h"
#include "cli-common.h"
#include "core/cpu.h"
#include "octet.h"

#define MAX_RUNS 1000000
#define MAX_BATCH ((int64_t)1 << 24)

typedef struct bench_opts {
  const char *model_arg;     /* file, or NULL for a built-in */
  char builtin[16];
  int64_t seq;
  bool seq_given;
  int64_t batches[BENCH_MAX_LIST];
  int n_batches;
  bool batches_given;
  octet_precision precs[BENCH_MAX_LIST];
  int n_precs;
  cli_backend_spec backends[BENCH_MAX_LIST]; /* lib "" = the library's default */
  int n_backends;
  int threads[BENCH_MAX_LIST];
  int n_threads;
  int warmup, reps;
  double min_time;
  bool reps_given, min_time_given;
  const char *json, *csv, *svg;
  bool md, quiet, no_peaks, profile, progress;
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
  bool progress, progress_tty;
  FILE *fjson, *fcsv, *fsvg;
  int step, n_steps;         /* the configuration running (1-based), of */
  double t_start, t_first_step, t_step; /* bench, step 1, this step began */
  int last_line_step;        /* progress lines without a terminal */
  double last_line_t;
} bench_state;

typedef struct ref_out {
  float *data;   /* NULL: not a float output */
  size_t n;
} ref_out;

extern const char bench_usage[];
void bench_opts_defaults(bench_opts *o);
/* Returns CLI_EXIT_OK, or an exit code after printing the usage error
 * (or the help). */
int bench_parse_args(bench_opts *o, int argc, char **argv);

void bench_add_warning(bench_machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bench_fill_machine(bench_machine *m, int threads, bool measure);
/* m->timestamp: now, ISO 8601 UTC. */
void bench_set_timestamp(bench_machine *m);
bool bench_int8_pays_off(octet_isa isa);

/* Shapes of the model's inputs at this batch; false with a message when a
 * batch does not fit the model. */
bool bench_input_dims(const bench_state *s, int64_t batch, int64_t (*dims)[OCTET_MAX_RANK],
                      char *err, size_t cap);
int bench_make_inputs(const bench_state *s, int64_t batch, octet_tensor *t, char *err,
                      size_t cap);
void bench_free_inputs(octet_tensor *t, size_t n);
void bench_ref_free(ref_out *r, size_t n);
bool bench_ref_keep(ref_out *r, const octet_tensor *out, size_t n_out);
void bench_accuracy(const ref_out *r, const octet_tensor *out, size_t n_out, double *cosine,
                    double *max_rel);

#endif
