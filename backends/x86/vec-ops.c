/* Selector and drivers of the vectorised non-GEMM ops (see vec-ops.h).
 * Portable C, compiled without -m flags: the drivers work out rows and
 * broadcast patterns from the tensor views, split the work over OpenMP
 * threads and call the per-ISA microkernels of vec-ukernels.h, which run
 * only when the selector picked them for an ISA the CPU has. */
#include "x86/vec-ops.h"

#include <string.h>

#include "x86/vec-ukernels.h"

/* Elements above which a kernel uses several threads; elementwise work is
 * split in blocks of VEC_BLOCK elements. */
#define VEC_PAR_MIN 32768
#define VEC_BLOCK 16384

static int vec_threads(int64_t work, const octet_kctx *ctx) {
  int t = ctx ? ctx->threads : 1;
  return work > VEC_PAR_MIN && t > 1 ? t : 1;
}

static bool is_f32_or_f16(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16;
}

static int64_t prod(const int64_t *d, int from, int to) {
  int64_t n = 1;
  for (int i = from; i < to; i++) n *= d[i];
  return n;
}

/* Shapes changed since selection into something the kernels do not cover:
 * run the op's reference kernel instead. */
static octet_status delegate(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out,
                             const octet_kctx *ctx) {
  const octet_op_def *def = octet_op_find(node->op_type);
  if (!def || !def->ref)
    return octet_fail(OCTET_ERR_INTERNAL, "x86 %s '%s': no fallback kernel",
                      node->op_type, node->name);
  return def->ref(node, in, n_in, out, n_out, ctx);
}

/* ---- elementwise (unary ops and Cast) ---------------------------------- */

static bool unary_ok(const octet_tview *in, int n_in, const octet_tview *out,
                     int n_out) {
  return n_in >= 1 && n_out >= 1 && tv_numel(&in[0]) == tv_numel(&out[0]);
}

static octet_status run_unary(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out,
                              const octet_kctx *ctx, octet_vunary_ukernel uk,
                              size_t in_es, size_t out_es) {
  if (!unary_ok(in, n_in, out, n_out))
    return delegate(node, in, n_in, out, n_out, ctx);
  int64_t n = tv_numel(&out[0]);
  const char *x = in[0].data;
  char *y = out[0].data;
  int64_t blocks = (n + VEC_BLOCK - 1) / VEC_BLOCK;
  int nt = vec_threads(n, ctx);
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t b = 0; b < blocks; b++) {
    int64_t i = b * VEC_BLOCK, k = n - i < VEC_BLOCK ? n - i : VEC_BLOCK;
    uk((size_t)k, x + i * in_es, y + i * out_es);
  }
  return OCTET_OK;
}

/* ---- binary ops ---------------------------------------------------------- */

typedef enum bin_kind {
  BIN_NONE,
  BIN_SAME,     /* a, b and y have the same number of elements */
  BIN_A_SCALAR, /* a has one element */
  BIN_B_SCALAR,
  BIN_A_ROWS, /* a is [G, 1, N] against y seen as [G, R, N] (is_rows) */
  BIN_B_ROWS,
} bin_kind;

typedef struct bin_pattern {
  bin_kind kind;
  int64_t g, r, n; /* BIN_*_ROWS: y = [G, R, N], the row operand [G, 1, N] */
} bin_pattern;

/* Dim i of v right-aligned against a rank-(v->rank + off) shape. */
static int64_t aligned_dim(const octet_tview *v, int off, int i) {
  return i >= off ? v->dims[i - off] : 1;
}

/* Whether v, right-aligned against y, is [G, 1, N]: from the end, dims
 * equal to y's (their product is N, the row), then dims of 1 (R of y's
 * rows per row of v), then dims equal to y's again (G). Covers a bias [N]
 * (G = 1), positions [1, S, H] against [B, S, H] (N = S H), and an
 * attention mask [B, 1, 1, S] against scores [B, H, S, S]. */
static bool is_rows(const octet_tview *v, const octet_tview *y,
                    bin_pattern *p) {
  int ry = y->rank, off = ry - v->rank, d = ry - 1;
  if (off < 0) return false;
  while (d >= 0 && aligned_dim(v, off, d) == y->dims[d]) d--;
  int row_start = d + 1;
  while (d >= 0 && aligned_dim(v, off, d) == 1) d--;
  int mid_start = d + 1;
  for (; d >= 0; d--)
    if (aligned_dim(v, off, d) != y->dims[d]) return false;
  p->g = prod(y->dims, 0, mid_start);
  p->r = prod(y->dims, mid_start, row_start);
  p->n = prod(y->dims, row_start, ry);
  return p->n >= 2;
}

