/* The reference backend: every op in portable C (the kernels in this folder),
 * the oracle of all tests. It owns the op -> kernel table, generated from
 * core/ops.def like the op registry (src/ops/registry.c), so an op without
 * a reference kernel does not link. */
#include <string.h>

#include "backends/backend.h"
#include "backends/ref/linear.h"

#define OP(name, a, b, c, d, s)                                               \
  octet_status octet_ref_##name(const octet_node *, const octet_tview *, int, \
                                octet_tview *, int, const octet_kctx *);
#include "core/ops.def"
#include "core/ops-internal.def"
#undef OP

typedef struct ref_entry {
  const char *op_type;
  octet_kernel_fn run;
} ref_entry;

static const ref_entry table[] = {
#define OP(name, a, b, c, d, s) {#name, octet_ref_##name},
#include "core/ops.def"
#undef OP
#define OP(name, a, b, c, d, s) {"Octet" #name, octet_ref_##name},
#include "core/ops-internal.def"
#undef OP
};

octet_kernel_fn octet_backend_oracle_kernel(const octet_node *node) {
  if (!node || !node->op_type) return NULL;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(table[i].op_type, node->op_type) == 0) return table[i].run;
  return NULL;
}

static bool ref_supports(const octet_node *node, const octet_tview *in,
                         int n_in, const octet_tview *out, int n_out,
                         const octet_plan_ctx *ctx) {
  (void)in; (void)n_in; (void)out; (void)n_out; (void)ctx;
  return octet_backend_oracle_kernel(node) != NULL;
}

static octet_status ref_prepare(const octet_node *node, const octet_tview *in,
                                int n_in, const octet_tview *out, int n_out,
                                const octet_plan_ctx *ctx, octet_node_kernel *k) {
  (void)n_in; (void)n_out; (void)ctx;
  if (strcmp(node->op_type, "OctetLinear") == 0)
    return octet_ref_linear_prepare(node, in, out, k);
  k->run = octet_backend_oracle_kernel(node);
  if (!k->run)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "ref: no kernel for op '%s' (node '%s')",
                      node->op_type, node->name);
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
