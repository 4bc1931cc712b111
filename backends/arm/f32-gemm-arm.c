/* The arm64 float GEMM driver (f32-gemm-arm.h): kernel table, weight
 * packing, blocking, A packing, threads and the epilogue hand-off. Built
 * for baseline armv8-a; the f16 kernel lives in its own library built with
 * -march=armv8.2-a+fp16 and is only called when octet_arm_fp16_arith().
 *
 * Loops (BLIS): a task is a row block of MC_TILES x MR rows and a column
 * block of at most NC_PANELS panels; tasks are shared out over threads.
 * Inside a task, for each k-block of KC steps: pack the A block (MC x KC)
 * into the thread's scratch, then panels outer, row tiles inner (the
 * KC x NR panel block stays in L1 while the packed A block, in L2, streams
 * past it). With more than one k-block the partial sums of the task's
 * tiles live in the thread's scratch between k-blocks. */
#include "backends/arm/f32-gemm-arm.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/cpu.h"
#include "core/ir.h"

/* KC is a multiple of OCTET_ARM_F16_KBLOCK: the f16 kernel restarts its
 * fp16 sums at multiples of the k-block from k = 0 whatever the blocking. */
enum { KC = 256, MC_TILES = 8, NC_PANELS = 16, ALIGN = 64 };
_Static_assert(KC % OCTET_ARM_F16_KBLOCK == 0, "KC must be a multiple of the f16 k-block");

static const octet_arm_gemm_kernel kernels[] = {
    {"f32 8x12 neon", OCTET_ARM_GEMM_F32, 8, 12, octet_f32_gemm_ukernel_8x12__neon},
    {"f16w 8x12 neon", OCTET_ARM_GEMM_F16W, 8, 12, octet_f16w_gemm_ukernel_8x12__neon},
    {"f16 8x8 neonfp16arith", OCTET_ARM_GEMM_F16, 8, 8,
     octet_f16_gemm_ukernel_8x8__neonfp16arith},
};

const octet_arm_gemm_kernel *octet_arm_gemm_kernel_get(octet_arm_gemm_family family) {
  for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++)
    if (kernels[i].family == family) return &kernels[i];
  return NULL;
}

bool octet_arm_fp16_arith(void) {
  const octet_cpu_features *f = octet_cpu();
  const char *env = getenv("OCTET_FP16_ARITH");
  return f->fphp && f->asimdhp && !(env && strcmp(env, "0") == 0);
}

/* ---- packed weights ------------------------------------------------------ */

struct octet_arm_gemm_weights {
  const octet_arm_gemm_kernel *k;
  int64_t K, N, npanels;
  size_t esize; /* bytes per stored weight: 4 (f32) or 2 */
  size_t bytes;
  void *data; /* npanels x K x NR */
};

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }
static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

octet_status octet_arm_gemm_pack(const void *w, bool w_f16, int64_t K, int64_t N,
                                 octet_arm_gemm_family family, octet_arm_gemm_weights **out) {
  *out = NULL;
  const octet_arm_gemm_kernel *k = octet_arm_gemm_kernel_get(family);
  if (!k || K < 1 || N < 1 || !w)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "arm gemm pack: bad K %lld or N %lld",
                      (long long)K, (long long)N);
  const int64_t nr = k->nr, npanels = cdiv(N, nr);
  const size_t esize = family == OCTET_ARM_GEMM_F32 ? 4 : 2;
  size_t bytes;
  if (__builtin_mul_overflow((size_t)npanels * (size_t)nr, (size_t)K, &bytes) ||
      __builtin_mul_overflow(bytes, esize, &bytes) || bytes > SIZE_MAX / 2)
    return octet_fail(OCTET_ERR_OVERFLOW, "arm gemm pack: %lld x %lld", (long long)K,
                      (long long)N);
  octet_arm_gemm_weights *p = calloc(1, sizeof *p);
  void *data = aligned_alloc(ALIGN, round_up(bytes, ALIGN));
  if (!p || !data) {
    free(p);
    free(data);
    return octet_fail(OCTET_ERR_NO_MEMORY, "arm gemm pack: %zu bytes", bytes);
  }
  const float *w32 = w;
  const uint16_t *w16 = w;
  for (int64_t jp = 0; jp < npanels; jp++) {
    const int64_t n0 = jp * nr, nv = N - n0 < nr ? N - n0 : nr;
    for (int64_t kk = 0; kk < K; kk++) {
      const size_t at = (size_t)(jp * K + kk) * (size_t)nr, src = (size_t)(kk * N + n0);
      for (int64_t j = 0; j < nr; j++) {
        if (esize == 4)
          ((float *)data)[at + j] =
              j >= nv ? 0.0f : w_f16 ? octet_fp16_to_fp32(w16[src + j]) : w32[src + j];
        else
          ((uint16_t *)data)[at + j] =
              j >= nv ? 0 : w_f16 ? w16[src + j] : octet_fp32_to_fp16(w32[src + j]);
      }
    }
  }
  p->k = k;
  p->K = K;
  p->N = N;
  p->npanels = npanels;
  p->esize = esize;
  p->bytes = bytes;
  p->data = data;
  *out = p;
  return OCTET_OK;
}

