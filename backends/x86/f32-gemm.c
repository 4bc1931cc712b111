/* Portable driver of the fp32 / fp16-weight GEMM: kernel choice, weight
 * packing, blocking, threads and the epilogue hand-off. Compiled without
 * -m flags; the ISA kernels are reached through the table below and chosen
 * at run time. Layouts and loop order: docs/kernels-f32.md. */
#include "backends/x86/f32-gemm.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/ir.h"

/* ---- kernels ------------------------------------------------------------- */

static const octet_f32_gemm_kernel kernels[] = {
    {"f32 9x48 avx512", OCTET_ISA_AVX512, OCTET_WEIGHTS_F32, 9, 48,
     octet_f32_gemm_ukernel_9x48__avx512, octet_f32_gemm_ukernel_9x48__avx512,
     NULL},
    {"f16w 9x48 avx512", OCTET_ISA_AVX512, OCTET_WEIGHTS_F16, 9, 48,
     octet_f16w_gemm_ukernel_9x48__avx512, octet_f32_gemm_ukernel_9x48__avx512,
     octet_f16w_convert__avx512},
    {"f32 6x16 avx2", OCTET_ISA_AVX2, OCTET_WEIGHTS_F32, 6, 16,
     octet_f32_gemm_ukernel_6x16__avx2, octet_f32_gemm_ukernel_6x16__avx2,
     NULL},
    {"f16w 6x16 avx2", OCTET_ISA_AVX2, OCTET_WEIGHTS_F16, 6, 16,
     octet_f16w_gemm_ukernel_6x16__avx2, octet_f32_gemm_ukernel_6x16__avx2,
     octet_f16w_convert__avx2},
    {"f32 4x8 scalar", OCTET_ISA_REF, OCTET_WEIGHTS_F32, 4, 8,
     octet_f32_gemm_ukernel_4x8__scalar, octet_f32_gemm_ukernel_4x8__scalar,
     NULL},
    {"f16w 4x8 scalar", OCTET_ISA_REF, OCTET_WEIGHTS_F16, 4, 8,
     octet_f16w_gemm_ukernel_4x8__scalar, octet_f32_gemm_ukernel_4x8__scalar,
     octet_f16w_convert__scalar},
};

const octet_f32_gemm_kernel *octet_f32_gemm_kernels(size_t *count) {
  *count = sizeof kernels / sizeof kernels[0];
  return kernels;
}

/* Whether a request for level `want` allows a kernel of level `have`. */
static bool isa_allows(octet_isa want, octet_isa have) {
  switch (have) {
    case OCTET_ISA_REF:
      return true;
    case OCTET_ISA_AVX2:
      return octet_isa_is_x86(want);
    case OCTET_ISA_AVX512:
      return octet_isa_is_avx512(want);
    default:
      return false;
  }
}

/* ---- packed weights ------------------------------------------------------ */

struct octet_f32_weights {
  const octet_f32_gemm_kernel *kernel;
  int64_t K, N, npanels;
  size_t esize; /* bytes per stored weight: 4 or 2 */
  size_t bytes; /* packed bytes */
  void *data;   /* npanels × K × NR elements, 64-byte aligned */
};

#define ALIGN 64

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

