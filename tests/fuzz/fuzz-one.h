/* One fuzz input through the loader and the session: shared by the libFuzzer
 * target (fuzz-model.c) and the regression test that replays past findings
 * with the ordinary test suite (test-fuzz-regress.c). */
#ifndef OCTET_FUZZ_ONE_H
#define OCTET_FUZZ_ONE_H

#include <stddef.h>
#include <stdint.h>

#include "octet.h"

/* Every symbolic input dim is planned and run at this size. */
#define FUZZ_SYMBOLIC_DIM 2
/* Runs only when all inputs together have at most this many elements. */
#define FUZZ_MAX_ELEMS ((size_t)1 << 16)
/* max_plan_bytes of every session: a plan needing more fails cleanly. */
#define FUZZ_MAX_PLAN_BYTES ((size_t)32 << 20)
/* Sessions tried on a model that loads: precisions x backend lists. */
#define FUZZ_N_PRECISIONS 3
#define FUZZ_N_BACKENDS 2
#define FUZZ_N_SESSIONS (FUZZ_N_PRECISIONS * FUZZ_N_BACKENDS)

typedef struct fuzz_result {
  octet_status load;                     /* octet_model_load_memory */
  octet_status create[FUZZ_N_SESSIONS];  /* octet_session_create, if loaded */
  octet_status run[FUZZ_N_SESSIONS];     /* octet_session_run, if created */
  int ran[FUZZ_N_SESSIONS];              /* 1 when run was called */
  char session_error[FUZZ_N_SESSIONS][256]; /* message of a failed create or run */
  const char *first_stage;               /* "load", "create" or "run": where
                                            the first failure was (NULL: none) */
  octet_status first_status;             /* its status */
  char first_error[512];                 /* and its message */
  char violation[512];                   /* a broken contract ("" when none):
                                            a failure without a message, an
                                            object left behind on failure... */
} fuzz_result;

/* Loads `data` (external data looked up in base_dir), queries the model,
 * and for each precision (fp32, fp16, w8a8) and backend list ("ref" and the
 * default order)
 * creates a session with max_plan_bytes (0: the default) and runs it once
 * on well-formed inputs. Frees everything. */
void fuzz_one(const uint8_t *data, size_t size, const char *base_dir,
              size_t max_plan_bytes, fuzz_result *r);

/* Makes the folder `where` (a mkdtemp template when it ends in XXXXXX;
 * otherwise it may exist already) holding ext.bin, 4096 bytes of a fixed
 * pattern, for external data (`location: "ext.bin"`). *dir and *ext_path
 * get the paths. Returns 0 on success. */
int fuzz_make_base_dir(const char *where, char *dir, size_t dir_cap, char *ext_path,
                       size_t ext_cap);

/* "fp32/ref" ... for session index i. */
const char *fuzz_session_name(int i);

#endif
