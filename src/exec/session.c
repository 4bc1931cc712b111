/* The session handle: options, backends, planning on demand, run. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exec/session.h"
#include "passes/passes.h"

static octet_status sess_fail(const octet_session *s, octet_status st) {
  if (s) snprintf((char *)s->err, sizeof s->err, "%s", octet_last_error());
  return st;
}

void octet_session_options_init(octet_session_options *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->struct_size = sizeof *opts;
  opts->precision = OCTET_PRECISION_FP32;
  opts->threads = 0;
  opts->batch = 1;
}

/* The backend preference from a list like "onednn,*" into o. */
static octet_status parse_backends(octet_plan_options *o, const char *list) {
  o->n_backends = 0;
  if (!list || !*list) {
    o->n_backends = octet_backend_default(o->backends, OCTET_MAX_BACKENDS);
    return OCTET_OK;
  }
  {
    const char *p = list;
    while (*p) {
      const char *e = strchr(p, ',');
      size_t n = e ? (size_t)(e - p) : strlen(p);
      char name[32];
      if (n == 0 || n >= sizeof name)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "bad backend list '%s'", list);
      memcpy(name, p, n);
      name[n] = '\0';
      if (strcmp(name, "*") == 0) { /* the rest of the default order */
        const octet_backend *def[OCTET_MAX_BACKENDS];
        int nd = octet_backend_default(def, OCTET_MAX_BACKENDS);
        for (int d = 0; d < nd; d++) {
          bool dup = false;
          for (int i = 0; i < o->n_backends; i++) dup |= o->backends[i] == def[d];
          if (!dup && o->n_backends < OCTET_MAX_BACKENDS - 1) o->backends[o->n_backends++] = def[d];
        }
        p += n;
        if (*p == ',') p++;
        continue;
      }
      const octet_backend *b = octet_backend_find(name);
      if (!b)
        return octet_fail(OCTET_ERR_NOT_FOUND,
                          "unknown backend '%s' (this build has: %s)", name,
                          octet_backend_names());
      if (b->available && !b->available())
        return octet_fail(OCTET_ERR_UNSUPPORTED, "backend '%s' is not available: %s",
                          name, octet_last_error());
      bool dup = false;
      for (int i = 0; i < o->n_backends; i++) dup |= o->backends[i] == b;
      if (!dup) {
        if (o->n_backends >= OCTET_MAX_BACKENDS - 1)
          return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "too many backends");
        o->backends[o->n_backends++] = b;
      }
      p += n;
      if (*p == ',') p++;
    }
  }
  /* the oracle, which takes every node, always last */
  const octet_backend *oracle = octet_backend_oracle();
  bool have = false;
  for (int i = 0; i < o->n_backends; i++) have |= o->backends[i] == oracle;
  if (!have) o->backends[o->n_backends++] = oracle;
  return OCTET_OK;
}

/* A memory limit from a cgroup file ("max" or a number of bytes), or 0. */
static size_t cgroup_limit(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  unsigned long long v = 0;
  int n = fscanf(f, "%llu", &v);
  fclose(f);
  return n == 1 && v > 0 && v < (unsigned long long)SIZE_MAX ? (size_t)v : 0;
}

/* The memory this process may use: physical memory, or the cgroup's limit
 * (v2 memory.max, v1 memory.limit_in_bytes) when that is lower. */
static size_t usable_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  size_t mem = OCTET_MAX_TENSOR_BYTES;
  if (pages > 0 && page > 0 &&
      (unsigned long)pages <= OCTET_MAX_TENSOR_BYTES / (unsigned long)page)
    mem = (size_t)pages * (size_t)page;
  static const char *const cgroup[] = {"/sys/fs/cgroup/memory.max",
                                       "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
  for (size_t i = 0; i < sizeof cgroup / sizeof cgroup[0]; i++) {
    size_t lim = cgroup_limit(cgroup[i]);
    if (lim && lim < mem) mem = lim;
  }
  return mem;
}

