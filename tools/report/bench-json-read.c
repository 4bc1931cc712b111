/* Benchmark reports: reading a JSON report back (see bench-report.h). */
#include "bench-report.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>



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
    double ck = jnum(o, "chunk_items");
    w->chunk = isfinite(ck) && ck >= 1 && ck <= 1e15 ? (int64_t)ck : 0;
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
