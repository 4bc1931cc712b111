/* The sliding-window geometry of Conv, ConvTranspose, MaxPool and
 * AveragePool (ONNX semantics, opsets 11-22): kernel, strides, dilations,
 * pads (from `pads` or `auto_pad`), ceil_mode and the output's spatial
 * size, read once from a node's attributes and checked (negative pads, zero
 * strides, a kernel larger than the padded input, sizes that overflow).
 * Shape inference (src/ops/conv.c, pool.c) and the reference kernels
 * (backends/ref/conv.c, pool.c) read the same struct, so they cannot
 * disagree. Layout: NCHW (N, C, D1 ... Dk), as ONNX. */
#ifndef OCTET_WINDOW_H
#define OCTET_WINDOW_H

#include "core/ir.h"

/* Spatial ranks the kernels take (1-D, 2-D and 3-D). */
#define OCTET_WINDOW_MAX_SPATIAL 3

typedef enum octet_window_kind {
  OCTET_WINDOW_CONV,           /* kernel from W, no ceil_mode */
  OCTET_WINDOW_POOL,           /* kernel_shape required, ceil_mode */
  OCTET_WINDOW_CONV_TRANSPOSE, /* output_padding, output_shape */
} octet_window_kind;

typedef struct octet_window {
  int nsp;                         /* spatial dims */
  int64_t in[OCTET_WINDOW_MAX_SPATIAL], out[OCTET_WINDOW_MAX_SPATIAL];
  int64_t kernel[OCTET_WINDOW_MAX_SPATIAL];
  int64_t stride[OCTET_WINDOW_MAX_SPATIAL], dilation[OCTET_WINDOW_MAX_SPATIAL];
  /* pads at the start and the end of each spatial axis (ConvTranspose: of
   * the full output, cropped), after auto_pad */
  int64_t pad0[OCTET_WINDOW_MAX_SPATIAL], pad1[OCTET_WINDOW_MAX_SPATIAL];
} octet_window;

/* Reads the window of node `n` whose input X has the spatial dims `in`
 * (nsp of them). `wkernel` is W's spatial dims (Conv, ConvTranspose; NULL
 * for pooling, which needs kernel_shape). Fails with a message naming the
 * node, the attribute and the axis. */
octet_status octet_window_get(const octet_node *n, octet_window_kind kind,
                              const int64_t *in, int nsp, const int64_t *wkernel,
                              octet_window *w);

/* Number of output elements per (n, c) plane, and of kernel taps. */
int64_t octet_window_out_numel(const octet_window *w);

#endif
