/* The reference OctetLinear (its w8a8 rules are core/quant.h's). */
#ifndef OCTET_REF_LINEAR_H
#define OCTET_REF_LINEAR_H

#include "backends/backend.h"

octet_status octet_ref_linear_prepare(const octet_node *n, const octet_tview *in,
                                      const octet_tview *out, octet_node_kernel *k);
octet_status octet_ref_Linear(const octet_node *n, const octet_tview *in, int n_in,
                              octet_tview *out, int n_out, const octet_kctx *ctx);

#endif
