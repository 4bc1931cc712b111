/* The reduced axes of a Reduce* node (issue 16's ReduceMax, ReduceMin,
 * ReduceProd, ReduceL2, ...), read once for shape inference (src/ops/
 * reduce.c) and the kernels (backends/ref/reduce.c): the `axes` attribute
 * before the op's opset `axes_input_opset`, input 1 from it on (with the
 * `noop_with_empty_axes` attribute). */
#ifndef OCTET_CORE_REDUCE_AXES_H
#define OCTET_CORE_REDUCE_AXES_H

#include "core/ir.h"

/* mask[d] is set for every reduced axis of in[0]; *noop when the output is
 * the input (no axes and noop_with_empty_axes = 1). No axes and no noop:
 * every axis. Fails (octet_fail, naming the node) on an axis out of range
 * or repeated, axes of the wrong form for the opset, type or rank, axes not
 * known at planning (OCTET_ERR_DATA_DEPENDENT), keepdims or
 * noop_with_empty_axes other than 0 and 1. */
octet_status octet_reduce_axes_get(const octet_node *n, const octet_tview *in,
                                   int n_in, int64_t axes_input_opset,
                                   bool *mask, bool *noop);

#endif
