/* The oneDNN backend: OctetLinear in fp32 and in w8a8 through oneDNN's
 * matmul primitive (C API, oneDNN 2.6).
 *
 * Per node and plan (i.e. per batch size) the primitives are created once,
 * the weights reordered once into the layout oneDNN prefers (format `any`)
 * and the scratchpad allocated once (user mode), so `run` allocates nothing.
 *
 * fp32: src f32 x weights f32 + bias, ReLU as a post-op, written straight
 * into the output.
 *
 * w8a8: each thread takes consecutive blocks of rows (sized so a block's
 * int32 products stay in L2) and runs the whole pipeline on a block while
 * it is in cache: octet's quantizer (the x86 kernels; u8 = q + 128,
 * bit-identical to ref), oneDNN's u8 x s8 -> s32 matmul on one thread
 * (primitives created for one thread, each thread with its own stream,
 * memory objects and scratchpad), then octet's vectorised row epilogue,
 * which subtracts the u8 offset (128 * column sum of the weights), applies
 * row scale x column scale, bias and ReLU in ref's order (outputs are
 * bit-identical to the ref backend), and GELU or the residual. No thread
 * waits for another inside the node. oneDNN 2.6's per-row scale runs a
 * reference implementation (~0.2 GOP/s here), hence the int32 output.
 * Without VNNI oneDNN's u8 x s8 uses the saturating vpmaddubsw, so int8 is
 * declined there.
 *
 * oneDNN is capped at the ISA level octet runs at (OCTET_ISA), at most
 * AVX-512 VNNI: AMX or AVX512-FP16 kernels are not what the comparison with
 * octet's kernels is about. DNNL_MAX_CPU_ISA / ONEDNN_MAX_CPU_ISA in the
 * environment win. Its OpenMP threads follow the session's thread count.
 * fp16 nodes are declined (oneDNN 2.6 has no f16 matmul below AVX512-FP16). */
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "backends/common/linear-epilogue.h"
#include "backends/common/linear-node.h"
#include "backends/onednn/onednn-quantize.h"

/* w8a8 row blocks: int32 products of at most this many bytes, 16..256 rows
 * (16-32 rows for the encoder's N = 384..1536). Measured on the encoder at
 * avx512vnni, batch 1024, linear nodes: 16 KiB 681 ms, 32 KiB 686 ms,
 * 64 KiB 642-654 ms, 256 KiB 762 ms, 1 MiB 755 ms. */
enum { ACC_BLOCK_BYTES = 64 << 10, MIN_BLOCK_ROWS = 16, MAX_BLOCK_ROWS = 256 };

/* ---- engine ---------------------------------------------------------------- */

static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static dnnl_engine_t engine;
static dnnl_status_t engine_status = dnnl_runtime_error;

static void engine_init(void) {
  if (!getenv("DNNL_MAX_CPU_ISA") && !getenv("ONEDNN_MAX_CPU_ISA"))
    dnnl_set_max_cpu_isa(octet_onednn_isa_cap());
  engine_status = dnnl_engine_create(&engine, dnnl_cpu, 0);
}

static bool onednn_available(void) {
  pthread_once(&engine_once, engine_init);
  if (engine_status != dnnl_success) {
    octet_fail(OCTET_ERR_UNSUPPORTED, "oneDNN: no CPU engine (status %d)", (int)engine_status);
    return false;
  }
  return true;
}

static octet_status dnnl_err(dnnl_status_t st, const char *what, const octet_node *n) {
  return octet_fail(st == dnnl_out_of_memory ? OCTET_ERR_NO_MEMORY : OCTET_ERR_INTERNAL,
                    "oneDNN: %s failed for '%s' (status %d)", what, n->name, (int)st);
}

/* ---- supports -------------------------------------------------------------- */

