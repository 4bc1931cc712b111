/* The GEMM driver (gemm.h): weight packing, blocking, threads, the A
 * hand-off (in place, packed or quantized) and the epilogue hand-off, for
 * every microkernel described by an octet_gemm_kernel. Portable C, built
 * without -m flags; the kernels are reached through the descriptor.
 *
 * A run cuts the output into a grid of tasks, row blocks x column blocks
 * (at most mc_tiles row tiles and nc_panels panels each; when that gives
 * fewer tasks than threads, rectangles chosen to minimise the largest
 * share, ties to more row blocks, which each quantize their rows once),
 * shared out statically over the threads. A task runs
 *   for each k-block (kc_max steps, balanced, at multiples of kc_granule):
 *     for each sweep of panels (pblock_bytes of packed W, or one panel):
 *       [F16 with the widening path: widen the panel block once]
 *       for each row tile: [first sweep: pack or quantize its A]
 *         for each panel of the sweep: the microkernel
 * so one panel block stays in L1 (float: one panel, the row tiles stream
 * past it) or a sweep of panels in L2 (Q8). With several k-blocks the
 * task's partial sums live in the thread's scratch between them. Q8
 * kernels also get a prefetch hint: the next row tile's fp32 rows, then
 * their slice of the next sweep's panels. Nothing is allocated. */
#include "backends/common/gemm.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/ir.h"
#include "core/quant.h"

#define ALIGN 64

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }
static size_t cdiv(size_t a, size_t b) { return (a + b - 1) / b; }
/* Start of part i when n items are cut into `parts` balanced parts. */
static size_t split(size_t n, size_t parts, size_t i) { return n * i / parts; }

/* ---- packed weights -------------------------------------------------------- */

struct octet_gemm_weights {
  const octet_gemm_kernel *k;
  int64_t K, N;
  size_t kp;          /* K, or for Q8 K rounded up to kalign */
  size_t npanels;
  size_t panel_bytes; /* stride between panels */
  size_t esize;       /* bytes per stored weight */
  size_t bytes;       /* held in data */
  void *data;         /* 64-byte aligned */
};

/* Columns stored in the Q8 panel that starts at column n0. */
static size_t q8_panel_cols(const octet_gemm_kernel *k, size_t N, size_t n0) {
  size_t nr = N - n0 < (size_t)k->nr ? N - n0 : (size_t)k->nr;
  size_t np = round_up(nr, (size_t)k->ng);
  return np < (size_t)k->nr ? np : (size_t)k->nr;
}

static void pack_float(octet_gemm_weights *p, const void *w, bool w_f16) {
  const size_t nr = (size_t)p->k->nr, K = (size_t)p->K, N = (size_t)p->N;
  const float *w32 = w;
  const uint16_t *w16 = w;
  for (size_t jp = 0; jp < p->npanels; jp++) {
    const size_t n0 = jp * nr, nv = N - n0 < nr ? N - n0 : nr;
    for (size_t kk = 0; kk < K; kk++) {
      const size_t at = (jp * K + kk) * nr, src = kk * N + n0;
      for (size_t j = 0; j < nr; j++) {
        if (p->esize == 4)
          ((float *)p->data)[at + j] =
              j >= nv ? 0.0f : w_f16 ? octet_fp16_to_fp32(w16[src + j]) : w32[src + j];
        else
          ((uint16_t *)p->data)[at + j] =
              j >= nv ? 0 : w_f16 ? w16[src + j] : octet_fp32_to_fp16(w32[src + j]);
      }
    }
  }
}

/* Quantized q [K, N] and scale [N] into Q8 panels. */
static void pack_q8(octet_gemm_weights *p, const int8_t *q, const float *scale,
                    const int32_t *comp) {
  const octet_gemm_kernel *k = p->k;
  const size_t nr = (size_t)k->nr, kr = (size_t)k->kr, K = (size_t)p->K, N = (size_t)p->N;
  for (size_t jp = 0; jp < p->npanels; jp++) {
    const size_t n0 = jp * nr, np = q8_panel_cols(k, N, n0);
    const size_t cols = N - n0 < nr ? N - n0 : nr;
    int8_t *dst = (int8_t *)p->data + jp * p->panel_bytes;
    for (size_t j = 0; j < cols; j++) {
      const int32_t c = -comp[n0 + j];
      memcpy(dst + 4 * j, &c, 4);
      memcpy(dst + 4 * np + 4 * j, &scale[n0 + j], 4);
    }
    int8_t *qd = dst + 8 * np;
    for (size_t kk = 0; kk < K; kk++)
      for (size_t j = 0; j < cols; j++) qd[(kk / kr * np + j) * kr + kk % kr] = q[kk * N + n0 + j];
  }
}

