/* The backends compiled into this build, in the default order of
 * preference (ref, the portable oracle, is always last). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "backends/backend.h"
#include "octet-config.h"

static const octet_backend *const backends[] = {
#if OCTET_HAVE_X86
    &octet_backend_x86,
#endif
#if OCTET_HAVE_ARM64
    &octet_backend_arm,
#endif
#if OCTET_HAVE_ONEDNN
    &octet_backend_onednn,
#endif
#if OCTET_HAVE_OPENBLAS
    &octet_backend_openblas,
#endif
    &octet_backend_ref,
};

enum { N_BACKENDS = sizeof backends / sizeof backends[0] };

const octet_backend *octet_backend_oracle(void) { return &octet_backend_ref; }

const octet_backend *octet_backend_find(const char *name) {
  for (size_t i = 0; i < N_BACKENDS; i++)
    if (strcmp(backends[i]->name, name) == 0) return backends[i];
  return NULL;
}

const char *octet_backend_names(void) {
  static char names[128];
  if (!names[0]) {
    char buf[128] = "";
    for (size_t i = 0; i < N_BACKENDS; i++) {
      if (i) strcat(buf, ",");
      strcat(buf, backends[i]->name);
    }
    memcpy(names, buf, sizeof buf);
  }
  return names;
}

int octet_backend_default(const octet_backend **out, int cap) {
  int n = 0;
  for (size_t i = 0; i < N_BACKENDS && n < cap; i++) {
    const octet_backend *b = backends[i];
    if (b->available && !b->available()) continue;
    out[n++] = b;
  }
  return n;
}

void octet_backend_why(const octet_plan_ctx *ctx, const char *fmt, ...) {
  if (!ctx || !ctx->why || !ctx->why_cap) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->why, ctx->why_cap, fmt, ap);
  va_end(ap);
}