static bin_pattern binary_pattern(const octet_tview *in, int n_in,
                                  const octet_tview *out, int n_out) {
  bin_pattern p = {BIN_NONE, 0, 0, 0};
  if (n_in != 2 || n_out < 1) return p;
  const octet_tview *a = &in[0], *b = &in[1], *y = &out[0];
  int64_t na = tv_numel(a), nb = tv_numel(b), ny = tv_numel(y);
  if (na == ny && nb == ny)
    p.kind = BIN_SAME;
  else if (na == ny && nb == 1)
    p.kind = BIN_B_SCALAR;
  else if (nb == ny && na == 1)
    p.kind = BIN_A_SCALAR;
  else if (na == ny && is_rows(b, y, &p))
    p.kind = BIN_B_ROWS;
  else if (nb == ny && is_rows(a, y, &p))
    p.kind = BIN_A_ROWS;
  return p;
}

/* The three microkernels of one op and dtype: y = a op b, y = a op b[0],
 * y = b[0] op a (for Add and Mul the second serves, operands swapped). */
typedef struct bin_uks {
  octet_vbinary_ukernel v, c, rc;
} bin_uks;

static octet_status run_binary(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out,
                               const octet_kctx *ctx, bin_uks uk, size_t es) {
  bin_pattern p = binary_pattern(in, n_in, out, n_out);
  if (p.kind == BIN_NONE) return delegate(node, in, n_in, out, n_out, ctx);
  int64_t n = tv_numel(&out[0]);
  if (n == 0) return OCTET_OK;
  const char *a = in[0].data, *b = in[1].data;
  char *y = out[0].data;
  int nt = vec_threads(n, ctx);
  if (p.kind == BIN_A_ROWS || p.kind == BIN_B_ROWS) {
    /* (row, block of the row) pairs, so one long row is split too */
    int64_t bpr = (p.n + VEC_BLOCK - 1) / VEC_BLOCK, work = p.g * p.r * bpr;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
    for (int64_t q = 0; q < work; q++) {
      int64_t row = q / bpr, j = q % bpr * VEC_BLOCK;
      int64_t m = p.n - j < VEC_BLOCK ? p.n - j : VEC_BLOCK;
      size_t off = (size_t)(row * p.n + j) * es;
      size_t roff = (size_t)(row / p.r * p.n + j) * es; /* in [G, 1, N] */
      if (p.kind == BIN_B_ROWS)
        uk.v((size_t)m, a + off, b + roff, y + off);
      else
        uk.v((size_t)m, a + roff, b + off, y + off);
    }
    return OCTET_OK;
  }
  int64_t blocks = (n + VEC_BLOCK - 1) / VEC_BLOCK;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t k = 0; k < blocks; k++) {
    int64_t i = k * VEC_BLOCK, m = n - i < VEC_BLOCK ? n - i : VEC_BLOCK;
    size_t off = (size_t)i * es;
    if (p.kind == BIN_SAME)
      uk.v((size_t)m, a + off, b + off, y + off);
    else if (p.kind == BIN_B_SCALAR)
      uk.c((size_t)m, a + off, b, y + off);
    else
      uk.rc((size_t)m, b + off, a, y + off);
  }
  return OCTET_OK;
}

/* ---- Softmax ------------------------------------------------------------- */

/* Rows of `len` contiguous elements: the last axis (opset >= 13, or any
 * axis followed only by size-1 dims), or any axis before opset 13 (which
 * flattens the input to 2-D there). */
static bool softmax_rows(const octet_node *node, const octet_tview *x,
                         int64_t *rows, int64_t *len) {
  bool legacy = node->opset > 0 && node->opset < 13;
  int64_t axis = attr_int(node, "axis", legacy ? 1 : -1);
  int r = x->rank, a;
  if (legacy) {
    if (axis < -(int64_t)r || axis > (int64_t)r) return false;
    a = (int)(axis < 0 ? axis + r : axis);
    *len = prod(x->dims, a, r);
  } else {
    if (!norm_axis(axis, r, &a) || prod(x->dims, a + 1, r) != 1) return false;
    *len = x->dims[a];
  }
  *rows = prod(x->dims, 0, a);
  return true;
}

