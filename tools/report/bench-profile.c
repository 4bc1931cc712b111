/* `octet bench --profile` (bench-profile.h). */
#include "bench-profile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS BENCH_PROF_MAX_OPS
#define MAX_RUNS 64

typedef struct prof_key {
  const char *op, *backend, *kernel; /* strings live as long as the plan */
  int nodes;                         /* per run */
  double flops;                      /* per run */
  double sec[MAX_RUNS];
} prof_key;

typedef struct prof {
  prof_key keys[MAX_KEYS];
  int n_keys, run;
  bool overflow;
} prof;

static bool same(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

static void on_node(const octet_node_event *e, void *user) {
  prof *p = user;
  const octet_node_info *ni = e->node;
  int k = 0;
  while (k < p->n_keys && !(same(p->keys[k].op, ni->op_type) &&
                            same(p->keys[k].backend, ni->backend) &&
                            same(p->keys[k].kernel, ni->kernel)))
    k++;
  if (k == p->n_keys) {
    if (k == MAX_KEYS) {
      p->overflow = true;
      return;
    }
    prof_key *nk = &p->keys[p->n_keys++];
    nk->op = ni->op_type;
    nk->backend = ni->backend;
    nk->kernel = ni->kernel;
  }
  prof_key *pk = &p->keys[k];
  pk->sec[p->run] += e->seconds;
  if (p->run == 0 && e->chunk == 0) pk->nodes++;
  if (p->run == 0) {
    pk->flops += ni->flops;
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(const double *v, int n) {
  double t[MAX_RUNS];
  memcpy(t, v, sizeof(double) * (size_t)n);
  qsort(t, (size_t)n, sizeof t[0], cmp_double);
  return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static int by_time_desc(const void *a, const void *b) {
  const double *x = a, *y = b; /* first element: median seconds */
  return (x[0] < y[0]) - (x[0] > y[0]);
}

octet_status bench_profile(octet_session *session, const octet_tensor *in, size_t n_in,
                           octet_tensor *out, size_t n_out, int runs, bool w8a8,
                           double peak_int8_gops, double peak_fp32_gflops, bench_prof *res) {
  if (runs < 1) runs = 1;
  if (runs > MAX_RUNS) runs = MAX_RUNS;
  memset(res, 0, sizeof *res);
  prof *p = calloc(1, sizeof *p);
  if (!p) return OCTET_ERR_NO_MEMORY;
  octet_status st = octet_session_set_callback(session, on_node, p);
  for (p->run = 0; st == OCTET_OK && p->run < runs; p->run++)
    st = octet_session_run(session, in, n_in, out, n_out);
  octet_session_set_callback(session, NULL, NULL);
  if (st != OCTET_OK) {
    free(p);
    return st;
  }
  /* rows: {median s, key index} sorted by time */
  double rows[MAX_KEYS][2], total = 0;
  for (int k = 0; k < p->n_keys; k++) {
    rows[k][0] = median(p->keys[k].sec, runs);
    rows[k][1] = k;
    total += rows[k][0];
  }
  qsort(rows, (size_t)p->n_keys, sizeof rows[0], by_time_desc);
  res->runs = runs;
  res->total_ms = total * 1e3;
  res->truncated = p->overflow;
  for (int r = 0; r < p->n_keys; r++) {
    const prof_key *k = &p->keys[(int)rows[r][1]];
    bench_prof_op *o = &res->ops[res->n_ops++];
    double sec = rows[r][0];
    snprintf(o->op, sizeof o->op, "%s", k->op ? k->op : "?");
    snprintf(o->backend, sizeof o->backend, "%s", k->backend ? k->backend : "?");
    snprintf(o->kernel, sizeof o->kernel, "%s", k->kernel ? k->kernel : "?");
    o->nodes = k->nodes;
    o->ms_per_run = sec * 1e3;
    o->share_pct = total > 0 ? 100.0 * sec / total : 0.0;
    o->gflop = k->flops * 1e-9;
    o->gops = o->pct_of_peak = NAN;
    if (k->flops > 0 && sec > 0) {
      bool int8 = w8a8 && k->op && strcmp(k->op, "OctetLinear") == 0;
      double peak = int8 ? peak_int8_gops : peak_fp32_gflops;
      o->gops = k->flops / sec * 1e-9;
      if (isfinite(peak) && peak > 0) o->pct_of_peak = 100.0 * o->gops / peak;
    }
  }
  free(p);
  return OCTET_OK;
}

void bench_profile_print(FILE *f, const bench_prof *p, const char *title) {
  fprintf(f, "profile: %s (median of %d runs, %.1f ms in nodes)\n", title, p->runs, p->total_ms);
  fprintf(f, "  %-20s %-9s %-36s %5s %9s %6s %8s %7s\n", "op", "backend", "kernel", "nodes",
          "ms/run", "share", "GOP/s", "% peak");
  for (int r = 0; r < p->n_ops; r++) {
    const bench_prof_op *o = &p->ops[r];
    char gops[32] = "-", pct[32] = "-";
    if (isfinite(o->gops)) snprintf(gops, sizeof gops, "%.1f", o->gops);
    if (isfinite(o->pct_of_peak)) snprintf(pct, sizeof pct, "%.1f", o->pct_of_peak);
    fprintf(f, "  %-20.20s %-9.9s %-36.36s %5d %9.2f %5.1f%% %8s %7s\n", o->op, o->backend,
            o->kernel, o->nodes, o->ms_per_run, o->share_pct, gops, pct);
  }
  if (p->truncated)
    fprintf(f, "  (more than %d kinds of node: the rest not shown)\n", BENCH_PROF_MAX_OPS);
  fputc('\n', f);
}
