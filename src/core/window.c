/* Sliding-window geometry of the convolution and pooling ops (window.h).
 *
 * Per spatial axis, with the dilated kernel extent E = (k - 1) * d + 1:
 *   NOTSET      L = in + pad0 + pad1 must be >= E;
 *               out = floor((L - E) / s) + 1, or with ceil_mode
 *               ceil((L - E) / s) + 1, less one when that last window
 *               would start in the end padding ((out - 1) * s >= in + pad0)
 *   VALID       pads 0; out = floor((in - E) / s) + 1 (= ceil((in - E + 1) / s))
 *   SAME_UPPER  out = ceil(in / s); total = max(0, (out - 1) * s + E - in),
 *               pad0 = total / 2, pad1 = total - pad0 (the odd one at the end)
 *   SAME_LOWER  as SAME_UPPER with the odd one at the start
 * ConvTranspose: full = s * (in - 1) + output_padding + E; out = full -
 * pad0 - pad1 (NOTSET), full (VALID), in * s (SAME_*) or output_shape, the
 * pads then following from total = full - out as the ONNX spec says
 * (SAME_UPPER: pad0 = floor(total / 2); otherwise pad0 = total - floor(total / 2)). */
#include <string.h>

#include "core/window.h"

/* Attribute values above this are refused: every size computed from them
 * then fits an int64 (and the overflow checks below are a second guard). */
#define WINDOW_ATTR_MAX ((int64_t)1 << 31)

#define AXIS_ATTR_ERR \
  "%s '%s': attribute '%s' has %zu values, expected %d (one per spatial axis%s)"

static octet_status read_list(const octet_node *n, const char *name, int want, int64_t dflt,
                              int64_t lo, int64_t *out, bool *given) {
  const int64_t *v = NULL;
  size_t count = 0;
  bool has = attr_ints(n, name, &v, &count);
  if (given) *given = has;
  if (!has) {
    for (int i = 0; i < want; i++) out[i] = dflt;
    return OCTET_OK;
  }
  if (count != (size_t)want)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, AXIS_ATTR_ERR, n->op_type, n->name, name,
                      count, want, strcmp(name, "pads") == 0 ? ", start and end" : "");
  for (int i = 0; i < want; i++) {
    if (v[i] < lo || v[i] > WINDOW_ATTR_MAX)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': attribute '%s'[%d] = %lld is out of range (%lld to %lld)",
                        n->op_type, n->name, name, i, (long long)v[i], (long long)lo,
                        (long long)WINDOW_ATTR_MAX);
    out[i] = v[i];
  }
  return OCTET_OK;
}

static int64_t floor_div(int64_t a, int64_t b) { /* b > 0 */
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

enum { PAD_NOTSET, PAD_VALID, PAD_SAME_UPPER, PAD_SAME_LOWER };

static octet_status read_auto_pad(const octet_node *n, int *mode) {
  const char *s = attr_string(n, "auto_pad", "NOTSET");
  static const char *const names[] = {"NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) {
      *mode = i;
      return OCTET_OK;
    }
  return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                    "%s '%s': auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID",
                    n->op_type, n->name, s);
}

static octet_status too_large(const octet_node *n, int axis) {
  return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': the output size along spatial axis %d "
                    "overflows", n->op_type, n->name, axis);
}