octet_status octet_gemm_pack(const octet_gemm_kernel *k, const void *w, bool w_f16, int64_t K,
                             int64_t N, octet_gemm_weights **out) {
  if (!out || !k) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "gemm pack: NULL argument");
  *out = NULL;
  const bool q8 = k->wtype == OCTET_GEMM_W_Q8;
  if (K < 0 || N < 0 || (!w && K * N > 0) || N > (INT64_C(1) << 31) ||
      (q8 && (w_f16 || K > OCTET_Q8_MAX_K)))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "gemm pack (%s): bad weights [%lld, %lld]%s",
                      k->name, (long long)K, (long long)N,
                      q8 && w_f16 ? " (int8 packing takes fp32 weights)" : "");
  const size_t nr = (size_t)k->nr, npanels = cdiv((size_t)N, nr);
  const size_t kp = q8 ? round_up((size_t)K, (size_t)k->kalign) : (size_t)K;
  const size_t esize = q8 ? 1 : k->wtype == OCTET_GEMM_W_F16 ? 2 : 4;
  size_t panel_bytes, bytes;
  if (__builtin_mul_overflow(kp, nr, &panel_bytes) ||
      __builtin_mul_overflow(panel_bytes, esize, &panel_bytes) ||
      __builtin_add_overflow(panel_bytes, q8 ? nr * 8 : 0, &panel_bytes) ||
      __builtin_mul_overflow(panel_bytes, npanels, &bytes) || bytes > SIZE_MAX / 2)
    return octet_fail(OCTET_ERR_OVERFLOW, "gemm pack: %lld x %lld", (long long)K, (long long)N);
  octet_gemm_weights *p = calloc(1, sizeof *p);
  void *data = aligned_alloc(ALIGN, round_up(bytes ? bytes : 1, ALIGN));
  int8_t *q = q8 ? malloc((size_t)K * (size_t)N + 1) : NULL;
  float *scale = q8 ? malloc(sizeof(float) * (size_t)N + 1) : NULL;
  int32_t *comp = q8 ? malloc(sizeof(int32_t) * (size_t)N + 1) : NULL;
  if (!p || !data || (q8 && (!q || !scale || !comp))) {
    free(p), free(data), free(q), free(scale), free(comp);
    return octet_fail(OCTET_ERR_NO_MEMORY, "gemm pack: %zu bytes", bytes);
  }
  memset(data, 0, round_up(bytes ? bytes : 1, ALIGN));
  *p = (octet_gemm_weights){.k = k, .K = K, .N = N, .kp = kp, .npanels = npanels,
                            .panel_bytes = panel_bytes, .esize = esize, .bytes = bytes,
                            .data = data};
  if (q8) {
    octet_q8_quantize_weights(w, K, N, q, scale);
    octet_q8_u8_compensation(q, K, N, comp);
    pack_q8(p, q, scale, comp);
  } else {
    pack_float(p, w, w_f16);
  }
  free(q), free(scale), free(comp);
  *out = p;
  return OCTET_OK;
}

void octet_gemm_weights_free(octet_gemm_weights *w) {
  if (!w) return;
  free(w->data);
  free(w);
}

size_t octet_gemm_weights_bytes(const octet_gemm_weights *w) { return w ? w->bytes : 0; }
const octet_gemm_kernel *octet_gemm_weights_kernel(const octet_gemm_weights *w) {
  return w ? w->k : NULL;
}
int64_t octet_gemm_weights_k(const octet_gemm_weights *w) { return w->K; }
int64_t octet_gemm_weights_n(const octet_gemm_weights *w) { return w->N; }

/* ---- blocking -------------------------------------------------------------- */

typedef struct grid {
  size_t mtiles, npanels;       /* row tiles, panels */
  size_t nmb, nnb;              /* row blocks, column blocks: the tasks */
  size_t tiles_max, panels_max; /* of the largest block */
  size_t nkb, kunits, kc_max;   /* k-blocks, K in granules, largest k-block */
  size_t pb;                    /* panels per sweep */
  bool convert;                 /* F16: widen panel blocks, run ukernel_f32 */
  size_t a_stride;              /* Q8: bytes between quantized rows;
                                   PACKED: bytes per packed tile */
  size_t a_bytes, acc_bytes, conv_bytes, per_thread;
} grid;

/* tm x tn rectangles of mt x nt, tm * tn <= threads, minimising the largest
 * share; ties go to more row groups. */