static bool onednn_supports(const octet_node *n, const octet_tview *in, int n_in,
                            const octet_tview *out, int n_out, const octet_plan_ctx *ctx) {
  (void)n_out;
  if (strcmp(n->op_type, "OctetLinear") != 0) return false;
  octet_linear_node ln;
  if (!octet_linear_node_get(n, in, n_in, out, ctx, &ln)) return false;
  if (ln.xt == OCTET_DTYPE_FLOAT16 || ln.wt == OCTET_DTYPE_FLOAT16 ||
      ln.yt == OCTET_DTYPE_FLOAT16) {
    octet_backend_why(ctx, "no f16 matmul in oneDNN 2.6 without AVX512-FP16");
    return false;
  }
  if (ln.has_bias && in[2].dtype != OCTET_DTYPE_FLOAT32) return false;
  if (ln.quant) {
    const char *why = octet_onednn_int8_unsupported();
    if (why) {
      octet_backend_why(ctx, "%s", why);
      return false;
    }
    if (ln.K > OCTET_ONEDNN_MAX_K) {
      octet_backend_why(ctx, "K above %d: int32 sums could overflow", OCTET_ONEDNN_MAX_K);
      return false;
    }
  }
  return onednn_available();
}

/* ---- state ----------------------------------------------------------------- */

/* The memory objects one thread executes a primitive with. */
typedef struct mm_mem {
  dnnl_memory_t src, dst, scratch;
  void *scratch_buf;
} mm_mem;

typedef struct mm_prim {
  dnnl_primitive_t prim;
  dnnl_memory_t wei, bias; /* shared, read-only */
  mm_mem *mem;             /* one per thread (w8a8) or one (fp32) */
  int nmem;
  int64_t rows;
} mm_prim;

typedef struct onednn_state {
  bool quant;
  int64_t M, K, N, ldq;
  int nt;               /* threads the state was made for */
  dnnl_stream_t *streams; /* one per thread */
  mm_prim blk, tail;    /* w8a8: blocks of `rb` rows, and the last M % rb */
  int64_t rb;           /* w8a8: rows per block */
  void *wei_buf;        /* reordered weights */
  float *bias;          /* fp32 copy */
  float *sw;            /* w8a8: column scales */
  int32_t *comp;        /* w8a8: 128 * column sums */
  uint8_t *qa;          /* w8a8: per thread, a quantized block, rb x ldq */
  float *sa;            /* w8a8: per thread, the block's row scales */
  int32_t *acc;         /* w8a8: per thread, the block's int32 products */
  octet_onednn_quantize_fn quantize;
  const octet_linear_epilogue_kernels *epi;
  octet_linear_post_fn post; /* GELU (act 2, 3) or NULL */
  char kernel_name[96];
} onednn_state;

static void mm_free(mm_prim *p) {
  if (p->prim) dnnl_primitive_destroy(p->prim);
  if (p->wei) dnnl_memory_destroy(p->wei);
  if (p->bias) dnnl_memory_destroy(p->bias);
  for (int t = 0; p->mem && t < p->nmem; t++) {
    mm_mem *m = &p->mem[t];
    if (m->src) dnnl_memory_destroy(m->src);
    if (m->dst) dnnl_memory_destroy(m->dst);
    if (m->scratch) dnnl_memory_destroy(m->scratch);
    free(m->scratch_buf);
  }
  free(p->mem);
}

static void onednn_free(void *v) {
  onednn_state *s = v;
  if (!s) return;
  mm_free(&s->blk);
  mm_free(&s->tail);
  for (int t = 0; s->streams && t < s->nt; t++)
    if (s->streams[t]) dnnl_stream_destroy(s->streams[t]);
  free(s->streams);
  free(s->wei_buf);
  free(s->bias);
  free(s->sw);
  free(s->comp);
  free(s->qa);
  free(s->sa);
  free(s->acc);
  free(s);
}

/* Creates the matmul for `rows` rows with `nmem` sets of memory objects;
 * on the first call (s->wei_buf NULL) also reorders the weights `w` (K x N,
 * dtype wt, row-major) into the layout it wants. */
