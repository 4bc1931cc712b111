/* `octet bench`: the machine block: CPU, ISA, build, libraries, peaks and
 * warnings (cli-bench.h). */

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
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli-bench.h"
#include "octet-commit.h"
#include "octet-config.h"
#include "peaks.h"
#if defined(OCTET_BENCH_OPENBLAS)
#include <cblas.h>
#endif
#if defined(OCTET_BENCH_ONEDNN)
#include <oneapi/dnnl/dnnl.h>
#endif
#ifndef OCTET_BENCH_BUILD
#define OCTET_BENCH_BUILD "unknown flags"
#endif
#ifndef OCTET_BENCH_BUILDTYPE
#define OCTET_BENCH_BUILDTYPE "unknown"
#endif


/* ---- machine ----------------------------------------------------------------- */

void bench_add_warning(bench_machine *m, const char *fmt, ...) {
  if (m->n_warnings >= BENCH_MAX_WARNINGS) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->warnings[m->n_warnings++], sizeof m->warnings[0], fmt, ap);
  va_end(ap);
}

static void cpu_name(char *out, size_t cap) {
  const char *b = octet_cpu()->brand;
  while (*b == ' ') b++;
  if (*b && strcmp(b, "unknown") != 0 && strcmp(b, "arm64") != 0) {
    snprintf(out, cap, "%s", b);
    return;
  }
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[512];
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) == 0 || strncmp(line, "Model", 5) == 0 ||
        strncmp(line, "CPU part", 8) == 0) {
      const char *c = strchr(line, ':');
      if (!c) continue;
      c++;
      while (*c == ' ' || *c == '\t') c++;
      snprintf(out, cap, "%s", c);
      out[strcspn(out, "\n")] = '\0';
      fclose(f);
      return;
    }
  }
  if (f) fclose(f);
  snprintf(out, cap, "%s", *b ? b : "unknown");
}

void bench_set_timestamp(bench_machine *m) {
  time_t now = time(NULL);
  struct tm tm;
  if (now != (time_t)-1 && gmtime_r(&now, &tm))
    strftime(m->timestamp, sizeof m->timestamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void bench_fill_machine(bench_machine *m, int threads, bool measure) {
  cpu_name(m->cpu, sizeof m->cpu);
  snprintf(m->emulated, sizeof m->emulated, "%s", octet_cpu()->emulated);
  octet_isa act = octet_isa_active(), best = octet_isa_best();
  snprintf(m->isa, sizeof m->isa, "%s", octet_isa_name(act));
  snprintf(m->isa_best, sizeof m->isa_best, "%s", octet_isa_name(best));
  const octet_cpu_features *f = octet_cpu();
  const struct { bool on; const char *name; } flags[] = {
      {f->avx2, "avx2"}, {f->fma, "fma"}, {f->f16c, "f16c"}, {f->avx512f, "avx512f"},
      {f->avx512bw, "avx512bw"}, {f->avx512vl, "avx512vl"}, {f->avx512dq, "avx512dq"},
      {f->avx512vnni, "avx512_vnni"}, {f->avxvnni, "avx_vnni"},
      {f->avx512bf16, "avx512_bf16"}, {f->avx512fp16, "avx512_fp16"}, {f->amx, "amx_int8"}, {f->neon, "neon"},
      {f->asimddp, "asimddp"}, {f->i8mm, "i8mm"}, {f->fphp, "fphp"}, {f->asimdhp, "asimdhp"}};
  size_t n = 0;
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    if (flags[i].on && n < sizeof m->isa_flags)
      n += (size_t)snprintf(m->isa_flags + n, sizeof m->isa_flags - n, "%s%s", n ? " " : "",
                            flags[i].name);
  if (!n) snprintf(m->isa_flags, sizeof m->isa_flags, "none");
  m->cores = omp_get_num_procs();
  snprintf(m->compiler, sizeof m->compiler, "%s", OCTET_COMPILER);
  snprintf(m->build, sizeof m->build, "%s", OCTET_BENCH_BUILD);
  snprintf(m->build_type, sizeof m->build_type, "%s", OCTET_BENCH_BUILDTYPE);
  struct utsname u;
  if (uname(&u) == 0) {
    snprintf(m->os_sysname, sizeof m->os_sysname, "%s", u.sysname);
    snprintf(m->os_release, sizeof m->os_release, "%s", u.release);
    snprintf(m->os_machine, sizeof m->os_machine, "%s", u.machine);
  }
  snprintf(m->octet_version, sizeof m->octet_version, "%s", OCTET_VERSION_STRING);
  snprintf(m->git_commit, sizeof m->git_commit, "%s", OCTET_GIT_COMMIT);
#if defined(OCTET_BENCH_OPENBLAS)
  {
    const char *cfg = openblas_get_config();
    snprintf(m->openblas, sizeof m->openblas, "%s", cfg ? cfg : "");
    if (strncmp(m->openblas, "OpenBLAS ", 9) == 0)
      memmove(m->openblas, m->openblas + 9, strlen(m->openblas + 9) + 1);
    const char *core = openblas_get_corename();
    snprintf(m->openblas_core, sizeof m->openblas_core, "%s", core ? core : "");
  }
#endif
#if defined(OCTET_BENCH_ONEDNN)
  {
    const dnnl_version_t *v = dnnl_version();
    if (v) snprintf(m->onednn, sizeof m->onednn, "%d.%d.%d", v->major, v->minor, v->patch);
  }
#endif
  m->threads = threads;
  m->peak_fp32_gflops = m->peak_int8_gops = m->mem_gbps = NAN;
  if (measure) {
    bench_peaks p;
    bench_measure_peaks(threads, &p);
    m->peak_fp32_gflops = p.fp32_gflops;
    m->peak_int8_gops = p.int8_gops;
    m->mem_gbps = p.mem_gbps;
    snprintf(m->peak_fp32_how, sizeof m->peak_fp32_how, "%s", p.fp32_how);
    snprintf(m->peak_int8_how, sizeof m->peak_int8_how, "%s", p.int8_how);
    snprintf(m->mem_how, sizeof m->mem_how, "%s", p.mem_how);
  }
  const char *env = getenv("OCTET_ISA");
  if (env && *env && strcmp(env, octet_isa_name(act)) != 0)
    bench_add_warning(m, "OCTET_ISA=%s is not a level this CPU supports (or not a known name); "
                   "using %s",
                env, octet_isa_name(act));
}

bool bench_int8_pays_off(octet_isa isa) {
  return isa == OCTET_ISA_AMX || isa == OCTET_ISA_AVX512VNNI || isa == OCTET_ISA_AVXVNNI || isa == OCTET_ISA_DOTPROD ||
         isa == OCTET_ISA_I8MM;
}

