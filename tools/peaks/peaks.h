/* The machine's peaks, measured by short microbenchmarks for `octet bench`:
 * fp32 FMA GFLOP/s (register-only FMA chains), int8 dot-product GOP/s with
 * the best instruction of the active ISA level (AMX TDPBUSD, VPDPBUSD zmm/ymm,
 * else the exact 16-bit multiply-add VPMADDWD), and memory GB/s (a streaming read of
 * a buffer larger than the last-level cache). All threads run at once
 * (OpenMP); each figure is the best of a few timed trials. One MAC counts as
 * 2 operations. The kernels of each ISA live in their own file compiled with
 * their own -m flags (peaks-avx512.c, peaks-avx2.c) and are chosen at run
 * time from octet_isa_active(), so OCTET_ISA lowers them like the kernels. */
#ifndef OCTET_TOOLS_PEAKS_H
#define OCTET_TOOLS_PEAKS_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_peaks {
  int threads;
  double fp32_gflops;
  double int8_gops;
  double mem_gbps;
  char fp32_how[64];   /* e.g. "vfmadd231ps zmm" */
  char int8_how[64];   /* e.g. "vpdpbusd zmm" */
  char mem_how[64];    /* e.g. "stream read 960 MiB" */
  /* bench_measure_mix: the GEMM microkernel's instruction mix with its
   * operands in L1 (loads and broadcasts beside the arithmetic;
   * peak_*_mix_*), or 0 where this ISA level has no such loop: what a
   * kernel of that shape can reach. bench_measure_peaks leaves them 0. */
  double fp32_mix_gflops;
  double int8_mix_gops;
  char fp32_mix_how[64];
  char int8_mix_how[64];
  double seconds;      /* time the measurement took */
} bench_peaks;

/* Measures with `threads` threads (<= 0: all cores) in about a second. */
void bench_measure_peaks(int threads, bench_peaks *out);
/* Adds the *_mix_* figures (the GEMM benchmarks' ceilings), ~0.3 s. */
void bench_measure_mix(int threads, bench_peaks *out);

/* ---- per-ISA kernels (peaks-<isa>.c) -------------------------------------
 * Each compute kernel runs `iters` iterations of independent register-only
 * chains (inline assembly, so the compiler can neither merge nor fold them)
 * and returns the operations it performed (a MAC counts as 2; one
 * iteration is 24 instructions of the kind named). Read kernels read
 * `bytes` (a multiple of 256, 64-byte aligned). PEAK_CHAINS is the chain
 * count of the portable C fallbacks in peaks.c. */
#define PEAK_CHAINS 12

double peak_fma_avx512(int64_t iters);    /* 24 vfmadd132ps zmm */
double peak_vnni_avx512(int64_t iters);   /* 24 vpdpbusd zmm */
double peak_madd_avx512(int64_t iters);   /* 24 vpmaddwd + vpaddd zmm */
/* One iteration is one k step of the kernel tile, operands from L1:
 * 8x48c4 VNNI: 3 zmm loads + 8 vpbroadcastd + 24 vpdpbusd;
 * 9x48 fp32:   3 zmm loads + 9 vbroadcastss + 27 vfmadd231ps. */
double peak_vnni_mix_avx512(int64_t iters);
double peak_fma_mix_avx512(int64_t iters);
uint64_t peak_read_avx512(const void *p, size_t bytes);

double peak_fma_avx2(int64_t iters);      /* 24 vfmadd132ps ymm */
double peak_vnni_avxvnni(int64_t iters);  /* 24 {vex} vpdpbusd ymm */
double peak_madd_avx2(int64_t iters);     /* 24 vpmaddwd + vpaddd ymm */
uint64_t peak_read_avx2(const void *p, size_t bytes);

double peak_amx_int8(int64_t iters);      /* 4 tdpbusd (16x16x64) */

#endif