static octet_status run_softmax(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out,
                                const octet_kctx *ctx, octet_softmax_ukernel uk,
                                size_t es) {
  int64_t rows, len;
  if (n_in < 1 || n_out < 1 || !softmax_rows(node, &in[0], &rows, &len))
    return delegate(node, in, n_in, out, n_out, ctx);
  if (rows == 0 || len == 0) return OCTET_OK;
  const char *x = in[0].data;
  char *y = out[0].data;
  int nt = vec_threads(rows * len, ctx);
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    size_t off = (size_t)(r * len) * es;
    uk((size_t)len, x + off, y + off);
  }
  return OCTET_OK;
}

/* ---- LayerNormalization -------------------------------------------------- */

/* Scale or B laid out exactly over X.shape[axis:] (no broadcast inside a
 * row), in X's dtype. */
static bool ln_param_dense(const octet_tview *p, const octet_tview *x, int ax) {
  if (p->dtype != x->dtype || p->rank > x->rank) return false;
  for (int d = 0; d < x->rank; d++) {
    int pi = d - (x->rank - p->rank);
    int64_t pd = pi >= 0 ? p->dims[pi] : 1;
    if (d < ax ? pd != 1 : pd != x->dims[d]) return false;
  }
  return true;
}

/* Y only (Mean and InvStdDev absent), dense Scale and optional dense B. */
static bool layernorm_ok(const octet_node *node, const octet_tview *in,
                         int n_in, const octet_tview *out, int n_out, int *ax) {
  if (n_in < 2 || n_out < 1) return false;
  for (int i = 1; i < n_out; i++)
    if (tv_present(&out[i])) return false;
  const octet_tview *x = &in[0];
  if (!norm_axis(attr_int(node, "axis", -1), x->rank, ax)) return false;
  if (!ln_param_dense(&in[1], x, *ax)) return false;
  return n_in < 3 || !tv_present(&in[2]) || ln_param_dense(&in[2], x, *ax);
}

static octet_status run_layernorm(const octet_node *node, const octet_tview *in,
                                  int n_in, octet_tview *out, int n_out,
                                  const octet_kctx *ctx,
                                  octet_layernorm_ukernel uk, size_t es) {
  int ax;
  if (!layernorm_ok(node, in, n_in, out, n_out, &ax))
    return delegate(node, in, n_in, out, n_out, ctx);
  const octet_tview *x = &in[0];
  int64_t rows = prod(x->dims, 0, ax), len = prod(x->dims, ax, x->rank);
  if (rows == 0 || len == 0) return OCTET_OK;
  float eps = attr_float(node, "epsilon", 1e-5f);
  const char *xp = x->data, *s = in[1].data;
  const char *b = n_in > 2 && tv_present(&in[2]) ? in[2].data : NULL;
  char *y = out[0].data;
  int nt = vec_threads(rows * len, ctx);
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    size_t off = (size_t)(r * len) * es;
    uk((size_t)len, xp + off, s, b, eps, y + off);
  }
  return OCTET_OK;
}

/* ---- kernel entry points --------------------------------------------------
 * octet_kernel_fn has no user pointer, so each (op, dtype, ISA) gets a
 * named entry that passes its microkernels to the driver. */

#define KARGS                                                                \
  const octet_node *node, const octet_tview *in, int n_in, octet_tview *out, \
      int n_out, const octet_kctx *ctx
#define KPASS node, in, n_in, out, n_out, ctx

#define UNARY_ENTRY(fn, uk, in_es, out_es) \
  static octet_status fn(KARGS) { return run_unary(KPASS, uk, in_es, out_es); }
#define BINARY_ENTRY(fn, v, c, rc, es)                 \
  static octet_status fn(KARGS) {                      \
    return run_binary(KPASS, (bin_uks){v, c, rc}, es); \
  }
#define SOFTMAX_ENTRY(fn, uk, es) \
  static octet_status fn(KARGS) { return run_softmax(KPASS, uk, es); }
#define LAYERNORM_ENTRY(fn, uk, es) \
  static octet_status fn(KARGS) { return run_layernorm(KPASS, uk, es); }

