/* ONNX ModelProto -> graph IR: tensors (raw, typed and external data),
 * attributes, value infos, nodes. Everything read from the file is checked:
 * dtypes, ranks, dims, byte counts, names, op types. */
#include "onnx/loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "onnx-subset.pb-c.h"

typedef Onnx__TensorProto TensorProto;

octet_status octet_read_file(const char *path, size_t max_bytes, void **buf,
                             size_t *len) {
  *buf = NULL;
  *len = 0;
  int fd;
  struct stat st;
  octet_status s = octet_file_open(path, "model file", 0, &fd, &st);
  if (s != OCTET_OK) return s;
  if ((uint64_t)st.st_size > max_bytes) {
    close(fd);
    return octet_fail(OCTET_ERR_IO, "'%s' is too large (%lld bytes)", path,
                      (long long)st.st_size);
  }
  size_t n = (size_t)st.st_size;
  void *b = malloc(n ? n : 1);
  if (!b) {
    close(fd);
    return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory reading '%s'", path);
  }
  if (n && !octet_file_pread(fd, b, n, 0)) {
    int e = errno;
    free(b);
    close(fd);
    return octet_fail(OCTET_ERR_IO, "short read on '%s'%s%s", path, e ? ": " : "",
                      e ? strerror(e) : "");
  }
  close(fd);
  *buf = b;
  *len = n;
  return OCTET_OK;
}

static bool dtype_known(int32_t code) {
  switch (code) {
    case OCTET_DTYPE_FLOAT32: case OCTET_DTYPE_UINT8: case OCTET_DTYPE_INT8:
    case OCTET_DTYPE_UINT16: case OCTET_DTYPE_INT16: case OCTET_DTYPE_INT32:
    case OCTET_DTYPE_INT64: case OCTET_DTYPE_BOOL: case OCTET_DTYPE_FLOAT16:
    case OCTET_DTYPE_FLOAT64: case OCTET_DTYPE_UINT32: case OCTET_DTYPE_UINT64:
      return true;
    default:
      return false;
  }
}

static const char *onnx_dtype_name(int32_t code) {
  static const char *names[] = {
      "undefined", "float", "uint8", "int8", "uint16", "int16", "int32",
      "int64", "string", "bool", "float16", "double", "uint32", "uint64",
      "complex64", "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz",
      "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1"};
  if (code >= 0 && code < (int32_t)(sizeof names / sizeof names[0]))
    return names[code];
  return "unknown";
}

/* Copies a typed repeated field into `dst`, converting each element. */
static void copy_typed(octet_dtype dt, void *dst, size_t n,
                       const TensorProto *t) {
  for (size_t i = 0; i < n; i++) {
    switch (dt) {
      case OCTET_DTYPE_FLOAT32: ((float *)dst)[i] = t->float_data[i]; break;
      case OCTET_DTYPE_FLOAT64: ((double *)dst)[i] = t->double_data[i]; break;
      case OCTET_DTYPE_INT64: ((int64_t *)dst)[i] = t->int64_data[i]; break;
      case OCTET_DTYPE_INT32: ((int32_t *)dst)[i] = t->int32_data[i]; break;
      case OCTET_DTYPE_INT16: ((int16_t *)dst)[i] = (int16_t)t->int32_data[i]; break;
      case OCTET_DTYPE_INT8: ((int8_t *)dst)[i] = (int8_t)t->int32_data[i]; break;
      case OCTET_DTYPE_UINT8: ((uint8_t *)dst)[i] = (uint8_t)t->int32_data[i]; break;
      case OCTET_DTYPE_BOOL: ((uint8_t *)dst)[i] = t->int32_data[i] != 0; break;
      case OCTET_DTYPE_UINT16:
      case OCTET_DTYPE_FLOAT16:
        ((uint16_t *)dst)[i] = (uint16_t)t->int32_data[i];
        break;
      case OCTET_DTYPE_UINT32: ((uint32_t *)dst)[i] = (uint32_t)t->uint64_data[i]; break;
      case OCTET_DTYPE_UINT64: ((uint64_t *)dst)[i] = t->uint64_data[i]; break;
      case OCTET_DTYPE_UNDEFINED: break;
    }
  }
}