static octet_status mm_create(onednn_state *s, const octet_node *n, int64_t rows, int nmem,
                              const void *w, int relu, mm_prim *p) {
  const bool q = s->quant;
  const dnnl_data_type_t st = q ? dnnl_u8 : dnnl_f32, wt = q ? dnnl_s8 : dnnl_f32,
                         dt = q ? dnnl_s32 : dnnl_f32;
  dnnl_memory_desc_t src_md, wei_md, wany_md, dst_md, bias_md;
  dnnl_dims_t sd = {rows, s->K}, wd = {s->K, s->N}, dd = {rows, s->N}, bd = {1, s->N};
  dnnl_dims_t sstr = {q ? s->ldq : s->K, 1};
  dnnl_status_t e;
  octet_status ret = OCTET_OK;
  dnnl_primitive_attr_t attr = NULL;
  dnnl_post_ops_t po = NULL;
  dnnl_primitive_desc_t pd = NULL;
  p->rows = rows;
  if (!(p->mem = calloc((size_t)nmem, sizeof *p->mem)))
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  p->nmem = nmem;
#define TRY(call, what)                   \
  if ((e = (call)) != dnnl_success) {     \
    ret = dnnl_err(e, what, n);           \
    goto done;                            \
  }
  TRY(dnnl_memory_desc_init_by_strides(&src_md, 2, sd, st, sstr), "source desc");
  TRY(dnnl_memory_desc_init_by_tag(&wei_md, 2, wd, wt, dnnl_ab), "weights desc");
  TRY(dnnl_memory_desc_init_by_tag(&wany_md, 2, wd, wt, dnnl_format_tag_any), "weights desc");
  TRY(dnnl_memory_desc_init_by_tag(&dst_md, 2, dd, dt, dnnl_ab), "destination desc");
  TRY(dnnl_memory_desc_init_by_tag(&bias_md, 2, bd, dnnl_f32, dnnl_ab), "bias desc");
  dnnl_matmul_desc_t md;
  const bool fused_bias = !q && s->bias;
  TRY(dnnl_matmul_desc_init(&md, &src_md, &wany_md, fused_bias ? &bias_md : NULL, &dst_md),
      "matmul desc");
  TRY(dnnl_primitive_attr_create(&attr), "attr");
  TRY(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "scratchpad");
  if (!q && relu) {
    TRY(dnnl_post_ops_create(&po), "post-ops");
    TRY(dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f), "relu");
    TRY(dnnl_primitive_attr_set_post_ops(attr, po), "post-ops");
  }
  TRY(dnnl_primitive_desc_create(&pd, &md, attr, engine, NULL), "matmul primitive desc");
  const dnnl_memory_desc_t *packed = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  const dnnl_memory_desc_t *spad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
  TRY(dnnl_primitive_create(&p->prim, pd), "matmul primitive");
  if (!s->wei_buf) { /* reorder the weights once */
    size_t wb = dnnl_memory_desc_get_size(packed);
    if (!(s->wei_buf = aligned_alloc(64, (wb + 63) / 64 * 64 + 64))) {
      ret = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory (oneDNN weights of '%s')", n->name);
      goto done;
    }
    dnnl_memory_t from = NULL, to = NULL;
    dnnl_primitive_desc_t rpd = NULL;
    dnnl_primitive_t reorder = NULL;
    e = dnnl_memory_create(&from, &wei_md, engine, (void *)w);
    if (e == dnnl_success) e = dnnl_memory_create(&to, packed, engine, s->wei_buf);
    if (e == dnnl_success)
      e = dnnl_reorder_primitive_desc_create(&rpd, &wei_md, engine, packed, engine, NULL);
    if (e == dnnl_success) e = dnnl_primitive_create(&reorder, rpd);
    if (e == dnnl_success) {
      dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
      e = dnnl_primitive_execute(reorder, s->streams[0], 2, args);
      if (e == dnnl_success) e = dnnl_stream_wait(s->streams[0]);
    }
    if (reorder) dnnl_primitive_destroy(reorder);
    if (rpd) dnnl_primitive_desc_destroy(rpd);
    if (from) dnnl_memory_destroy(from);
    if (to) dnnl_memory_destroy(to);
    TRY(e, "weight reorder");
    const char *impl = NULL;
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    snprintf(s->kernel_name, sizeof s->kernel_name, "%s %s", q ? "u8s8s32" : "f32",
             impl ? impl : "matmul");
  }
  TRY(dnnl_memory_create(&p->wei, packed, engine, s->wei_buf), "weights memory");
  if (fused_bias) TRY(dnnl_memory_create(&p->bias, &bias_md, engine, s->bias), "bias memory");
  const size_t sb = spad ? dnnl_memory_desc_get_size(spad) : 0;
  for (int t = 0; t < nmem; t++) {
    mm_mem *m = &p->mem[t];
    if (sb && !(m->scratch_buf = aligned_alloc(64, (sb + 63) / 64 * 64))) {
      ret = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory (oneDNN scratchpad of '%s')",
                       n->name);
      goto done;
    }
    if (sb) TRY(dnnl_memory_create(&m->scratch, spad, engine, m->scratch_buf), "scratchpad");
    TRY(dnnl_memory_create(&m->src, &src_md, engine, DNNL_MEMORY_NONE), "source memory");
    TRY(dnnl_memory_create(&m->dst, &dst_md, engine, DNNL_MEMORY_NONE), "destination memory");
  }
