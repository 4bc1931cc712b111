/* Status messages, the thread-local last error, dtype and precision names. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/ir.h"
#include "octet-commit.h"
#include "octet-config.h"

static _Thread_local char last_error[1024];

const char *octet_status_str(octet_status status) {
  switch (status) {
#define OCTET_X_CASE(name, value, msg) \
  case name:                           \
    return msg;
    OCTET_STATUS_LIST(OCTET_X_CASE)
#undef OCTET_X_CASE
  }
  return "unknown status";
}

const char *octet_last_error(void) { return last_error; }

void octet_clear_error(void) { last_error[0] = '\0'; }

/* Length of the valid UTF-8 sequence at s (1-4) and its code point, or 0
 * when the bytes are not one (overlong forms and surrogates included). */
static int utf8_seq(const unsigned char *s, uint32_t *cp) {
  unsigned char c = s[0];
  int n;
  uint32_t v, lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2, v = c & 0x1fu;
  else if (c >= 0xe0 && c <= 0xef) n = 3, v = c & 0x0fu;
  else if (c >= 0xf0 && c <= 0xf4) n = 4, v = c & 0x07u;
  else return 0;
  if (c == 0xe0) lo = 0xa0;      /* overlong */
  if (c == 0xed) hi = 0x9f;      /* surrogates */
  if (c == 0xf0) lo = 0x90;      /* overlong */
  if (c == 0xf4) hi = 0x8f;      /* above U+10FFFF */
  for (int i = 1; i < n; i++) {
    if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf)) return 0;
    v = (v << 6) | (s[i] & 0x3fu);
  }
  *cp = v;
  return n;
}

/* Code points a terminal acts on rather than shows: C1 controls, the line
 * and paragraph separators and the bidirectional overrides. */
static bool cp_invisible(uint32_t cp) {
  return cp < 0xa0 || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0xfeff;
}

size_t octet_sanitize(char *dst, size_t cap, const char *src) {
  size_t w = 0;
  if (cap == 0) return 0;
  for (const unsigned char *s = (const unsigned char *)src; *s;) {
    char piece[16];
    size_t len;
    uint32_t cp = 0;
    int n = *s >= 0x80 ? utf8_seq(s, &cp) : 0;
    if (*s >= 0x20 && *s < 0x7f) {
      piece[0] = (char)*s, len = 1, n = 1;
    } else if (n > 0 && !cp_invisible(cp)) {
      memcpy(piece, s, (size_t)n), len = (size_t)n;
    } else if (n > 0) {
      len = (size_t)snprintf(piece, sizeof piece, "\\u%04X", (unsigned)cp);
    } else {
      len = (size_t)snprintf(piece, sizeof piece, "\\x%02x", *s), n = 1;
    }
    if (w + len >= cap) break; /* whole pieces only */
    memcpy(dst + w, piece, len);
    w += len;
    s += n;
  }
  dst[w] = '\0';
  return w;
}

/* Every message goes through octet_sanitize: names and strings from a model
 * file reach it, and a corrupt or hostile file must not write terminal
 * escapes or invalid UTF-8 to the caller's log. */
octet_status octet_fail(octet_status status, const char *fmt, ...) {
  char raw[sizeof last_error];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(raw, sizeof raw, fmt, ap);
  va_end(ap);
  octet_sanitize(last_error, sizeof last_error, raw);
  return status;
}

const char *octet_version(void) {
  return OCTET_VERSION_STRING " (" OCTET_GIT_COMMIT ")";
}

const char *octet_dtype_name(octet_dtype dtype) {
  switch (dtype) {
    case OCTET_DTYPE_FLOAT32: return "float32";
    case OCTET_DTYPE_UINT8: return "uint8";
    case OCTET_DTYPE_INT8: return "int8";
    case OCTET_DTYPE_UINT16: return "uint16";
    case OCTET_DTYPE_INT16: return "int16";
    case OCTET_DTYPE_INT32: return "int32";
    case OCTET_DTYPE_INT64: return "int64";
    case OCTET_DTYPE_BOOL: return "bool";
    case OCTET_DTYPE_FLOAT16: return "float16";
    case OCTET_DTYPE_FLOAT64: return "float64";
    case OCTET_DTYPE_UINT32: return "uint32";
    case OCTET_DTYPE_UINT64: return "uint64";
    case OCTET_DTYPE_UNDEFINED: break;
  }
  return "undefined";
}

size_t octet_dtype_size(octet_dtype dtype) {
  switch (dtype) {
    case OCTET_DTYPE_UINT8:
    case OCTET_DTYPE_INT8:
    case OCTET_DTYPE_BOOL: return 1;
    case OCTET_DTYPE_UINT16:
    case OCTET_DTYPE_INT16:
    case OCTET_DTYPE_FLOAT16: return 2;
    case OCTET_DTYPE_FLOAT32:
    case OCTET_DTYPE_INT32:
    case OCTET_DTYPE_UINT32: return 4;
    case OCTET_DTYPE_INT64:
    case OCTET_DTYPE_FLOAT64:
    case OCTET_DTYPE_UINT64: return 8;
    case OCTET_DTYPE_UNDEFINED: break;
  }
  return 0;
}

const char *octet_precision_name(octet_precision precision) {
  switch (precision) {
    case OCTET_PRECISION_FP32: return "fp32";
    case OCTET_PRECISION_FP16: return "fp16";
    case OCTET_PRECISION_W8A8: return "w8a8";
  }
  return "unknown";
}

octet_status octet_precision_parse(const char *name, octet_precision *out) {
  if (!name || !out)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "precision: NULL argument");
  static const struct { const char *n; octet_precision p; } names[] = {
      {"fp32", OCTET_PRECISION_FP32}, {"float32", OCTET_PRECISION_FP32},
      {"fp16", OCTET_PRECISION_FP16}, {"float16", OCTET_PRECISION_FP16},
      {"w8a8", OCTET_PRECISION_W8A8}, {"int8", OCTET_PRECISION_W8A8},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i].n, name) == 0) {
      *out = names[i].p;
      return OCTET_OK;
    }
  return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                    "unknown precision '%s' (expected fp32, fp16 or w8a8)",
                    name);
}