/* AVX2 */
SOFTMAX_ENTRY(softmax_f32__avx2, octet_f32_softmax_ukernel__avx2, 4)
SOFTMAX_ENTRY(softmax_f16__avx2, octet_f16_softmax_ukernel__avx2, 2)
LAYERNORM_ENTRY(layernorm_f32__avx2, octet_f32_layernorm_ukernel__avx2, 4)
LAYERNORM_ENTRY(layernorm_f16__avx2, octet_f16_layernorm_ukernel__avx2, 2)
UNARY_ENTRY(erf_f32__avx2, octet_f32_verf_ukernel__avx2, 4, 4)
UNARY_ENTRY(erf_f16__avx2, octet_f16_verf_ukernel__avx2, 2, 2)
UNARY_ENTRY(tanh_f32__avx2, octet_f32_vtanh_ukernel__avx2, 4, 4)
UNARY_ENTRY(tanh_f16__avx2, octet_f16_vtanh_ukernel__avx2, 2, 2)
UNARY_ENTRY(sigmoid_f32__avx2, octet_f32_vsigmoid_ukernel__avx2, 4, 4)
UNARY_ENTRY(sigmoid_f16__avx2, octet_f16_vsigmoid_ukernel__avx2, 2, 2)
UNARY_ENTRY(gelu_f32__avx2, octet_f32_vgelu_ukernel__avx2, 4, 4)
UNARY_ENTRY(gelu_f16__avx2, octet_f16_vgelu_ukernel__avx2, 2, 2)
UNARY_ENTRY(gelu_tanh_f32__avx2, octet_f32_vgelutanh_ukernel__avx2, 4, 4)
UNARY_ENTRY(gelu_tanh_f16__avx2, octet_f16_vgelutanh_ukernel__avx2, 2, 2)
UNARY_ENTRY(relu_f32__avx2, octet_f32_vrelu_ukernel__avx2, 4, 4)
UNARY_ENTRY(relu_f16__avx2, octet_f16_vrelu_ukernel__avx2, 2, 2)
BINARY_ENTRY(add_f32__avx2, octet_f32_vadd_ukernel__avx2,
             octet_f32_vaddc_ukernel__avx2, octet_f32_vaddc_ukernel__avx2, 4)
BINARY_ENTRY(add_f16__avx2, octet_f16_vadd_ukernel__avx2,
             octet_f16_vaddc_ukernel__avx2, octet_f16_vaddc_ukernel__avx2, 2)
BINARY_ENTRY(sub_f32__avx2, octet_f32_vsub_ukernel__avx2,
             octet_f32_vsubc_ukernel__avx2, octet_f32_vrsubc_ukernel__avx2, 4)
BINARY_ENTRY(sub_f16__avx2, octet_f16_vsub_ukernel__avx2,
             octet_f16_vsubc_ukernel__avx2, octet_f16_vrsubc_ukernel__avx2, 2)
BINARY_ENTRY(mul_f32__avx2, octet_f32_vmul_ukernel__avx2,
             octet_f32_vmulc_ukernel__avx2, octet_f32_vmulc_ukernel__avx2, 4)
BINARY_ENTRY(mul_f16__avx2, octet_f16_vmul_ukernel__avx2,
             octet_f16_vmulc_ukernel__avx2, octet_f16_vmulc_ukernel__avx2, 2)
BINARY_ENTRY(div_f32__avx2, octet_f32_vdiv_ukernel__avx2,
             octet_f32_vdivc_ukernel__avx2, octet_f32_vrdivc_ukernel__avx2, 4)
BINARY_ENTRY(div_f16__avx2, octet_f16_vdiv_ukernel__avx2,
             octet_f16_vdivc_ukernel__avx2, octet_f16_vrdivc_ukernel__avx2, 2)
