/* One fuzz input through the loader and the session (fuzz-one.h). */
#include "fuzz-one.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_MAX_IO 16

static const octet_precision precisions[FUZZ_N_PRECISIONS] = {
    OCTET_PRECISION_FP32, OCTET_PRECISION_FP16, OCTET_PRECISION_W8A8};
/* NULL: the build's default order (x86 or arm first, ref last; in the fuzz
 * build, which has no library backends, x86,ref). */
static const char *const backend_lists[FUZZ_N_BACKENDS] = {"ref", NULL};

int fuzz_make_base_dir(const char *where, char *dir, size_t dir_cap, char *ext_path,
                       size_t ext_cap) {
  size_t n = strlen(where);
  if (snprintf(dir, dir_cap, "%s", where) >= (int)dir_cap) return -1;
  if (n >= 6 && strcmp(where + n - 6, "XXXXXX") == 0) {
    if (!mkdtemp(dir)) return -1;
  } else if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    return -1;
  }
  char tmp[4096];
  if (snprintf(ext_path, ext_cap, "%s/ext.bin", dir) >= (int)ext_cap ||
      snprintf(tmp, sizeof tmp, "%s/ext.bin.%ld", dir, (long)getpid()) >= (int)sizeof tmp)
    return -1;
  /* Written aside and renamed: a fixed folder may be shared by two runs. */
  FILE *f = fopen(tmp, "wb");
  if (!f) return -1;
  for (int i = 0; i < 4096; i++) fputc((i * 37 + 11) & 0x7f, f);
  if (fclose(f) != 0) return -1;
  return rename(tmp, ext_path);
}

const char *fuzz_session_name(int i) {
  static const char *const names[FUZZ_N_SESSIONS] = {
      "fp32/ref", "fp32/default", "fp16/ref", "fp16/default", "w8a8/ref",
      "w8a8/default"};
  return i >= 0 && i < FUZZ_N_SESSIONS ? names[i] : "?";
}

static void violated(fuzz_result *r, const char *fmt, ...) {
  if (r->violation[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->violation, sizeof r->violation, fmt, ap);
  va_end(ap);
}

/* A failed call must say why; the first message is kept. */
static void check_status(fuzz_result *r, const char *what, const char *stage,
                         octet_status st, const char *msg) {
  if (st == OCTET_OK) return;
  if ((int)st < 0 || (int)st > OCTET_ERR_INTERNAL)
    violated(r, "%s: unknown status %d", what, (int)st);
  else if (!msg || !msg[0])
    violated(r, "%s failed (%s) without a message", what, octet_status_str(st));
  if (!r->first_stage) {
    r->first_stage = stage;
    r->first_status = st;
    snprintf(r->first_error, sizeof r->first_error, "%s", msg ? msg : "");
  }
}

/* Inputs are k/4 for small k, exact in fp16. */
static uint16_t small_to_f16(float v) {
  if (v == 0.0f) return 0;
  uint16_t sign = v < 0 ? 0x8000 : 0;
  if (v < 0) v = -v;
  int e = 0;
  while (v >= 2.0f) { v *= 0.5f; e++; }
  while (v < 1.0f) { v *= 2.0f; e--; }
  uint16_t mant = (uint16_t)((v - 1.0f) * 1024.0f);
  return (uint16_t)(sign | (uint16_t)((e + 15) << 10) | mant);
}

static void fill(octet_dtype dt, void *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    float f = (float)((int)(i % 9) - 4) * 0.25f;
    int64_t k = (int64_t)(i % 2); /* valid indices for any dim of 2 */
    switch (dt) {
      case OCTET_DTYPE_FLOAT32: ((float *)p)[i] = f; break;
      case OCTET_DTYPE_FLOAT64: ((double *)p)[i] = f; break;
      case OCTET_DTYPE_FLOAT16: ((uint16_t *)p)[i] = small_to_f16(f); break;
      case OCTET_DTYPE_INT64: ((int64_t *)p)[i] = k; break;
      case OCTET_DTYPE_UINT64: ((uint64_t *)p)[i] = (uint64_t)k; break;
      case OCTET_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)k; break;
      case OCTET_DTYPE_UINT32: ((uint32_t *)p)[i] = (uint32_t)k; break;
      case OCTET_DTYPE_INT16: ((int16_t *)p)[i] = (int16_t)k; break;
      case OCTET_DTYPE_UINT16: ((uint16_t *)p)[i] = (uint16_t)k; break;
      case OCTET_DTYPE_INT8: ((int8_t *)p)[i] = (int8_t)k; break;
      case OCTET_DTYPE_UINT8:
      case OCTET_DTYPE_BOOL: ((uint8_t *)p)[i] = (uint8_t)k; break;
      default: break;
    }
  }
}

/* Inputs with every symbolic dim FUZZ_SYMBOLIC_DIM; false when they cannot
 * be made within FUZZ_MAX_ELEMS. */
static bool make_inputs(const octet_model *m, octet_tensor *in, size_t n_in,
                        fuzz_result *r) {
  size_t total = 0;
  for (size_t i = 0; i < n_in; i++) {
    octet_tensor_info info;
    octet_status st = octet_model_input_info(m, i, &info);
    check_status(r, "octet_model_input_info", "run", st, octet_last_error());
    if (st != OCTET_OK) return false;
    size_t esize = octet_dtype_size(info.dtype);
    if (!info.name) violated(r, "input %zu has no name", i);
    if (esize == 0 || info.rank < 0 || info.rank > OCTET_MAX_RANK) {
      violated(r, "input %zu: dtype %d, rank %d", i, (int)info.dtype, info.rank);
      return false;
    }
    octet_tensor *t = &in[i];
    t->name = info.name;
    t->dtype = info.dtype;
    t->rank = info.rank;
    size_t numel = 1;
    for (int d = 0; d < info.rank; d++) {
      int64_t v = info.dims[d] < 0 ? FUZZ_SYMBOLIC_DIM : info.dims[d];
      if (v > (int64_t)FUZZ_MAX_ELEMS) return false;
      t->dims[d] = v;
      numel *= (size_t)v;
      if (numel > FUZZ_MAX_ELEMS) return false;
    }
    total += numel;
    if (total > FUZZ_MAX_ELEMS) return false;
    t->nbytes = numel * esize;
    t->data = malloc(t->nbytes ? t->nbytes : 1);
    if (!t->data) return false;
    fill(info.dtype, t->data, numel);
  }
  return true;
}

