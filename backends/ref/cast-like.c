/* Reference kernel of CastLike: Cast's kernel (it converts input 0 to the
 * output's dtype, which infer took from input 1). */
#include "core/ir.h"

octet_status octet_ref_Cast(const octet_node *, const octet_tview *, int, octet_tview *,
                            int, const octet_kctx *);

octet_status octet_ref_CastLike(const octet_node *node, const octet_tview *in, int n_in,
                                octet_tview *out, int n_out, const octet_kctx *ctx) {
  return octet_ref_Cast(node, in, n_in < 1 ? n_in : 1, out, n_out, ctx);
}
