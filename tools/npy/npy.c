/* NumPy .npy reader and writer.
 *
 * Format (numpy/lib/format.py): the magic "\x93NUMPY", a major and a minor
 * version byte, the header length (uint16 LE for 1.0, uint32 LE for 2.0 and
 * 3.0), then the header: a Python dict literal with exactly the keys 'descr',
 * 'fortran_order' and 'shape', padded with spaces and ended by '\n'. The data
 * follows, C order, little-endian. Anything after the data is ignored.
 *
 * The header is parsed by hand, strictly (no evaluation, no unknown keys, no
 * duplicate keys) but in any key order and with any whitespace. Every byte
 * read is bounds-checked against what was actually read from the file. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* fileno, fstat */
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "npy.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npy.c assumes a little-endian host"
#endif

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_PREAMBLE_V1 10 /* magic, 2 version bytes, uint16 length */
#define NPY_PREAMBLE_V2 12 /* magic, 2 version bytes, uint32 length */
/* numpy itself refuses headers above 10000 bytes unless told otherwise; a
 * header within this bound is plenty for any shape octet accepts. */
#define NPY_MAX_HEADER_LEN ((size_t)1 << 20)

/* The library's largest tensor (OCTET_MAX_TENSOR_BYTES inside octet): a
 * file announcing more data than this is refused before any allocation. */
#define NPY_MAX_DATA_BYTES ((size_t)1 << 40)

/* ---- errors ------------------------------------------------------------- */

static _Thread_local char last_error[1024];

const char *npy_last_error(void) { return last_error; }

/* Sets this thread's message; returns `status`. */
static octet_status npy_errorf(octet_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static octet_status npy_errorf(octet_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return status;
}

/* ---- dtypes ------------------------------------------------------------- */

typedef struct npy_dtype_entry {
  const char *code; /* without the byte-order character */
  octet_dtype dtype;
} npy_dtype_entry;

static const npy_dtype_entry npy_dtypes[] = {
    {"f4", OCTET_DTYPE_FLOAT32}, {"f2", OCTET_DTYPE_FLOAT16},
    {"f8", OCTET_DTYPE_FLOAT64}, {"i8", OCTET_DTYPE_INT64},
    {"i4", OCTET_DTYPE_INT32},   {"i2", OCTET_DTYPE_INT16},
    {"i1", OCTET_DTYPE_INT8},    {"u1", OCTET_DTYPE_UINT8},
    {"b1", OCTET_DTYPE_BOOL},    {"u2", OCTET_DTYPE_UINT16},
    {"u4", OCTET_DTYPE_UINT32},  {"u8", OCTET_DTYPE_UINT64},
};
#define NPY_N_DTYPES (sizeof npy_dtypes / sizeof npy_dtypes[0])

static const char *npy_code_of(octet_dtype dtype) {
  for (size_t i = 0; i < NPY_N_DTYPES; i++)
    if (npy_dtypes[i].dtype == dtype) return npy_dtypes[i].code;
  return NULL;
}

/* ---- header parsing ------------------------------------------------------ */

typedef struct npy_header {
  octet_dtype dtype;
  bool fortran_order;
  int rank;
  int64_t dims[OCTET_MAX_RANK];
  size_t nbytes;      /* of the data */
  size_t data_offset; /* from the start of the file */
} npy_header;

typedef struct npy_cursor {
  const char *p, *end;
  const char *src; /* path or "<memory>", for messages */
  const char *start;
} npy_cursor;

static bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

static void skip_ws(npy_cursor *c) {
  while (c->p < c->end && is_ws(*c->p)) c->p++;
}

static size_t cur_pos(const npy_cursor *c) {
  return (size_t)(c->p - c->start);
}

/* A printable description of the next character for messages. */
static const char *next_desc(const npy_cursor *c, char buf[16]) {
  if (c->p >= c->end) return "end of header";
  unsigned char ch = (unsigned char)*c->p;
  if (ch >= 0x20 && ch < 0x7f)
    snprintf(buf, 16, "'%c'", ch);
  else
    snprintf(buf, 16, "byte 0x%02x", ch);
  return buf;
}

static octet_status expect_char(npy_cursor *c, char want, const char *what) {
  skip_ws(c);
  if (c->p < c->end && *c->p == want) {
    c->p++;
    return OCTET_OK;
  }
  char buf[16];
  return npy_errorf(OCTET_ERR_PARSE,
                    "npy %s: header: expected '%c' %s at offset %zu, got %s",
                    c->src, want, what, cur_pos(c), next_desc(c, buf));
}

/* A Python string literal in single or double quotes, no escapes (none of
 * the valid keys or descr values need one). Copied into out (NUL-ended). */
static octet_status parse_string(npy_cursor *c, char *out, size_t cap,
                                 const char *what) {
  skip_ws(c);
  char buf[16];
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: header: expected a quoted string for %s at "
                      "offset %zu, got %s",
                      c->src, what, cur_pos(c), next_desc(c, buf));
  char q = *c->p++;
  size_t n = 0;
  while (c->p < c->end && *c->p != q) {
    unsigned char ch = (unsigned char)*c->p;
    if (ch == '\\' || ch < 0x20 || ch >= 0x7f)
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: header: unexpected character (byte 0x%02x) "
                        "in string for %s at offset %zu",
                        c->src, ch, what, cur_pos(c));
    if (n + 1 >= cap)
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: header: string for %s is too long", c->src,
                        what);
    out[n++] = (char)ch;
    c->p++;
  }
  if (c->p >= c->end)
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: header: unterminated string for %s", c->src,
                      what);
  c->p++; /* closing quote */
  out[n] = '\0';
  return OCTET_OK;
}

