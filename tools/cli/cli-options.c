/* The options of the `octet` commands (cli-common.h): values of options,
 * --backend (one syntax for every command) and the session options shared
 * by run, inspect and bench. */
#include "cli-common.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- option parsing ----------------------------------------------------- */

int cli_opt_value(int argc, char **argv, int *i, const char *lng,
                  const char *shrt, const char *cmd, const char **val) {
  const char *a = argv[*i];
  size_t ll = strlen(lng);
  if (strncmp(a, lng, ll) == 0 && a[ll] == '=') { /* --long=V */
    *val = a + ll + 1;
    return 1;
  }
  /* -sV: a short option with its value attached */
  if (shrt && shrt[0] == '-' && shrt[1] && shrt[1] != '-' && !shrt[2] &&
      a[0] == '-' && a[1] == shrt[1] && a[2]) {
    *val = a + 2;
    return 1;
  }
  if (strcmp(a, lng) != 0 && !(shrt && strcmp(a, shrt) == 0)) return 0;
  if (*i + 1 >= argc) {
    cli_usage_error(cmd, "option '%s' needs a value", a);
    return -1;
  }
  *val = argv[++*i];
  return 1;
}

bool cli_opt_flag(const char *arg, const char *lng, const char *shrt) {
  return strcmp(arg, lng) == 0 || (shrt && strcmp(arg, shrt) == 0);
}

bool cli_is_help(const char *arg) {
  return cli_opt_flag(arg, "--help", "-h");
}

bool cli_parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out) {
  if (!s || !*s) return false;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || end == s || v < lo || v > hi) return false;
  *out = (int64_t)v;
  return true;
}

/* ---- --backend ------------------------------------------------------------ */

static bool backend_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* One spec, text [p, p + len): "default", NAME, or NAMEs and '*' joined
 * with '+' (and with ',' when !several). */
static bool backend_spec(const char *cmd, const char *v, const char *p,
                         size_t len, bool several, cli_backend_spec *out) {
  if (len == 0 || len >= sizeof out->spec) {
    cli_usage_error(cmd, "bad --backend '%s' (%s)", v,
                    len ? "a backend list too long" : "an empty backend list");
    return false;
  }
  memcpy(out->spec, p, len);
  out->spec[len] = '\0';
  out->lib[0] = '\0';
  if (strcmp(out->spec, "default") == 0) return true;
  size_t n = 0, names = 0, start = 0;
  for (size_t k = 0; k <= len; k++) {
    bool sep = k < len && (p[k] == '+' || (!several && p[k] == ','));
    if (k < len && !sep) continue;
    size_t wl = k - start;
    bool star = wl == 1 && p[start] == '*';
    bool ok = wl > 0;
    for (size_t j = start; ok && !star && j < k; j++)
      ok = backend_name_char(p[j]);
    if (!ok && wl == 0) {
      cli_usage_error(cmd, "bad --backend '%s': an empty backend name "
                           "(join names with one '+', e.g. x86+ref)", v);
      return false;
    }
    if (!ok) {
      cli_usage_error(cmd, "bad --backend '%s': '%.*s' is not a backend name "
                           "(letters, digits, '_', '-'; or '*')",
                      v, (int)wl, p + start);
      return false;
    }
    if (names++) out->lib[n++] = ',';
    memcpy(out->lib + n, p + start, wl);
    n += wl;
    start = k + 1;
  }
  out->lib[n] = '\0';
  /* A single name: it first, then the default order for what it declines. */
  if (names == 1 && strcmp(out->lib, "*") != 0) memcpy(out->lib + n, ",*", 3);
  return true;
}

int cli_parse_backends(const char *cmd, const char *v, bool several,
                       cli_backend_spec *out, int max) {
  int n = 0;
  const char *p = v;
  for (;;) {
    const char *e = several ? strchr(p, ',') : NULL;
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (n == max) {
      cli_usage_error(cmd, "bad --backend '%s': at most %d lists", v, max);
      return -1;
    }
    if (!backend_spec(cmd, v, p, len, several, &out[n])) return -1;
    n++;
    if (!e) break;
    p = e + 1;
  }
  return n;
}

/* ---- session options ---------------------------------------------------- */

void cli_session_opts_init(cli_session_opts *o) {
  memset(o, 0, sizeof *o);
  o->precision = OCTET_PRECISION_FP32;
  o->threads = 0;
  o->batch = 1;
}

void cli_session_opts_free(cli_session_opts *o) {
  for (int k = 0; k < o->n_dims; k++) free((char *)o->dims[k].name);
  o->n_dims = 0;
}

#define CLI_MAX_DIM_VALUE ((int64_t)1 << 40)