void octet_arm_gemm_free(octet_arm_gemm_weights *w) {
  if (!w) return;
  free(w->data);
  free(w);
}

size_t octet_arm_gemm_bytes(const octet_arm_gemm_weights *w) { return w ? w->bytes : 0; }

const char *octet_arm_gemm_kernel_name(const octet_arm_gemm_weights *w) {
  return w ? w->k->name : "";
}

/* ---- blocking ------------------------------------------------------------ */

typedef struct plan {
  int64_t nmb, nnb, nkb;  /* row blocks, column blocks, k-blocks */
  size_t pa_bytes, acc_bytes, per_thread;
} plan;

static void make_plan(const octet_arm_gemm_weights *w, int64_t M, int threads, plan *p) {
  const octet_arm_gemm_kernel *k = w->k;
  if (threads < 1) threads = 1;
  memset(p, 0, sizeof *p);
  const int64_t mc = (int64_t)MC_TILES * k->mr;
  p->nmb = cdiv(M, mc);
  p->nnb = cdiv(w->npanels, NC_PANELS);
  if (p->nmb * p->nnb < threads) {
    int64_t want = cdiv(threads, p->nmb);
    p->nnb = want < w->npanels ? want : w->npanels;
  }
  p->nkb = cdiv(w->K, KC);
  const size_t ea = k->family == OCTET_ARM_GEMM_F16 ? 2 : 4;
  const int64_t kc = w->K < KC ? w->K : KC;
  p->pa_bytes = round_up((size_t)(mc * kc) * ea, ALIGN);
  if (p->nkb > 1)
    p->acc_bytes = round_up((size_t)mc * NC_PANELS * (size_t)k->nr * sizeof(float), ALIGN);
  p->per_thread = p->pa_bytes + p->acc_bytes;
}

size_t octet_arm_gemm_scratch_bytes(const octet_arm_gemm_weights *w, int64_t M, int threads) {
  if (!w || M < 1) return 0;
  if (threads < 1) threads = 1;
  plan p;
  make_plan(w, M, threads, &p);
  return p.per_thread * (size_t)threads + ALIGN;
}

/* Start of part i when n items are cut into `parts` balanced parts. */
static int64_t split(int64_t n, int64_t parts, int64_t i) { return n * i / parts; }

typedef struct args {
  const octet_arm_gemm_weights *w;
  const plan *p;
  int64_t M;
  const void *A;
  bool a_f16;
  int64_t lda;
  void *C;
  bool c_f16;
  int64_t ldc;
  const octet_arm_gemm_epilogue *ep;
} args;

/* Rows r0 .. r0 + rows - 1, steps k0 .. k0 + kc - 1 of A into tiles of MR
 * rows: tile t holds kc x MR values, rows past `rows` zero. fp32 A is
 * copied (or fp16 A widened) for the f32 / f16w kernels; fp16 A is copied
 * for the f16 kernel. */
static void pack_a(const args *g, int64_t r0, int64_t rows, int64_t k0, int64_t kc, void *dst) {
  const int64_t MR = g->w->k->mr;
  const bool f16_kernel = g->w->k->family == OCTET_ARM_GEMM_F16;
  for (int64_t t = 0; t * MR < rows; t++) {
    const int64_t mr = rows - t * MR < MR ? rows - t * MR : MR;
    for (int64_t r = 0; r < MR; r++) {
      const int64_t row = r0 + t * MR + r;
      const size_t at = (size_t)(t * kc * MR + r);
      if (r >= mr) {
        for (int64_t k = 0; k < kc; k++) {
          if (f16_kernel)
            ((uint16_t *)dst)[at + (size_t)(k * MR)] = 0;
          else
            ((float *)dst)[at + (size_t)(k * MR)] = 0.0f;
        }
      } else if (f16_kernel) {
        uint16_t *d = (uint16_t *)dst + at;
        const uint16_t *s = (const uint16_t *)g->A + row * g->lda + k0;
        for (int64_t k = 0; k < kc; k++) d[k * MR] = s[k];
      } else if (g->a_f16) {
        float *d = (float *)dst + at;
        const uint16_t *s = (const uint16_t *)g->A + row * g->lda + k0;
        for (int64_t k = 0; k < kc; k++) d[k * MR] = octet_fp16_to_fp32(s[k]);
      } else {
        float *d = (float *)dst + at;
        const float *s = (const float *)g->A + row * g->lda + k0;
        for (int64_t k = 0; k < kc; k++) d[k * MR] = s[k];
      }
    }
  }
}