#undef TRY
done:
  if (pd) dnnl_primitive_desc_destroy(pd);
  if (po) dnnl_post_ops_destroy(po);
  if (attr) dnnl_primitive_attr_destroy(attr);
  return ret;
}

/* Runs p with thread t's memory objects and stream. */
static dnnl_status_t mm_exec(const onednn_state *s, const mm_prim *p, int t, const void *src,
                             void *dst) {
  const mm_mem *m = &p->mem[t];
  dnnl_status_t e = dnnl_memory_set_data_handle(m->src, (void *)src);
  if (e == dnnl_success) e = dnnl_memory_set_data_handle(m->dst, dst);
  if (e != dnnl_success) return e;
  dnnl_exec_arg_t args[5] = {{DNNL_ARG_SRC, m->src}, {DNNL_ARG_WEIGHTS, p->wei},
                             {DNNL_ARG_DST, m->dst}};
  int na = 3;
  if (p->bias) args[na++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, p->bias};
  if (m->scratch) args[na++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, m->scratch};
  e = dnnl_primitive_execute(p->prim, s->streams[t], na, args);
  return e == dnnl_success ? dnnl_stream_wait(s->streams[t]) : e;
}

/* ---- run ------------------------------------------------------------------- */

/* fp32: one oneDNN call over all rows (oneDNN splits it over the threads),
 * bias and ReLU fused; GELU and the residual in a parallel pass after. */
static octet_status run_f32(const octet_node *n, const onednn_state *s, const float *X,
                            const float *R, float *Y, int threads) {
  dnnl_status_t e = mm_exec(s, &s->blk, 0, X, Y);
  if (e != dnnl_success) return dnnl_err(e, "matmul", n);
  if (s->post || R) {
    const int64_t N = s->N;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < s->M; i++) {
      if (s->post) s->post((size_t)N, Y + i * N, Y + i * N);
      if (R) octet_linear_add_residual((size_t)N, R + i * N, Y + i * N);
    }
  }
  return OCTET_OK;
}

