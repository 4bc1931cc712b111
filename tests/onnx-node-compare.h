/* Comparison of a node test's outputs with the ONNX reference data, for
 * test-onnx-node.c: dtype and shape must match; floats within the node
 * tests' tolerance (rtol 1e-3, atol 1e-7, 1e-3 for fp16; NaN equal to NaN), other types
 * exactly. */
#ifndef OCTET_ONNX_NODE_COMPARE_H
#define OCTET_ONNX_NODE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/ir.h"
#include "octet.h"

/* False with a message in msg when output `idx` differs from its reference. */
bool onnx_node_compare(const octet_tensor *got, const octet_tview *want, int idx, char *msg,
                       size_t cap);

#endif
