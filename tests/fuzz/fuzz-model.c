/* libFuzzer target: the ONNX loader and the session.
 *
 * Each input is an ONNX file. If it loads, the model is queried through the
 * public API and, for each precision (fp32, fp16, w8a8) and each backend
 * list ("ref", and "x86" — the default order of a build without the library
 * backends), a session is created, planned for small input shapes (every
 * symbolic dim = 2) and run once on well-formed inputs when the inputs have
 * at most FUZZ_MAX_ELEMS elements in all. Every failure must come back as a
 * status with a non-empty message: a failure without one traps, and so does
 * anything the sanitizers catch. Built by `tools/fuzz.sh` (meson -Dfuzz=enabled
 * with clang). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "octet.h"

#define FUZZ_MAX_ELEMS ((size_t)1 << 16)
#define FUZZ_MAX_IO 16
#define FUZZ_SYMBOLIC_DIM 2

/* External data is looked up here: an empty folder with one file of known
 * bytes (ext.bin), so `location: "ext.bin"` can load and nothing else on the
 * machine can be read. */
static char base_dir[64];
static char ext_path[128];

static void remove_base_dir(void) {
  unlink(ext_path);
  rmdir(base_dir);
}

static void fail(const char *what, octet_status st) {
  fprintf(stderr, "fuzz-model: %s failed with status %d (%s) and no message\n",
          what, (int)st, octet_status_str(st));
  __builtin_trap();
}

static void expect_message(const char *what, octet_status st, const char *msg) {
  if (st == OCTET_OK) return;
  if ((int)st < 0 || (int)st > OCTET_ERR_INTERNAL) fail(what, st);
  if (!msg || !msg[0]) fail(what, st);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  setenv("OMP_NUM_THREADS", "1", 1);
  snprintf(base_dir, sizeof base_dir, "/tmp/octet-fuzz-XXXXXX");
  if (!mkdtemp(base_dir)) {
    perror("mkdtemp");
    abort();
  }
  snprintf(ext_path, sizeof ext_path, "%s/ext.bin", base_dir);
  FILE *f = fopen(ext_path, "wb");
  if (!f) {
    perror(ext_path);
    abort();
  }
  for (int i = 0; i < 4096; i++) fputc((i * 37 + 11) & 0x7f, f);
  fclose(f);
  atexit(remove_base_dir);
  return 0;
}