static void rectangles(size_t mt, size_t nt, int threads, size_t *tm, size_t *tn) {
  size_t best = SIZE_MAX;
  *tm = 1, *tn = 1;
  for (int r = 1; r <= threads; r++) {
    if (threads % r) continue;
    size_t c = (size_t)(threads / r);
    if ((size_t)r > mt || c > nt) continue;
    size_t share = cdiv(mt, (size_t)r) * cdiv(nt, c);
    if (share <= best) best = share, *tm = (size_t)r, *tn = c;
  }
}

static void make_grid(const octet_gemm_weights *w, size_t M, int threads, grid *g) {
  const octet_gemm_kernel *k = w->k;
  const size_t MR = (size_t)k->mr, NR = (size_t)k->nr, K = (size_t)w->K;
  if (threads < 1) threads = 1;
  memset(g, 0, sizeof *g);
  g->mtiles = cdiv(M, MR);
  g->npanels = w->npanels;
  g->nmb = k->mc_tiles ? cdiv(g->mtiles, (size_t)k->mc_tiles) : 1;
  g->nnb = k->nc_panels ? cdiv(g->npanels, (size_t)k->nc_panels) : 1;
  if (g->nmb * g->nnb < (size_t)threads) {
    rectangles(g->mtiles, g->npanels, threads, &g->nmb, &g->nnb);
  } else {
    while ((g->nmb * g->nnb) % (size_t)threads != 0 && g->nnb < g->npanels) g->nnb++;
  }
  g->tiles_max = cdiv(g->mtiles, g->nmb);
  g->panels_max = cdiv(g->npanels, g->nnb);
  const size_t gran = k->kc_granule > 1 ? (size_t)k->kc_granule : 1;
  g->kunits = cdiv(K, gran);
  g->nkb = k->kc_max && K > (size_t)k->kc_max ? cdiv(K, (size_t)k->kc_max) : 1;
  g->kc_max = g->nkb > 1 ? cdiv(g->kunits, g->nkb) * gran : K;
  if (g->kc_max > K) g->kc_max = K;
  g->convert = k->convert && k->ukernel_f32 && g->tiles_max >= 2;
  g->pb = k->pblock_bytes && !g->convert ? k->pblock_bytes / w->panel_bytes : 1;
  if (g->pb < 1) g->pb = 1;
  const size_t rows = g->tiles_max * MR;
  if (k->amode == OCTET_GEMM_A_Q8) {
    /* rows a cache line apart beyond kp, so the MR rows of a tile do not
     * share L1 sets */
    g->a_stride = round_up(w->kp, 64) + 64;
    g->a_bytes = round_up(rows * g->a_stride, ALIGN) + round_up(rows * sizeof(float), ALIGN);
  } else if (k->amode == OCTET_GEMM_A_PACKED) {
    g->a_stride = round_up(MR * g->kc_max * k->a_esize, ALIGN);
    g->a_bytes = g->tiles_max * g->a_stride;
  }
  if (g->nkb > 1) g->acc_bytes = round_up(rows * g->panels_max * NR * sizeof(float), ALIGN);
  if (g->convert) g->conv_bytes = round_up(g->kc_max * NR * sizeof(float), ALIGN);
  g->per_thread = g->a_bytes + g->acc_bytes + g->conv_bytes;
}

size_t octet_gemm_scratch_bytes(const octet_gemm_weights *w, int64_t M, int threads) {
  if (!w || M <= 0) return 0;
  /* a run may get fewer threads, whose grid has larger shares */
  size_t best = 0;
  for (int t = 1; t <= (threads > 1 ? threads : 1); t++) {
    grid g;
    make_grid(w, (size_t)M, t, &g);
    if (g.per_thread * (size_t)t > best) best = g.per_thread * (size_t)t;
  }
  return best ? best + ALIGN : 0;
}

/* ---- the run --------------------------------------------------------------- */

typedef struct job {
  const octet_gemm_weights *w;
  const grid *g;
  size_t M;
  const char *A;  /* bytes */
  bool a_f16;
  size_t lda;
  char *C;
  bool c_f16;
  size_t ldc;
  const float *bias, *residual;
  size_t ldr;
  octet_act act;
  octet_gemm_post_fn post;
} job;

/* First row of row tile t. */
static size_t tile_row(const job *j, size_t t) {
  const octet_gemm_kernel *k = j->w->k;
  if (k->balanced_tiles) {
    const size_t base = j->M / j->g->mtiles, rem = j->M % j->g->mtiles;
    return t * base + (t < rem ? t : rem);
  }
  const size_t r = t * (size_t)k->mr;
  return r < j->M ? r : j->M;
}

