/* `octet bench`: random inputs per batch and accuracy against the fp32
 * reference (cli-bench.h). */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli-bench.h"

/* ---- inputs ------------------------------------------------------------------- */

static bool name_has(const char *name, const char *part) {
  if (!name) return false;
  size_t n = strlen(part);
  for (const char *p = name; *p; p++) {
    size_t k = 0;
    while (k < n && p[k] && tolower((unsigned char)p[k]) == part[k]) k++;
    if (k == n) return true;
  }
  return false;
}

/* Shapes of every input at batch `batch`. Returns false with a message. */
bool bench_input_dims(const bench_state *s, int64_t batch, int64_t (*dims)[OCTET_MAX_RANK],
                       char *err, size_t cap) {
  const cli_model_io *io = &s->io;
  const char *bname = s->o.batch_dim;
  bool found = false;
  if (!bname) {
    if (io->n_inputs == 0 || io->inputs[0].rank < 1) {
      snprintf(err, cap, "the first input has no dims to take the batch; give --batch-dim");
      return false;
    }
    const octet_tensor_info *in0 = &io->inputs[0];
    if (in0->dims[0] >= 0 && in0->dims[0] != batch) {
      snprintf(err, cap,
               "the first dim of input '%s' is fixed at %" PRId64
               ": it cannot take batch %" PRId64 " (name a symbolic dim with --batch-dim)",
               in0->name, in0->dims[0], batch);
      return false;
    }
    bname = in0->dims[0] < 0 ? in0->dim_names[0] : NULL;
  }
  for (size_t k = 0; k < io->n_inputs; k++) {
    const octet_tensor_info *in = &io->inputs[k];
    int rank = in->rank < 0 ? 0 : in->rank;
    for (int d = 0; d < rank; d++) {
      int64_t v = in->dims[d];
      const char *dn = in->dim_names[d];
      bool is_batch = (bname && dn && strcmp(dn, bname) == 0) ||
                      (!s->o.batch_dim && d == 0 && (k == 0 || (v < 0 && !dn)));
      if (is_batch && (v < 0 || k == 0)) {
        dims[k][d] = batch;
        found = true;
        continue;
      }
      if (v >= 0) {
        dims[k][d] = v;
        continue;
      }
      dims[k][d] = s->o.seq;
      for (int j = 0; j < s->o.so.n_dims; j++)
        if (dn && strcmp(s->o.so.dims[j].name, dn) == 0) dims[k][d] = s->o.so.dims[j].value;
    }
  }
  if (!found) {
    snprintf(err, cap, "no input has a dim named '%s' (--batch-dim)", s->o.batch_dim);
    return false;
  }
  return true;
}

void bench_free_inputs(octet_tensor *t, size_t n) {
  for (size_t k = 0; k < n; k++) free(t[k].data);
}

int bench_make_inputs(const bench_state *s, int64_t batch, octet_tensor *t, char *err,
                       size_t cap) {
  int64_t(*dims)[OCTET_MAX_RANK] = calloc(s->io.n_inputs + 1, sizeof *dims);
  if (!dims) {
    snprintf(err, cap, "out of memory");
    return CLI_EXIT_ERROR;
  }
  if (!bench_input_dims(s, batch, dims, err, cap)) {
    free(dims);
    return CLI_EXIT_ERROR;
  }
  cli_rand_opts ro = {.seed = s->o.seed, .int_lo = s->o.int_lo, .int_hi = s->o.int_hi};
  int rc = CLI_EXIT_OK;
  for (size_t k = 0; k < s->io.n_inputs && rc == CLI_EXIT_OK; k++) {
    const octet_tensor_info *in = &s->io.inputs[k];
    t[k].name = in->name;
    t[k].dtype = in->dtype;
    t[k].rank = in->rank < 0 ? 0 : in->rank;
    memcpy(t[k].dims, dims[k], sizeof t[k].dims);
    rc = cli_random_tensor(&t[k], in->name ? in->name : "", &ro);
    if (rc != CLI_EXIT_OK) {
      snprintf(err, cap, "cannot make input '%s'", in->name ? in->name : "?");
      break;
    }
    bool is_int = in->dtype == OCTET_DTYPE_INT64 || in->dtype == OCTET_DTYPE_INT32;
    if (is_int && (name_has(in->name, "mask") || name_has(in->name, "token_type"))) {
      size_t es = octet_dtype_size(in->dtype), n = t[k].nbytes / es;
      int64_t val = name_has(in->name, "mask") ? 1 : 0;
      for (size_t i = 0; i < n; i++) {
        if (es == 8)
          ((int64_t *)t[k].data)[i] = val;
        else
          ((int32_t *)t[k].data)[i] = (int32_t)val;
      }
    }
  }
  free(dims);
  return rc;
}