/* The default max_plan_bytes (include/octet.h says why half). */
static size_t default_plan_limit(void) { return usable_memory() / 2; }

/* Input shapes for planning when none are given: symbolic dims take the
 * batch for the first one and 1 elsewhere... except a name seen before. */
static void default_dims(const octet_session *s, int64_t (*dims)[OCTET_MAX_RANK]) {
  const octet_graph *g = &s->g;
  for (int i = 0; i < g->n_inputs; i++) {
    const octet_value *v = &g->values[g->inputs[i]];
    for (int d = 0; d < v->rank; d++)
      dims[i][d] = v->dims[d] >= 0 ? v->dims[d] : (d == 0 ? s->batch : 1);
  }
}

/* Does default_dims guess a symbolic dim other than the batch? */
static bool guessed_dims(const octet_session *s) {
  const octet_graph *g = &s->g;
  for (int i = 0; i < g->n_inputs; i++) {
    const octet_value *v = &g->values[g->inputs[i]];
    for (int d = 1; d < v->rank; d++)
      if (v->dims[d] < 0) return true;
  }
  return false;
}

octet_status octet_session_create(const octet_model *model,
                                  const octet_session_options *opts,
                                  octet_session **out) {
  if (!out) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "session_create: out is NULL");
  *out = NULL;
  if (!model) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "session_create: model is NULL");
  octet_session_options def;
  octet_session_options_init(&def);
  if (!opts) opts = &def;
  if (opts->struct_size != sizeof *opts)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "session options not initialised with octet_session_options_init");
  if (opts->precision != OCTET_PRECISION_FP32 && opts->precision != OCTET_PRECISION_FP16 &&
      opts->precision != OCTET_PRECISION_W8A8)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "unknown precision %d", (int)opts->precision);
  octet_session *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  atomic_flag_clear(&s->busy);
  s->model = model;
  s->opts.precision = opts->precision;
  s->opts.threads = opts->threads > 0 ? opts->threads : omp_get_num_procs();
  if (s->opts.threads > 1024) s->opts.threads = 1024;
  s->batch = opts->batch > 0 ? opts->batch : 1;
  s->opts.max_plan_bytes = opts->max_plan_bytes ? opts->max_plan_bytes : default_plan_limit();
  const unsigned known = OCTET_SESSION_FP16_WEIGHTS_AS_FP32 | OCTET_SESSION_NO_FUSE_ATTENTION |
                         OCTET_SESSION_NO_FUSE_RESIDUAL | OCTET_SESSION_NO_CHUNK;
  if (opts->flags & ~known) {
    octet_session_destroy(s);
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "unknown session flags 0x%x",
                      opts->flags & ~known);
  }
  s->opts.flags = opts->flags;
  s->chunk.separable = -1;
  s->chunk.budget = (s->opts.flags & OCTET_SESSION_NO_CHUNK) ? 0
                    : opts->chunk_bytes ? opts->chunk_bytes : OCTET_CHUNK_BYTES_DEFAULT;
  octet_status st = parse_backends(&s->opts, opts->backends);
  if (st == OCTET_OK) st = octet_graph_clone(&model->g, &s->g);
  if (st == OCTET_OK) st = octet_pass_fuse(&s->g, s->opts.flags, s->opts.precision);
  if (st == OCTET_OK) st = octet_pass_lower(&s->g, s->opts.precision);
  /* An input declared without a shape takes its rank from the first run
   * (bind_inputs); planning waits for it. */
  bool ranks_known = true;
  for (int i = 0; st == OCTET_OK && i < s->g.n_inputs; i++)
    if (s->g.values[s->g.inputs[i]].rank < 0) ranks_known = false;
  if (st == OCTET_OK && ranks_known) {
    int64_t dims[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK];
    default_dims(s, dims);
    st = octet_plan_build(&s->plan, &s->g, &s->opts, dims, NULL);
    /* Shapes that need input values (given only at run) are planned then;
     * so are shapes that fail only for the guessed 1 of a symbolic dim
     * other than the batch (an image model's height and width: a 3x3 Conv
     * or a pool cannot take 1x1). A real error shows at the first run. */
    if (st == OCTET_ERR_DATA_DEPENDENT ||
        (st == OCTET_ERR_SHAPE && guessed_dims(s))) {
      octet_clear_error();
      st = OCTET_OK;
    }
  }
  if (st != OCTET_OK) {
    octet_session_destroy(s);
    return st;
  }
  *out = s;
  return OCTET_OK;
}

