/* CPU features, read once (CPUID + XGETBV on x86, getauxval on arm64), and
 * the ISA level the kernels may use: the best the CPU and OS support, or a
 * lower one forced with the environment variable OCTET_ISA. */
#ifndef OCTET_CPU_H
#define OCTET_CPU_H

#include <stdbool.h>

typedef enum octet_isa {
  OCTET_ISA_REF = 0,        /* portable C only */
  /* x86-64 */
  OCTET_ISA_AVX2,           /* AVX2 + FMA + F16C */
  OCTET_ISA_AVXVNNI,        /* + AVX-VNNI (ymm VPDPBUSD) */
  OCTET_ISA_AVX512,         /* AVX-512 F/BW/VL/DQ (+ AVX2 level) */
  OCTET_ISA_AVX512VNNI,     /* + AVX512_VNNI (zmm VPDPBUSD) */
  OCTET_ISA_AMX,            /* + AMX-TILE/AMX-INT8 (TDPBUSD), OS-enabled */
  /* arm64 */
  OCTET_ISA_NEON,
  OCTET_ISA_DOTPROD,
  OCTET_ISA_I8MM,
} octet_isa;

typedef struct octet_cpu_features {
  bool avx2, fma, f16c, avx512f, avx512bw, avx512vl, avx512dq, avx512vnni,
      avxvnni, avx512bf16, avx512fp16;
  /* AMX-TILE + AMX-INT8 with the tile state enabled by the OS (XCR0) and
   * granted to this process (Linux arch_prctl ARCH_REQ_XCOMP_PERM) */
  bool amx;
  bool neon, asimddp, i8mm, fphp, asimdhp;
  char brand[160];
  /* "" on real hardware; "qemu-user" when an arm64 build finds an x86
   * host's /proc/cpuinfo (qemu-user passes it through); or the value of
   * OCTET_EMULATED when set (how a user marks emulators octet cannot see). */
  char emulated[64];
} octet_cpu_features;

/* Read once; thread-safe after the first call. */
const octet_cpu_features *octet_cpu(void);
/* The ISA level in force: the highest supported, lowered by OCTET_ISA
 * (ref|avx2|avxvnni|avx512|avx512vnni|amx|neon|dotprod|i8mm). A request above
 * what the CPU has is clamped to what it has. */
octet_isa octet_isa_active(void);
/* Whether the CPU supports `isa` (ignores OCTET_ISA). */
bool octet_isa_supported(octet_isa isa);
/* The best level this CPU supports, ignoring OCTET_ISA: what
 * octet_isa_active() gives when OCTET_ISA is not set. */
octet_isa octet_isa_best(void);
const char *octet_isa_name(octet_isa isa);
/* Whether the x86 levels at or above AVX-512 (the zmm float kernels). */
static inline bool octet_isa_is_avx512(octet_isa isa) {
  return isa >= OCTET_ISA_AVX512 && isa <= OCTET_ISA_AMX;
}
/* Whether `isa` is one of the x86 levels above ref. */
static inline bool octet_isa_is_x86(octet_isa isa) {
  return isa >= OCTET_ISA_AVX2 && isa <= OCTET_ISA_AMX;
}
/* Test hook: re-reads OCTET_ISA (tests switch levels in one process). */
void octet_isa_reset(void);

#endif
