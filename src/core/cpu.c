/* CPU feature detection and the active ISA level. */
#include "core/cpu.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

static unsigned long long xgetbv0(void) {
  unsigned int lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

/* Linux hands out the AMX tile data state (8 KB per thread) only on
 * request; without it the first tile instruction faults. */
static bool amx_permitted(void) {
#if defined(__linux__) && defined(SYS_arch_prctl)
  const long req_xcomp_perm = 0x1023, xfeature_xtiledata = 18;
  return syscall(SYS_arch_prctl, req_xcomp_perm, xfeature_xtiledata) == 0;
#else
  return false;
#endif
}

static void detect(octet_cpu_features *f) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return;
  bool osxsave = (c >> 27) & 1;
  bool fma = (c >> 12) & 1, f16c = (c >> 29) & 1, avx = (c >> 28) & 1;
  unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
  bool ymm_os = (xcr0 & 0x6) == 0x6;
  bool zmm_os = (xcr0 & 0xe6) == 0xe6;
  unsigned b7 = 0, c7 = 0, d7 = 0, a71 = 0;
  if (__get_cpuid_max(0, NULL) >= 7) {
    __cpuid_count(7, 0, a, b7, c7, d7);
    unsigned bb, cc, dd;
    __cpuid_count(7, 1, a71, bb, cc, dd);
  }
  f->avx2 = avx && ymm_os && ((b7 >> 5) & 1);
  f->fma = fma && ymm_os;
  f->f16c = f16c && ymm_os;
  f->avxvnni = f->avx2 && ((a71 >> 4) & 1);
  f->avx512f = zmm_os && ((b7 >> 16) & 1);
  f->avx512dq = zmm_os && ((b7 >> 17) & 1);
  f->avx512bw = zmm_os && ((b7 >> 30) & 1);
  f->avx512vl = zmm_os && ((b7 >> 31) & 1);
  f->avx512vnni = zmm_os && ((c7 >> 11) & 1);
  f->avx512bf16 = zmm_os && ((a71 >> 5) & 1);
  f->avx512fp16 = zmm_os && ((d7 >> 23) & 1);
  const bool tiles_os = (xcr0 & 0x60000) == 0x60000; /* XTILECFG, XTILEDATA */
  f->amx = tiles_os && ((d7 >> 24) & 1) && ((d7 >> 25) & 1) && amx_permitted();
  unsigned brand[12];
  if ((unsigned)__get_cpuid_max(0x80000000, NULL) >= 0x80000004u) { /* int in clang */
    for (unsigned i = 0; i < 3; i++)
      __cpuid(0x80000002 + i, brand[4 * i], brand[4 * i + 1], brand[4 * i + 2],
              brand[4 * i + 3]);
    memcpy(f->brand, brand, 48);
    f->brand[48] = '\0';
  }
}
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>

static void detect(octet_cpu_features *f) {
  unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
  f->neon = true;
  f->fphp = (hw >> 9) & 1;     /* HWCAP_FPHP */
  f->asimdhp = (hw >> 10) & 1; /* HWCAP_ASIMDHP */
  f->asimddp = (hw >> 20) & 1; /* HWCAP_ASIMDDP */
  f->i8mm = (hw2 >> 13) & 1;   /* HWCAP2_I8MM */
  strcpy(f->brand, "arm64");
  /* qemu-user shows the host's /proc/cpuinfo: x86 fields mean emulation */
  FILE *ci = fopen("/proc/cpuinfo", "r");
  char line[256], host[96] = "";
  bool x86_host = false;
  while (ci && fgets(line, sizeof line, ci)) {
    if (strncmp(line, "vendor_id", 9) == 0) x86_host = true;
    if (!host[0] && strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
      const char *c = strchr(line, ':') + 1;
      while (*c == ' ' || *c == '\t') c++;
      snprintf(host, sizeof host, "%s", c);
      host[strcspn(host, "\n")] = '\0';
    }
  }
  if (ci) fclose(ci);
  if (x86_host) {
    strcpy(f->emulated, "qemu-user");
    snprintf(f->brand, sizeof f->brand, "arm64 (emulated by qemu-user on %s)", host);
  }
}
#else
static void detect(octet_cpu_features *f) { strcpy(f->brand, "unknown"); }
#endif

