/* The machine-peak microbenchmarks of `octet bench` (see peaks.h). */
#include "peaks.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "core/cpu.h"

typedef double (*compute_fn)(int64_t iters);
typedef uint64_t (*read_fn)(const void *p, size_t bytes);

static volatile double sink_d;
static volatile uint64_t sink_u;

/* ---- portable fallbacks (ISA level "ref" or a non-x86 build) ------------- */

static double peak_fma_c(int64_t iters) {
  float a[PEAK_CHAINS];
  for (int j = 0; j < PEAK_CHAINS; j++) a[j] = 0.1f * (float)j;
  for (int64_t i = 0; i < iters; i++)
    for (int j = 0; j < PEAK_CHAINS; j++) a[j] = a[j] * 0.9999f + 1e-4f;
  double s = 0.0;
  for (int j = 0; j < PEAK_CHAINS; j++) s += a[j];
  sink_d += s;
  return 2.0 * PEAK_CHAINS * (double)iters;
}

static double peak_int8_c(int64_t iters) {
  uint32_t a[PEAK_CHAINS] = {0}; /* wraps, like the int32 adds of the SIMD kernels */
  volatile int8_t vx = 3, vy = -2;
  int8_t x = vx, y = vy;
  for (int64_t i = 0; i < iters; i++) {
#if defined(__GNUC__)
    __asm__ volatile("" : "+r"(x), "+r"(y)); /* no closed form */
#endif
    for (int j = 0; j < PEAK_CHAINS; j++) a[j] += (uint32_t)((int32_t)x * (int32_t)(y + j));
  }
  double s = 0.0;
  for (int j = 0; j < PEAK_CHAINS; j++) s += a[j];
  sink_d += s;
  return 2.0 * PEAK_CHAINS * (double)iters;
}

static uint64_t peak_read_c(const void *p, size_t bytes) {
  const uint64_t *q = (const uint64_t *)p;
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (size_t i = 0; i < bytes / 8; i += 4) {
    s0 ^= q[i];
    s1 ^= q[i + 1];
    s2 ^= q[i + 2];
    s3 ^= q[i + 3];
  }
  return s0 ^ s1 ^ s2 ^ s3;
}

/* ---- timing --------------------------------------------------------------- */


/* Runs fn(iters) on every thread at once; returns the seconds, adds the
 * operations all threads performed to *ops. */
static double time_compute(compute_fn fn, int threads, int64_t iters, double *ops) {
  double done = 0.0;
  double t0 = omp_get_wtime();
#pragma omp parallel num_threads(threads) reduction(+ : done)
  done += fn(iters);
  double t = omp_get_wtime() - t0;
  *ops = done;
  return t;
}

/* Best rate (ops per second) over a few trials of about `trial` seconds. */
static double measure_compute(compute_fn fn, int threads, double trial) {
  int64_t iters = 1 << 12;
  double t = 0.0, ops = 0.0;
  /* Calibrate (also warms the vector units up to their license). */
  while ((t = time_compute(fn, threads, iters, &ops)) < 0.02 && iters < ((int64_t)1 << 40))
    iters *= 4;
  iters = (int64_t)((double)iters * trial / (t > 1e-9 ? t : 1e-9));
  if (iters < 1) iters = 1;
  double best = 0.0;
  for (int k = 0; k < 3; k++) {
    t = time_compute(fn, threads, iters, &ops);
    double rate = ops / t;
    if (rate > best) best = rate;
  }
  return best;
}

/* Last-level cache size from sysfs (0 when unknown). */
static size_t llc_bytes(void) {
  size_t best = 0;
  for (int i = 0; i < 8; i++) {
    char path[96];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    unsigned long v = 0;
    char unit = 0;
    if (fscanf(f, "%lu%c", &v, &unit) >= 1) {
      size_t b = v;
      if (unit == 'K') b <<= 10;
      if (unit == 'M') b <<= 20;
      if (b > best) best = b;
    }
    fclose(f);
  }
  return best;
}