/* Number of elements present in the typed field that holds dtype `dt`. */
static size_t typed_count(octet_dtype dt, const TensorProto *t) {
  switch (dt) {
    case OCTET_DTYPE_FLOAT32: return t->n_float_data;
    case OCTET_DTYPE_FLOAT64: return t->n_double_data;
    case OCTET_DTYPE_INT64: return t->n_int64_data;
    case OCTET_DTYPE_UINT32:
    case OCTET_DTYPE_UINT64: return t->n_uint64_data;
    default: return t->n_int32_data;
  }
}

static bool safe_relative_path(const char *p) {
  if (!p || !*p || p[0] == '/') return false;
  for (const char *s = p; *s; s++) {
    if (s[0] == '.' && s[1] == '.' && (s == p || s[-1] == '/') &&
        (s[2] == '/' || s[2] == '\0'))
      return false;
  }
  return true;
}

static bool parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s) return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || s[0] == '-') return false;
  *out = v;
  return true;
}

/* Is `path` (resolved) inside the folder `dir` (resolved)? */
static bool path_inside(const char *path, const char *dir) {
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/') return path[0] == '/';
  return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Opens the external data of tensor `tname` and checks it before anything
 * is allocated: the location is a relative path without "..", and the file
 * it names, with every symbolic link resolved (realpath), is a regular file
 * inside the model's folder (resolved the same way) holding `nbytes` bytes
 * at the offset. A symbolic link may point anywhere inside the folder, never
 * out of it. On success *fd is open (O_NOFOLLOW on the resolved path) and
 * *offset is where the data starts. */
static octet_status open_external(const TensorProto *t, const char *base_dir,
                                  const char *tname, size_t nbytes, int *fd,
                                  uint64_t *offset_out) {
  const char *location = NULL;
  uint64_t offset = 0, length = UINT64_MAX;
  *fd = -1;
  for (size_t i = 0; i < t->n_external_data; i++) {
    const Onnx__StringStringEntryProto *e = t->external_data[i];
    if (!e->key || !e->value) continue;
    if (strcmp(e->key, "location") == 0) {
      location = e->value;
    } else if (strcmp(e->key, "offset") == 0) {
      if (!parse_u64(e->value, &offset))
        return octet_fail(OCTET_ERR_PARSE, "tensor '%s': bad external offset '%s'",
                          tname, e->value);
    } else if (strcmp(e->key, "length") == 0) {
      if (!parse_u64(e->value, &length))
        return octet_fail(OCTET_ERR_PARSE, "tensor '%s': bad external length '%s'",
                          tname, e->value);
    }
  }
  if (!safe_relative_path(location))
    return octet_fail(OCTET_ERR_PARSE,
                      "tensor '%s': external data location '%s' must be a "
                      "relative path inside the model's folder",
                      tname, location ? location : "(none)");
  if (length != UINT64_MAX && length != nbytes)
    return octet_fail(OCTET_ERR_PARSE,
                      "tensor '%s': external length %llu but shape needs %zu bytes",
                      tname, (unsigned long long)length, nbytes);
  const char *dir = base_dir ? base_dir : ".";
  char path[4096];
  int w = snprintf(path, sizeof path, "%s/%s", dir, location);
  if (w < 0 || (size_t)w >= sizeof path)
    return octet_fail(OCTET_ERR_PARSE, "tensor '%s': external path too long",
                      tname);
  char *real_dir = realpath(dir, NULL);
  if (!real_dir)
    return octet_fail(OCTET_ERR_IO, "tensor '%s': model folder '%s': %s", tname, dir,
                      strerror(errno));
  char *real = realpath(path, NULL);
  if (!real) {
    int e = errno;
    free(real_dir);
    return octet_fail(OCTET_ERR_IO, "tensor '%s': cannot open external data '%s': %s",
                      tname, path, strerror(e));
  }
  octet_status s = OCTET_OK;
  if (!path_inside(real, real_dir))
    s = octet_fail(OCTET_ERR_PARSE,
                   "tensor '%s': external data '%s' resolves to '%s', outside the "
                   "model's folder '%s' (external data must be inside the folder "
                   "once symbolic links are resolved)",
                   tname, location, real, real_dir);
  struct stat st;
  if (s == OCTET_OK)
    s = octet_file_open(real, "external data", OCTET_FILE_NOFOLLOW, fd, &st);
  if (s != OCTET_OK) {
    free(real);
    free(real_dir);
    return s;
  }
  if (offset > (uint64_t)st.st_size || (uint64_t)st.st_size - offset < nbytes)
    s = octet_fail(OCTET_ERR_PARSE,
                   "tensor '%s': external data '%s' too short (%lld bytes, "
                   "need %zu at offset %llu)",
                   tname, path, (long long)st.st_size, nbytes,
                   (unsigned long long)offset);
  free(real);
  free(real_dir);
  if (s != OCTET_OK) {
    close(*fd);
    *fd = -1;
    return s;
  }
  *offset_out = offset;
  return OCTET_OK;
}

/* TensorProto -> a view with owned data. */
static octet_status tensor_from_proto(const TensorProto *t, const char *base_dir,
                                      octet_tview *out) {
  const char *tname = t->name ? t->name : "";
  memset(out, 0, sizeof *out);
  if (!dtype_known(t->data_type))
    return octet_fail(OCTET_ERR_DTYPE, "tensor '%s': unsupported dtype %d (%s)",
                      tname, (int)t->data_type, onnx_dtype_name(t->data_type));
  if (t->n_dims > OCTET_MAX_RANK)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "tensor '%s': rank %zu > %d",
                      tname, t->n_dims, OCTET_MAX_RANK);
  out->dtype = (octet_dtype)t->data_type;
  out->rank = (int)t->n_dims;
  for (size_t i = 0; i < t->n_dims; i++) {
    if (t->dims[i] < 0)
      return octet_fail(OCTET_ERR_PARSE, "tensor '%s': negative dim %lld",
                        tname, (long long)t->dims[i]);
    out->dims[i] = t->dims[i];
  }
  size_t nbytes;
  if (!shape_nbytes(out->dims, out->rank, out->dtype, &nbytes))
    return octet_fail(OCTET_ERR_OVERFLOW, "tensor '%s': size too large", tname);
  size_t esize = octet_dtype_size(out->dtype);
  size_t numel = nbytes / esize;
  bool external = t->has_data_location &&
                  t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  size_t typed = typed_count(out->dtype, t);
  /* Check the declared size against the data before allocating. */
  if (!external) {
    if (t->has_raw_data) {
      if (t->raw_data.len != nbytes)
        return octet_fail(OCTET_ERR_PARSE,
                          "tensor '%s': raw_data has %zu bytes, shape needs %zu",
                          tname, t->raw_data.len, nbytes);
    } else if (typed != numel) {
      return octet_fail(OCTET_ERR_PARSE,
                        "tensor '%s': has %zu values, shape needs %zu", tname,
                        typed, numel);
    }
  }
  /* External data: the file is opened and its size checked first. */
  int fd = -1;
  uint64_t offset = 0;
  if (external) {
    octet_status s = open_external(t, base_dir, tname, nbytes, &fd, &offset);
    if (s != OCTET_OK) return s;
  }
  void *data = malloc(nbytes ? nbytes : 1);
  if (!data) {
    if (fd >= 0) close(fd);
    return octet_fail(OCTET_ERR_NO_MEMORY, "tensor '%s': out of memory (%zu bytes)",
                      tname, nbytes);
  }
  if (external) {
    bool ok = nbytes == 0 || octet_file_pread(fd, data, nbytes, offset);
    int e = errno;
    close(fd);
    if (!ok) {
      free(data);
      return octet_fail(OCTET_ERR_IO, "tensor '%s': cannot read external data: %s", tname,
                        e ? strerror(e) : "the file shrank");
    }
  } else if (t->has_raw_data) {
    if (nbytes) memcpy(data, t->raw_data.data, nbytes);
  } else {
    copy_typed(out->dtype, data, numel, t);
  }
  if (out->dtype == OCTET_DTYPE_BOOL) /* normalise bools to 0/1 */
    for (size_t i = 0; i < nbytes; i++)
      ((uint8_t *)data)[i] = ((uint8_t *)data)[i] != 0;
  out->data = data;
  return OCTET_OK;
}