static octet_status parse_descr(npy_cursor *c, octet_dtype *dtype) {
  skip_ws(c);
  if (c->p < c->end && (*c->p == '[' || *c->p == '{' || *c->p == '('))
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: structured dtypes are not supported "
                      "('descr' is not a plain type string)",
                      c->src);
  char s[32];
  octet_status st = parse_string(c, s, sizeof s, "'descr'");
  if (st != OCTET_OK) return st;
  char order = s[0];
  const char *code = s + 1;
  if (order == '>')
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: big-endian data ('%s') is not supported; "
                      "convert with arr.astype(arr.dtype.newbyteorder('<'))",
                      c->src, s);
  if (order != '<' && order != '|' && order != '=')
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: 'descr' '%s' has no byte-order prefix "
                      "('<', '|' or '>')",
                      c->src, s);
  for (size_t i = 0; i < NPY_N_DTYPES; i++) {
    if (strcmp(code, npy_dtypes[i].code) != 0) continue;
    size_t size = octet_dtype_size(npy_dtypes[i].dtype);
    /* '|' means "not applicable" and is only valid for one-byte types;
     * '=' (native) only appears in hand-written files, and the host is
     * little-endian. */
    if (order == '|' && size != 1)
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: 'descr' '%s': a %zu-byte type needs a "
                        "byte order ('<')",
                        c->src, s, size);
    *dtype = npy_dtypes[i].dtype;
    return OCTET_OK;
  }
  return npy_errorf(OCTET_ERR_PARSE,
                    "npy %s: unsupported dtype '%s' (supported: f4, f2, f8, "
                    "i8, i4, i2, i1, u1, u2, u4, u8, b1)",
                    c->src, s);
}