/* ---- accuracy ------------------------------------------------------------------ */


static bool out_float(const octet_tensor *t, size_t i, float *v) {
  switch (t->dtype) {
    case OCTET_DTYPE_FLOAT32: *v = ((const float *)t->data)[i]; return true;
    case OCTET_DTYPE_FLOAT16: *v = octet_fp16_to_fp32(((const uint16_t *)t->data)[i]); return true;
    case OCTET_DTYPE_FLOAT64: *v = (float)((const double *)t->data)[i]; return true;
    default: return false;
  }
}

static bool is_float_dtype(octet_dtype d) {
  return d == OCTET_DTYPE_FLOAT32 || d == OCTET_DTYPE_FLOAT16 || d == OCTET_DTYPE_FLOAT64;
}

void bench_ref_free(ref_out *r, size_t n) {
  for (size_t k = 0; k < n; k++) {
    free(r[k].data);
    r[k].data = NULL;
    r[k].n = 0;
  }
}

bool bench_ref_keep(ref_out *r, const octet_tensor *out, size_t n_out) {
  bench_ref_free(r, n_out);
  for (size_t k = 0; k < n_out; k++) {
    const octet_tensor *t = &out[k];
    if (!is_float_dtype(t->dtype)) continue;
    size_t n = t->nbytes / octet_dtype_size(t->dtype);
    r[k].data = malloc(sizeof(float) * (n ? n : 1));
    if (!r[k].data) return false;
    r[k].n = n;
    for (size_t i = 0; i < n; i++) out_float(t, i, &r[k].data[i]);
  }
  return true;
}

/* Cosine similarity and max |y - r| / max |r| over all float outputs. */
void bench_accuracy(const ref_out *r, const octet_tensor *out, size_t n_out, double *cosine,
                     double *max_rel) {
  double dot = 0, na = 0, nb = 0, maxd = 0, maxr = 0;
  bool any = false;
  *cosine = *max_rel = NAN;
  for (size_t k = 0; k < n_out; k++) {
    const octet_tensor *t = &out[k];
    if (!r[k].data || !is_float_dtype(t->dtype)) continue;
    size_t n = t->nbytes / octet_dtype_size(t->dtype);
    if (n != r[k].n) return; /* shapes differ: no comparison */
    any = true;
    for (size_t i = 0; i < n; i++) {
      float y = 0.0f;
      out_float(t, i, &y);
      double a = y, b = r[k].data[i];
      dot += a * b;
      na += a * a;
      nb += b * b;
      double d = fabs(a - b);
      if (d > maxd || isnan(d)) maxd = isnan(d) ? INFINITY : d;
      if (fabs(b) > maxr) maxr = fabs(b);
    }
  }
  if (!any) return;
  *cosine = (na > 0 && nb > 0) ? dot / (sqrt(na) * sqrt(nb)) : (na == nb ? 1.0 : 0.0);
  if (!isfinite(*cosine)) *cosine = NAN;
  *max_rel = maxr > 0 ? maxd / maxr : (maxd == 0 ? 0.0 : INFINITY);
}