octet_status octet_onnx_parse_tensor(const void *buf, size_t len,
                                     const char *base_dir, octet_tview *out,
                                     char **name) {
  if (!buf || !out)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "parse_tensor: NULL argument");
  TensorProto *t = onnx__tensor_proto__unpack(NULL, len, buf);
  if (!t) return octet_fail(OCTET_ERR_PARSE, "not a valid ONNX TensorProto");
  octet_status s = tensor_from_proto(t, base_dir, out);
  if (s == OCTET_OK && name) {
    *name = strdup(t->name ? t->name : "");
    if (!*name) {
      free(out->data);
      out->data = NULL;
      s = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    }
  }
  onnx__tensor_proto__free_unpacked(t, NULL);
  return s;
}

static octet_status convert_attr(const octet_node *n,
                                 const Onnx__AttributeProto *ap,
                                 const char *base_dir, octet_attr *a) {
  const char *an = ap->name ? ap->name : "";
  if (ap->ref_attr_name && *ap->ref_attr_name)
    return octet_fail(OCTET_ERR_UNSUPPORTED,
                      "node '%s' (%s): attribute '%s' refers to a function "
                      "attribute, which is not supported",
                      n->name, n->op_type, an);
  switch (ap->type) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
      a->type = OCTET_ATTR_FLOAT;
      a->f = ap->f;
      return OCTET_OK;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
      a->type = OCTET_ATTR_INT;
      a->i = ap->i;
      return OCTET_OK;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
      a->type = OCTET_ATTR_STRING;
      a->s = malloc(ap->s.len + 1);
      if (!a->s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
      if (ap->s.len) memcpy(a->s, ap->s.data, ap->s.len);
      a->s[ap->s.len] = '\0';
      a->s_len = ap->s.len;
      return OCTET_OK;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
      a->type = OCTET_ATTR_FLOATS;
      a->count = ap->n_floats;
      a->floats = malloc(sizeof(float) * (ap->n_floats ? ap->n_floats : 1));
      if (!a->floats) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
      if (ap->n_floats) memcpy(a->floats, ap->floats, sizeof(float) * ap->n_floats);
      return OCTET_OK;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
      a->type = OCTET_ATTR_INTS;
      a->count = ap->n_ints;
      a->ints = malloc(sizeof(int64_t) * (ap->n_ints ? ap->n_ints : 1));
      if (!a->ints) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
      if (ap->n_ints) memcpy(a->ints, ap->ints, sizeof(int64_t) * ap->n_ints);
      return OCTET_OK;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR:
      if (!ap->t)
        return octet_fail(OCTET_ERR_PARSE, "node '%s': tensor attribute '%s' is empty",
                          n->name, an);
      a->type = OCTET_ATTR_TENSOR;
      return tensor_from_proto(ap->t, base_dir, &a->t);
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED:
      /* Old exporters leave `type` unset; infer it from the filled field. */
      if (ap->n_ints) {
        Onnx__AttributeProto c = *ap;
        c.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
        return convert_attr(n, &c, base_dir, a);
      }
      if (ap->n_floats) {
        Onnx__AttributeProto c = *ap;
        c.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
        return convert_attr(n, &c, base_dir, a);
      }
      if (ap->t) {
        Onnx__AttributeProto c = *ap;
        c.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
        return convert_attr(n, &c, base_dir, a);
      }
      return octet_fail(OCTET_ERR_PARSE, "node '%s' (%s): attribute '%s' has no type",
                        n->name, n->op_type, an);
    default:
      return octet_fail(OCTET_ERR_UNSUPPORTED,
                        "node '%s' (%s): attribute '%s' of type %d is not supported",
                        n->name, n->op_type, an, (int)ap->type);
  }
}

