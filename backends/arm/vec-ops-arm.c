/* Selector of the vectorised arm64 non-GEMM ops (see vec-ops-arm.h): a
 * table of (op, dtype) entries whose kernels pass the NEON microkernels of
 * vec-ukernels-neon.h to the portable drivers of common/vec-drivers.h (the
 * set is common/vec-kernel-set.h's). */
#include "backends/arm/vec-ops-arm.h"

#include "backends/arm/vec-ukernels-neon.h"
#include "backends/common/vec-kernel-set.h"

/* ---- kernel entry points and table ------------------------------------ */

OCTET_VEC_KERNEL_SET_ENTRIES(neon)

enum { NEON = 1 }; /* octet_vec_entry.level: one set for every arm64 CPU */

static const octet_vec_entry k_entries[] = {OCTET_VEC_KERNEL_SET_ROWS(neon, NEON)};

/* ---- selector ------------------------------------------------------------ */

octet_kernel_fn octet_arm_select_vec_kernel(const octet_node *node,
                                            const octet_tview *in, int n_in,
                                            const octet_tview *out, int n_out,
                                            octet_isa isa, const char **name) {
  if (isa != OCTET_ISA_NEON && isa != OCTET_ISA_DOTPROD &&
      isa != OCTET_ISA_I8MM) {
    if (name) *name = NULL;
    return NULL;
  }
  return octet_vec_select(k_entries, sizeof k_entries / sizeof k_entries[0],
                          NEON, node, in, n_in, out, n_out, name);
}