void octet_session_destroy(octet_session *session) {
  if (!session) return;
  octet_plan_release(&session->plan);
  octet_session_chunk_free(session);
  octet_graph_free(&session->g);
  free(session);
}

const char *octet_session_last_error(const octet_session *session) {
  return session ? session->err : "session is NULL";
}

/* Matches caller tensors to graph inputs; fills `bound` (graph order) and
 * the shapes. */
static octet_status bind_inputs(octet_session *s, const octet_tensor *inputs,
                                size_t n_inputs, const octet_tensor **bound,
                                int64_t (*dims)[OCTET_MAX_RANK], bool need_data) {
  const octet_graph *g = &s->g;
  if (n_inputs != (size_t)g->n_inputs)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "model has %d inputs, %zu given",
                      g->n_inputs, n_inputs);
  if (n_inputs && !inputs)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "inputs is NULL");
  for (int i = 0; i < g->n_inputs; i++) bound[i] = NULL;
  for (size_t k = 0; k < n_inputs; k++) {
    const octet_tensor *t = &inputs[k];
    int idx = -1;
    if (t->name) {
      for (int i = 0; i < g->n_inputs; i++)
        if (strcmp(g->values[g->inputs[i]].name, t->name) == 0) idx = i;
      if (idx < 0)
        return octet_fail(OCTET_ERR_NOT_FOUND, "model has no input named '%s'", t->name);
    } else {
      idx = (int)k;
    }
    if (bound[idx])
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "input '%s' given twice",
                        g->values[g->inputs[idx]].name);
    bound[idx] = t;
  }
  for (int i = 0; i < g->n_inputs; i++) {
    const octet_value *v = &g->values[g->inputs[i]];
    const octet_tensor *t = bound[i];
    if (!t) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "input '%s' is missing", v->name);
    if (v->rank < 0) { /* declared without a shape: all dims symbolic, the rank
                          this first run gives (later runs must keep it) */
      if (t->rank < 0 || t->rank > OCTET_MAX_RANK)
        return octet_fail(OCTET_ERR_SHAPE, "input '%s': rank %d", v->name, t->rank);
      octet_value *mv = &s->g.values[g->inputs[i]];
      mv->rank = t->rank;
      for (int d = 0; d < OCTET_MAX_RANK; d++) mv->dims[d] = -1;
    }
    if (t->dtype != v->dtype)
      return octet_fail(OCTET_ERR_DTYPE, "input '%s': dtype %s, model expects %s", v->name,
                        octet_dtype_name(t->dtype), octet_dtype_name(v->dtype));
    if (t->rank != v->rank)
      return octet_fail(OCTET_ERR_SHAPE, "input '%s': rank %d, model expects %d", v->name,
                        t->rank, v->rank);
    for (int d = 0; d < v->rank; d++) {
      if (t->dims[d] < 0 || (v->dims[d] >= 0 && t->dims[d] != v->dims[d]))
        return octet_fail(OCTET_ERR_SHAPE, "input '%s': dim %d is %lld, model expects %lld",
                          v->name, d, (long long)t->dims[d], (long long)v->dims[d]);
      dims[i][d] = t->dims[d];
    }
    /* Equal symbolic names must get equal sizes; "?" is no name but
     * paddle2onnx's mark of an unknown dim ([?, 3, ?, ?]: height and
     * width differ, ONNX Runtime takes them apart too). */
    for (int j = 0; j <= i; j++) {
      const octet_value *u = &g->values[g->inputs[j]];
      for (int d = 0; d < v->rank; d++)
        for (int e = 0; e < u->rank; e++)
          if (v->dim_names[d] && u->dim_names[e] && strcmp(v->dim_names[d], "?") != 0 &&
              strcmp(v->dim_names[d], u->dim_names[e]) == 0 && dims[i][d] != dims[j][e])
            return octet_fail(OCTET_ERR_SHAPE,
                              "dimension '%s' is %lld in input '%s' but %lld in '%s'",
                              v->dim_names[d], (long long)dims[i][d], v->name,
                              (long long)dims[j][e], u->name);
    }
    size_t nb;
    if (!shape_nbytes(dims[i], v->rank, v->dtype, &nb))
      return octet_fail(OCTET_ERR_OVERFLOW, "input '%s': size too large", v->name);
    if (need_data) {
      if (t->nbytes != nb)
        return octet_fail(OCTET_ERR_SHAPE, "input '%s': %zu bytes given, shape needs %zu",
                          v->name, t->nbytes, nb);
      if (nb && !t->data)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "input '%s': data is NULL", v->name);
    }
  }
  return OCTET_OK;
}