static octet_status value_info_to_value(const Onnx__ValueInfoProto *vi,
                                        octet_value *v) {
  const char *vn = vi->name ? vi->name : "";
  if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
      !vi->type->tensor_type)
    return octet_fail(OCTET_ERR_UNSUPPORTED,
                      "graph input/output '%s': only tensor types are supported "
                      "(sequence/optional/map type given)", vn);
  const Onnx__TypeProto__Tensor *tt = vi->type->tensor_type;
  if (!dtype_known(tt->elem_type))
    return octet_fail(OCTET_ERR_DTYPE, "'%s': unsupported dtype %d (%s)", vn,
                      (int)tt->elem_type, onnx_dtype_name(tt->elem_type));
  v->dtype = (octet_dtype)tt->elem_type;
  if (!tt->shape) {
    v->rank = -1;
    return OCTET_OK;
  }
  if (tt->shape->n_dim > OCTET_MAX_RANK)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "'%s': rank %zu > %d", vn,
                      tt->shape->n_dim, OCTET_MAX_RANK);
  v->rank = (int)tt->shape->n_dim;
  for (size_t i = 0; i < tt->shape->n_dim; i++) {
    const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
    v->dims[i] = -1;
    if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
      /* -1 or 0 without a dim_param is how some exporters (paddle2onnx)
       * write a dynamic dim: symbolic, like a dim with neither field (a
       * real empty input still binds, its size is taken at run) */
      if (d->dim_value == -1 || d->dim_value == 0) continue;
      if (d->dim_value < 0 || d->dim_value > ((int64_t)1 << 40))
        return octet_fail(OCTET_ERR_PARSE, "'%s': dim %zu is %lld", vn, i,
                          (long long)d->dim_value);
      v->dims[i] = d->dim_value;
    } else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
               d->dim_param) {
      v->dim_names[i] = strdup(d->dim_param);
      if (!v->dim_names[i]) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    }
  }
  return OCTET_OK;
}

