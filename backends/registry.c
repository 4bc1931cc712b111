/* The backends compiled into this build. */
#include <string.h>

#include "backend.h"

static const octet_backend *const backends[] = {
    &octet_backend_ref,
};

const octet_backend *octet_backend_find(const char *name) {
  for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++)
    if (strcmp(backends[i]->name, name) == 0) return backends[i];
  return NULL;
}

const char *octet_backend_names(void) { return "ref"; }