/* w8a8: thread t runs whole blocks of rows, each while it is in cache. */
static octet_status run_quant(const octet_node *n, const onednn_state *s, const float *X,
                              const float *R, float *Y, int threads) {
  const int relu = octet_linear_act(n) == OCTET_ACT_RELU;
  const int64_t K = s->K, N = s->N, rb = s->rb, nb = (s->M + rb - 1) / rb;
  const int nt = threads < s->nt ? threads : s->nt;
  dnnl_status_t fail = dnnl_success;
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num();
    uint8_t *qa = s->qa + (size_t)t * (size_t)(rb * s->ldq);
    float *sa = s->sa + (size_t)t * (size_t)rb;
    int32_t *acc = s->acc + (size_t)t * (size_t)(rb * N);
#pragma omp for schedule(static)
    for (int64_t b = 0; b < nb; b++) {
      const int64_t r0 = b * rb;
      const mm_prim *p = s->M - r0 >= rb ? &s->blk : &s->tail;
      const int64_t mb = p->rows;
      s->quantize(X + r0 * K, (size_t)mb, (size_t)K, (size_t)K, qa, (size_t)s->ldq, sa, 1);
      dnnl_status_t e = mm_exec(s, p, t, qa, acc);
      if (e != dnnl_success) {
#pragma omp critical(octet_onednn_fail)
        fail = e;
        continue;
      }
      for (int64_t i = 0; i < mb; i++) {
        float *y = Y + (r0 + i) * N;
        s->epi->qs8((size_t)N, acc + i * N, s->comp, sa[i], s->sw, s->bias, relu, y);
        if (s->post) s->post((size_t)N, y, y);
        if (R) octet_linear_add_residual((size_t)N, R + (r0 + i) * N, y);
      }
    }
  }
  return fail == dnnl_success ? OCTET_OK : dnnl_err(fail, "matmul", n);
}

static octet_status onednn_run(const octet_node *n, const octet_tview *in, int n_in,
                               octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const onednn_state *s = ctx->state;
  if (tv_numel(&in[0]) != s->M * s->K)
    return octet_fail(OCTET_ERR_INTERNAL, "Linear '%s': input not the planned shape", n->name);
  if (s->M == 0) return OCTET_OK;
  const float *R = n_in > 3 && tv_present(&in[3]) ? in[3].data : NULL;
  if (s->quant) return run_quant(n, s, in[0].data, R, out[0].data, ctx->threads);
  /* oneDNN's OpenMP regions take the calling thread's max-threads */
  int prev = omp_get_max_threads();
  if (prev != ctx->threads) omp_set_num_threads(ctx->threads);
  octet_status st = run_f32(n, s, in[0].data, R, out[0].data, ctx->threads);
  if (prev != ctx->threads) omp_set_num_threads(prev);
  return st;
}

/* ---- prepare --------------------------------------------------------------- */

/* Rows per w8a8 block: int32 products within ACC_BLOCK_BYTES, a multiple of
 * 16, and no more than an even share of M per thread. */
static int64_t block_rows(int64_t M, int64_t N, int nt) {
  int64_t rb = (int64_t)ACC_BLOCK_BYTES / (4 * (N > 0 ? N : 1));
  rb = rb / 16 * 16;
  const int64_t share = (M + nt - 1) / nt;
  if (rb > share) rb = (share + 15) / 16 * 16;
  if (rb > MAX_BLOCK_ROWS) rb = MAX_BLOCK_ROWS;
  if (rb < MIN_BLOCK_ROWS) rb = MIN_BLOCK_ROWS;
  return rb < M ? rb : M;
}

