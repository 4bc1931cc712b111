/* Builds small ONNX models in C (through the generated protobuf-c structs)
 * for tests that need a valid model to start from. */
#ifndef OCTET_ONNX_BUILD_H
#define OCTET_ONNX_BUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct ob_model ob_model;
typedef struct ob_node ob_node;

ob_model *ob_new(int64_t opset);
/* Removes the model's opset_import entry (a model that imports none). */
void ob_no_opset(ob_model *m);
void ob_free(ob_model *m);
/* dims[i] < 0 declares a symbolic dim named "batch" (i == 0) or "d<i>". */
void ob_input(ob_model *m, const char *name, int dtype, int rank,
              const int64_t *dims);
/* As ob_input, but every dim is written as dim_value dims[i] as it is
 * (negative and 0 values too, no dim_param): what paddle2onnx writes. */
void ob_input_dim_values(ob_model *m, const char *name, int dtype, int rank,
                         const int64_t *dims);
/* Renames the dim_param of dim `dim` of the last input added (which must be
 * symbolic there): e.g. "?", as paddle2onnx names every unknown dim. */
void ob_input_dim_param(ob_model *m, int dim, const char *param);
void ob_output(ob_model *m, const char *name, int dtype);
void ob_init_raw(ob_model *m, const char *name, int dtype, int rank,
                 const int64_t *dims, const void *data, size_t nbytes);
void ob_init_f32(ob_model *m, const char *name, int rank, const int64_t *dims,
                 const float *data); /* stored in float_data */
void ob_init_i64(ob_model *m, const char *name, int rank, const int64_t *dims,
                 const int64_t *data); /* stored in int64_data */
/* External data: offset and length may be NULL. */
void ob_init_external(ob_model *m, const char *name, int dtype, int rank,
                      const int64_t *dims, const char *location,
                      const char *offset, const char *length);
ob_node *ob_node_add(ob_model *m, const char *op, const char *name,
                     int n_in, const char *const *ins, int n_out,
                     const char *const *outs);
void ob_attr_int(ob_node *n, const char *name, int64_t v);
void ob_attr_float(ob_node *n, const char *name, float v);
void ob_attr_ints(ob_node *n, const char *name, int count, const int64_t *v);
void ob_attr_string(ob_node *n, const char *name, const char *v);
/* Serializes; the caller frees the buffer with free(). */
uint8_t *ob_pack(ob_model *m, size_t *len);

#endif
