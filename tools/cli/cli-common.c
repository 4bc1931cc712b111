/* Shared pieces of the `octet` command line (see cli-common.h). */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include "cli-common.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- errors ------------------------------------------------------------- */

int cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("octet: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return CLI_EXIT_ERROR;
}

int cli_fail(octet_status st, const octet_session *session) {
  const char *msg = session ? octet_session_last_error(session) : NULL;
  if (!msg || !*msg) msg = octet_last_error();
  if (!msg || !*msg) msg = octet_status_str(st);
  fprintf(stderr, "octet: %s\n", msg);
  return CLI_EXIT_ERROR;
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (cmd)
    fprintf(stderr, "octet %s: ", cmd);
  else
    fputs("octet: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  if (cmd)
    fprintf(stderr, "Try 'octet %s --help'.\n", cmd);
  else
    fputs("Try 'octet --help'.\n", stderr);
  return CLI_EXIT_USAGE;
}

/* ---- models ------------------------------------------------------------- */

bool cli_is_builtin_name(const char *name) {
  return name && (strcmp(name, "encoder") == 0 || strcmp(name, "mlp") == 0 ||
                  strcmp(name, "resnet18") == 0);
}

bool cli_is_builtin(const char *arg) {
  return cli_is_builtin_name(arg) &&
         access(arg, F_OK) != 0;
}

octet_status cli_model_open(const char *arg, octet_model **out) {
  if (cli_is_builtin(arg)) return octet_model_builtin(arg, NULL, out);
  return octet_model_load(arg, out);
}

/* ---- model inputs and symbolic dims ------------------------------------- */

int cli_model_io_get(const octet_model *model, cli_model_io *io) {
  memset(io, 0, sizeof *io);
  octet_status st = octet_model_input_count(model, &io->n_inputs);
  if (st == OCTET_OK) st = octet_model_output_count(model, &io->n_outputs);
  if (st != OCTET_OK) return cli_fail(st, NULL);
  io->inputs = calloc(io->n_inputs ? io->n_inputs : 1, sizeof *io->inputs);
  io->outputs = calloc(io->n_outputs ? io->n_outputs : 1, sizeof *io->outputs);
  if (!io->inputs || !io->outputs) {
    cli_model_io_free(io);
    return cli_error("out of memory");
  }
  for (size_t k = 0; k < io->n_inputs && st == OCTET_OK; k++)
    st = octet_model_input_info(model, k, &io->inputs[k]);
  for (size_t k = 0; k < io->n_outputs && st == OCTET_OK; k++)
    st = octet_model_output_info(model, k, &io->outputs[k]);
  if (st != OCTET_OK) {
    cli_model_io_free(io);
    return cli_fail(st, NULL);
  }
  return CLI_EXIT_OK;
}

void cli_model_io_free(cli_model_io *io) {
  free(io->inputs);
  free(io->outputs);
  memset(io, 0, sizeof *io);
}

static int info_rank(const octet_tensor_info *in) {
  return in->rank < 0 ? 0 : in->rank > OCTET_MAX_RANK ? OCTET_MAX_RANK
                                                      : in->rank;
}

static const char *sym_name(const octet_tensor_info *in, int d) {
  const char *n = in->dim_names[d];
  return n && *n ? n : NULL;
}

static bool given(const octet_tensor *known, size_t k) {
  return known && known[k].dtype != OCTET_DTYPE_UNDEFINED;
}

/* The value of the named symbolic dim from --dim, else from a tensor the
 * user gave; -1 when neither has it. */
static int64_t named_dim(const cli_model_io *io, const cli_session_opts *o,
                         const octet_tensor *known, const char *name) {
  for (int j = 0; j < o->n_dims; j++)
    if (strcmp(o->dims[j].name, name) == 0) return o->dims[j].value;
  for (size_t j = 0; j < io->n_inputs; j++) {
    if (!given(known, j)) continue;
    const octet_tensor_info *gj = &io->inputs[j];
    for (int d = 0; d < info_rank(gj) && d < known[j].rank; d++)
      if (gj->dims[d] < 0 && sym_name(gj, d) &&
          strcmp(sym_name(gj, d), name) == 0)
        return known[j].dims[d];
  }
  return -1;
}

int64_t cli_resolve_shapes(const cli_model_io *io, const cli_session_opts *o,
                           const octet_tensor *known,
                           int64_t (*dims)[OCTET_MAX_RANK]) {
  /* The batch dim: the first symbolic dim of the inputs. Its value: --dim
   * or a given tensor when they have it, else --batch. */
  const char *batch_name = NULL;
  size_t batch_k = SIZE_MAX;
  int batch_d = -1;
  for (size_t k = 0; k < io->n_inputs && batch_d < 0; k++)
    for (int d = 0; d < info_rank(&io->inputs[k]); d++)
      if (io->inputs[k].dims[d] < 0) {
        batch_name = sym_name(&io->inputs[k], d);
        batch_k = k;
        batch_d = d;
        break;
      }
  int64_t batch = -1;
  if (batch_name) batch = named_dim(io, o, known, batch_name);
  if (batch < 0 && batch_d >= 0 && given(known, batch_k) &&
      batch_d < known[batch_k].rank)
    batch = known[batch_k].dims[batch_d];
  if (batch < 0) batch = o->batch;

  for (size_t k = 0; k < io->n_inputs; k++) {
    const octet_tensor_info *in = &io->inputs[k];
    memset(dims[k], 0, sizeof dims[k]);
    if (given(known, k)) {
      for (int d = 0; d < known[k].rank && d < OCTET_MAX_RANK; d++)
        dims[k][d] = known[k].dims[d];
      continue;
    }
    for (int d = 0; d < info_rank(in); d++) {
      if (in->dims[d] >= 0) {
        dims[k][d] = in->dims[d];
        continue;
      }
      const char *name = sym_name(in, d);
      int64_t v = name ? named_dim(io, o, known, name) : -1;
      if (v < 0) {
        bool is_batch = (k == batch_k && d == batch_d) ||
                        (name && batch_name && strcmp(name, batch_name) == 0) ||
                        (!name && d == 0);
        v = is_batch ? batch : CLI_DEFAULT_SYMBOLIC_DIM;
      }
      dims[k][d] = v;
    }
  }
  return batch;
}

/* ---- formatting --------------------------------------------------------- */

bool cli_shape_bytes(const int64_t *dims, int rank, octet_dtype dtype,
                     size_t *out) {
  uint64_t n = octet_dtype_size(dtype);
  const uint64_t cap = (uint64_t)1 << 40;
  bool zero = false;
  for (int d = 0; d < rank; d++) {
    if (dims[d] < 0) return false;
    if (dims[d] == 0) {
      zero = true;
      continue;
    }
    if ((uint64_t)dims[d] > cap / (n ? n : 1)) return false;
    n *= (uint64_t)dims[d];
  }
  if (n > SIZE_MAX) return false;
  *out = zero ? 0 : (size_t)n;
  return true;
}

void cli_format_shape(const int64_t *dims, int rank, char *buf, size_t cap) {
  size_t n = 0;
  n += (size_t)snprintf(buf, cap, "[");
  for (int d = 0; d < rank && n < cap; d++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%" PRId64, d ? ", " : "",
                          dims[d]);
  if (n < cap) snprintf(buf + n, cap - n, "]");
}

void cli_format_info_shape(const octet_tensor_info *info, char *buf,
                           size_t cap) {
  size_t n = 0;
  n += (size_t)snprintf(buf, cap, "[");
  for (int d = 0; d < info_rank(info) && n < cap; d++) {
    const char *sep = d ? ", " : "";
    if (info->dims[d] >= 0)
      n += (size_t)snprintf(buf + n, cap - n, "%s%" PRId64, sep,
                            info->dims[d]);
    else
      n += (size_t)snprintf(buf + n, cap - n, "%s%s", sep,
                            sym_name(info, d) ? sym_name(info, d) : "?");
  }
  if (n < cap) snprintf(buf + n, cap - n, "]");
}

void cli_format_count(double n, char *buf, size_t cap) {
  static const char *units[] = {"", "K", "M", "G", "T"};
  int u = 0;
  while (n >= 1000.0 && u < 4) {
    n /= 1000.0;
    u++;
  }
  if (u == 0)
    snprintf(buf, cap, "%.0f", n);
  else
    snprintf(buf, cap, "%.2f%s", n, units[u]);
}

/* ---- random inputs ---------------------------------------------------- */

typedef struct cli_rng {
  uint64_t s;
} cli_rng;

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* xorshift64* */
static uint64_t rng_next(cli_rng *r) {
  uint64_t x = r->s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  r->s = x;
  return x * 0x2545f4914f6cdd1dull;
}

static double rng_uniform(cli_rng *r) { /* [0, 1) */
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_normal(cli_rng *r) { /* Box-Muller */
  double u1 = 1.0 - rng_uniform(r); /* (0, 1] */
  double u2 = rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static bool int_range_of(octet_dtype dt, int64_t *lo, int64_t *hi) {
  switch (dt) {
    case OCTET_DTYPE_INT8: *lo = INT8_MIN; *hi = INT8_MAX; return true;
    case OCTET_DTYPE_UINT8: *lo = 0; *hi = UINT8_MAX; return true;
    case OCTET_DTYPE_INT16: *lo = INT16_MIN; *hi = INT16_MAX; return true;
    case OCTET_DTYPE_UINT16: *lo = 0; *hi = UINT16_MAX; return true;
    case OCTET_DTYPE_INT32: *lo = INT32_MIN; *hi = INT32_MAX; return true;
    case OCTET_DTYPE_UINT32: *lo = 0; *hi = UINT32_MAX; return true;
    case OCTET_DTYPE_INT64: *lo = INT64_MIN; *hi = INT64_MAX; return true;
    case OCTET_DTYPE_UINT64: *lo = 0; *hi = INT64_MAX; return true;
    default: return false;
  }
}

static bool is_float(octet_dtype dt) {
  return dt == OCTET_DTYPE_FLOAT32 || dt == OCTET_DTYPE_FLOAT16 ||
         dt == OCTET_DTYPE_FLOAT64;
}

/* Stores integer v (in range for dt) as element i. */
static void put_int(void *p, size_t i, octet_dtype dt, int64_t v) {
  switch (dt) {
    case OCTET_DTYPE_INT8: ((int8_t *)p)[i] = (int8_t)v; break;
    case OCTET_DTYPE_UINT8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case OCTET_DTYPE_INT16: ((int16_t *)p)[i] = (int16_t)v; break;
    case OCTET_DTYPE_UINT16: ((uint16_t *)p)[i] = (uint16_t)v; break;
    case OCTET_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)v; break;
    case OCTET_DTYPE_UINT32: ((uint32_t *)p)[i] = (uint32_t)v; break;
    case OCTET_DTYPE_INT64: ((int64_t *)p)[i] = v; break;
    case OCTET_DTYPE_UINT64: ((uint64_t *)p)[i] = (uint64_t)v; break;
    default: break;
  }
}

static void put_float(void *p, size_t i, octet_dtype dt, double v) {
  switch (dt) {
    case OCTET_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; break;
    case OCTET_DTYPE_FLOAT64: ((double *)p)[i] = v; break;
    case OCTET_DTYPE_FLOAT16:
      ((uint16_t *)p)[i] = octet_fp32_to_fp16((float)v);
      break;
    default: break;
  }
}

int cli_random_tensor(octet_tensor *t, const char *name,
                      const cli_rand_opts *r) {
  size_t es = octet_dtype_size(t->dtype), nbytes;
  int64_t tlo = 0, thi = 0;
  bool is_int = int_range_of(t->dtype, &tlo, &thi);
  if (!es || !(is_float(t->dtype) || t->dtype == OCTET_DTYPE_BOOL || is_int))
    return cli_error("input '%s': cannot make random data of type %s", name,
                     octet_dtype_name(t->dtype));
  if (!cli_shape_bytes(t->dims, t->rank, t->dtype, &nbytes))
    return cli_error("input '%s': shape too large for random data", name);
  unsigned char *p = malloc(nbytes ? nbytes : 1);
  if (!p)
    return cli_error("input '%s': out of memory (%zu bytes)", name, nbytes);
  size_t n = nbytes / es;

  /* The stream depends on the seed and the input's name only. */
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
  for (const char *c = name; c && *c; c++)
    h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
  cli_rng rng = {splitmix64(r->seed ^ h)};
  if (!rng.s) rng.s = 1;

  if (is_float(t->dtype)) {
    for (size_t i = 0; i < n; i++) put_float(p, i, t->dtype, rng_normal(&rng));
  } else if (t->dtype == OCTET_DTYPE_BOOL) {
    memset(p, 1, nbytes);
  } else {
    int64_t lo = r->int_lo > tlo ? r->int_lo : tlo;
    int64_t hi = r->int_hi - 1 < thi ? r->int_hi - 1 : thi; /* inclusive */
    if (lo > hi) {
      free(p);
      return cli_error("input '%s': --int-range %" PRId64 ",%" PRId64
                       " has no value representable as %s",
                       name, r->int_lo, r->int_hi,
                       octet_dtype_name(t->dtype));
    }
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1; /* 0: all 2^64 */
    for (size_t i = 0; i < n; i++) {
      uint64_t x = rng_next(&rng);
      put_int(p, i, t->dtype, (int64_t)((uint64_t)lo + (span ? x % span : x)));
    }
  }
  t->data = p;
  t->nbytes = nbytes;
  return CLI_EXIT_OK;
}

/* ---- conversion ------------------------------------------------------- */

static double get_float(const void *p, size_t i, octet_dtype dt) {
  switch (dt) {
    case OCTET_DTYPE_FLOAT32: return ((const float *)p)[i];
    case OCTET_DTYPE_FLOAT64: return ((const double *)p)[i];
    case OCTET_DTYPE_FLOAT16: return octet_fp16_to_fp32(((const uint16_t *)p)[i]);
    default: return 0.0;
  }
}

/* Reads integer element i; false when it does not fit in int64. */
static bool get_int(const void *p, size_t i, octet_dtype dt, int64_t *v) {
  switch (dt) {
    case OCTET_DTYPE_INT8: *v = ((const int8_t *)p)[i]; return true;
    case OCTET_DTYPE_UINT8: *v = ((const uint8_t *)p)[i]; return true;
    case OCTET_DTYPE_BOOL: *v = ((const uint8_t *)p)[i] != 0; return true;
    case OCTET_DTYPE_INT16: *v = ((const int16_t *)p)[i]; return true;
    case OCTET_DTYPE_UINT16: *v = ((const uint16_t *)p)[i]; return true;
    case OCTET_DTYPE_INT32: *v = ((const int32_t *)p)[i]; return true;
    case OCTET_DTYPE_UINT32: *v = ((const uint32_t *)p)[i]; return true;
    case OCTET_DTYPE_INT64: *v = ((const int64_t *)p)[i]; return true;
    case OCTET_DTYPE_UINT64: {
      uint64_t u = ((const uint64_t *)p)[i];
      if (u > (uint64_t)INT64_MAX) return false;
      *v = (int64_t)u;
      return true;
    }
    default: return false;
  }
}

int cli_convert_tensor(octet_tensor *t, octet_dtype to, const char *what) {
  if (t->dtype == to) return CLI_EXIT_OK;
  int64_t tlo, thi, flo, fhi;
  bool ints = int_range_of(t->dtype, &flo, &fhi) && int_range_of(to, &tlo, &thi);
  bool floats = is_float(t->dtype) && is_float(to);
  if (!ints && !floats)
    return cli_error("%s has type %s, the model wants %s", what,
                     octet_dtype_name(t->dtype), octet_dtype_name(to));
  size_t n = t->nbytes / octet_dtype_size(t->dtype);
  size_t nbytes = n * octet_dtype_size(to);
  void *p = malloc(nbytes ? nbytes : 1);
  if (!p) return cli_error("%s: out of memory", what);
  for (size_t i = 0; i < n; i++) {
    if (floats) {
      put_float(p, i, to, get_float(t->data, i, t->dtype));
      continue;
    }
    int64_t v;
    if (!get_int(t->data, i, t->dtype, &v) || v < tlo || v > thi) {
      free(p);
      return cli_error("%s: element %zu does not fit in %s, the model's "
                       "type",
                       what, i, octet_dtype_name(to));
    }
    put_int(p, i, to, v);
  }
  free(t->data);
  t->data = p;
  t->nbytes = nbytes;
  t->dtype = to;
  return CLI_EXIT_OK;
}

/* ---- stats ------------------------------------------------------------ */

void cli_tensor_stats(const octet_tensor *t, cli_stats *s) {
  memset(s, 0, sizeof *s);
  size_t es = octet_dtype_size(t->dtype);
  if (!es || !t->data) return;
  size_t n = t->nbytes / es;
  s->count = n;
  s->numeric = true;
  double sum = 0.0;
  size_t finite = 0;
  bool fl = is_float(t->dtype);
  for (size_t i = 0; i < n; i++) {
    double v;
    if (fl) {
      v = get_float(t->data, i, t->dtype);
      if (isnan(v)) {
        s->nan++;
        continue;
      }
      if (isinf(v)) {
        s->inf++;
        continue;
      }
    } else if (t->dtype == OCTET_DTYPE_UINT64) {
      v = (double)((const uint64_t *)t->data)[i];
    } else {
      int64_t iv = 0;
      get_int(t->data, i, t->dtype, &iv);
      v = (double)iv;
    }
    if (finite == 0 || v < s->min) s->min = v;
    if (finite == 0 || v > s->max) s->max = v;
    sum += v;
    finite++;
  }
  s->mean = finite ? sum / (double)finite : 0.0;
  if (!finite) s->numeric = false;
}

void cli_format_stats(const cli_stats *s, char *buf, size_t cap) {
  size_t n = 0;
  if (s->count == 0) {
    snprintf(buf, cap, "(empty)");
    return;
  }
  if (s->numeric)
    n += (size_t)snprintf(buf, cap, "min %.6g  max %.6g  mean %.6g", s->min,
                          s->max, s->mean);
  else
    n += (size_t)snprintf(buf, cap, "no finite values");
  if (s->nan && n < cap)
    n += (size_t)snprintf(buf + n, cap - n, "  nan %zu", s->nan);
  if (s->inf && n < cap) snprintf(buf + n, cap - n, "  inf %zu", s->inf);
}

/* ---- misc ------------------------------------------------------------- */

void cli_sanitize_name(const char *name, char *out, size_t cap) {
  size_t n = 0;
  for (const char *c = name ? name : ""; *c && n + 1 < cap; c++) {
    unsigned char ch = (unsigned char)*c;
    bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    out[n++] = ok ? (char)ch : '_';
  }
  out[n] = '\0';
  /* "", "." and ".." are not file names of their own. */
  if (n == 0 && cap >= 2) {
    out[0] = '_';
    out[1] = '\0';
  } else if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0) {
    memset(out, '_', n);
  }
}

int cli_mkdir_p(const char *dir) {
  size_t n = strlen(dir);
  char *path = malloc(n + 1);
  if (!path) return cli_error("out of memory");
  memcpy(path, dir, n + 1);
  int rc = CLI_EXIT_OK;
  /* Each prefix that ends before a '/', then the whole path. */
  for (size_t k = 1; k <= n && rc == CLI_EXIT_OK; k++) {
    if (k < n && path[k] != '/') continue;
    if (path[k - 1] == '/') continue; /* "a//b", "a/" */
    char c = path[k];
    path[k] = '\0';
    struct stat sb;
    if (mkdir(path, 0777) != 0) {
      int e = errno;
      if (stat(path, &sb) != 0) {
        rc = cli_error("cannot create directory %s: %s", path, strerror(e));
      } else if (!S_ISDIR(sb.st_mode)) {
        rc = k == n ? cli_error("cannot create directory %s: it exists and is "
                                "not a directory", dir)
                    : cli_error("cannot create directory %s: %s is not a "
                                "directory", dir, path);
      }
    }
    path[k] = c;
  }
  free(path);
  return rc;
}

char *cli_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