octet_status octet_f32_weights_pack_kernel(const float *w, int64_t K, int64_t N,
                                           const octet_f32_gemm_kernel *k,
                                           octet_f32_weights **out) {
  if (out == NULL || k == NULL)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "f32 gemm pack: NULL");
  *out = NULL;
  if (K < 0 || N < 1 || (w == NULL && K > 0))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "f32 gemm pack: bad weights K=%lld N=%lld", (long long)K,
                      (long long)N);
  const int64_t nr = k->nr;
  const int64_t npanels = (N + nr - 1) / nr;
  const size_t esize = k->wtype == OCTET_WEIGHTS_F16 ? 2 : 4;
  size_t bytes;
  if (__builtin_mul_overflow((size_t)npanels * (size_t)nr, (size_t)K, &bytes) ||
      __builtin_mul_overflow(bytes, esize, &bytes) || bytes > SIZE_MAX / 2)
    return octet_fail(OCTET_ERR_OVERFLOW, "f32 gemm pack: %lld x %lld",
                      (long long)K, (long long)N);
  octet_f32_weights *p = calloc(1, sizeof *p);
  void *data = aligned_alloc(ALIGN, round_up(bytes ? bytes : 1, ALIGN));
  if (p == NULL || data == NULL) {
    free(p);
    free(data);
    return octet_fail(OCTET_ERR_NO_MEMORY, "f32 gemm pack: %zu bytes", bytes);
  }
  for (int64_t jp = 0; jp < npanels; jp++) {
    const int64_t n0 = jp * nr;
    const int64_t nv = N - n0 < nr ? N - n0 : nr;
    for (int64_t kk = 0; kk < K; kk++) {
      const float *src = w + kk * N + n0;
      const size_t at = (size_t)(jp * K + kk) * (size_t)nr;
      if (esize == 4) {
        float *dst = (float *)data + at;
        for (int64_t j = 0; j < nr; j++) dst[j] = j < nv ? src[j] : 0.0f;
      } else {
        uint16_t *dst = (uint16_t *)data + at;
        for (int64_t j = 0; j < nr; j++)
          dst[j] = j < nv ? octet_fp32_to_fp16(src[j]) : 0;
      }
    }
  }
  p->kernel = k;
  p->K = K;
  p->N = N;
  p->npanels = npanels;
  p->esize = esize;
  p->bytes = bytes;
  p->data = data;
  *out = p;
  return OCTET_OK;
}

octet_status octet_f32_weights_pack(const float *w, int64_t K, int64_t N,
                                    octet_weight_type type, octet_isa isa,
                                    octet_f32_weights **out) {
  for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
    const octet_f32_gemm_kernel *k = &kernels[i];
    if (k->wtype == type && isa_allows(isa, k->isa) &&
        octet_isa_supported(k->isa))
      return octet_f32_weights_pack_kernel(w, K, N, k, out);
  }
  if (out) *out = NULL;
  return octet_fail(OCTET_ERR_UNSUPPORTED, "f32 gemm: no kernel");
}

void octet_f32_weights_free(octet_f32_weights *w) {
  if (w == NULL) return;
  free(w->data);
  free(w);
}

size_t octet_f32_weights_bytes(const octet_f32_weights *w) {
  return w ? w->bytes : 0;
}

const char *octet_f32_kernel_name(const octet_f32_weights *w) {
  return w ? w->kernel->name : "";
}

int64_t octet_f32_weights_k(const octet_f32_weights *w) { return w->K; }
int64_t octet_f32_weights_n(const octet_f32_weights *w) { return w->N; }

/* ---- blocking ------------------------------------------------------------ */

/* Block sizes for a 48 KiB L1d / 2 MiB L2 core (docs/kernels-f32.md): K is
 * cut into balanced blocks of at most KC_MAX steps so that one packed W
 * panel block (KC_MAX × 48 fp32 = 36 KiB) stays in L1 while every row tile
 * of the task streams past it; a task is MC_TILES row tiles (A block and
 * partial sums in L2) × NC_PANELS panels. */
enum { KC_MAX = 192, MC_TILES = 16, NC_PANELS = 8 };

typedef struct gemm_plan {
  int64_t mtiles, nmb;  /* row tiles (balanced heights), row blocks */
  int64_t npanels, nnb; /* W panels, column blocks */
  int64_t tiles_per_mb, panels_per_nb; /* largest block */
  int64_t nkb, kc_max;                 /* k blocks, largest */
  bool convert;                        /* f16w: widen W blocks to fp32 first */
  size_t acc_bytes, conv_bytes, per_thread;
} gemm_plan;

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