static void input_data(const octet_session *s, const octet_tensor **bound,
                       const void **data) {
  for (int i = 0; i < s->g.n_inputs; i++) data[i] = bound[i]->data;
}

bool octet_session_enter(const octet_session *s, const char *what) {
  /* the flag is the one field every call may change: not const */
  if (!atomic_flag_test_and_set_explicit(&((octet_session *)s)->busy, memory_order_acquire))
    return true;
  octet_fail(OCTET_ERR_BUSY,
             "%s: the session is in use by another call (another thread, or the node "
             "callback): a session serves one call at a time; use one session per thread",
             what);
  return false;
}

void octet_session_leave(const octet_session *s) {
  atomic_flag_clear_explicit(&((octet_session *)s)->busy, memory_order_release);
}

static octet_status plan_locked(octet_session *s, const octet_tensor *inputs,
                                size_t n_inputs) {
  const octet_tensor *bound[OCTET_PLAN_MAX_IO];
  int64_t dims[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK];
  const void *data[OCTET_PLAN_MAX_IO];
  octet_status st = bind_inputs(s, inputs, n_inputs, bound, dims, false);
  if (st == OCTET_OK) {
    int64_t chunks;
    input_data(s, bound, data);
    st = octet_session_prepare_chunks(s, dims, data, &chunks);
  }
  return st == OCTET_OK ? OCTET_OK : sess_fail(s, st);
}

octet_status octet_session_plan(octet_session *s, const octet_tensor *inputs,
                                size_t n_inputs) {
  if (!s) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "session is NULL");
  if (!octet_session_enter(s, "octet_session_plan")) return OCTET_ERR_BUSY;
  octet_status st = plan_locked(s, inputs, n_inputs);
  octet_session_leave(s);
  return st;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Runs the plan's steps once over the inputs bound in s->plan. */
static octet_status run_steps(octet_session *s, int64_t chunk) {
  const octet_graph *g = &s->g;
  octet_plan *p = &s->plan;
  octet_kctx ctx = {.threads = s->opts.threads};
  octet_tview in[64], out[64];
  for (int k = 0; k < p->n_steps; k++) {
    const plan_step *step = &p->steps[k];
    const octet_node *n = &g->nodes[step->node];
    for (int i = 0; i < n->n_inputs; i++) {
      if (n->inputs[i] < 0) {
        memset(&in[i], 0, sizeof in[i]);
      } else {
        in[i] = p->pv[n->inputs[i]].tv;
      }
    }
    for (int o = 0; o < n->n_outputs; o++) out[o] = p->pv[n->outputs[o]].tv;
    ctx.state = step->kernel.state;
    double t0 = s->callback ? now_seconds() : 0.0;
    octet_status st = step->kernel.run(n, in, n->n_inputs, out, n->n_outputs, &ctx);
    if (st != OCTET_OK) {
      char msg[900];
      snprintf(msg, sizeof msg, "%s", octet_last_error());
      octet_fail(st, "node '%s' (%s) on %s: %s", n->name, n->op_type,
                 step->backend->name, msg);
      return sess_fail(s, st);
    }
    if (s->callback) {
      octet_node_event ev = {.node = &step->info, .index = (size_t)k,
                             .seconds = now_seconds() - t0, .chunk = chunk};
      s->callback(&ev, s->callback_user);
    }
  }
  for (int k = 0; k < p->n_copy_outputs; k++) {
    const plan_value *q = &p->pv[g->outputs[p->copy_outputs[k]]];
    if (q->nbytes) memcpy((char *)p->arena + p->out_offsets[k], q->tv.data, q->nbytes);
  }
  return OCTET_OK;
}