static octet_status parse_bool(npy_cursor *c, bool *out) {
  skip_ws(c);
  size_t left = (size_t)(c->end - c->p);
  if (left >= 4 && memcmp(c->p, "True", 4) == 0) {
    c->p += 4;
    *out = true;
  } else if (left >= 5 && memcmp(c->p, "False", 5) == 0) {
    c->p += 5;
    *out = false;
  } else {
    char buf[16];
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: header: 'fortran_order' must be True or "
                      "False, got %s at offset %zu",
                      c->src, next_desc(c, buf), cur_pos(c));
  }
  /* "Truex" is not a boolean. */
  if (c->p < c->end && !is_ws(*c->p) && *c->p != ',' && *c->p != '}')
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: header: bad value for 'fortran_order' at "
                      "offset %zu",
                      c->src, cur_pos(c));
  return OCTET_OK;
}

/* A non-negative decimal integer (Python 2 numpy wrote a trailing 'L'). */
static octet_status parse_dim(npy_cursor *c, int index, int64_t *out) {
  skip_ws(c);
  char buf[16];
  if (c->p < c->end && *c->p == '-')
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: negative dimension in 'shape' (dim %d)",
                      c->src, index);
  if (c->p < c->end && *c->p == '+') c->p++;
  if (c->p >= c->end || *c->p < '0' || *c->p > '9')
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: header: expected an integer for 'shape' dim "
                      "%d at offset %zu, got %s",
                      c->src, index, cur_pos(c), next_desc(c, buf));
  int64_t v = 0;
  while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
    int d = *c->p - '0';
    if (v > (INT64_MAX - d) / 10)
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: 'shape' dim %d does not fit in 64 bits",
                        c->src, index);
    v = v * 10 + d;
    c->p++;
  }
  if (c->p < c->end && (*c->p == 'L' || *c->p == 'l')) c->p++;
  *out = v;
  return OCTET_OK;
}

static octet_status parse_shape(npy_cursor *c, int *rank, int64_t *dims) {
  octet_status st = expect_char(c, '(', "to open 'shape' (a tuple)");
  if (st != OCTET_OK) return st;
  int n = 0;
  bool trailing_comma = false;
  for (;;) {
    skip_ws(c);
    if (c->p < c->end && *c->p == ')') {
      c->p++;
      break;
    }
    if (n > 0 && !trailing_comma) {
      char buf[16];
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: header: expected ',' or ')' in 'shape' at "
                        "offset %zu, got %s",
                        c->src, cur_pos(c), next_desc(c, buf));
    }
    if (n == OCTET_MAX_RANK)
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: 'shape' has more than %d dimensions", c->src,
                        OCTET_MAX_RANK);
    st = parse_dim(c, n, &dims[n]);
    if (st != OCTET_OK) return st;
    n++;
    skip_ws(c);
    trailing_comma = false;
    if (c->p < c->end && *c->p == ',') {
      c->p++;
      trailing_comma = true;
    }
  }
  /* "(3)" is the integer 3 in Python, not a tuple. */
  if (n == 1 && !trailing_comma)
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: 'shape' (%lld) is not a tuple (expected "
                      "(%lld,))",
                      c->src, (long long)dims[0], (long long)dims[0]);
  *rank = n;
  return OCTET_OK;
}

