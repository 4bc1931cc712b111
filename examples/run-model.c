/* A small program using octet as an installed library: loads an ONNX model,
 * fills every input with a fixed pattern (symbolic dims: 2), runs it at the
 * chosen precision and prints each output's shape and a checksum.
 *
 *   cc -std=c11 run-model.c $(pkg-config --cflags --libs octet) -o run-model
 *   ./run-model model.onnx [fp32|fp16|w8a8]
 *
 * (tests/test-install.sh builds and runs it against an installed prefix.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <octet.h>

/* Fills n elements of dtype with a small pattern (integers: 1, a valid
 * token id and attention mask alike). */
static int fill(void *data, octet_dtype dtype, size_t n) {
  for (size_t i = 0; i < n; i++) {
    switch (dtype) {
      case OCTET_DTYPE_FLOAT32: ((float *)data)[i] = (float)(i % 7) / 7.0f - 0.5f; break;
      case OCTET_DTYPE_INT64: ((int64_t *)data)[i] = 1; break;
      case OCTET_DTYPE_INT32: ((int32_t *)data)[i] = 1; break;
      default: return -1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL.onnx [fp32|fp16|w8a8]\n", argv[0]);
    return 2;
  }
  octet_session_options opts;
  octet_session_options_init(&opts);
  opts.threads = 2;
  if (argc > 2 && octet_precision_parse(argv[2], &opts.precision) != OCTET_OK) {
    fprintf(stderr, "%s\n", octet_last_error());
    return 2;
  }
  octet_model *model = NULL;
  if (octet_model_load(argv[1], &model) != OCTET_OK) {
    fprintf(stderr, "%s\n", octet_last_error());
    return 1;
  }
  printf("octet %s, %s\n", octet_version(), argv[1]);
  size_t n_in = 0, n_out = 0;
  octet_model_input_count(model, &n_in);
  octet_model_output_count(model, &n_out);
  octet_tensor *in = calloc(n_in + 1, sizeof *in), *out = calloc(n_out + 1, sizeof *out);
  octet_session *session = NULL;
  int rc = 1;
  if (!in || !out) goto done;
  for (size_t i = 0; i < n_in; i++) {
    octet_tensor_info info;
    octet_model_input_info(model, i, &info);
    in[i].name = info.name;
    in[i].dtype = info.dtype;
    in[i].rank = info.rank;
    size_t n = 1;
    for (int d = 0; d < info.rank; d++) {
      in[i].dims[d] = info.dims[d] < 0 ? 2 : info.dims[d];
      n *= (size_t)in[i].dims[d];
    }
    in[i].nbytes = n * octet_dtype_size(info.dtype);
    in[i].data = malloc(in[i].nbytes ? in[i].nbytes : 1);
    if (!in[i].data || fill(in[i].data, info.dtype, n) != 0) {
      fprintf(stderr, "input '%s': cannot fill %s\n", info.name, octet_dtype_name(info.dtype));
      goto done;
    }
  }
  if (octet_session_create(model, &opts, &session) != OCTET_OK) {
    fprintf(stderr, "%s\n", octet_last_error());
    goto done;
  }
  if (octet_session_run(session, in, n_in, out, n_out) != OCTET_OK) {
    fprintf(stderr, "%s\n", octet_session_last_error(session));
    goto done;
  }
  for (size_t i = 0; i < n_out; i++) {
    printf("output %s %s [", out[i].name, octet_dtype_name(out[i].dtype));
    for (int d = 0; d < out[i].rank; d++) printf("%s%lld", d ? "," : "", (long long)out[i].dims[d]);
    double sum = 0.0;
    if (out[i].dtype == OCTET_DTYPE_FLOAT32)
      for (size_t k = 0; k < out[i].nbytes / sizeof(float); k++) sum += ((const float *)out[i].data)[k];
    printf("] sum %.6g\n", sum);
  }
  rc = 0;
done:
  if (in)
    for (size_t i = 0; i < n_in; i++) free(in[i].data);
  free(in);
  free(out);
  octet_session_destroy(session);
  octet_model_destroy(model);
  return rc;
}