static void make_plan(const octet_f32_weights *w, int64_t M, int threads,
                      gemm_plan *p) {
  const octet_f32_gemm_kernel *k = w->kernel;
  if (threads < 1) threads = 1;
  memset(p, 0, sizeof *p);
  p->mtiles = M > 0 ? cdiv(M, k->mr) : 0;
  p->nmb = p->mtiles > 0 ? cdiv(p->mtiles, MC_TILES) : 0;
  p->tiles_per_mb = p->nmb > 0 ? cdiv(p->mtiles, p->nmb) : 0;
  p->npanels = w->npanels;
  p->nnb = cdiv(p->npanels, NC_PANELS);
  if (p->nmb > 0) {
    if (p->nmb * p->nnb < threads)
      p->nnb = cdiv(threads, p->nmb) < p->npanels ? cdiv(threads, p->nmb)
                                                  : p->npanels;
    while ((p->nmb * p->nnb) % threads != 0 && p->nnb < p->npanels) p->nnb++;
  }
  p->panels_per_nb = cdiv(p->npanels, p->nnb);
  p->nkb = w->K > KC_MAX ? cdiv(w->K, KC_MAX) : 1;
  p->kc_max = cdiv(w->K, p->nkb);
  p->convert = k->convert != NULL && p->tiles_per_mb >= 2;
  const size_t nr = (size_t)k->nr;
  if (p->nkb > 1)
    p->acc_bytes = round_up((size_t)(p->tiles_per_mb * k->mr) *
                                (size_t)p->panels_per_nb * nr * sizeof(float),
                            ALIGN);
  if (p->convert)
    p->conv_bytes = round_up((size_t)p->kc_max * nr * sizeof(float), ALIGN);
  p->per_thread = p->acc_bytes + p->conv_bytes;
}

size_t octet_f32_scratch_bytes(const octet_f32_weights *w, int64_t M,
                               int threads) {
  if (w == NULL || M <= 0) return 0;
  if (threads < 1) threads = 1;
  gemm_plan p;
  make_plan(w, M, threads, &p);
  if (p.per_thread == 0) return 0;
  return p.per_thread * (size_t)threads + ALIGN;
}

/* First row of row tile t: M rows in `mtiles` tiles of balanced heights. */
static int64_t tile_row(int64_t M, int64_t mtiles, int64_t t) {
  const int64_t base = M / mtiles, rem = M % mtiles;
  return t * base + (t < rem ? t : rem);
}

/* Start of part i when n items are cut into `parts` balanced parts. */
static int64_t split(int64_t n, int64_t parts, int64_t i) {
  return n * i / parts;
}

typedef struct gemm_args {
  const octet_f32_weights *w;
  const gemm_plan *p;
  int64_t M;
  const float *A;
  int64_t lda;
  void *C;
  int64_t ldc;
  bool out_f16;
  const octet_gemm_epilogue *ep;
} gemm_args;