/* Turns a Constant node's attribute into the value's data. */
static octet_status constant_to_value(const octet_node *n, octet_value *v) {
  if (n->n_attrs != 1)
    return octet_fail(OCTET_ERR_PARSE, "Constant '%s': needs exactly one attribute",
                      n->name);
  const octet_attr *a = &n->attrs[0];
  octet_tview t = {0};
  const char *an = a->name;
  if (strcmp(an, "value") == 0 && a->type == OCTET_ATTR_TENSOR) {
    t = a->t;
  } else if (strcmp(an, "value_float") == 0 && a->type == OCTET_ATTR_FLOAT) {
    t.dtype = OCTET_DTYPE_FLOAT32;
    t.data = (void *)&a->f;
  } else if (strcmp(an, "value_int") == 0 && a->type == OCTET_ATTR_INT) {
    t.dtype = OCTET_DTYPE_INT64;
    t.data = (void *)&a->i;
  } else if (strcmp(an, "value_floats") == 0 && a->type == OCTET_ATTR_FLOATS) {
    t.dtype = OCTET_DTYPE_FLOAT32;
    t.rank = 1;
    t.dims[0] = (int64_t)a->count;
    t.data = a->floats;
  } else if (strcmp(an, "value_ints") == 0 && a->type == OCTET_ATTR_INTS) {
    t.dtype = OCTET_DTYPE_INT64;
    t.rank = 1;
    t.dims[0] = (int64_t)a->count;
    t.data = a->ints;
  } else {
    return octet_fail(OCTET_ERR_UNSUPPORTED,
                      "Constant '%s': attribute '%s' is not supported", n->name, an);
  }
  size_t nb = tv_nbytes(&t);
  v->data = malloc(nb ? nb : 1);
  if (!v->data) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  if (nb) memcpy(v->data, t.data, nb);
  v->nbytes = nb;
  v->kind = OCTET_VALUE_CONSTANT;
  v->dtype = t.dtype;
  v->rank = t.rank;
  for (int i = 0; i < t.rank; i++) v->dims[i] = t.dims[i];
  return OCTET_OK;
}