/* Conv and pooling: the output size of one axis. */
static octet_status forward_axis(const octet_node *n, octet_window *w, int i, int mode,
                                 bool ceil_mode) {
  int64_t in = w->in[i], s = w->stride[i];
  int64_t e = (w->kernel[i] - 1) * w->dilation[i] + 1;
  if (mode == PAD_SAME_UPPER || mode == PAD_SAME_LOWER) {
    int64_t out = in == 0 ? 0 : (in - 1) / s + 1, total = (out - 1) * s + e - in;
    if (total < 0) total = 0;
    w->pad0[i] = mode == PAD_SAME_UPPER ? total / 2 : total - total / 2;
    w->pad1[i] = total - w->pad0[i];
    w->out[i] = out;
    return OCTET_OK;
  }
  if (mode == PAD_VALID) w->pad0[i] = w->pad1[i] = 0;
  int64_t padded = in + w->pad0[i] + w->pad1[i]; /* < 2^42: no overflow */
  if (padded < e)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': the kernel (%lld, %lld with dilation %lld) is larger than "
                      "the padded input (%lld = %lld + pads %lld, %lld) along spatial axis %d",
                      n->op_type, n->name, (long long)w->kernel[i], (long long)e,
                      (long long)w->dilation[i], (long long)padded, (long long)in,
                      (long long)w->pad0[i], (long long)w->pad1[i], i);
  int64_t out = (padded - e) / s + 1;
  if (ceil_mode && mode == PAD_NOTSET && (padded - e) % s != 0) {
    out++;
    if ((out - 1) * s >= in + w->pad0[i]) out--; /* it would start in the end pad */
  }
  w->out[i] = out;
  return OCTET_OK;
}

static octet_status transpose_axis(const octet_node *n, octet_window *w, int i, int mode,
                                   int64_t out_pad, const int64_t *out_shape) {
  int64_t e = (w->kernel[i] - 1) * w->dilation[i] + 1, full;
  if (__builtin_mul_overflow(w->stride[i], w->in[i] > 0 ? w->in[i] - 1 : 0, &full) ||
      __builtin_add_overflow(full, out_pad + e, &full))
    return too_large(n, i);
  if (w->in[i] == 0) full = 0;
  int64_t out;
  if (out_shape || mode == PAD_SAME_UPPER || mode == PAD_SAME_LOWER) {
    if (out_shape)
      out = out_shape[i];
    else if (__builtin_mul_overflow(w->in[i], w->stride[i], &out))
      return too_large(n, i);
    int64_t total = full - out, half = floor_div(total, 2);
    w->pad0[i] = mode == PAD_SAME_UPPER ? half : total - half;
    w->pad1[i] = total - w->pad0[i];
  } else {
    if (mode == PAD_VALID) w->pad0[i] = w->pad1[i] = 0;
    out = full - w->pad0[i] - w->pad1[i];
    if (out < 0)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': pads %lld + %lld are larger than the output (%lld) along "
                        "spatial axis %d",
                        n->op_type, n->name, (long long)w->pad0[i], (long long)w->pad1[i],
                        (long long)full, i);
  }
  w->out[i] = out;
  return OCTET_OK;
}

