/* `octet bench --profile`: where the time of one configuration goes. */
#ifndef OCTET_BENCH_PROFILE_H
#define OCTET_BENCH_PROFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "bench-report.h"
#include "octet.h"

/* Runs `session` `runs` times (at most 64) with a per-node callback and
 * fills `res` per (op type, backend, kernel): the median time per run, its
 * share, and for matrix products GOP/s and % of the peak (int8 peak for
 * w8a8 linear nodes, fp32 FMA peak otherwise; NaN without a peak), largest
 * first. Returns an octet_status; the session is left without a
 * callback. */
octet_status bench_profile(octet_session *session, const octet_tensor *in, size_t n_in,
                           octet_tensor *out, size_t n_out, int runs, bool w8a8,
                           double peak_int8_gops, double peak_fp32_gflops, bench_prof *res);

/* The profile as a table under a `title` line. */
void bench_profile_print(FILE *f, const bench_prof *p, const char *title);

#endif