UNARY_ENTRY(cast_f32_f16__avx2, octet_f32_f16_vcvt_ukernel__avx2, 4, 2)
UNARY_ENTRY(cast_f16_f32__avx2, octet_f16_f32_vcvt_ukernel__avx2, 2, 4)
/* AVX-512 */
SOFTMAX_ENTRY(softmax_f32__avx512, octet_f32_softmax_ukernel__avx512, 4)
SOFTMAX_ENTRY(softmax_f16__avx512, octet_f16_softmax_ukernel__avx512, 2)
LAYERNORM_ENTRY(layernorm_f32__avx512, octet_f32_layernorm_ukernel__avx512, 4)
LAYERNORM_ENTRY(layernorm_f16__avx512, octet_f16_layernorm_ukernel__avx512, 2)
UNARY_ENTRY(erf_f32__avx512, octet_f32_verf_ukernel__avx512, 4, 4)
UNARY_ENTRY(erf_f16__avx512, octet_f16_verf_ukernel__avx512, 2, 2)
UNARY_ENTRY(tanh_f32__avx512, octet_f32_vtanh_ukernel__avx512, 4, 4)
UNARY_ENTRY(tanh_f16__avx512, octet_f16_vtanh_ukernel__avx512, 2, 2)
UNARY_ENTRY(sigmoid_f32__avx512, octet_f32_vsigmoid_ukernel__avx512, 4, 4)
UNARY_ENTRY(sigmoid_f16__avx512, octet_f16_vsigmoid_ukernel__avx512, 2, 2)
UNARY_ENTRY(gelu_f32__avx512, octet_f32_vgelu_ukernel__avx512, 4, 4)
UNARY_ENTRY(gelu_f16__avx512, octet_f16_vgelu_ukernel__avx512, 2, 2)
UNARY_ENTRY(gelu_tanh_f32__avx512, octet_f32_vgelutanh_ukernel__avx512, 4, 4)
UNARY_ENTRY(gelu_tanh_f16__avx512, octet_f16_vgelutanh_ukernel__avx512, 2, 2)
UNARY_ENTRY(relu_f32__avx512, octet_f32_vrelu_ukernel__avx512, 4, 4)
UNARY_ENTRY(relu_f16__avx512, octet_f16_vrelu_ukernel__avx512, 2, 2)
BINARY_ENTRY(add_f32__avx512, octet_f32_vadd_ukernel__avx512,
             octet_f32_vaddc_ukernel__avx512, octet_f32_vaddc_ukernel__avx512,
             4)
BINARY_ENTRY(add_f16__avx512, octet_f16_vadd_ukernel__avx512,
             octet_f16_vaddc_ukernel__avx512, octet_f16_vaddc_ukernel__avx512,
             2)
BINARY_ENTRY(sub_f32__avx512, octet_f32_vsub_ukernel__avx512,
             octet_f32_vsubc_ukernel__avx512, octet_f32_vrsubc_ukernel__avx512,
             4)
BINARY_ENTRY(sub_f16__avx512, octet_f16_vsub_ukernel__avx512,
             octet_f16_vsubc_ukernel__avx512, octet_f16_vrsubc_ukernel__avx512,
             2)
BINARY_ENTRY(mul_f32__avx512, octet_f32_vmul_ukernel__avx512,
             octet_f32_vmulc_ukernel__avx512, octet_f32_vmulc_ukernel__avx512,
             4)
BINARY_ENTRY(mul_f16__avx512, octet_f16_vmul_ukernel__avx512,
             octet_f16_vmulc_ukernel__avx512, octet_f16_vmulc_ukernel__avx512,
             2)
BINARY_ENTRY(div_f32__avx512, octet_f32_vdiv_ukernel__avx512,
             octet_f32_vdivc_ukernel__avx512, octet_f32_vrdivc_ukernel__avx512,
             4)
BINARY_ENTRY(div_f16__avx512, octet_f16_vdiv_ukernel__avx512,
             octet_f16_vdivc_ukernel__avx512, octet_f16_vrdivc_ukernel__avx512,
             2)
UNARY_ENTRY(cast_f32_f16__avx512, octet_f32_f16_vcvt_ukernel__avx512, 4, 2)
UNARY_ENTRY(cast_f16_f32__avx512, octet_f16_f32_vcvt_ukernel__avx512, 2, 4)

/* ---- selector ------------------------------------------------------------ */

typedef enum vec_family {
  F_UNARY,
  F_BINARY,
  F_SOFTMAX,
  F_LAYERNORM,
  F_CAST
} vec_family;

typedef struct vec_entry {
  const char *op; /* op_type; "Gelu" for approximate="none", "GeluTanh" */
  octet_dtype in; /* input dtype (Cast: the source) */
  bool avx512;    /* false: AVX2 */
  vec_family family;
  octet_kernel_fn fn;
  const char *name;
} vec_entry;