static void run_task(const args *g, int64_t task, char *scratch) {
  const octet_arm_gemm_weights *w = g->w;
  const plan *p = g->p;
  const octet_arm_gemm_kernel *k = w->k;
  const int64_t MR = k->mr, NR = k->nr, N = w->N, K = w->K, mc = (int64_t)MC_TILES * MR;
  const int64_t mb = task / p->nnb, nb = task % p->nnb;
  const int64_t r0 = mb * mc, rows = g->M - r0 < mc ? g->M - r0 : mc;
  const int64_t j0 = split(w->npanels, p->nnb, nb), j1 = split(w->npanels, p->nnb, nb + 1);
  void *pa = scratch;
  float *accb = p->acc_bytes ? (float *)(scratch + p->pa_bytes) : NULL;
  const size_t ld_acc = (size_t)(NC_PANELS * NR);
  const size_t ea = k->family == OCTET_ARM_GEMM_F16 ? 2 : 4, ec = g->c_f16 ? 2 : 4;
  const octet_arm_gemm_epilogue *ep = g->ep;
  for (int64_t kb = 0; kb < p->nkb; kb++) {
    const int64_t k0 = kb * KC, kc = K - k0 < KC ? K - k0 : KC;
    const bool first = kb == 0, last = kb == p->nkb - 1;
    pack_a(g, r0, rows, k0, kc, pa);
    for (int64_t jp = j0; jp < j1; jp++) {
      const void *b = (const char *)w->data + (size_t)((jp * K + k0) * NR) * w->esize;
      const int64_t n0 = jp * NR;
      const size_t nr = (size_t)(N - n0 < NR ? N - n0 : NR);
      for (int64_t t = 0; t * MR < rows; t++) {
        const size_t mr = (size_t)(rows - t * MR < MR ? rows - t * MR : MR);
        const void *at = (const char *)pa + (size_t)(t * kc * MR) * ea;
        float *acc = accb ? accb + (size_t)(t * MR) * ld_acc + (size_t)((jp - j0) * NR) : NULL;
        if (!last) {
          k->ukernel(mr, nr, (size_t)kc, at, b, first ? NULL : acc, ld_acc, acc, ld_acc, NULL);
          continue;
        }
        const int64_t m0 = r0 + t * MR;
        const octet_arm_gemm_store st = {
            .bias = ep && ep->bias ? ep->bias + n0 : NULL,
            .residual = ep && ep->residual ? ep->residual + m0 * ep->ldr + n0 : NULL,
            .ldr = ep ? (size_t)ep->ldr : 0,
            .relu = ep && ep->relu,
            .out_f16 = g->c_f16,
        };
        char *c = (char *)g->C + (size_t)(m0 * g->ldc + n0) * ec;
        k->ukernel(mr, nr, (size_t)kc, at, b, first ? NULL : acc, ld_acc, c, (size_t)g->ldc, &st);
        if (ep && ep->post)
          for (size_t r = 0; r < mr; r++) {
            char *row = c + r * (size_t)g->ldc * ec;
            ep->post(nr, row, row);
          }
      }
    }
  }
}

octet_status octet_arm_gemm(const octet_arm_gemm_weights *w, int64_t M, const void *A,
                            bool a_f16, int64_t lda, void *C, bool c_f16, int64_t ldc,
                            const octet_arm_gemm_epilogue *ep, void *scratch, int threads) {
  if (!w || M < 0 || (M > 0 && (!A || !C || !scratch)) || lda < w->K || ldc < w->N)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "arm gemm: bad arguments (M=%lld lda=%lld ldc=%lld)", (long long)M,
                      (long long)lda, (long long)ldc);
  if (w->k->family == OCTET_ARM_GEMM_F16 && !a_f16)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "arm gemm: the f16 kernel takes fp16 A");
  if (ep && ep->residual && (ep->ldr < w->N || ep->post))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "arm gemm: ldr < N, or residual with post");
  if (M == 0) return OCTET_OK;
  if (threads < 1) threads = 1;
  plan p;
  make_plan(w, M, threads, &p);
  char *base = (char *)round_up((size_t)(uintptr_t)scratch, ALIGN);
  const args g = {w, &p, M, A, a_f16, lda, C, c_f16, ldc, ep};
  const int64_t ntasks = p.nmb * p.nnb;
  if (threads == 1 || ntasks == 1) {
    for (int64_t t = 0; t < ntasks; t++) run_task(&g, t, base);
    return OCTET_OK;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t t = 0; t < ntasks; t++)
    run_task(&g, t, base + (size_t)omp_get_thread_num() * p.per_thread);
  return OCTET_OK;
}