/* Parses the dict in [hdr, hdr + len). */
static octet_status parse_dict(const char *hdr, size_t len, const char *src,
                               npy_header *h) {
  npy_cursor c = {hdr, hdr + len, src, hdr};
  bool have_descr = false, have_fortran = false, have_shape = false;
  octet_status st = expect_char(&c, '{', "to open the header dict");
  if (st != OCTET_OK) return st;
  for (;;) {
    skip_ws(&c);
    if (c.p < c.end && *c.p == '}') {
      c.p++;
      break;
    }
    char key[32];
    st = parse_string(&c, key, sizeof key, "a header key");
    if (st != OCTET_OK) return st;
    st = expect_char(&c, ':', "after a header key");
    if (st != OCTET_OK) return st;
    bool *seen;
    if (strcmp(key, "descr") == 0) {
      seen = &have_descr;
      if (!*seen) st = parse_descr(&c, &h->dtype);
    } else if (strcmp(key, "fortran_order") == 0) {
      seen = &have_fortran;
      if (!*seen) st = parse_bool(&c, &h->fortran_order);
    } else if (strcmp(key, "shape") == 0) {
      seen = &have_shape;
      if (!*seen) st = parse_shape(&c, &h->rank, h->dims);
    } else {
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: header: unknown key '%s' (expected 'descr', "
                        "'fortran_order', 'shape')",
                        src, key);
    }
    if (*seen)
      return npy_errorf(OCTET_ERR_PARSE, "npy %s: header: duplicate key '%s'",
                        src, key);
    if (st != OCTET_OK) return st;
    *seen = true;
    skip_ws(&c);
    if (c.p < c.end && *c.p == ',') {
      c.p++;
      continue;
    }
    if (c.p < c.end && *c.p == '}') {
      c.p++;
      break;
    }
    char buf[16];
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: header: expected ',' or '}' after the value "
                      "of '%s' at offset %zu, got %s",
                      src, key, cur_pos(&c), next_desc(&c, buf));
  }
  skip_ws(&c);
  if (c.p != c.end)
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: header: unexpected data after the dict at "
                      "offset %zu",
                      src, cur_pos(&c));
  if (!have_descr)
    return npy_errorf(OCTET_ERR_PARSE, "npy %s: header: missing key 'descr'",
                      src);
  if (!have_fortran)
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: header: missing key 'fortran_order'", src);
  if (!have_shape)
    return npy_errorf(OCTET_ERR_PARSE, "npy %s: header: missing key 'shape'",
                      src);
  if (h->fortran_order) {
    /* A rank 0 or 1 array is the same in both orders (numpy writes False
     * for them, but accept what is unambiguous). */
    int non_unit = 0;
    for (int i = 0; i < h->rank; i++) non_unit += h->dims[i] != 1;
    if (non_unit > 1)
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: Fortran-order data is not supported; save "
                        "with np.ascontiguousarray(arr)",
                        src);
  }
  return OCTET_OK;
}

/* Checked size of the data: the product of all non-zero dims times the
 * element size must stay within NPY_MAX_DATA_BYTES, even when another
 * dim is zero, so later stride arithmetic cannot overflow either. */
static octet_status data_size(npy_header *h, const char *src) {
  size_t elem = octet_dtype_size(h->dtype);
  uint64_t bytes = elem;
  bool zero = false;
  for (int i = 0; i < h->rank; i++) {
    uint64_t d = (uint64_t)h->dims[i];
    if (d == 0) {
      zero = true;
      continue;
    }
    if (d > NPY_MAX_DATA_BYTES / bytes)
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: shape is too large (more than %llu bytes of "
                        "data)",
                        src, (unsigned long long)NPY_MAX_DATA_BYTES);
    bytes *= d;
  }
  h->nbytes = zero ? 0 : (size_t)bytes;
  return OCTET_OK;
}

static uint32_t rd_le16(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd_le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* Checks the preamble in the first `len` bytes of `buf` (len >= 8 is not
 * assumed) and returns the preamble size and the header length. */
static octet_status parse_preamble(const unsigned char *buf, size_t len,
                                   const char *src, size_t *preamble,
                                   size_t *header_len) {
  if (len < NPY_MAGIC_LEN || memcmp(buf, NPY_MAGIC, NPY_MAGIC_LEN) != 0) {
    if (len < NPY_MAGIC_LEN && memcmp(buf, NPY_MAGIC, len) == 0)
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: file too short (%zu bytes) for the .npy "
                        "magic",
                        src, len);
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: not a .npy file (bad magic; expected "
                      "\\x93NUMPY)",
                      src);
  }
  if (len < NPY_MAGIC_LEN + 2)
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: truncated: no format version after the magic",
                      src);
  unsigned major = buf[6], minor = buf[7];
  if (minor != 0 || major < 1 || major > 3)
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: unsupported format version %u.%u (expected "
                      "1.0, 2.0 or 3.0)",
                      src, major, minor);
  size_t pre = major == 1 ? NPY_PREAMBLE_V1 : NPY_PREAMBLE_V2;
  if (len < pre)
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: truncated: header length field incomplete "
                      "(%zu of %zu bytes)",
                      src, len, pre);
  size_t hl = major == 1 ? rd_le16(buf + 8) : rd_le32(buf + 8);
  if (hl > NPY_MAX_HEADER_LEN)
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: header length %zu is implausibly large", src,
                      hl);
  *preamble = pre;
  *header_len = hl;
  return OCTET_OK;
}