static octet_cpu_features features;
static int detected;
static octet_isa active = OCTET_ISA_REF;
static int active_set;

const octet_cpu_features *octet_cpu(void) {
  if (!__atomic_load_n(&detected, __ATOMIC_ACQUIRE)) {
    octet_cpu_features f;
    memset(&f, 0, sizeof f);
    detect(&f);
    const char *e = getenv("OCTET_EMULATED");
    if (e && *e && strcmp(e, "0") != 0) {
      snprintf(f.emulated, sizeof f.emulated, "%s", e);
      if (!strstr(f.brand, "emulated")) {
        size_t n = strlen(f.brand);
        snprintf(f.brand + n, sizeof f.brand - n, " (emulated: %s)", f.emulated);
      }
    }
    features = f; /* every thread computes the same value */
    __atomic_store_n(&detected, 1, __ATOMIC_RELEASE);
  }
  return &features;
}

bool octet_isa_supported(octet_isa isa) {
  const octet_cpu_features *f = octet_cpu();
  bool avx2 = f->avx2 && f->fma && f->f16c;
  bool avx512 = avx2 && f->avx512f && f->avx512bw && f->avx512vl && f->avx512dq;
  switch (isa) {
    case OCTET_ISA_REF: return true;
    case OCTET_ISA_AVX2: return avx2;
    case OCTET_ISA_AVXVNNI: return avx2 && f->avxvnni;
    case OCTET_ISA_AVX512: return avx512;
    case OCTET_ISA_AVX512VNNI: return avx512 && f->avx512vnni;
    case OCTET_ISA_AMX: return avx512 && f->avx512vnni && f->amx;
    case OCTET_ISA_NEON: return f->neon;
    case OCTET_ISA_DOTPROD: return f->neon && f->asimddp;
    case OCTET_ISA_I8MM: return f->neon && f->asimddp && f->i8mm;
  }
  return false;
}

static const char *const isa_names[] = {"ref", "avx2", "avxvnni", "avx512",
                                        "avx512vnni", "amx", "neon", "dotprod", "i8mm"};

const char *octet_isa_name(octet_isa isa) {
  return (unsigned)isa < sizeof isa_names / sizeof isa_names[0] ? isa_names[isa] : "?";
}

/* The x86 levels form a chain: avx2 < avxvnni < avx512 < avx512vnni < amx, where
 * avx512 without VNNI is below avxvnni for int8 but above it for floats, so
 * "highest" means the first supported entry of this order. */
octet_isa octet_isa_best(void) {
  static const octet_isa order[] = {OCTET_ISA_I8MM, OCTET_ISA_DOTPROD, OCTET_ISA_NEON,
                                    OCTET_ISA_AMX, OCTET_ISA_AVX512VNNI, OCTET_ISA_AVX512,
                                    OCTET_ISA_AVXVNNI, OCTET_ISA_AVX2};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (octet_isa_supported(order[i])) return order[i];
  return OCTET_ISA_REF;
}

static octet_isa compute_active(void) {
  octet_isa top = octet_isa_best();
  const char *env = getenv("OCTET_ISA");
  if (!env || !*env) return top;
  for (int i = 0; i < (int)(sizeof isa_names / sizeof isa_names[0]); i++)
    if (strcmp(env, isa_names[i]) == 0) {
      octet_isa want = (octet_isa)i;
      return octet_isa_supported(want) ? want : top;
    }
  return top; /* unknown names are ignored; `octet bench` reports the level */
}

octet_isa octet_isa_active(void) {
  if (!__atomic_load_n(&active_set, __ATOMIC_ACQUIRE)) {
    active = compute_active();
    __atomic_store_n(&active_set, 1, __ATOMIC_RELEASE);
  }
  return active;
}

void octet_isa_reset(void) { __atomic_store_n(&active_set, 0, __ATOMIC_RELEASE); }