static uint16_t f32_to_f16_small(float v) {
  /* Inputs are k/4 for small k: exact in fp16. Encode by hand. */
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
      case OCTET_DTYPE_FLOAT16: ((uint16_t *)p)[i] = f32_to_f16_small(f); break;
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

/* Inputs for one run: symbolic dims become FUZZ_SYMBOLIC_DIM. Returns the
 * number of inputs made, or -1 when they cannot be made small enough. */
static int make_inputs(const octet_model *m, octet_tensor *in, size_t n_in) {
  size_t total = 0;
  for (size_t i = 0; i < n_in; i++) {
    octet_tensor_info info;
    octet_status st = octet_model_input_info(m, i, &info);
    expect_message("octet_model_input_info", st, octet_last_error());
    if (st != OCTET_OK) return -1;
    size_t esize = octet_dtype_size(info.dtype);
    if (esize == 0 || info.rank < 0 || info.rank > OCTET_MAX_RANK) return -1;
    octet_tensor *t = &in[i];
    memset(t, 0, sizeof *t);
    t->name = info.name;
    t->dtype = info.dtype;
    t->rank = info.rank;
    size_t numel = 1;
    for (int d = 0; d < info.rank; d++) {
      int64_t v = info.dims[d] < 0 ? FUZZ_SYMBOLIC_DIM : info.dims[d];
      t->dims[d] = v;
      if (v > (int64_t)FUZZ_MAX_ELEMS) return -1;
      numel *= (size_t)v;
      if (numel > FUZZ_MAX_ELEMS) return -1;
    }
    total += numel;
    if (total > FUZZ_MAX_ELEMS) return -1;
    t->nbytes = numel * esize;
    t->data = malloc(t->nbytes ? t->nbytes : 1);
    if (!t->data) return -1;
    fill(info.dtype, t->data, numel);
  }
  return (int)n_in;
}

static void run_session(const octet_model *m, octet_precision prec,
                        const char *backends, size_t n_in, size_t n_out) {
  octet_session_options opts;
  octet_session_options_init(&opts);
  opts.precision = prec;
  opts.backends = backends;
  opts.threads = 1;
  opts.batch = FUZZ_SYMBOLIC_DIM;
  octet_session *s = NULL;
  octet_status st = octet_session_create(m, &opts, &s);
  expect_message("octet_session_create", st, octet_last_error());
  if (st != OCTET_OK) {
    if (s) fail("octet_session_create (left a session)", st);
    return;
  }
  octet_tensor in[FUZZ_MAX_IO];
  memset(in, 0, sizeof in);
  if (n_in <= FUZZ_MAX_IO && n_out <= FUZZ_MAX_IO &&
      make_inputs(m, in, n_in) == (int)n_in) {
    octet_tensor out[FUZZ_MAX_IO];
    st = octet_session_run(s, in, n_in, out, n_out);
    expect_message("octet_session_run", st, octet_session_last_error(s));
    if (st == OCTET_OK) {
      for (size_t i = 0; i < n_out; i++) {
        /* Read every output byte: ASan checks the views are in bounds. */
        volatile uint8_t acc = 0;
        for (size_t b = 0; b < out[i].nbytes; b++)
          acc ^= ((const uint8_t *)out[i].data)[b];
        (void)acc;
      }
      size_t count = 0, bytes = 0;
      octet_session_arena_bytes(s, &bytes);
      if (octet_session_node_count(s, &count) == OCTET_OK) {
        for (size_t i = 0; i < count; i++) {
          octet_node_info ni;
          if (octet_session_node_info(s, i, &ni) == OCTET_OK &&
              (!ni.op_type || !ni.backend))
            fail("octet_session_node_info (NULL strings)", OCTET_ERR_INTERNAL);
        }
      }
    }
  }
  for (size_t i = 0; i < FUZZ_MAX_IO; i++) free(in[i].data);
  octet_session_destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  octet_model *m = NULL;
  octet_status st = octet_model_load_memory(data, size, base_dir, &m);
  expect_message("octet_model_load_memory", st, octet_last_error());
  if (st != OCTET_OK) {
    if (m) fail("octet_model_load_memory (left a model)", st);
    return 0;
  }
  size_t n_in = 0, n_out = 0;
  if (octet_model_input_count(m, &n_in) != OCTET_OK ||
      octet_model_output_count(m, &n_out) != OCTET_OK)
    fail("octet_model_input_count/output_count", OCTET_ERR_INTERNAL);
  for (size_t i = 0; i < n_out; i++) {
    octet_tensor_info info;
    if (octet_model_output_info(m, i, &info) != OCTET_OK || !info.name)
      fail("octet_model_output_info", OCTET_ERR_INTERNAL);
  }
  octet_model_stats stats;
  if (octet_model_stats_get(m, &stats) != OCTET_OK)
    fail("octet_model_stats_get", OCTET_ERR_INTERNAL);
  const char *op;
  size_t count;
  for (size_t i = 0; octet_model_op_type(m, i, &op, &count) == OCTET_OK; i++)
    if (!op) fail("octet_model_op_type (NULL name)", OCTET_ERR_INTERNAL);

  static const octet_precision precs[] = {OCTET_PRECISION_FP32, OCTET_PRECISION_FP16,
                                          OCTET_PRECISION_W8A8};
  static const char *const lists[] = {"ref", "x86"};
  for (size_t p = 0; p < sizeof precs / sizeof precs[0]; p++)
    for (size_t b = 0; b < sizeof lists / sizeof lists[0]; b++)
      run_session(m, precs[p], lists[b], n_in, n_out);
  octet_model_destroy(m);
  return 0;
}