static int value_for_name(octet_graph *g, const char *name) {
  int id = octet_graph_find_value(g, name);
  return id >= 0 ? id : octet_graph_add_value(g, name);
}

static octet_status add_node(octet_graph *g, const Onnx__NodeProto *np,
                             const char *base_dir, int64_t opset) {
  const char *op = np->op_type ? np->op_type : "";
  const char *domain = np->domain ? np->domain : "";
  const char *name = np->name ? np->name : "";
  const octet_op_def *def = octet_op_find(op);
  if (!def || def->internal || (*domain && strcmp(domain, "ai.onnx") != 0))
    return octet_fail(OCTET_ERR_UNSUPPORTED,
                      "unsupported op '%s' (node '%s', domain '%s')", op, name,
                      domain);
  if (opset == 0)
    return octet_fail(OCTET_ERR_PARSE,
                      "node '%s' (%s) is in the default ONNX domain, but the model's "
                      "opset_import has no entry for it (domain '' or 'ai.onnx'; octet "
                      "supports opsets %d to %d)",
                      name, op, OCTET_OPSET_MIN, OCTET_OPSET_MAX);
  if (np->n_input > 64 || np->n_output > 64)
    return octet_fail(OCTET_ERR_PARSE, "node '%s' (%s): too many inputs/outputs",
                      name, op);
  size_t n_in = np->n_input;
  while (n_in > 0 && np->input[n_in - 1][0] == '\0') n_in--; /* trailing optional */
  int in_ids[64], out_ids[64];
  if ((int)n_in < def->min_inputs ||
      (def->max_inputs >= 0 && (int)n_in > def->max_inputs))
    return octet_fail(OCTET_ERR_PARSE, "node '%s' (%s): %zu inputs, expected %d..%d",
                      name, op, n_in, def->min_inputs, def->max_inputs);
  if ((int)np->n_output < def->min_outputs ||
      (def->max_outputs >= 0 && (int)np->n_output > def->max_outputs))
    return octet_fail(OCTET_ERR_PARSE, "node '%s' (%s): %zu outputs, expected %d..%d",
                      name, op, np->n_output, def->min_outputs, def->max_outputs);
  for (size_t i = 0; i < n_in; i++) {
    if (np->input[i][0] == '\0') {
      in_ids[i] = -1;
      continue;
    }
    in_ids[i] = value_for_name(g, np->input[i]);
    if (in_ids[i] < 0) return OCTET_ERR_NO_MEMORY;
  }
  for (size_t i = 0; i < np->n_output; i++) {
    if (np->output[i][0] == '\0') {
      /* An unused optional output: give it a private, unnamed value. */
      char tmp[64];
      snprintf(tmp, sizeof tmp, "\x01unused:%d:%zu", g->n_nodes, i);
      out_ids[i] = octet_graph_add_value(g, tmp);
    } else {
      int id = octet_graph_find_value(g, np->output[i]);
      if (id >= 0 && (g->values[id].kind != OCTET_VALUE_INTERMEDIATE ||
                      g->values[id].producer >= 0))
        return octet_fail(OCTET_ERR_PARSE,
                          "node '%s' (%s): output '%s' is already defined",
                          name, op, np->output[i]);
      out_ids[i] = id >= 0 ? id : octet_graph_add_value(g, np->output[i]);
    }
    if (out_ids[i] < 0) return OCTET_ERR_NO_MEMORY;
  }
  int ni = octet_graph_add_node(g, name, op, in_ids, (int)n_in, out_ids,
                                (int)np->n_output);
  if (ni < 0) return OCTET_ERR_NO_MEMORY;
  octet_node *n = &g->nodes[ni];
  n->opset = opset;
  for (int i = 0; i < n->n_outputs; i++) g->values[n->outputs[i]].producer = ni;
  for (size_t i = 0; i < np->n_attribute; i++) {
    const Onnx__AttributeProto *ap = np->attribute[i];
    octet_attr *a = octet_node_add_attr(n, ap->name ? ap->name : "",
                                        OCTET_ATTR_UNDEFINED);
    if (!a) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
    octet_status s = convert_attr(n, ap, base_dir, a);
    if (s != OCTET_OK) return s;
  }
  octet_status s = octet_op_check_attrs(n);
  if (s != OCTET_OK) return s;
  if (strcmp(op, "Constant") == 0) {
    octet_value *v = &g->values[n->outputs[0]];
    octet_status s = constant_to_value(n, v);
    if (s != OCTET_OK) return s;
    v->producer = -1;
    /* Drop the node: its output is now a constant. */
    g->n_nodes--;
    free(n->name); free(n->op_type); free(n->domain);
    free(n->inputs); free(n->outputs);
    for (int a = 0; a < n->n_attrs; a++) {
      free(n->attrs[a].name); free(n->attrs[a].s); free(n->attrs[a].floats);
      free(n->attrs[a].ints); free(n->attrs[a].t.data);
    }
    free(n->attrs);
  }
  return OCTET_OK;
}

