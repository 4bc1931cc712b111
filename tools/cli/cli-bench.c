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
#include "cli-bench.h"
#include "cli-common.h"
#include "core/cpu.h"
#include "octet-config.h"

/* ---- progress --------------------------------------------------------------- */

static const char *plural(int n) { return n == 1 ? "" : "s"; }

/* "42 s", "3 min 05 s", "2 h 10 min" */
static void format_secs(double t, char *buf, size_t cap) {
  if (!(t >= 0)) t = 0;
  long x = (long)(t + 0.5);
  if (x < 60)
    snprintf(buf, cap, "%ld s", x);
  else if (x < 3600)
    snprintf(buf, cap, "%ld min %02ld s", x / 60, x % 60);
  else
    snprintf(buf, cap, "%ld h %02ld min", x / 3600, x / 60 % 60);
}

/* The time left: the mean time of the configurations done so far times
 * those left, less the time already spent in the current one. */
static bool progress_eta(const bench_state *s, double now, double *eta) {
  int done = s->step - 1; /* s->step is the one running */
  if (done < 1 || s->n_steps <= 0) return false;
  double per = (s->t_step - s->t_first_step) / done;
  double left = per * (s->n_steps - done) - (now - s->t_step);
  *eta = left > 0 ? left : 0;
  return true;
}

