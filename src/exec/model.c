/* The model handle: load, describe, destroy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/session.h"
#include "onnx/loader.h"

/* Largest model file octet reads into memory (weights beyond this belong in
 * external data files). */
#define MAX_MODEL_FILE ((size_t)4 << 30)

static octet_status finish_model(octet_model *m) {
  octet_graph *g = &m->g;
  m->stats.opset = g->opset;
  m->stats.node_count = (size_t)g->n_nodes;
  for (int i = 0; i < g->n_values; i++) {
    const octet_value *v = &g->values[i];
    if (v->kind != OCTET_VALUE_CONSTANT) continue;
    size_t es = octet_dtype_size(v->dtype);
    m->stats.param_count += es ? v->nbytes / es : 0;
    m->stats.param_bytes += v->nbytes;
  }
  m->op_types = calloc((size_t)g->n_nodes + 1, sizeof *m->op_types);
  m->op_counts = calloc((size_t)g->n_nodes + 1, sizeof *m->op_counts);
  if (!m->op_types || !m->op_counts)
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  for (int i = 0; i < g->n_nodes; i++) {
    size_t k = 0;
    while (k < m->n_op_types && strcmp(m->op_types[k], g->nodes[i].op_type) != 0) k++;
    if (k == m->n_op_types) m->op_types[m->n_op_types++] = g->nodes[i].op_type;
    m->op_counts[k]++;
  }
  if (g->n_inputs > 64 || g->n_outputs > 64)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "more than 64 graph inputs or outputs");
  return OCTET_OK;
}

octet_status octet_model_load_memory(const void *data, size_t size,
                                     const char *base_dir, octet_model **out) {
  if (!out) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "model_load: out is NULL");
  *out = NULL;
  if (!data) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "model_load: data is NULL");
  octet_model *m = calloc(1, sizeof *m);
  if (!m) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  octet_status s = octet_onnx_parse_model(data, size, base_dir, &m->g);
  if (s == OCTET_OK) s = finish_model(m);
  if (s != OCTET_OK) {
    octet_model_destroy(m);
    return s;
  }
  *out = m;
  return OCTET_OK;
}

/* A model made from a graph built in memory (src/models/builtin.c): takes
 * the contents of *g, also on failure, and leaves *g empty. */
octet_status octet_model_from_graph(octet_graph *g, octet_model **out) {
  if (!g || !out) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "model_from_graph: NULL argument");
  *out = NULL;
  octet_model *m = calloc(1, sizeof *m);
  if (!m) {
    octet_graph_free(g);
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  }
  m->g = *g;
  memset(g, 0, sizeof *g);
  octet_status s = finish_model(m);
  if (s != OCTET_OK) {
    octet_model_destroy(m);
    return s;
  }
  *out = m;
  return OCTET_OK;
}

octet_status octet_model_load(const char *path, octet_model **out) {
  if (!out) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "model_load: out is NULL");
  *out = NULL;
  if (!path) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "model_load: path is NULL");
  void *buf;
  size_t len;
  octet_status s = octet_read_file(path, MAX_MODEL_FILE, &buf, &len);
  if (s != OCTET_OK) return s;
  char dir[4096];
  const char *slash = strrchr(path, '/');
  if (slash) {
    size_t n = (size_t)(slash - path);
    if (n >= sizeof dir) n = sizeof dir - 1;
    memcpy(dir, path, n);
    dir[n] = '\0';
    if (n == 0) strcpy(dir, "/");
  } else {
    strcpy(dir, ".");
  }
  s = octet_model_load_memory(buf, len, dir, out);
  free(buf);
  if (s != OCTET_OK) {
    /* Prefix the file name to the message. */
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", octet_last_error());
    octet_fail(s, "%s: %s", path, msg);
  }
  return s;
}

void octet_model_destroy(octet_model *model) {
  if (!model) return;
  octet_graph_free(&model->g);
  free(model->op_types);
  free(model->op_counts);
  free(model);
}

static void fill_info(const octet_value *v, octet_tensor_info *info) {
  memset(info, 0, sizeof *info);
  info->name = v->name;
  info->dtype = v->dtype;
  info->rank = v->rank;
  for (int i = 0; i < v->rank && i < OCTET_MAX_RANK; i++) {
    info->dims[i] = v->dims[i];
    info->dim_names[i] = v->dim_names[i];
  }
}

octet_status octet_model_input_count(const octet_model *model, size_t *count) {
  if (!model || !count) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  *count = (size_t)model->g.n_inputs;
  return OCTET_OK;
}

octet_status octet_model_output_count(const octet_model *model, size_t *count) {
  if (!model || !count) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  *count = (size_t)model->g.n_outputs;
  return OCTET_OK;
}

octet_status octet_model_input_info(const octet_model *model, size_t index,
                                    octet_tensor_info *info) {
  if (!model || !info) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (index >= (size_t)model->g.n_inputs)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "input index %zu out of range (%d inputs)",
                      index, model->g.n_inputs);
  fill_info(&model->g.values[model->g.inputs[index]], info);
  return OCTET_OK;
}

octet_status octet_model_output_info(const octet_model *model, size_t index,
                                     octet_tensor_info *info) {
  if (!model || !info) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (index >= (size_t)model->g.n_outputs)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "output index %zu out of range (%d outputs)",
                      index, model->g.n_outputs);
  fill_info(&model->g.values[model->g.outputs[index]], info);
  return OCTET_OK;
}

octet_status octet_model_stats_get(const octet_model *model, octet_model_stats *stats) {
  if (!model || !stats) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  *stats = model->stats;
  return OCTET_OK;
}

octet_status octet_model_op_type(const octet_model *model, size_t index,
                                 const char **op_type, size_t *count) {
  if (!model || !op_type || !count)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "NULL argument");
  if (index >= model->n_op_types)
    return octet_fail(OCTET_ERR_NOT_FOUND, "op type index %zu out of range", index);
  *op_type = model->op_types[index];
  *count = model->op_counts[index];
  return OCTET_OK;
}
