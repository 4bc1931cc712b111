/* ONNX protobuf -> octet graph IR. */
#ifndef OCTET_ONNX_LOADER_H
#define OCTET_ONNX_LOADER_H

#include "core/ir.h"

/* The default-domain opsets octet reads: 28 is the newest opset of the
 * onnx package whose backend node tests octet runs (1.23; tests/
 * test-onnx-node.c). A newer opset may change what an op means, so it is
 * refused rather than guessed. */
#define OCTET_OPSET_MIN 7
#define OCTET_OPSET_MAX 28

/* Parses a serialized ModelProto into `g` (validated: dtypes, sizes, names,
 * ops known). External data is read relative to base_dir (may be NULL). */
octet_status octet_onnx_parse_model(const void *buf, size_t len,
                                    const char *base_dir, octet_graph *g);

/* Parses a serialized TensorProto (as in the ONNX test data sets'
 * input_N.pb / output_N.pb). On success out->data is malloc'ed (free()),
 * and *name (if non-NULL) receives a malloc'ed copy of the tensor's name. */
octet_status octet_onnx_parse_tensor(const void *buf, size_t len,
                                     const char *base_dir, octet_tview *out,
                                     char **name);

/* Reads a whole file into a malloc'ed buffer (bounded by max_bytes). */
octet_status octet_read_file(const char *path, size_t max_bytes, void **buf,
                             size_t *len);

#endif