static double measure_read(read_fn fn, int threads, size_t *used) {
  size_t size = 2 * llc_bytes();
  if (size < ((size_t)128 << 20)) size = (size_t)128 << 20;
  if (size > ((size_t)1 << 30)) size = (size_t)1 << 30;
  long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
  if (pages > 0 && psz > 0) {
    size_t cap = (size_t)pages * (size_t)psz / 8;
    if (size > cap) size = cap;
  }
  size_t chunk = (size / (size_t)threads) & ~(size_t)4095;
  if (chunk < 4096) {
    *used = 0;
    return 0.0;
  }
  size = chunk * (size_t)threads;
  void *buf = NULL;
  if (posix_memalign(&buf, 2u << 20, size) != 0) {
    *used = 0;
    return 0.0;
  }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(buf, size, MADV_HUGEPAGE);
#endif
  /* First touch by the thread that reads it. */
#pragma omp parallel num_threads(threads)
  {
    int t = omp_get_thread_num();
    memset((char *)buf + (size_t)t * chunk, t + 1, chunk);
  }
  double best = 0.0;
  for (int k = 0; k < 3; k++) {
    double t0 = omp_get_wtime();
#pragma omp parallel num_threads(threads)
    {
      int t = omp_get_thread_num();
      uint64_t r = fn((const char *)buf + (size_t)t * chunk, chunk);
#pragma omp atomic
      sink_u += r;
    }
    double dt = omp_get_wtime() - t0;
    double rate = (double)size / dt;
    if (rate > best) best = rate;
  }
  free(buf);
  *used = size;
  return best;
}

void bench_measure_peaks(int threads, bench_peaks *out) {
  memset(out, 0, sizeof *out);
  if (threads <= 0) threads = omp_get_num_procs();
  out->threads = threads;
  double t0 = omp_get_wtime();

  compute_fn fma = peak_fma_c, dot = peak_int8_c;
  read_fn rd = peak_read_c;
  const char *fma_how = "scalar C", *dot_how = "scalar C int32", *rd_how = "C";
  octet_isa isa = octet_isa_active();
#if defined(OCTET_PEAKS_X86)
  switch (isa) {
    case OCTET_ISA_AMX:
    case OCTET_ISA_AVX512VNNI:
    case OCTET_ISA_AVX512:
      fma = peak_fma_avx512;
      fma_how = "vfmadd132ps zmm";
      rd = peak_read_avx512;
      rd_how = "zmm";
      if (isa == OCTET_ISA_AMX) {
        dot = peak_amx_int8;
        dot_how = "tdpbusd (AMX-INT8)";
      } else if (isa == OCTET_ISA_AVX512VNNI) {
        dot = peak_vnni_avx512;
        dot_how = "vpdpbusd zmm";
      } else {
        dot = peak_madd_avx512;
        dot_how = "vpmaddwd zmm (no VNNI)";
      }
      break;
    case OCTET_ISA_AVXVNNI:
    case OCTET_ISA_AVX2:
      fma = peak_fma_avx2;
      fma_how = "vfmadd132ps ymm";
      rd = peak_read_avx2;
      rd_how = "ymm";
#if defined(OCTET_PEAKS_AVXVNNI)
      if (isa == OCTET_ISA_AVXVNNI) {
        dot = peak_vnni_avxvnni;
        dot_how = "vpdpbusd ymm (AVX-VNNI)";
        break;
      }
#endif
      dot = peak_madd_avx2;
      dot_how = "vpmaddwd ymm (no VNNI)";
      break;
    default:
      break;
  }
#else
  (void)isa;
#endif
  out->fp32_gflops = measure_compute(fma, threads, 0.06) * 1e-9;
  out->int8_gops = measure_compute(dot, threads, 0.06) * 1e-9;
  size_t used = 0;
  out->mem_gbps = measure_read(rd, threads, &used) * 1e-9;
  snprintf(out->fp32_how, sizeof out->fp32_how, "%s", fma_how);
  snprintf(out->int8_how, sizeof out->int8_how, "%s", dot_how);
  snprintf(out->mem_how, sizeof out->mem_how, "stream read %zu MiB, %s loads",
           used >> 20, rd_how);
  out->seconds = omp_get_wtime() - t0;
}

void bench_measure_mix(int threads, bench_peaks *out) {
  if (threads <= 0) threads = omp_get_num_procs();
  out->fp32_mix_gflops = out->int8_mix_gops = 0.0;
  out->fp32_mix_how[0] = out->int8_mix_how[0] = '\0';
#if defined(OCTET_PEAKS_X86)
  octet_isa isa = octet_isa_active();
  if (isa == OCTET_ISA_AMX || isa == OCTET_ISA_AVX512VNNI || isa == OCTET_ISA_AVX512) {
    out->fp32_mix_gflops = measure_compute(peak_fma_mix_avx512, threads, 0.06) * 1e-9;
    snprintf(out->fp32_mix_how, sizeof out->fp32_mix_how, "%s",
             "9x48: 3 loads + 9 vbroadcastss + 27 vfmadd231ps");
  }
  if (isa == OCTET_ISA_AVX512VNNI) {
    out->int8_mix_gops = measure_compute(peak_vnni_mix_avx512, threads, 0.06) * 1e-9;
    snprintf(out->int8_mix_how, sizeof out->int8_mix_how, "%s",
             "8x48c4: 3 loads + 8 vpbroadcastd + 24 vpdpbusd");
  }
#else
  (void)threads;
#endif
}