#define F32 OCTET_DTYPE_FLOAT32
#define F16 OCTET_DTYPE_FLOAT16
static const vec_entry k_entries[] = {
    /* AVX2 */
    {"Softmax", F32, false, F_SOFTMAX, softmax_f32__avx2, "softmax f32 avx2"},
    {"Softmax", F16, false, F_SOFTMAX, softmax_f16__avx2, "softmax f16 avx2"},
    {"LayerNormalization", F32, false, F_LAYERNORM, layernorm_f32__avx2,
     "layernorm f32 avx2"},
    {"LayerNormalization", F16, false, F_LAYERNORM, layernorm_f16__avx2,
     "layernorm f16 avx2"},
    {"Erf", F32, false, F_UNARY, erf_f32__avx2, "erf f32 avx2"},
    {"Erf", F16, false, F_UNARY, erf_f16__avx2, "erf f16 avx2"},
    {"Tanh", F32, false, F_UNARY, tanh_f32__avx2, "tanh f32 avx2"},
    {"Tanh", F16, false, F_UNARY, tanh_f16__avx2, "tanh f16 avx2"},
    {"Sigmoid", F32, false, F_UNARY, sigmoid_f32__avx2, "sigmoid f32 avx2"},
    {"Sigmoid", F16, false, F_UNARY, sigmoid_f16__avx2, "sigmoid f16 avx2"},
    {"Gelu", F32, false, F_UNARY, gelu_f32__avx2, "gelu f32 avx2"},
    {"Gelu", F16, false, F_UNARY, gelu_f16__avx2, "gelu f16 avx2"},
    {"GeluTanh", F32, false, F_UNARY, gelu_tanh_f32__avx2,
     "gelu tanh f32 avx2"},
    {"GeluTanh", F16, false, F_UNARY, gelu_tanh_f16__avx2,
     "gelu tanh f16 avx2"},
    {"Relu", F32, false, F_UNARY, relu_f32__avx2, "relu f32 avx2"},
    {"Relu", F16, false, F_UNARY, relu_f16__avx2, "relu f16 avx2"},
    {"Add", F32, false, F_BINARY, add_f32__avx2, "add f32 avx2"},
    {"Add", F16, false, F_BINARY, add_f16__avx2, "add f16 avx2"},
    {"Sub", F32, false, F_BINARY, sub_f32__avx2, "sub f32 avx2"},
    {"Sub", F16, false, F_BINARY, sub_f16__avx2, "sub f16 avx2"},
    {"Mul", F32, false, F_BINARY, mul_f32__avx2, "mul f32 avx2"},
    {"Mul", F16, false, F_BINARY, mul_f16__avx2, "mul f16 avx2"},
    {"Div", F32, false, F_BINARY, div_f32__avx2, "div f32 avx2"},
    {"Div", F16, false, F_BINARY, div_f16__avx2, "div f16 avx2"},
    {"Cast", F32, false, F_CAST, cast_f32_f16__avx2, "cast f32->f16 avx2"},
    {"Cast", F16, false, F_CAST, cast_f16_f32__avx2, "cast f16->f32 avx2"},
    /* AVX-512 */
    {"Softmax", F32, true, F_SOFTMAX, softmax_f32__avx512,
     "softmax f32 avx512"},
    {"Softmax", F16, true, F_SOFTMAX, softmax_f16__avx512,
     "softmax f16 avx512"},
    {"LayerNormalization", F32, true, F_LAYERNORM, layernorm_f32__avx512,
     "layernorm f32 avx512"},
    {"LayerNormalization", F16, true, F_LAYERNORM, layernorm_f16__avx512,
     "layernorm f16 avx512"},
    {"Erf", F32, true, F_UNARY, erf_f32__avx512, "erf f32 avx512"},
    {"Erf", F16, true, F_UNARY, erf_f16__avx512, "erf f16 avx512"},
    {"Tanh", F32, true, F_UNARY, tanh_f32__avx512, "tanh f32 avx512"},
    {"Tanh", F16, true, F_UNARY, tanh_f16__avx512, "tanh f16 avx512"},
    {"Sigmoid", F32, true, F_UNARY, sigmoid_f32__avx512, "sigmoid f32 avx512"},
    {"Sigmoid", F16, true, F_UNARY, sigmoid_f16__avx512, "sigmoid f16 avx512"},
    {"Gelu", F32, true, F_UNARY, gelu_f32__avx512, "gelu f32 avx512"},
    {"Gelu", F16, true, F_UNARY, gelu_f16__avx512, "gelu f16 avx512"},
    {"GeluTanh", F32, true, F_UNARY, gelu_tanh_f32__avx512,
     "gelu tanh f32 avx512"},
    {"GeluTanh", F16, true, F_UNARY, gelu_tanh_f16__avx512,
     "gelu tanh f16 avx512"},
    {"Relu", F32, true, F_UNARY, relu_f32__avx512, "relu f32 avx512"},
    {"Relu", F16, true, F_UNARY, relu_f16__avx512, "relu f16 avx512"},
    {"Add", F32, true, F_BINARY, add_f32__avx512, "add f32 avx512"},
    {"Add", F16, true, F_BINARY, add_f16__avx512, "add f16 avx512"},
    {"Sub", F32, true, F_BINARY, sub_f32__avx512, "sub f32 avx512"},
    {"Sub", F16, true, F_BINARY, sub_f16__avx512, "sub f16 avx512"},
    {"Mul", F32, true, F_BINARY, mul_f32__avx512, "mul f32 avx512"},
    {"Mul", F16, true, F_BINARY, mul_f16__avx512, "mul f16 avx512"},
    {"Div", F32, true, F_BINARY, div_f32__avx512, "div f32 avx512"},
    {"Div", F16, true, F_BINARY, div_f16__avx512, "div f16 avx512"},
    {"Cast", F32, true, F_CAST, cast_f32_f16__avx512, "cast f32->f16 avx512"},
    {"Cast", F16, true, F_CAST, cast_f16_f32__avx512, "cast f16->f32 avx512"},
};
#undef F32
#undef F16