/* Parses preamble and header from `buf` (len bytes of the start of the file,
 * at least the whole header when available; `file_len` is the total size of
 * the file or SIZE_MAX when unknown). */
static octet_status parse_header(const unsigned char *buf, size_t len,
                                 size_t file_len, const char *src,
                                 npy_header *h) {
  size_t pre = 0, hl = 0;
  octet_status st = parse_preamble(buf, len, src, &pre, &hl);
  if (st != OCTET_OK) return st;
  if (hl > len - pre) {
    if (file_len != SIZE_MAX && hl > file_len - pre)
      return npy_errorf(OCTET_ERR_PARSE,
                        "npy %s: header length %zu goes beyond the end of the "
                        "file (%zu bytes)",
                        src, hl, file_len);
    return npy_errorf(OCTET_ERR_PARSE,
                      "npy %s: truncated header (%zu of %zu bytes)", src,
                      len - pre, hl);
  }
  const char *hdr = (const char *)buf + pre;
  memset(h, 0, sizeof *h);
  st = parse_dict(hdr, hl, src, h);
  if (st != OCTET_OK) return st;
  st = data_size(h, src);
  if (st != OCTET_OK) return st;
  h->data_offset = pre + hl;
  return OCTET_OK;
}

static void fill_tensor(const npy_header *h, void *data, octet_tensor *out) {
  memset(out, 0, sizeof *out);
  out->name = NULL;
  out->dtype = h->dtype;
  out->rank = h->rank;
  for (int i = 0; i < h->rank; i++) out->dims[i] = h->dims[i];
  out->data = data;
  out->nbytes = h->nbytes;
}

static octet_status truncated_data(const char *src, const npy_header *h,
                                   size_t have) {
  return npy_errorf(OCTET_ERR_PARSE,
                    "npy %s: truncated data: the shape needs %zu bytes, the "
                    "file has %zu after the %zu-byte header",
                    src, h->nbytes, have, h->data_offset);
}

octet_status npy_read_memory(const void *buf, size_t len, octet_tensor *out) {
  last_error[0] = '\0';
  const char *src = "<memory>";
  if (!out)
    return npy_errorf(OCTET_ERR_INVALID_ARGUMENT, "npy: NULL output tensor");
  memset(out, 0, sizeof *out);
  if (!buf && len)
    return npy_errorf(OCTET_ERR_INVALID_ARGUMENT, "npy: NULL buffer");
  static const unsigned char empty[1];
  const unsigned char *b = buf ? buf : empty;
  npy_header h;
  octet_status st = parse_header(b, len, len, src, &h);
  if (st != OCTET_OK) return st;
  size_t have = len - h.data_offset;
  if (have < h.nbytes) return truncated_data(src, &h, have);
  void *data = malloc(h.nbytes ? h.nbytes : 1);
  if (!data)
    return npy_errorf(OCTET_ERR_NO_MEMORY, "npy %s: cannot allocate %zu bytes",
                      src, h.nbytes);
  if (h.nbytes) memcpy(data, b + h.data_offset, h.nbytes);
  fill_tensor(&h, data, out);
  return OCTET_OK;
}

/* Reads up to n bytes; returns how many were read (short only at EOF or on
 * an error, told apart with ferror). */