static void run_task(const gemm_args *g, int64_t task, char *scratch) {
  const octet_f32_weights *w = g->w;
  const gemm_plan *p = g->p;
  const octet_f32_gemm_kernel *k = w->kernel;
  const int64_t NR = k->nr, N = w->N, K = w->K;
  const int64_t mb = task / p->nnb, nb = task % p->nnb;
  const int64_t t0 = split(p->mtiles, p->nmb, mb);
  const int64_t t1 = split(p->mtiles, p->nmb, mb + 1);
  const int64_t j0 = split(p->npanels, p->nnb, nb);
  const int64_t j1 = split(p->npanels, p->nnb, nb + 1);
  const int64_t row0 = tile_row(g->M, p->mtiles, t0);
  float *acc_buf = p->acc_bytes ? (float *)scratch : NULL;
  float *conv = p->convert ? (float *)(scratch + p->acc_bytes) : NULL;
  const size_t ld_acc = (size_t)(p->panels_per_nb * NR);
  const size_t out_esize = g->out_f16 ? 2 : 4;
  const octet_f32_gemm_ukernel_fn fn = p->convert ? k->ukernel_f32 : k->ukernel;

  for (int64_t kb = 0; kb < p->nkb; kb++) {
    const int64_t k0 = split(K, p->nkb, kb), k1 = split(K, p->nkb, kb + 1);
    const size_t kc = (size_t)(k1 - k0);
    const bool first = kb == 0, last = kb == p->nkb - 1;
    /* panels outer, row tiles inner: the kc × NR panel block stays in L1 */
    for (int64_t jp = j0; jp < j1; jp++) {
      const void *b =
          (const char *)w->data + (size_t)((jp * K + k0) * NR) * w->esize;
      if (p->convert) {
        k->convert(kc * (size_t)NR, b, conv);
        b = conv;
      }
      for (int64_t t = t0; t < t1; t++) {
        const int64_t r0 = tile_row(g->M, p->mtiles, t);
        const size_t mr = (size_t)(tile_row(g->M, p->mtiles, t + 1) - r0);
        const int64_t n0 = jp * NR;
        const size_t nr = (size_t)(N - n0 < NR ? N - n0 : NR);
        float *acc_tile = acc_buf ? acc_buf + (size_t)(r0 - row0) * ld_acc +
                                        (size_t)(jp - j0) * NR
                                  : NULL;
        const float *a = g->A + r0 * g->lda + k0;
        if (!last) {
          fn(mr, nr, kc, a, (size_t)g->lda, b, first ? NULL : acc_tile, ld_acc,
             acc_tile, ld_acc, NULL);
          continue;
        }
        const octet_gemm_epilogue *ep = g->ep;
        const octet_f32_gemm_store st = {
            .bias = ep && ep->bias ? ep->bias + n0 : NULL,
            .residual =
                ep && ep->residual ? ep->residual + r0 * ep->ldr + n0 : NULL,
            .ldr = ep ? (size_t)ep->ldr : 0,
            .act = ep ? ep->act : OCTET_GEMM_ACT_NONE,
            .out_f16 = g->out_f16,
        };
        char *c = (char *)g->C + (size_t)(r0 * g->ldc + n0) * out_esize;
        fn(mr, nr, kc, a, (size_t)g->lda, b, first ? NULL : acc_tile, ld_acc, c,
           (size_t)g->ldc, &st);
        if (ep && ep->post)
          for (size_t r = 0; r < mr; r++) {
            char *row = c + r * (size_t)g->ldc * out_esize;
            ep->post(nr, row, row);
          }
      }
    }
  }
}

octet_status octet_f32_gemm(const octet_f32_weights *w, int64_t M,
                            const float *A, int64_t lda, void *C, int64_t ldc,
                            bool out_f16, const octet_gemm_epilogue *ep,
                            void *scratch, int threads) {
  if (w == NULL || M < 0 || (M > 0 && (A == NULL || C == NULL)) || lda < w->K ||
      ldc < w->N)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "f32 gemm: bad arguments (M=%lld lda=%lld ldc=%lld)",
                      (long long)M, (long long)lda, (long long)ldc);
  if (ep && ep->residual && (ep->ldr < w->N || ep->post))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "f32 gemm: ldr < N, or residual with post");
  if (ep && ep->act != OCTET_GEMM_ACT_NONE && ep->act != OCTET_GEMM_ACT_RELU)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "f32 gemm: activation %d",
                      ep->act);
  if (M == 0) return OCTET_OK;
  if (threads < 1) threads = 1;
  gemm_plan p;
  make_plan(w, M, threads, &p);
  if (p.per_thread > 0 && scratch == NULL)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "f32 gemm: no scratch");
  char *base = (char *)round_up((size_t)(uintptr_t)scratch, ALIGN);
  const gemm_args g = {w, &p, M, A, lda, C, ldc, out_f16, ep};
  const int64_t ntasks = p.nmb * p.nnb;
  if (threads == 1 || ntasks == 1) {
    for (int64_t t = 0; t < ntasks; t++) run_task(&g, t, base);
    return OCTET_OK;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t t = 0; t < ntasks; t++) {
    run_task(&g, t, base + (size_t)omp_get_thread_num() * p.per_thread);
  }
  return OCTET_OK;
}