static void check_outputs(octet_session *s, const octet_tensor *out, size_t n_out,
                          fuzz_result *r) {
  for (size_t i = 0; i < n_out; i++) {
    size_t want;
    size_t esize = octet_dtype_size(out[i].dtype);
    want = esize;
    for (int d = 0; d < out[i].rank && d < OCTET_MAX_RANK; d++)
      want *= (size_t)out[i].dims[d];
    if (esize == 0 || out[i].rank < 0 || out[i].rank > OCTET_MAX_RANK ||
        want != out[i].nbytes || (out[i].nbytes && !out[i].data)) {
      violated(r, "output %zu: dtype %d rank %d, %zu bytes", i, (int)out[i].dtype,
               out[i].rank, out[i].nbytes);
      continue;
    }
    /* Read every byte: the sanitizers check the view is in bounds. */
    volatile uint8_t acc = 0;
    for (size_t b = 0; b < out[i].nbytes; b++) acc ^= ((const uint8_t *)out[i].data)[b];
    (void)acc;
  }
  size_t count = 0, bytes = 0;
  double flops = 0;
  octet_session_arena_bytes(s, &bytes);
  octet_session_flops(s, &flops);
  if (octet_session_node_count(s, &count) != OCTET_OK) return;
  for (size_t i = 0; i < count; i++) {
    octet_node_info ni;
    if (octet_session_node_info(s, i, &ni) == OCTET_OK && (!ni.op_type || !ni.backend))
      violated(r, "node %zu: info without op type or backend", i);
  }
}

static void run_session(const octet_model *m, int k, size_t max_plan_bytes,
                        size_t n_in, size_t n_out, fuzz_result *r) {
  octet_session_options opts;
  octet_session_options_init(&opts);
  opts.precision = precisions[k / FUZZ_N_BACKENDS];
  opts.backends = backend_lists[k % FUZZ_N_BACKENDS];
  opts.threads = 1;
  opts.batch = FUZZ_SYMBOLIC_DIM;
  opts.max_plan_bytes = max_plan_bytes;
  octet_session *s = NULL;
  octet_status st = octet_session_create(m, &opts, &s);
  r->create[k] = st;
  check_status(r, "octet_session_create", "create", st, octet_last_error());
  if (st != OCTET_OK) {
    snprintf(r->session_error[k], sizeof r->session_error[k], "%s", octet_last_error());
    if (s) violated(r, "octet_session_create failed but returned a session");
    return;
  }
  octet_tensor in[FUZZ_MAX_IO];
  memset(in, 0, sizeof in);
  if (n_in <= FUZZ_MAX_IO && n_out <= FUZZ_MAX_IO && make_inputs(m, in, n_in, r)) {
    octet_tensor out[FUZZ_MAX_IO];
    memset(out, 0, sizeof out);
    st = octet_session_run(s, in, n_in, out, n_out);
    r->ran[k] = 1;
    r->run[k] = st;
    check_status(r, "octet_session_run", "run", st, octet_session_last_error(s));
    if (st != OCTET_OK)
      snprintf(r->session_error[k], sizeof r->session_error[k], "%s",
               octet_session_last_error(s));
    if (st == OCTET_OK) check_outputs(s, out, n_out, r);
  }
  for (size_t i = 0; i < FUZZ_MAX_IO; i++) free(in[i].data);
  octet_session_destroy(s);
}

void fuzz_one(const uint8_t *data, size_t size, const char *base_dir,
              size_t max_plan_bytes, fuzz_result *r) {
  memset(r, 0, sizeof *r);
  for (int k = 0; k < FUZZ_N_SESSIONS; k++) r->create[k] = r->run[k] = OCTET_OK;
  octet_model *m = NULL;
  r->load = octet_model_load_memory(data, size, base_dir, &m);
  check_status(r, "octet_model_load_memory", "load", r->load, octet_last_error());
  if (r->load != OCTET_OK) {
    if (m) violated(r, "octet_model_load_memory failed but returned a model");
    return;
  }
  size_t n_in = 0, n_out = 0;
  if (octet_model_input_count(m, &n_in) != OCTET_OK ||
      octet_model_output_count(m, &n_out) != OCTET_OK)
    violated(r, "input/output count failed on a loaded model");
  for (size_t i = 0; i < n_out; i++) {
    octet_tensor_info info;
    if (octet_model_output_info(m, i, &info) != OCTET_OK || !info.name)
      violated(r, "output_info %zu failed on a loaded model", i);
  }
  octet_model_stats stats;
  if (octet_model_stats_get(m, &stats) != OCTET_OK)
    violated(r, "stats_get failed on a loaded model");
  const char *op;
  size_t count;
  for (size_t i = 0; octet_model_op_type(m, i, &op, &count) == OCTET_OK; i++)
    if (!op) violated(r, "op_type %zu is NULL", i);
  for (int k = 0; k < FUZZ_N_SESSIONS; k++) run_session(m, k, max_plan_bytes, n_in, n_out, r);
  octet_model_destroy(m);
}
