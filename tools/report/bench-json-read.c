/* Benchmark reports: reading a JSON report back (see bench-report.h), with
 * cJSON (Debian's libcjson-dev). */
#include "bench-report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* ---- look-ups: NULL, NAN or "" where a key is missing or of another type -- */

static const cJSON *jget(const cJSON *o, const char *key) {
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static double jnum(const cJSON *o, const char *key) {
  const cJSON *v = jget(o, key);
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void jstrcpy(const cJSON *o, const char *key, char *buf, size_t cap) {
  const cJSON *v = jget(o, key);
  char num[32];
  if (cJSON_IsNumber(v)) snprintf(num, sizeof num, "%.9g", v->valuedouble);
  snprintf(buf, cap, "%s", cJSON_IsString(v) ? v->valuestring : cJSON_IsNumber(v) ? num : "");
}

/* The array at `key`, or NULL (cJSON_ArrayForEach then runs no iteration). */
static const cJSON *jarr(const cJSON *o, const char *key) {
  const cJSON *v = jget(o, key);
  return cJSON_IsArray(v) ? v : NULL;
}

static int jint(const cJSON *o, const char *key, int dflt) {
  double d = jnum(o, key);
  return isfinite(d) && fabs(d) < 1e9 ? (int)d : dflt;
}

/* "samples_ms": numbers only (others are skipped). False when out of memory. */
static bool read_samples(const cJSON *o, bench_row *w) {
  const cJSON *a = jarr(o, "samples_ms"), *it;
  int n = cJSON_GetArraySize(a);
  if (n <= 0) return true;
  if (!(w->samples_ms = malloc(sizeof *w->samples_ms * (size_t)n))) return false;
  cJSON_ArrayForEach(it, a) {
    if (cJSON_IsNumber(it) && w->n_samples < n) w->samples_ms[w->n_samples++] = it->valuedouble;
  }
  return true;
}

/* "profile": an object or absent (null). False when out of memory. */
static bool read_profile(const cJSON *p, bench_row *w) {
  if (!cJSON_IsObject(p)) return true;
  bench_prof *bp = calloc(1, sizeof *bp);
  if (!bp) return false;
  bp->runs = jint(p, "runs", 0);
  bp->total_ms = jnum(p, "total_ms");
  bp->truncated = cJSON_IsTrue(jget(p, "truncated"));
  const cJSON *it;
  cJSON_ArrayForEach(it, jarr(p, "ops")) {
    if (!cJSON_IsObject(it)) continue;
    if (bp->n_ops == BENCH_PROF_MAX_OPS) {
      bp->truncated = true;
      break;
    }
    bench_prof_op *op = &bp->ops[bp->n_ops++];
    jstrcpy(it, "op", op->op, sizeof op->op);
    jstrcpy(it, "backend", op->backend, sizeof op->backend);
    jstrcpy(it, "kernel", op->kernel, sizeof op->kernel);
    op->nodes = jint(it, "nodes", 0);
    op->ms_per_run = jnum(it, "ms_per_run");
    op->share_pct = jnum(it, "share_pct");
    op->gflop = jnum(it, "gflop");
    op->gops = jnum(it, "gops");
    op->pct_of_peak = jnum(it, "pct_of_peak");
  }
  w->profile = bp;
  return true;
}

static bool fill_report(const cJSON *root, bench_report *r, char *err, size_t cap) {
  if (!cJSON_IsObject(root)) {
    snprintf(err, cap, "not a JSON object");
    return false;
  }
  const cJSON *res = jget(root, "results");
  if (!cJSON_IsArray(res)) {
    snprintf(err, cap, "no \"results\" list: not an octet bench report");
    return false;
  }
  const cJSON *m = jget(root, "machine"), *s = jget(root, "settings");
  bench_machine *bm = &r->machine;
  jstrcpy(m, "cpu", bm->cpu, sizeof bm->cpu);
  jstrcpy(m, "emulated", bm->emulated, sizeof bm->emulated);
  jstrcpy(m, "isa", bm->isa, sizeof bm->isa);
  jstrcpy(m, "isa_best", bm->isa_best, sizeof bm->isa_best);
  const cJSON *flags = jarr(m, "isa_flags");
  const cJSON *it;
  int n = 0;
  cJSON_ArrayForEach(it, flags) {
    if (cJSON_IsString(it) && n < (int)sizeof bm->isa_flags - 1)
      n += snprintf(bm->isa_flags + n, sizeof bm->isa_flags - (size_t)n, "%s%s", n ? " " : "",
                    it->valuestring);
  }
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
  jstrcpy(m, "build_type", bm->build_type, sizeof bm->build_type);
  const cJSON *os = jget(m, "os");
  jstrcpy(os, "sysname", bm->os_sysname, sizeof bm->os_sysname);
  jstrcpy(os, "release", bm->os_release, sizeof bm->os_release);
  jstrcpy(os, "machine", bm->os_machine, sizeof bm->os_machine);
  jstrcpy(root, "timestamp", bm->timestamp, sizeof bm->timestamp);
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
  const cJSON *thr = jarr(s, "threads");
  cJSON_ArrayForEach(it, thr) {
    if (cJSON_IsNumber(it) && bs->n_threads < BENCH_MAX_LIST)
      bs->threads[bs->n_threads++] = it->valueint;
  }
  const cJSON *bat = jarr(s, "batches");
  cJSON_ArrayForEach(it, bat) {
    if (cJSON_IsNumber(it) && bs->n_batches < BENCH_MAX_LIST)
      bs->batches[bs->n_batches++] = (int64_t)it->valuedouble;
  }
  const cJSON *pre = jarr(s, "precisions");
  cJSON_ArrayForEach(it, pre) {
    if (cJSON_IsString(it) && bs->n_precisions < BENCH_MAX_LIST)
      snprintf(bs->precisions[bs->n_precisions++], 16, "%s", it->valuestring);
  }
  bs->warmup = jint(s, "warmup", 0);
  bs->reps = jint(s, "reps", 0);
  bs->min_time_s = jnum(s, "min_time_s");

  int i = 0;
  const cJSON *o;
  cJSON_ArrayForEach(o, res) {
    if (!cJSON_IsObject(o)) {
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
    const cJSON *e = jget(o, "error");
    w->ok = !cJSON_IsString(e);
    if (!w->ok) snprintf(w->error, sizeof w->error, "%s", e->valuestring);
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
    double ck = jnum(o, "chunk_items");
    w->chunk = isfinite(ck) && ck >= 1 && ck <= 1e15 ? (int64_t)ck : 0;
    w->gflop = jnum(o, "gflop");
    w->gops = jnum(o, "gops");
    w->pct_of_peak = jnum(o, "pct_of_peak");
    jstrcpy(o, "peak_kind", w->peak_kind, sizeof w->peak_kind);
    jstrcpy(o, "kernel", w->kernel, sizeof w->kernel);
    jstrcpy(o, "kernels", w->kernels, sizeof w->kernels);
    if (!read_samples(o, w) || !read_profile(jget(o, "profile"), w)) {
      snprintf(err, cap, "out of memory");
      return false;
    }
    if (w->ok && !isfinite(w->median_ms)) {
      w->ok = false;
      snprintf(w->error, sizeof w->error, "no median_ms");
    }
    i++;
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
  /* One JSON value, then only white space. */
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(buf, n, &end, 0);
  const char *what = "syntax error";
  ok = root != NULL;
  if (ok) {
    while (end < buf + n && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) end++;
    if (end != buf + n) {
      ok = false;
      what = "trailing characters";
    }
  }
  if (!end || end < buf || end > buf + n) end = buf + n;
  if (!ok) {
    snprintf(err, cap, "%s: not valid JSON (%s at byte %ld)", path, what, (long)(end - buf));
  } else if (!fill_report(root, r, err, cap)) {
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", err);
    snprintf(err, cap, "%s: %s", path, tmp);
    ok = false;
  }
  cJSON_Delete(root);
  free(buf);
  if (!ok) bench_report_free(r);
  return ok;
}
