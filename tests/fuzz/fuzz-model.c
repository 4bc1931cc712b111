/* libFuzzer target: the ONNX loader and the session.
 *
 * Each input is an ONNX file. If it loads, the model is queried through the
 * public API and, for each precision (fp32, fp16, w8a8) and each backend
 * list ("ref", and the default order: x86,ref in the fuzz build, which has
 * no library backends), a session is created, planned for small input shapes (every
 * symbolic dim = 2) and run once on well-formed inputs (fuzz-one.c). Every
 * failure must come back as a status with a non-empty message: a broken
 * contract traps, and the sanitizers catch the rest. Built and run by
 * tools/scripts/fuzz.sh (meson -Dfuzz=enabled with clang). */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz-one.h"

/* External data is looked up here: a folder with one file of known bytes
 * (ext.bin), so `location: "ext.bin"` can load and nothing else on the
 * machine can be read. A fixed path, so a crashed run leaves nothing new. */
static char base_dir[64];
static char ext_path[128];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  setenv("OMP_NUM_THREADS", "1", 1);
  if (fuzz_make_base_dir("/tmp/octet-fuzz-ext", base_dir, sizeof base_dir, ext_path,
                         sizeof ext_path) != 0) {
    perror("fuzz-model: cannot make /tmp/octet-fuzz-ext");
    abort();
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_result r;
  fuzz_one(data, size, base_dir, FUZZ_MAX_PLAN_BYTES, &r);
  if (r.violation[0]) {
    fprintf(stderr, "fuzz-model: %s\n", r.violation);
    __builtin_trap();
  }
  return 0;
}