static size_t read_full(FILE *f, void *dst, size_t n) {
  size_t got = 0;
  while (got < n) {
    size_t r = fread((char *)dst + got, 1, n - got, f);
    if (r == 0) break;
    got += r;
  }
  return got;
}

/* Reads the data of a file whose size is unknown (a pipe) in growing chunks
 * so that a header claiming a huge size does not allocate it up front. */
static octet_status read_data_stream(FILE *f, const char *path,
                                     const npy_header *h, void **out) {
  size_t cap = h->nbytes < ((size_t)1 << 20) ? h->nbytes : ((size_t)1 << 20);
  size_t got = 0;
  char *data = malloc(cap ? cap : 1);
  if (!data)
    return npy_errorf(OCTET_ERR_NO_MEMORY, "npy %s: cannot allocate %zu bytes",
                      path, cap);
  while (got < h->nbytes) {
    if (got == cap) {
      size_t ncap = cap * 2 < h->nbytes ? cap * 2 : h->nbytes;
      char *nd = realloc(data, ncap);
      if (!nd) {
        free(data);
        return npy_errorf(OCTET_ERR_NO_MEMORY,
                          "npy %s: cannot allocate %zu bytes", path, ncap);
      }
      data = nd;
      cap = ncap;
    }
    size_t r = read_full(f, data + got, cap - got);
    got += r;
    if (got < cap) break;
  }
  if (got < h->nbytes) {
    int err = ferror(f);
    free(data);
    if (err)
      return npy_errorf(OCTET_ERR_IO, "npy %s: read error: %s", path,
                        strerror(errno));
    return truncated_data(path, h, got);
  }
  *out = data;
  return OCTET_OK;
}

/* Opens path for reading without blocking: a regular file, or a pipe
 * (then switched back to blocking reads, which wait for the writer's
 * data); anything else is refused. */
static octet_status open_input(const char *path, int *fd, struct stat *sb) {
  int f = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (f < 0) return npy_errorf(OCTET_ERR_IO, "npy %s: cannot open: %s", path, strerror(errno));
  if (fstat(f, sb) != 0) {
    int e = errno;
    close(f);
    return npy_errorf(OCTET_ERR_IO, "npy %s: cannot stat: %s", path, strerror(e));
  }
  const char *kind = S_ISREG(sb->st_mode) || S_ISFIFO(sb->st_mode) ? NULL
                     : S_ISDIR(sb->st_mode)                         ? "a directory"
                     : S_ISCHR(sb->st_mode)                         ? "a character device"
                     : S_ISBLK(sb->st_mode)                         ? "a block device"
                     : S_ISSOCK(sb->st_mode)                        ? "a socket"
                                                                    : "not a regular file";
  if (kind) {
    close(f);
    return npy_errorf(OCTET_ERR_IO, "npy %s: is %s, not a regular file or a pipe", path, kind);
  }
  if (S_ISFIFO(sb->st_mode)) {
    int fl = fcntl(f, F_GETFL);
    if (fl < 0 || fcntl(f, F_SETFL, fl & ~O_NONBLOCK) < 0) {
      int e = errno;
      close(f);
      return npy_errorf(OCTET_ERR_IO, "npy %s: %s", path, strerror(e));
    }
  }
  *fd = f;
  return OCTET_OK;
}