/* Start of k-block kb. */
static size_t k_start(const job *j, size_t kb) {
  const grid *g = j->g;
  if (g->nkb == 1) return kb ? (size_t)j->w->K : 0;
  const size_t gran = j->w->k->kc_granule > 1 ? (size_t)j->w->k->kc_granule : 1;
  const size_t k0 = split(g->kunits, g->nkb, kb) * gran;
  return k0 < (size_t)j->w->K ? k0 : (size_t)j->w->K;
}

static void run_task(const job *j, size_t task, char *scratch) {
  const octet_gemm_weights *w = j->w;
  const octet_gemm_kernel *k = w->k;
  const grid *g = j->g;
  const size_t NR = (size_t)k->nr, N = (size_t)w->N, K = (size_t)w->K;
  const size_t mb = task / g->nnb, nb = task % g->nnb;
  const size_t T0 = split(g->mtiles, g->nmb, mb), T1 = split(g->mtiles, g->nmb, mb + 1);
  const size_t J0 = split(g->npanels, g->nnb, nb), J1 = split(g->npanels, g->nnb, nb + 1);
  if (T0 >= T1 || J0 >= J1) return;
  const size_t R0 = tile_row(j, T0), tiles = T1 - T0;
  char *abuf = scratch;
  float *sa = NULL;
  if (k->amode == OCTET_GEMM_A_Q8)
    sa = (float *)(abuf + round_up(g->tiles_max * (size_t)k->mr * g->a_stride, ALIGN));
  float *accb = g->acc_bytes ? (float *)(scratch + g->a_bytes) : NULL;
  float *conv = g->convert ? (float *)(scratch + g->a_bytes + g->acc_bytes) : NULL;
  const size_t ld_acc = g->panels_max * NR;
  const size_t ec = j->c_f16 ? 2 : 4, ea = j->a_f16 ? 2 : 4;
  const octet_gemm_ukernel_fn fn = g->convert ? k->ukernel_f32 : k->ukernel;
  /* Q8 prefetch: bytes one kernel call may prefetch */
  const size_t cap = w->kp / (size_t)k->kr * 64;
  octet_gemm_params prm = {.ldr = j->ldr, .act = j->act, .out_f16 = j->c_f16};
  if (k->begin) k->begin();
  for (size_t kb = 0; kb < g->nkb; kb++) {
    const size_t k0 = k_start(j, kb);
    /* Q8 kernels run over the padded kp */
    const size_t kc = k->wtype == OCTET_GEMM_W_Q8 ? w->kp : k_start(j, kb + 1) - k0;
    const bool first = kb == 0, last = kb == g->nkb - 1;
    for (size_t pa = J0; pa < J1; pa += g->pb) {
      const size_t pe = pa + g->pb < J1 ? pa + g->pb : J1;
      /* the next sweep's panels, prefetched a slice per row tile */
      const size_t pn = pe + g->pb < J1 ? pe + g->pb : J1;
      const char *wnext = (const char *)w->data + pe * w->panel_bytes;
      const size_t wnext_bytes = pn > pe ? (pn - pe) * w->panel_bytes : 0;
      if (g->convert) k->convert(kc * NR, (const uint16_t *)((const char *)w->data +
                                              (pa * K + k0) * NR * w->esize), conv);
      for (size_t t = T0; t < T1; t++) {
        const size_t r0 = tile_row(j, t), mr = tile_row(j, t + 1) - r0;
        const void *a;
        size_t lda;
        const char *next = NULL;
        size_t next_bytes = 0;
        if (k->amode == OCTET_GEMM_A_DIRECT) {
          a = j->A + (r0 * j->lda + k0) * ea, lda = j->lda;
        } else if (k->amode == OCTET_GEMM_A_PACKED) {
          char *dst = abuf + (t - T0) * g->a_stride;
          if (pa == J0)
            k->pack_a(j->A + (r0 * j->lda + k0) * ea, j->a_f16, j->lda, mr, kc, (size_t)k->mr, dst);
          a = dst, lda = (size_t)k->mr;
        } else {
          char *q = abuf + (r0 - R0) * g->a_stride;
          if (pa == J0) {
            k->quantize((const float *)j->A + r0 * j->lda, mr, K, j->lda, q, g->a_stride,
                        sa + (r0 - R0));
            if (t + 1 < T1) { /* the next tile's fp32 rows */
              const size_t nrows = tile_row(j, t + 2) - tile_row(j, t + 1);
              next = j->A + tile_row(j, t + 1) * j->lda * 4;
              next_bytes = ((nrows - 1) * j->lda + K) * sizeof(float);
            }
          }
          a = q, lda = g->a_stride;
          prm.scale_a = sa + (r0 - R0);
        }
        const size_t w0 = wnext_bytes * (t - T0) / tiles, w1 = wnext_bytes * (t - T0 + 1) / tiles;
        for (size_t p = pa; p < pe; p++) {
          const size_t n0 = p * NR, nr = N - n0 < NR ? N - n0 : NR;
          const void *wp = conv ? (const void *)conv
                           : k->wtype == OCTET_GEMM_W_Q8
                               ? (const char *)w->data + p * w->panel_bytes
                               : (const char *)w->data + (p * K + k0) * NR * w->esize;
          float *acc = accb ? accb + (r0 - R0) * ld_acc + (p - J0) * NR : NULL;
          if (!last) {
            fn(mr, nr, kc, a, lda, wp, first ? NULL : acc, ld_acc, acc, ld_acc, NULL);
            continue;
          }
          const size_t off = (p - pa) * cap;
          if (off < next_bytes) {
            prm.prefetch = next + off, prm.prefetch_step = 64;
          } else if (off - next_bytes < w1 - w0) {
            prm.prefetch = wnext + w0 + (off - next_bytes), prm.prefetch_step = 64;
          } else {
            prm.prefetch = (const char *)a, prm.prefetch_step = 0;
          }
          prm.bias = j->bias ? j->bias + n0 : NULL;
          prm.residual = j->residual ? j->residual + r0 * j->ldr + n0 : NULL;
          char *c = j->C + (r0 * j->ldc + n0) * ec;
          fn(mr, nr, kc, a, lda, wp, first ? NULL : acc, ld_acc, c, j->ldc, &prm);
          if (j->post)
            for (size_t r = 0; r < mr; r++) j->post(nr, c + r * j->ldc * ec, c + r * j->ldc * ec);
        }
      }
    }
  }
  if (k->end) k->end();
}