static octet_status convert_graph(const Onnx__ModelProto *m, const char *base_dir,
                                  octet_graph *g) {
  const Onnx__GraphProto *gp = m->graph;
  if (!gp) return octet_fail(OCTET_ERR_PARSE, "model has no graph");
  int64_t opset = 0; /* 0: the model imports no opset of the default domain */
  for (size_t i = 0; i < m->n_opset_import; i++) {
    const char *d = m->opset_import[i]->domain ? m->opset_import[i]->domain : "";
    if (*d != '\0' && strcmp(d, "ai.onnx") != 0) continue;
    opset = m->opset_import[i]->version;
    if (opset <= 0)
      return octet_fail(OCTET_ERR_PARSE,
                        "opset_import: the default ONNX domain has version %lld, which is "
                        "not an opset version (they start at 1; octet supports %d to %d)",
                        (long long)opset, OCTET_OPSET_MIN, OCTET_OPSET_MAX);
    if (opset < OCTET_OPSET_MIN)
      return octet_fail(OCTET_ERR_UNSUPPORTED,
                        "opset %lld is too old (octet supports %d to %d)", (long long)opset,
                        OCTET_OPSET_MIN, OCTET_OPSET_MAX);
    if (opset > OCTET_OPSET_MAX)
      return octet_fail(OCTET_ERR_UNSUPPORTED,
                        "opset %lld is newer than octet supports (the highest is %d)",
                        (long long)opset, OCTET_OPSET_MAX);
  }
  g->opset = opset; /* without an import, a node of the default domain fails (add_node) */
  for (size_t i = 0; i < gp->n_initializer; i++) {
    const TensorProto *t = gp->initializer[i];
    const char *tn = t->name ? t->name : "";
    if (!*tn) return octet_fail(OCTET_ERR_PARSE, "initializer %zu has no name", i);
    if (octet_graph_find_value(g, tn) >= 0)
      return octet_fail(OCTET_ERR_PARSE, "initializer '%s' is defined twice", tn);
    int id = octet_graph_add_value(g, tn);
    if (id < 0) return OCTET_ERR_NO_MEMORY;
    octet_tview tv;
    octet_status s = tensor_from_proto(t, base_dir, &tv);
    if (s != OCTET_OK) return s;
    octet_value *v = &g->values[id];
    v->kind = OCTET_VALUE_CONSTANT;
    v->dtype = tv.dtype;
    v->rank = tv.rank;
    memcpy(v->dims, tv.dims, sizeof v->dims);
    v->data = tv.data;
    v->nbytes = tv_nbytes(&tv);
  }
  g->inputs = malloc(sizeof(int) * (gp->n_input ? gp->n_input : 1));
  g->outputs = malloc(sizeof(int) * (gp->n_output ? gp->n_output : 1));
  if (!g->inputs || !g->outputs) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < gp->n_input; i++) {
    const char *in = gp->input[i]->name ? gp->input[i]->name : "";
    if (!*in) return octet_fail(OCTET_ERR_PARSE, "graph input %zu has no name", i);
    int id = octet_graph_find_value(g, in);
    if (id >= 0 && g->values[id].kind == OCTET_VALUE_CONSTANT)
      continue; /* an initializer listed as input (IR < 4): a constant default */
    if (id >= 0) return octet_fail(OCTET_ERR_PARSE, "graph input '%s' listed twice", in);
    id = octet_graph_add_value(g, in);
    if (id < 0) return OCTET_ERR_NO_MEMORY;
    octet_status s = value_info_to_value(gp->input[i], &g->values[id]);
    if (s != OCTET_OK) return s;
    g->values[id].kind = OCTET_VALUE_INPUT;
    g->inputs[g->n_inputs++] = id;
  }
  for (size_t i = 0; i < gp->n_node; i++) {
    octet_status s = add_node(g, gp->node[i], base_dir, opset);
    if (s != OCTET_OK) return s;
  }
  for (size_t i = 0; i < gp->n_output; i++) {
    const char *on = gp->output[i]->name ? gp->output[i]->name : "";
    int id = octet_graph_find_value(g, on);
    if (id < 0 || (g->values[id].kind == OCTET_VALUE_INTERMEDIATE &&
                   g->values[id].producer < 0))
      return octet_fail(OCTET_ERR_PARSE, "graph output '%s' is not produced by "
                        "any node, input or initializer", on);
    octet_value tmp = {0};
    octet_status s = value_info_to_value(gp->output[i], &tmp);
    octet_value *v = &g->values[id];
    if (s == OCTET_OK && v->kind == OCTET_VALUE_INTERMEDIATE) {
      /* Keep the declared type for octet_model_output_info. */
      v->dtype = tmp.dtype;
      v->rank = tmp.rank;
      memcpy(v->dims, tmp.dims, sizeof v->dims);
      memcpy(v->dim_names, tmp.dim_names, sizeof v->dim_names);
      memset(tmp.dim_names, 0, sizeof tmp.dim_names);
    }
    for (int d = 0; d < OCTET_MAX_RANK; d++) free(tmp.dim_names[d]);
    if (s != OCTET_OK) return s;
    g->outputs[g->n_outputs++] = id;
  }
  if (g->n_outputs == 0) return octet_fail(OCTET_ERR_PARSE, "graph has no outputs");
  return octet_graph_toposort(g);
}

octet_status octet_onnx_parse_model(const void *buf, size_t len,
                                    const char *base_dir, octet_graph *g) {
  memset(g, 0, sizeof *g);
  if (!buf || len == 0)
    return octet_fail(OCTET_ERR_PARSE, "empty model buffer");
  Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
  if (!m)
    return octet_fail(OCTET_ERR_PARSE,
                      "not a valid ONNX model (protobuf decoding failed: "
                      "truncated or corrupt file)");
  octet_status s = convert_graph(m, base_dir, g);
  onnx__model_proto__free_unpacked(m, NULL);
  if (s != OCTET_OK) octet_graph_free(g);
  return s;
}