octet_status npy_read(const char *path, octet_tensor *out) {
  last_error[0] = '\0';
  if (!out)
    return npy_errorf(OCTET_ERR_INVALID_ARGUMENT, "npy: NULL output tensor");
  memset(out, 0, sizeof *out);
  if (!path) return npy_errorf(OCTET_ERR_INVALID_ARGUMENT, "npy: NULL path");
  /* A regular file, or a pipe read as a stream (a FIFO without a writer
   * reads as empty at once); a directory, device or socket is refused
   * before anything is read, and opening never blocks. */
  int fd = -1;
  struct stat sb;
  octet_status ost = open_input(path, &fd, &sb);
  if (ost != OCTET_OK) return ost;
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    int e = errno;
    close(fd);
    return npy_errorf(OCTET_ERR_IO, "npy %s: cannot open: %s", path, strerror(e));
  }
  size_t file_len = SIZE_MAX;
  if (S_ISREG(sb.st_mode) && sb.st_size >= 0 &&
      (uint64_t)sb.st_size < (uint64_t)SIZE_MAX)
    file_len = (size_t)sb.st_size;

  octet_status st;
  unsigned char pre[NPY_PREAMBLE_V2];
  unsigned char *hbuf = NULL;
  void *data = NULL;
  npy_header h;

  /* The preamble, then exactly the header it announces. */
  size_t got = read_full(f, pre, sizeof pre);
  if (ferror(f)) {
    st = npy_errorf(OCTET_ERR_IO, "npy %s: read error: %s", path,
                    strerror(errno));
    goto done;
  }
  size_t pre_len = 0, hl = 0;
  if (got == 0 && S_ISFIFO(sb.st_mode)) {
    st = npy_errorf(OCTET_ERR_IO, "npy %s: a pipe or FIFO with no data (no writer)", path);
    goto done;
  }
  st = parse_preamble(pre, got, path, &pre_len, &hl);
  if (st != OCTET_OK) goto done;
  size_t total = pre_len + hl;
  hbuf = malloc(total ? total : 1);
  if (!hbuf) {
    st = npy_errorf(OCTET_ERR_NO_MEMORY, "npy %s: cannot allocate %zu bytes",
                    path, total);
    goto done;
  }
  size_t have = got < total ? got : total;
  memcpy(hbuf, pre, have);
  if (have < total) have += read_full(f, hbuf + have, total - have);
  if (ferror(f)) {
    st = npy_errorf(OCTET_ERR_IO, "npy %s: read error: %s", path,
                    strerror(errno));
    goto done;
  }
  st = parse_header(hbuf, have, file_len, path, &h);
  if (st != OCTET_OK) goto done;

  /* Bytes of the preamble buffer that belong to the data already (a v1.0
   * header is 2 bytes shorter than the v2.0 preamble buffer). */
  size_t spill = got > total ? got - total : 0;
  if (file_len != SIZE_MAX) {
    size_t avail = file_len - h.data_offset;
    if (avail < h.nbytes) {
      st = truncated_data(path, &h, avail);
      goto done;
    }
    data = malloc(h.nbytes ? h.nbytes : 1);
    if (!data) {
      st = npy_errorf(OCTET_ERR_NO_MEMORY,
                      "npy %s: cannot allocate %zu bytes", path, h.nbytes);
      goto done;
    }
    size_t k = spill < h.nbytes ? spill : h.nbytes;
    memcpy(data, pre + total, k);
    size_t r = k + read_full(f, (char *)data + k, h.nbytes - k);
    if (r < h.nbytes) {
      st = ferror(f) ? npy_errorf(OCTET_ERR_IO, "npy %s: read error: %s",
                                  path, strerror(errno))
                     : truncated_data(path, &h, r); /* shrank meanwhile */
      goto done;
    }
  } else {
    if (spill) {
      /* Only possible for version 1.0 with fewer than 2 header bytes, which
       * cannot hold a dict; parse_header has failed already. */
      st = npy_errorf(OCTET_ERR_INTERNAL, "npy %s: unexpected header layout",
                      path);
      goto done;
    }
    st = read_data_stream(f, path, &h, &data);
    if (st != OCTET_OK) goto done;
  }
  fill_tensor(&h, data, out);
  data = NULL;
  st = OCTET_OK;
done:
  free(data);
  free(hbuf);
  fclose(f);
  return st;
}

/* ---- writer ------------------------------------------------------------- */