octet_status octet_gemm(const octet_gemm_weights *w, int64_t M, const void *A, bool a_f16,
                        int64_t lda, void *C, bool c_f16, int64_t ldc,
                        const octet_gemm_epilogue *ep, void *scratch, int threads) {
  if (!w || M < 0 || lda < w->K || ldc < w->N || (M > 0 && (!A || !C)))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "gemm: bad arguments (M %lld, lda %lld, ldc %lld)", (long long)M,
                      (long long)lda, (long long)ldc);
  const octet_gemm_kernel *k = w->k;
  if ((a_f16 && k->amode != OCTET_GEMM_A_PACKED) || (c_f16 && k->wtype == OCTET_GEMM_W_Q8))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "gemm (%s): no fp16 %s", k->name,
                      a_f16 ? "activations" : "output");
  const octet_act act = ep ? ep->act : OCTET_ACT_NONE;
  const bool gelu = octet_act_is_gelu(act);
  if (ep && ((ep->residual && (ep->ldr < w->N || ep->post)) || (gelu && !ep->post) ||
             (act != OCTET_ACT_NONE && act != OCTET_ACT_RELU && !gelu)))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "gemm: bad epilogue (ldr %lld, act %d)",
                      (long long)ep->ldr, (int)act);
  if (M == 0 || w->N == 0) return OCTET_OK;
  if (threads < 1) threads = 1;
  grid g;
  make_grid(w, (size_t)M, threads, &g);
  if (g.per_thread && !scratch) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "gemm: no scratch");
  char *base = (char *)round_up((size_t)(uintptr_t)scratch, ALIGN);
  job j = {.w = w, .g = &g, .M = (size_t)M, .A = A, .a_f16 = a_f16, .lda = (size_t)lda,
           .C = C, .c_f16 = c_f16, .ldc = (size_t)ldc, .bias = ep ? ep->bias : NULL,
           .residual = ep ? ep->residual : NULL, .ldr = ep ? (size_t)ep->ldr : 0,
           .act = act, .post = ep ? ep->post : NULL};
  /* GELU in the kernel's epilogue where it has it, else by `post` */
  if (gelu && k->gelu) j.post = NULL;
  if (gelu && !k->gelu) j.act = OCTET_ACT_NONE;
  const size_t ntasks = g.nmb * g.nnb;
  if (threads == 1 || ntasks == 1) {
    for (size_t t = 0; t < ntasks; t++) run_task(&j, t, base);
    return OCTET_OK;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (size_t t = 0; t < ntasks; t++)
    run_task(&j, t, base + (size_t)omp_get_thread_num() * g.per_thread);
  return OCTET_OK;
}