int cli_parse_session_opt(int argc, char **argv, int *i, const char *cmd,
                          cli_session_opts *o) {
  const char *v;
  int r;
  if ((r = cli_opt_value(argc, argv, i, "--precision", "-p", cmd, &v))) {
    if (r < 0) return -1;
    if (octet_precision_parse(v, &o->precision) != OCTET_OK) {
      cli_usage_error(cmd, "bad --precision '%s' (expected fp32, fp16 or "
                             "w8a8)", v);
      return -1;
    }
    return 1;
  }
  if ((r = cli_opt_value(argc, argv, i, "--backend", NULL, cmd, &v))) {
    if (r < 0 || cli_parse_backends(cmd, v, false, &o->backend, 1) < 0)
      return -1;
    o->backends = o->backend.lib[0] ? o->backend.lib : NULL;
    return 1;
  }
  if ((r = cli_opt_value(argc, argv, i, "--fp16-weights", NULL, cmd, &v))) {
    if (r < 0) return -1;
    if (strcmp(v, "fp16") == 0) {
      o->flags &= ~OCTET_SESSION_FP16_WEIGHTS_AS_FP32;
    } else if (strcmp(v, "fp32") == 0) {
      o->flags |= OCTET_SESSION_FP16_WEIGHTS_AS_FP32;
    } else {
      cli_usage_error(cmd, "bad --fp16-weights '%s' (fp16 or fp32)", v);
      return -1;
    }
    return 1;
  }
  if ((r = cli_opt_value(argc, argv, i, "--chunk", NULL, cmd, &v))) {
    if (r < 0) return -1;
    int64_t n;
    if (strcmp(v, "off") == 0) {
      o->flags |= OCTET_SESSION_NO_CHUNK;
    } else if (cli_parse_i64(v, 1, CLI_MAX_DIM_VALUE, &n)) {
      o->flags &= ~OCTET_SESSION_NO_CHUNK;
      o->chunk_bytes = (size_t)n;
    } else {
      cli_usage_error(cmd, "bad --chunk '%s' (bytes of arena per chunk, or off)", v);
      return -1;
    }
    return 1;
  }
  if ((r = cli_opt_value(argc, argv, i, "--threads", "-t", cmd, &v))) {
    if (r < 0) return -1;
    int64_t n;
    if (!cli_parse_i64(v, 0, 4096, &n)) {
      cli_usage_error(cmd, "bad --threads '%s' (0..4096, 0 = all cores)",
                      v);
      return -1;
    }
    o->threads = (int)n;
    return 1;
  }
  if ((r = cli_opt_value(argc, argv, i, "--batch", "-b", cmd, &v))) {
    if (r < 0) return -1;
    if (!cli_parse_i64(v, 1, CLI_MAX_DIM_VALUE, &o->batch)) {
      cli_usage_error(cmd, "bad --batch '%s' (a positive integer)", v);
      return -1;
    }
    o->batch_given = true;
    return 1;
  }
  if ((r = cli_opt_value(argc, argv, i, "--dim", NULL, cmd, &v))) {
    if (r < 0) return -1;
    const char *eq = strrchr(v, '=');
    int64_t n;
    if (!eq || eq == v || !cli_parse_i64(eq + 1, 0, CLI_MAX_DIM_VALUE, &n)) {
      cli_usage_error(cmd, "bad --dim '%s' (expected NAME=VALUE, VALUE >= "
                             "0)", v);
      return -1;
    }
    if (o->n_dims == CLI_MAX_DIM_OVERRIDES) {
      cli_usage_error(cmd, "too many --dim options (at most %d)",
                      CLI_MAX_DIM_OVERRIDES);
      return -1;
    }
    /* The name is argv text up to '=': keep a copy that ends there. */
    size_t len = (size_t)(eq - v);
    char *name = malloc(len + 1);
    if (!name) {
      cli_error("out of memory");
      return -1;
    }
    memcpy(name, v, len);
    name[len] = '\0';
    /* A later --dim of the same name wins. */
    for (int k = 0; k < o->n_dims; k++)
      if (strcmp(o->dims[k].name, name) == 0) {
        free(name);
        o->dims[k].value = n;
        return 1;
      }
    o->dims[o->n_dims].name = name;
    o->dims[o->n_dims].value = n;
    o->n_dims++;
    return 1;
  }
  return 0;
}

void cli_session_opts_apply(const cli_session_opts *o,
                            octet_session_options *so) {
  octet_session_options_init(so);
  so->precision = o->precision;
  so->backends = o->backends;
  so->threads = o->threads;
  so->batch = o->batch;
  so->flags = o->flags;
  so->chunk_bytes = o->chunk_bytes;
}

const char *cli_threads_str(int threads, char buf[32]) {
  if (threads <= 0) return "all cores";
  snprintf(buf, 32, "%d", threads);
  return buf;
}

