/* The reference backend: every op in portable C (the kernels in this folder),
 * the oracle of all tests. */
#include <string.h>

#include "backend.h"
#include "ref/linear.h"

static bool ref_supports(const octet_node *node, const octet_tview *in,
                         int n_in, const octet_tview *out, int n_out,
                         const octet_plan_ctx *ctx) {
  (void)in; (void)n_in; (void)out; (void)n_out; (void)ctx;
  return node->def && node->def->ref;
}

static octet_status ref_prepare(const octet_node *node, const octet_tview *in,
                                int n_in, const octet_tview *out, int n_out,
                                const octet_plan_ctx *ctx, octet_node_kernel *k) {
  (void)n_in; (void)n_out; (void)ctx;
  if (strcmp(node->op_type, "OctetLinear") == 0)
    return octet_ref_linear_prepare(node, in, out, k);
  k->run = node->def->ref;
  k->kernel_name = "ref";
  k->state = NULL;
  k->free_state = NULL;
  return OCTET_OK;
}

const octet_backend octet_backend_ref = {
    .api_version = OCTET_BACKEND_API_VERSION,
    .name = "ref",
    .available = NULL,
    .supports = ref_supports,
    .prepare = ref_prepare,
};
