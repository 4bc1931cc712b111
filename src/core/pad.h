/* Pad's parameters read from a node and its inputs, once for the shape
 * inference (src/ops/pad.c, which validates them with clear errors) and
 * the kernels (backends/ref/pad.c): the mode, and per axis the pads before
 * and after (negative: crop), from the `pads` attribute (Pad-2) or input 1
 * (Pad-11+), the latter restricted to the axes of input 3 (Pad-18+). */
#ifndef OCTET_CORE_PAD_H
#define OCTET_CORE_PAD_H

#include "core/ir.h"

typedef enum octet_pad_mode {
  OCTET_PAD_CONSTANT = 0,
  OCTET_PAD_REFLECT = 1,
  OCTET_PAD_EDGE = 2,
  OCTET_PAD_WRAP = 3, /* Pad-19 */
} octet_pad_mode;

/* Largest |pad| accepted: output dims stay far from int64 overflow. */
#define OCTET_PAD_MAX ((int64_t)1 << 40)

typedef struct octet_pad_params {
  octet_pad_mode mode;
  int rank;
  int64_t begin[OCTET_MAX_RANK], end[OCTET_MAX_RANK];
} octet_pad_params;

/* Fills p for input x (in[0]) of rank x->rank. Fails (octet_fail, naming
 * the node) on an unknown mode, pads of the wrong length, type or
 * magnitude, bad or repeated axes, inputs of the wrong opset, or pads not
 * known at plan time (OCTET_ERR_DATA_DEPENDENT). */
octet_status octet_pad_params_get(const octet_node *n, const octet_tview *in,
                                  int n_in, octet_pad_params *p);

#endif
