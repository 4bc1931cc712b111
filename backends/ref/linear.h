/* The reference OctetLinear and its w8a8 quantization rules. */
#ifndef OCTET_REF_LINEAR_H
#define OCTET_REF_LINEAR_H

#include "backends/backend.h"

void octet_qs8_quantize_weights_ref(const float *w, int64_t K, int64_t N,
                                    int8_t *qw, float *scale);
void octet_qs8_quantize_row_ref(const float *x, int64_t K, int8_t *q,
                                float *scale);
octet_status octet_ref_linear_prepare(const octet_node *n, const octet_tview *in,
                                      const octet_tview *out, octet_node_kernel *k);
octet_status octet_ref_Linear(const octet_node *n, const octet_tview *in, int n_in,
                              octet_tview *out, int n_out, const octet_kctx *ctx);

#endif
