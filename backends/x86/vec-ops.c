/* Selector of the vectorised x86 non-GEMM ops (see vec-ops.h): a table of
 * (op, dtype, ISA) entries whose kernels pass the AVX2 and AVX-512
 * microkernels of vec-ukernels.h to the portable drivers of
 * common/vec-drivers.h (the set is common/vec-kernel-set.h's). */
#include "backends/x86/vec-ops.h"

#include "backends/common/vec-kernel-set.h"
#include "backends/x86/vec-ukernels.h"

/* ---- kernel entry points and table ------------------------------------ */

OCTET_VEC_KERNEL_SET_ENTRIES(avx2)
OCTET_VEC_KERNEL_SET_ENTRIES(avx512)

enum { AVX2 = 1, AVX512 = 2 }; /* octet_vec_entry.level */

static const octet_vec_entry k_entries[] = {
    OCTET_VEC_KERNEL_SET_ROWS(avx2, AVX2)
    OCTET_VEC_KERNEL_SET_ROWS(avx512, AVX512)
};

/* ---- selector ------------------------------------------------------------ */

octet_kernel_fn octet_x86_select_kernel(const octet_node *node,
                                        const octet_tview *in, int n_in,
                                        const octet_tview *out, int n_out,
                                        octet_isa isa, const char **name) {
  int level;
  switch (isa) {
    case OCTET_ISA_AVX2:
    case OCTET_ISA_AVXVNNI:
      level = AVX2;
      break;
    case OCTET_ISA_AVX512:
    case OCTET_ISA_AVX512VNNI:
    case OCTET_ISA_AMX:
      level = AVX512;
      break;
    default:
      if (name) *name = NULL;
      return NULL;
  }
  return octet_vec_select(k_entries, sizeof k_entries / sizeof k_entries[0],
                          level, node, in, n_in, out, n_out, name);
}