octet_status npy_write(const char *path, const octet_tensor *t) {
  last_error[0] = '\0';
  if (!path || !t)
    return npy_errorf(OCTET_ERR_INVALID_ARGUMENT, "npy: NULL argument");
  const char *code = npy_code_of(t->dtype);
  if (!code)
    return npy_errorf(OCTET_ERR_UNSUPPORTED,
                      "npy %s: cannot write dtype %s", path,
                      octet_dtype_name(t->dtype));
  if (t->rank < 0 || t->rank > OCTET_MAX_RANK)
    return npy_errorf(OCTET_ERR_INVALID_ARGUMENT, "npy %s: bad rank %d", path,
                      t->rank);
  npy_header h;
  memset(&h, 0, sizeof h);
  h.dtype = t->dtype;
  h.rank = t->rank;
  for (int i = 0; i < t->rank; i++) {
    if (t->dims[i] < 0)
      return npy_errorf(OCTET_ERR_INVALID_ARGUMENT,
                        "npy %s: negative dimension %lld", path,
                        (long long)t->dims[i]);
    h.dims[i] = t->dims[i];
  }
  if (data_size(&h, path) != OCTET_OK)
    return npy_errorf(OCTET_ERR_OVERFLOW, "npy %s: tensor too large", path);
  if (h.nbytes != t->nbytes)
    return npy_errorf(OCTET_ERR_INVALID_ARGUMENT,
                      "npy %s: tensor has %zu bytes, its shape needs %zu",
                      path, t->nbytes, h.nbytes);
  if (h.nbytes && !t->data)
    return npy_errorf(OCTET_ERR_INVALID_ARGUMENT, "npy %s: NULL data", path);

  /* The dict as numpy writes it, padded with spaces so that the data starts
   * at a multiple of 64, ended by '\n'. 8 dims of 19 digits fit easily. */
  char hdr[512];
  int n = snprintf(hdr, sizeof hdr,
                   "{'descr': '%c%s', 'fortran_order': False, 'shape': (",
                   octet_dtype_size(t->dtype) == 1 ? '|' : '<', code);
  for (int i = 0; i < t->rank; i++)
    n += snprintf(hdr + n, sizeof hdr - (size_t)n, "%s%lld",
                  i ? ", " : "", (long long)t->dims[i]);
  n += snprintf(hdr + n, sizeof hdr - (size_t)n, "%s), }",
                t->rank == 1 ? "," : "");
  size_t used = NPY_PREAMBLE_V1 + (size_t)n + 1; /* + '\n' */
  size_t padded = (used + 63) / 64 * 64;
  size_t hl = padded - NPY_PREAMBLE_V1;
  if (hl >= sizeof hdr)
    return npy_errorf(OCTET_ERR_INTERNAL, "npy %s: header too long", path);
  memset(hdr + n, ' ', hl - (size_t)n - 1);
  hdr[hl - 1] = '\n';

  unsigned char pre[NPY_PREAMBLE_V1];
  memcpy(pre, NPY_MAGIC, NPY_MAGIC_LEN);
  pre[6] = 1;
  pre[7] = 0;
  pre[8] = (unsigned char)(hl & 0xff);
  pre[9] = (unsigned char)(hl >> 8);

  FILE *f = fopen(path, "wb");
  if (!f)
    return npy_errorf(OCTET_ERR_IO, "npy %s: cannot create: %s", path,
                      strerror(errno));
  bool ok = fwrite(pre, 1, sizeof pre, f) == sizeof pre &&
            fwrite(hdr, 1, hl, f) == hl &&
            (h.nbytes == 0 || fwrite(t->data, 1, h.nbytes, f) == h.nbytes);
  int err = ok ? 0 : errno;
  if (fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    remove(path);
    return npy_errorf(OCTET_ERR_IO, "npy %s: write failed: %s", path,
                      strerror(err));
  }
  return OCTET_OK;
}