static octet_status prepare_quant(onednn_state *s, const octet_tview *w, int8_t **qw) {
  const int64_t K = s->K, N = s->N, rb = s->rb;
  const size_t nt = (size_t)s->nt;
  s->ldq = (K + 63) / 64 * 64;
  *qw = malloc((size_t)(K * N) + 1);
  s->sw = malloc(sizeof(float) * (size_t)N + 1);
  s->comp = malloc(sizeof(int32_t) * (size_t)N + 1);
  s->qa = aligned_alloc(64, nt * (size_t)(rb * s->ldq) + 64);
  s->sa = malloc(sizeof(float) * nt * (size_t)rb + 1);
  s->acc = aligned_alloc(64, (sizeof(int32_t) * nt * (size_t)(rb * N) + 63) / 64 * 64 + 64);
  if (!*qw || !s->sw || !s->comp || !s->qa || !s->sa || !s->acc)
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  octet_onednn_quantize_weights(w->data, K, N, *qw, s->sw, s->comp);
  return OCTET_OK;
}

static octet_status onednn_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                   const octet_tview *out, int n_out, const octet_plan_ctx *ctx,
                                   octet_node_kernel *k) {
  (void)n_out;
  onednn_state *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  const octet_tview *w = &in[1];
  s->quant = octet_linear_quant(n);
  s->K = w->dims[0];
  s->N = w->dims[1];
  s->M = tv_numel(&out[0]) / (s->N ? s->N : 1);
  s->nt = s->quant && ctx->threads > 1 ? ctx->threads : 1;
  s->epi = octet_linear_epilogue_select();
  s->post = octet_linear_post_select(octet_linear_act(n), false);
  s->quantize = octet_onednn_quantizer();
  int8_t *qw = NULL;
  octet_status st = OCTET_OK;
  if (!(s->streams = calloc((size_t)s->nt, sizeof *s->streams)))
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  for (int t = 0; st == OCTET_OK && t < s->nt; t++) {
    dnnl_status_t e = dnnl_stream_create(&s->streams[t], engine, dnnl_stream_default_flags);
    if (e != dnnl_success) st = dnnl_err(e, "stream", n);
  }
  if (st == OCTET_OK && n_in > 2 && tv_present(&in[2])) {
    if (!(s->bias = malloc(sizeof(float) * (size_t)s->N + 1)))
      st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    else
      memcpy(s->bias, in[2].data, sizeof(float) * (size_t)s->N);
  }
  if (s->quant && s->M > 0) s->rb = block_rows(s->M, s->N, s->nt);
  if (st == OCTET_OK && s->quant && s->M > 0) st = prepare_quant(s, w, &qw);
  const int relu = octet_linear_act(n) == OCTET_ACT_RELU;
  if (st == OCTET_OK && s->M > 0) {
    if (s->quant) {
      /* each block runs on one thread: primitives made for one thread */
      const int prev = omp_get_max_threads();
      omp_set_num_threads(1);
      st = mm_create(s, n, s->rb, s->nt, qw, relu, &s->blk);
      if (st == OCTET_OK && s->M % s->rb)
        st = mm_create(s, n, s->M % s->rb, s->nt, NULL, relu, &s->tail);
      omp_set_num_threads(prev);
    } else {
      st = mm_create(s, n, s->M, 1, w->data, relu, &s->blk);
    }
  }
  free(qw);
  if (st != OCTET_OK) {
    onednn_free(s);
    return st;
  }
  if (!s->kernel_name[0]) snprintf(s->kernel_name, sizeof s->kernel_name, "onednn (empty)");
  k->run = onednn_run;
  k->kernel_name = s->kernel_name;
  k->state = s;
  k->free_state = onednn_free;
  k->state_bytes = (size_t)(s->K * s->N) * (s->quant ? 1 : sizeof(float)) +
                   (s->bias ? sizeof(float) * (size_t)s->N : 0) +
                   (s->quant ? (sizeof(float) + sizeof(int32_t)) * (size_t)s->N : 0);
  k->packed_inputs = (1u << 1) | (n_in > 2 ? 1u << 2 : 0);
  return OCTET_OK;
}

const octet_backend octet_backend_onednn = {
    .api_version = OCTET_BACKEND_API_VERSION,
    .name = "onednn",
    .available = onednn_available,
    .supports = onednn_supports,
    .prepare = onednn_prepare,
};