/* Where graph output i of the current plan is after run_steps. */
static void *plan_output(const octet_session *s, int i) {
  const octet_plan *p = &s->plan;
  const plan_value *q = &p->pv[s->g.outputs[i]];
  if (q->state == PV_ARENA) return q->tv.data;
  for (int k = 0; k < p->n_copy_outputs; k++)
    if (p->copy_outputs[k] == i) return (char *)p->arena + p->out_offsets[k];
  return NULL;
}

static octet_status run_locked(octet_session *s, const octet_tensor *inputs,
                               size_t n_inputs, octet_tensor *outputs,
                               size_t n_outputs) {
  const octet_graph *g = &s->g;
  if (n_outputs < (size_t)g->n_outputs || (g->n_outputs && !outputs))
    return sess_fail(s, octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                                   "room for %zu outputs given, model has %d",
                                   n_outputs, g->n_outputs));
  const octet_tensor *bound[OCTET_PLAN_MAX_IO];
  int64_t dims[OCTET_PLAN_MAX_IO][OCTET_MAX_RANK];
  const void *data[OCTET_PLAN_MAX_IO];
  octet_status st = bind_inputs(s, inputs, n_inputs, bound, dims, true);
  if (st != OCTET_OK) return sess_fail(s, st);
  input_data(s, bound, data);
  int64_t chunks = 1;
  st = octet_session_prepare_chunks(s, dims, data, &chunks);
  if (st != OCTET_OK) return sess_fail(s, st);
  octet_plan *p = &s->plan;
  for (int64_t ch = 0; ch < chunks; ch++) {
    for (int i = 0; i < g->n_inputs; i++)
      p->pv[g->inputs[i]].tv.data =
          (char *)bound[i]->data + (size_t)ch * (bound[i]->nbytes / (size_t)chunks);
    st = run_steps(s, ch);
    if (st != OCTET_OK) return st;
    if (chunks > 1)
      for (int i = 0; i < g->n_outputs; i++) {
        const plan_value *q = &p->pv[g->outputs[i]];
        if (q->nbytes)
          memcpy(s->chunk.out[i] + (size_t)ch * q->nbytes, plan_output(s, i), q->nbytes);
      }
  }
  for (int i = 0; i < g->n_outputs; i++) {
    const plan_value *q = &p->pv[g->outputs[i]];
    octet_tensor *t = &outputs[i];
    memset(t, 0, sizeof *t);
    t->name = g->values[g->outputs[i]].name;
    t->dtype = q->tv.dtype;
    t->rank = q->tv.rank;
    memcpy(t->dims, q->tv.dims, sizeof t->dims);
    t->nbytes = q->nbytes;
    t->data = plan_output(s, i);
    if (chunks > 1) {
      t->dims[0] *= chunks;
      t->nbytes *= (size_t)chunks;
      t->data = s->chunk.out[i];
    }
  }
  return OCTET_OK;
}

octet_status octet_session_run(octet_session *s, const octet_tensor *inputs,
                               size_t n_inputs, octet_tensor *outputs,
                               size_t n_outputs) {
  if (!s) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "session is NULL");
  if (!octet_session_enter(s, "octet_session_run")) return OCTET_ERR_BUSY;
  octet_status st = run_locked(s, inputs, n_inputs, outputs, n_outputs);
  octet_session_leave(s);
  return st;
}