/* The table key of a node: Gelu's approximate attribute picks the form;
 * unknown values decline. */
static const char *op_key(const octet_node *node) {
  if (strcmp(node->op_type, "Gelu") != 0) return node->op_type;
  const char *m = attr_string(node, "approximate", "none");
  if (strcmp(m, "none") == 0) return "Gelu";
  if (strcmp(m, "tanh") == 0) return "GeluTanh";
  return NULL;
}

static bool family_ok(vec_family f, const octet_node *node,
                      const octet_tview *in, int n_in, const octet_tview *out,
                      int n_out) {
  octet_dtype t = in[0].dtype;
  switch (f) {
    case F_UNARY:
      return unary_ok(in, n_in, out, n_out) && out[0].dtype == t;
    case F_CAST:
      return unary_ok(in, n_in, out, n_out) && is_f32_or_f16(out[0].dtype) &&
             out[0].dtype != t;
    case F_BINARY:
      return binary_pattern(in, n_in, out, n_out).kind != BIN_NONE &&
             in[1].dtype == t && out[0].dtype == t;
    case F_SOFTMAX: {
      int64_t rows, len;
      return n_out >= 1 && out[0].dtype == t &&
             softmax_rows(node, &in[0], &rows, &len);
    }
    case F_LAYERNORM: {
      int ax;
      return out[0].dtype == t && layernorm_ok(node, in, n_in, out, n_out, &ax);
    }
  }
  return false;
}

octet_kernel_fn octet_x86_select_kernel(const octet_node *node,
                                        const octet_tview *in, int n_in,
                                        const octet_tview *out, int n_out,
                                        octet_isa isa, const char **name) {
  if (name) *name = NULL;
  bool avx512;
  switch (isa) {
    case OCTET_ISA_AVX2:
    case OCTET_ISA_AVXVNNI:
      avx512 = false;
      break;
    case OCTET_ISA_AVX512:
    case OCTET_ISA_AVX512VNNI:
    case OCTET_ISA_AMX:
      avx512 = true;
      break;
    default:
      return NULL;
  }
  if (!node || !node->op_type || n_in < 1 || n_out < 1) return NULL;
  if (!is_f32_or_f16(in[0].dtype)) return NULL;
  const char *key = op_key(node);
  if (!key) return NULL;
  for (size_t i = 0; i < sizeof k_entries / sizeof k_entries[0]; i++) {
    const vec_entry *e = &k_entries[i];
    if (e->avx512 != avx512 || e->in != in[0].dtype || strcmp(e->op, key))
      continue;
    if (!family_ok(e->family, node, in, n_in, out, n_out)) return NULL;
    if (name) *name = e->name;
    return e->fn;
  }
  return NULL;
}