static void progress(bench_state *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(bench_state *s, const char *fmt, ...) {
  if (!s->progress) return;
  double now = cli_now();
  /* Not a terminal (--progress): one line per step, or every 10 s. */
  if (!s->progress_tty && s->n_steps > 0 && s->step == s->last_line_step &&
      now - s->last_line_t < 10.0)
    return;
  char msg[256], head[160] = "", el[32], left[32];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (s->n_steps > 0) {
    double eta;
    format_secs(now - s->t_start, el, sizeof el);
    if (progress_eta(s, now, &eta)) {
      format_secs(eta, left, sizeof left);
      snprintf(head, sizeof head, "[%d/%d, %s, ETA %s] ", s->step, s->n_steps, el, left);
    } else {
      snprintf(head, sizeof head, "[%d/%d, %s] ", s->step, s->n_steps, el);
    }
  }
  s->last_line_step = s->step;
  s->last_line_t = now;
  if (!s->progress_tty) {
    fprintf(stderr, "octet bench: %s%s\n", head, msg);
    return;
  }
  /* One line: a wrapped line would not be overwritten by the next. */
  struct winsize ws;
  int cols = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 80;
  int room = cols - 1 - (int)strlen(head);
  if (room < 10) room = 10;
  if (room < (int)sizeof msg && (int)strlen(msg) > room) msg[room] = '\0';
  fprintf(stderr, "\r\033[K%s%s", head, msg);
  fflush(stderr);
}

static void progress_done(bench_state *s) {
  if (!s->progress || !s->progress_tty) return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
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
  so.chunk_bytes = s->o.so.chunk_bytes;
  so.flags |= s->o.so.flags & OCTET_SESSION_NO_CHUNK;
  return octet_session_create(s->model, &so, out);
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
  int64_t cb, citems;
  if (octet_session_chunking(c->sess, &cb, &citems, NULL) == OCTET_OK) w->chunk = citems;
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
  /* The raw samples, in the order run, before time_stats sorts them. */
  free(w->samples_ms);
  w->n_samples = 0;
  if ((w->samples_ms = malloc(sizeof *w->samples_ms * (size_t)n))) {
    memcpy(w->samples_ms, *times, sizeof *w->samples_ms * (size_t)n);
    w->n_samples = n;
  }
  time_stats(*times, n, w);
  w->items_per_s = (double)batch / (w->median_ms * 1e-3);
  w->gops = w->gflop / (w->median_ms * 1e-3);
  w->ok = true;
}

/* Per-node profile of one configuration (--profile): printed, and kept in
 * its row for the JSON. */
static void profile_config(bench_state *s, bench_config *c, int64_t batch, const octet_tensor *in,
                           octet_tensor *out, bench_row *w) {
  const bench_machine *m = &s->rep.machine;
  double scale = m->threads > 0 && c->threads < m->threads ? (double)c->threads / m->threads : 1.0;
  char title[256];
  snprintf(title, sizeof title, "%s %s %s, %d thread%s, batch %" PRId64, s->rep.settings.model,
           octet_precision_name(c->prec), c->label, c->threads, plural(c->threads), batch);
  progress(s, "%s: profiling", title);
  bench_prof *p = calloc(1, sizeof *p);
  octet_status st = p ? bench_profile(c->sess, in, s->io.n_inputs, out, s->io.n_outputs,
                                      s->o.reps, c->prec == OCTET_PRECISION_W8A8,
                                      m->peak_int8_gops * scale, m->peak_fp32_gflops * scale, p)
                      : OCTET_ERR_NO_MEMORY;
  if (st != OCTET_OK) {
    char err[256];
    session_error(c->sess, st, err, sizeof err);
    fprintf(stderr, "octet: profile of %s failed: %s\n", title, err);
    free(p);
    return;
  }
  progress_done(s);
  bench_profile_print(stdout, p, title);
  fflush(stdout);
  free(w->profile);
  w->profile = p;
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
    snprintf(st->backends[i], 64, "%s",
             s->o.backends[i].lib[0] ? s->o.backends[i].spec : "default");
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
        const cli_backend_spec *bs = &s->o.backends[b];
        if (bs->lib[0]) {
          /* "x86+ref" -> "x86,ref"; "x86" -> "x86,*" (cli_parse_backends) */
          if (!(c->backend = cli_strdup(bs->lib))) return cli_error("out of memory");
          snprintf(c->label, sizeof c->label, "%s", bs->spec);
        } else {
          snprintf(c->label, sizeof c->label, "default");
        }
        snprintf(c->spec, sizeof c->spec, "%s", c->backend ? bs->spec : "default");
        progress(s, "compiling %s for %s, %d thread%s", s->rep.settings.model,
                 octet_precision_name(c->prec), c->threads, plural(c->threads));
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
  octet_isa act = octet_isa_active(), best = octet_isa_best();
  if (w8 && !bench_int8_pays_off(act)) {
    char forced[128] = "";
    if (bench_int8_pays_off(best))
      snprintf(forced, sizeof forced, " (lowered by OCTET_ISA; the CPU has %s)",
               octet_isa_name(best));
    bench_add_warning(m,
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
      bench_add_warning(m,
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
    if (bench_make_inputs(s, batch, in, err, sizeof err) != CLI_EXIT_OK) {
      for (int c = 0; c < s->n_cfg; c++) snprintf(rows[c].error, sizeof rows[c].error, "%s", err);
      bench_free_inputs(in, ni);
      continue;
    }
    /* The fp32 reference for this batch. */
    bool have_ref = false;
    char ref_err[512] = "";
    if (s->ref_sess) {
      progress(s, "%s fp32 reference, batch %" PRId64, s->rep.settings.model, batch);
      octet_status st = octet_session_run(s->ref_sess, in, ni, out, no);
      if (st == OCTET_OK)
        have_ref = bench_ref_keep(ref, out, no);
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
      s->t_step = cli_now();
      if (s->step == 1) s->t_first_step = s->t_step;
      run_config(s, cf, batch, in, out, w, &times, &times_cap);
      if (!w->ok) continue;
      if (c == s->ref_cfg) {
        have_ref = bench_ref_keep(ref, out, no);
        if (!have_ref) snprintf(ref_err, sizeof ref_err, "out of memory");
      }
      if (have_ref) bench_accuracy(ref, out, no, &w->cosine_vs_fp32, &w->max_rel_err_vs_fp32);
      if (s->o.profile) profile_config(s, cf, batch, in, out, w);
    }
    if (!have_ref && ref_err[0] && !s->o.quiet) {
      progress_done(s);
      fprintf(stderr, "octet: batch %" PRId64 ": no fp32 reference, no accuracy (%s)\n", batch,
              ref_err);
    }
    bench_ref_free(ref, no);
    bench_free_inputs(in, ni);
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
  bench_opts_defaults(&s->o);
  bench_report_init(&s->rep);
  int rc = bench_parse_args(&s->o, argc, argv);
  if (rc != CLI_EXIT_OK) {
    cli_session_opts_free(&s->o.so);
    free(s);
    return rc < 0 ? CLI_EXIT_OK : rc;
  }
  s->progress_tty = isatty(2);
  s->progress = (!s->o.quiet && s->progress_tty) || s->o.progress;
  s->last_line_step = -1;
  s->t_start = cli_now();
  bench_set_timestamp(&s->rep.machine);
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
      if (!bench_input_dims(s, s->o.batches[b], dims, err, sizeof err)) {
        progress_done(s);
        rc = cli_error("%s", err);
      }
    free(dims);
  }
  if (rc == CLI_EXIT_OK) {
    int tmax = 0;
    for (int t = 0; t < s->o.n_threads; t++)
      if (s->o.threads[t] > tmax) tmax = s->o.threads[t];
    if (!s->o.no_peaks)
      progress(s, "measuring the machine's peaks (%d thread%s)", tmax, plural(tmax));
    bench_fill_machine(&s->rep.machine, tmax, !s->o.no_peaks);
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