octet_status octet_window_get(const octet_node *n, octet_window_kind kind, const int64_t *in,
                              int nsp, const int64_t *wkernel, octet_window *w) {
  memset(w, 0, sizeof *w);
  if (nsp < 1 || nsp > OCTET_WINDOW_MAX_SPATIAL)
    return octet_fail(OCTET_ERR_UNSUPPORTED,
                      "%s '%s': %d spatial dims are not supported (1 to %d: X is N x C x D1 "
                      "... Dk)",
                      n->op_type, n->name, nsp, OCTET_WINDOW_MAX_SPATIAL);
  w->nsp = nsp;
  for (int i = 0; i < nsp; i++) w->in[i] = in[i];
  bool has_kernel = false;
  octet_status st = read_list(n, "kernel_shape", nsp, 1, 1, w->kernel, &has_kernel);
  if (st != OCTET_OK) return st;
  if (kind == OCTET_WINDOW_POOL && !has_kernel)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': attribute 'kernel_shape' is "
                      "required", n->op_type, n->name);
  if (wkernel)
    for (int i = 0; i < nsp; i++) {
      if (has_kernel && w->kernel[i] != wkernel[i])
        return octet_fail(OCTET_ERR_SHAPE,
                          "%s '%s': kernel_shape[%d] = %lld but W has %lld along that axis",
                          n->op_type, n->name, i, (long long)w->kernel[i],
                          (long long)wkernel[i]);
      if (wkernel[i] < 1 || wkernel[i] > WINDOW_ATTR_MAX)
        return octet_fail(OCTET_ERR_SHAPE, "%s '%s': W's kernel dim %d is %lld (1 to %lld)",
                          n->op_type, n->name, i, (long long)wkernel[i],
                          (long long)WINDOW_ATTR_MAX);
      w->kernel[i] = wkernel[i];
    }
  int64_t pads[2 * OCTET_WINDOW_MAX_SPATIAL];
  bool has_pads = false;
  if ((st = read_list(n, "strides", nsp, 1, 1, w->stride, NULL)) != OCTET_OK ||
      (st = read_list(n, "dilations", nsp, 1, 1, w->dilation, NULL)) != OCTET_OK ||
      (st = read_list(n, "pads", 2 * nsp, 0, 0, pads, &has_pads)) != OCTET_OK)
    return st;
  for (int i = 0; i < nsp; i++) {
    w->pad0[i] = pads[i];
    w->pad1[i] = pads[nsp + i];
  }
  int mode = PAD_NOTSET;
  if ((st = read_auto_pad(n, &mode)) != OCTET_OK) return st;
  if (mode != PAD_NOTSET && has_pads)
    for (int i = 0; i < 2 * nsp; i++)
      if (pads[i] != 0)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                          "%s '%s': explicit pads cannot be used with auto_pad '%s'",
                          n->op_type, n->name, attr_string(n, "auto_pad", ""));
  if (kind == OCTET_WINDOW_CONV_TRANSPOSE) {
    int64_t op[OCTET_WINDOW_MAX_SPATIAL], os[OCTET_WINDOW_MAX_SPATIAL + 2];
    if ((st = read_list(n, "output_padding", nsp, 0, 0, op, NULL)) != OCTET_OK) return st;
    for (int i = 0; i < nsp; i++)
      if (op[i] >= w->stride[i] && op[i] >= w->dilation[i])
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                          "%s '%s': output_padding[%d] = %lld must be smaller than the stride "
                          "(%lld) or the dilation (%lld)",
                          n->op_type, n->name, i, (long long)op[i], (long long)w->stride[i],
                          (long long)w->dilation[i]);
    const int64_t *osv = NULL;
    size_t osn = 0;
    const int64_t *out_shape = NULL;
    if (attr_ints(n, "output_shape", &osv, &osn)) {
      if (osn != (size_t)nsp && osn != (size_t)nsp + 2)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT, AXIS_ATTR_ERR, n->op_type, n->name,
                          "output_shape", osn, nsp, "");
      for (int i = 0; i < nsp; i++) {
        os[i] = osv[osn - (size_t)nsp + (size_t)i];
        if (os[i] < 0 || os[i] > WINDOW_ATTR_MAX)
          return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                            "%s '%s': output_shape[%d] = %lld is out of range (0 to %lld)",
                            n->op_type, n->name, i, (long long)os[i],
                            (long long)WINDOW_ATTR_MAX);
      }
      out_shape = os;
    }
    for (int i = 0; i < nsp; i++)
      if ((st = transpose_axis(n, w, i, mode, op[i], out_shape)) != OCTET_OK) return st;
    return OCTET_OK;
  }
  bool ceil_mode = false;
  if (kind == OCTET_WINDOW_POOL) {
    int64_t c = attr_int(n, "ceil_mode", 0);
    if (c != 0 && c != 1)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': ceil_mode must be 0 or 1, got "
                        "%lld", n->op_type, n->name, (long long)c);
    ceil_mode = c == 1;
  }
  for (int i = 0; i < nsp; i++)
    if ((st = forward_axis(n, w, i, mode, ceil_mode)) != OCTET_OK) return st;
  return OCTET_OK;
}

int64_t octet_window_out_numel(const octet_window *w) {
  int64_t k = 1;
  for (int i = 0; i < w->nsp; i++) k *= w->out[i];
  return k;
}
