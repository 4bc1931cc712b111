/* Tests of the .npy reader and writer (tools/npy/npy.c). */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* mkdtemp, pipe */
#endif
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "npy.h"

static char tmpdir[256];

static void make_tmpdir(void) {
  const char *base = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/test-npy-XXXXXX",
           base && *base ? base : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void) { rmdir(tmpdir); }

static void tmp_path(char *out, size_t cap, const char *name) {
  snprintf(out, cap, "%s/%s", tmpdir, name);
}

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *b = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(b);
  ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return b;
}

static void spit(const char *path, const void *buf, size_t len) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
  fclose(f);
}

/* Builds a .npy image: magic, version major.0, the header length (`hl` or,
 * when hl < 0, the length of `dict` padded with spaces and '\n' to a
 * multiple of 64), the dict, then `data_len` bytes 0, 1, 2, ... */
static size_t build(unsigned char *buf, size_t cap, int major,
                    const char *dict, long hl, size_t data_len) {
  size_t pre = major == 1 ? 10 : 12;
  size_t dl = strlen(dict);
  size_t padded = ((pre + dl + 1) + 63) / 64 * 64 - pre;
  size_t hl_field = hl < 0 ? padded : (size_t)hl;
  ck_assert_uint_le(pre + padded + data_len, cap);
  memcpy(buf, "\x93NUMPY", 6);
  buf[6] = (unsigned char)major;
  buf[7] = 0;
  if (major == 1) {
    buf[8] = (unsigned char)(hl_field & 0xff);
    buf[9] = (unsigned char)(hl_field >> 8);
  } else {
    for (int i = 0; i < 4; i++)
      buf[8 + i] = (unsigned char)(hl_field >> (8 * i));
  }
  memcpy(buf + pre, dict, dl);
  memset(buf + pre + dl, ' ', padded - dl - 1);
  buf[pre + padded - 1] = '\n';
  for (size_t i = 0; i < data_len; i++)
    buf[pre + padded + i] = (unsigned char)i;
  return pre + padded + data_len;
}

/* ---- round trips ---------------------------------------------------------- */

static const octet_dtype all_dtypes[] = {
    OCTET_DTYPE_FLOAT32, OCTET_DTYPE_FLOAT16, OCTET_DTYPE_FLOAT64,
    OCTET_DTYPE_INT64,   OCTET_DTYPE_INT32,   OCTET_DTYPE_INT16,
    OCTET_DTYPE_INT8,    OCTET_DTYPE_UINT8,   OCTET_DTYPE_BOOL,
    OCTET_DTYPE_UINT16,  OCTET_DTYPE_UINT32,  OCTET_DTYPE_UINT64,
};
#define N_DTYPES ((int)(sizeof all_dtypes / sizeof all_dtypes[0]))

static const int64_t shapes[][4] = {
    {0, 0, 0, 0}, {3, 0, 0, 0}, {2, 3, 0, 0}, {2, 1, 3, 0}, {2, 3, 1, 2}};

static void fill(octet_tensor *t) {
  unsigned char *p = t->data;
  for (size_t i = 0; i < t->nbytes; i++) {
    if (t->dtype == OCTET_DTYPE_BOOL)
      p[i] = (unsigned char)(i % 3 == 0);
    else
      p[i] = (unsigned char)(i * 37u + 11u);
  }
  if (t->dtype == OCTET_DTYPE_FLOAT16 && t->nbytes >= 2) {
    uint16_t h = octet_fp32_to_fp16(1.5f);
    memcpy(t->data, &h, 2);
  }
}

static void check_same(const octet_tensor *a, const octet_tensor *b) {
  ck_assert_int_eq(a->dtype, b->dtype);
  ck_assert_int_eq(a->rank, b->rank);
  for (int i = 0; i < a->rank; i++) ck_assert_int_eq(a->dims[i], b->dims[i]);
  ck_assert_uint_eq(a->nbytes, b->nbytes);
  ck_assert_ptr_nonnull(b->data);
  if (a->nbytes) ck_assert_int_eq(memcmp(a->data, b->data, a->nbytes), 0);
}

START_TEST(test_round_trip) {
  octet_dtype dt = all_dtypes[_i / 5];
  int rank = _i % 5;
  make_tmpdir();
  octet_tensor t = {0};
  t.dtype = dt;
  t.rank = rank;
  size_t n = 1;
  for (int i = 0; i < rank; i++) {
    t.dims[i] = shapes[rank][i];
    n *= (size_t)t.dims[i];
  }
  t.nbytes = n * octet_dtype_size(dt);
  t.data = malloc(t.nbytes);
  fill(&t);

  char path[512];
  tmp_path(path, sizeof path, "rt.npy");
  ck_assert_int_eq(npy_write(path, &t), OCTET_OK);

  /* The file layout numpy expects: v1.0, data aligned to 64, '\n' last. */
  size_t len;
  unsigned char *raw = slurp(path, &len);
  ck_assert_int_eq(memcmp(raw, "\x93NUMPY\x01\x00", 8), 0);
  size_t hl = (size_t)raw[8] | (size_t)raw[9] << 8;
  ck_assert_uint_eq((10 + hl) % 64, 0);
  ck_assert_int_eq(raw[10 + hl - 1], '\n');
  ck_assert_uint_eq(len, 10 + hl + t.nbytes);
  if (rank == 1) ck_assert_ptr_nonnull(strstr((char *)raw + 10, "(3,)"));
  if (rank == 0) ck_assert_ptr_nonnull(strstr((char *)raw + 10, "()"));

  octet_tensor r;
  ck_assert_int_eq(npy_read(path, &r), OCTET_OK);
  ck_assert_ptr_null(r.name);
  check_same(&t, &r);
  free(r.data);

  ck_assert_int_eq(npy_read_memory(raw, len, &r), OCTET_OK);
  check_same(&t, &r);
  free(r.data);

  free(raw);
  free(t.data);
  unlink(path);
  remove_tmpdir();
}
END_TEST

START_TEST(test_zero_size_dim) {
  make_tmpdir();
  octet_tensor t = {0};
  t.dtype = OCTET_DTYPE_FLOAT32;
  t.rank = 3;
  t.dims[0] = 2;
  t.dims[1] = 0;
  t.dims[2] = 3;
  t.nbytes = 0;
  t.data = NULL;
  char path[512];
  tmp_path(path, sizeof path, "zero.npy");
  ck_assert_int_eq(npy_write(path, &t), OCTET_OK);
  octet_tensor r;
  ck_assert_int_eq(npy_read(path, &r), OCTET_OK);
  ck_assert_int_eq(r.rank, 3);
  ck_assert_int_eq(r.dims[1], 0);
  ck_assert_uint_eq(r.nbytes, 0);
  ck_assert_ptr_nonnull(r.data); /* always freeable, never NULL on success */
  free(r.data);
  unlink(path);
  remove_tmpdir();
}
END_TEST

/* Headers as numpy and other writers produce them. */
START_TEST(test_header_variants) {
  static const struct {
    int major;
    const char *dict;
    octet_dtype dtype;
    int rank;
    int64_t d0, d1;
  } cases[] = {
      /* numpy >= 1.0 */
      {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
       OCTET_DTYPE_FLOAT32, 2, 2, 3},
      /* other key order, double quotes, odd whitespace, no trailing comma */
      {1, "{ \"shape\" :(2,3) ,\"descr\":\"<i8\",\t'fortran_order':False}",
       OCTET_DTYPE_INT64, 2, 2, 3},
      /* Python 2 long suffix */
      {1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2L, 3L), }",
       OCTET_DTYPE_UINT8, 2, 2, 3},
      /* versions 2.0 and 3.0 use a 4-byte header length */
      {2, "{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }",
       OCTET_DTYPE_FLOAT16, 1, 4, 0},
      {3, "{'descr': '|b1', 'fortran_order': False, 'shape': (), }",
       OCTET_DTYPE_BOOL, 0, 0, 0},
      /* Fortran order is harmless when at most one dim is not 1 */
      {1, "{'descr': '<i4', 'fortran_order': True, 'shape': (1, 5), }",
       OCTET_DTYPE_INT32, 2, 1, 5},
      {1, "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }",
       OCTET_DTYPE_UINT64, 1, 1, 0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    unsigned char buf[512];
    size_t elem = octet_dtype_size(cases[k].dtype);
    size_t numel = 1;
    if (cases[k].rank >= 1) numel *= (size_t)cases[k].d0;
    if (cases[k].rank >= 2) numel *= (size_t)cases[k].d1;
    /* plus trailing garbage, which is ignored */
    size_t len = build(buf, sizeof buf, cases[k].major, cases[k].dict, -1,
                       numel * elem + 7);
    octet_tensor t;
    octet_status st = npy_read_memory(buf, len, &t);
    ck_assert_msg(st == OCTET_OK, "case %zu: %s", k, npy_last_error());
    ck_assert_int_eq(t.dtype, cases[k].dtype);
    ck_assert_int_eq(t.rank, cases[k].rank);
    if (t.rank >= 1) ck_assert_int_eq(t.dims[0], cases[k].d0);
    if (t.rank >= 2) ck_assert_int_eq(t.dims[1], cases[k].d1);
    ck_assert_uint_eq(t.nbytes, numel * elem);
    ck_assert_int_eq(((unsigned char *)t.data)[numel * elem - 1],
                     (unsigned char)(numel * elem - 1));
    free(t.data);
  }
}
END_TEST

/* The exact bytes numpy 2.x writes for np.arange(6, dtype='<f4').reshape(2,3)
 * (header length 118, data at offset 128). */
START_TEST(test_numpy_bytes) {
  unsigned char buf[128 + 24];
  const char *dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  memset(buf, ' ', sizeof buf);
  memcpy(buf, "\x93NUMPY\x01\x00\x76\x00", 10);
  memcpy(buf + 10, dict, strlen(dict));
  buf[127] = '\n';
  for (int i = 0; i < 6; i++) {
    float f = (float)i;
    memcpy(buf + 128 + 4 * i, &f, 4);
  }
  octet_tensor t;
  ck_assert_int_eq(npy_read_memory(buf, sizeof buf, &t), OCTET_OK);
  ck_assert_int_eq(t.dtype, OCTET_DTYPE_FLOAT32);
  ck_assert_int_eq(t.rank, 2);
  const float *f = t.data;
  for (int i = 0; i < 6; i++) ck_assert_float_eq(f[i], (float)i);
  free(t.data);
}
END_TEST

/* ---- malformed input ------------------------------------------------------ */

typedef struct bad_case {
  const char *what;
  int major;
  const char *dict;
  long hl;          /* header length field, -1 = correct */
  size_t data_len;  /* bytes after the header */
  long cut;         /* truncate the image to this many bytes, -1 = no */
  const char *raw;  /* when set, the image is exactly these bytes */
  size_t raw_len;
  const char *needle; /* expected in the message */
} bad_case;

#define F2x3 "'fortran_order': False, 'shape': (2, 3)"
static const bad_case bad_cases[] = {
    {"bad magic", 0, NULL, 0, 0, -1, "\x93NUMPZ\x01\x00\x10\x00{}", 12,
     "bad magic"},
    {"not npy at all", 0, NULL, 0, 0, -1, "PK\x03\x04 zip file", 13,
     "bad magic"},
    {"empty", 0, NULL, 0, 0, -1, "", 0, "too short"},
    {"magic only", 0, NULL, 0, 0, -1, "\x93NUMPY", 6, "version"},
    {"bad version", 0, NULL, 0, 0, -1, "\x93NUMPY\x04\x00\x10\x00", 10,
     "version 4.0"},
    {"short length field", 0, NULL, 0, 0, -1, "\x93NUMPY\x02\x00\x10\x00", 10,
     "header length field"},
    {"truncated header", 1, "{'descr': '<f4', " F2x3 ", }", -1, 0, 40, NULL, 0,
     "beyond the end"},
    {"truncated data", 1, "{'descr': '<f4', " F2x3 ", }", -1, 23, -1, NULL, 0,
     "truncated data"},
    {"header len beyond file", 1, "{'descr': '<f4', " F2x3 ", }", 60000, 24,
     -1, NULL, 0, "beyond the end"},
    {"header len beyond file v2", 2, "{'descr': '<f4', " F2x3 ", }",
     0x7fffffffL, 24, -1, NULL, 0, "implausibly large"},
    {"fortran order", 1,
     "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", -1, 24, -1,
     NULL, 0, "Fortran"},
    {"big-endian", 1, "{'descr': '>f4', " F2x3 ", }", -1, 24, -1, NULL, 0,
     "big-endian"},
    {"rank 9", 1,
     "{'descr': '|u1', 'fortran_order': False, "
     "'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }",
     -1, 1, -1, NULL, 0, "more than 8"},
    {"negative dim", 1,
     "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", -1, 24,
     -1, NULL, 0, "negative"},
    {"huge dims overflow", 1,
     "{'descr': '<f8', 'fortran_order': False, "
     "'shape': (4294967296, 4294967296, 0), }",
     -1, 0, -1, NULL, 0, "too large"},
    {"huge dims over cap", 1,
     "{'descr': '<f4', 'fortran_order': False, "
     "'shape': (1048576, 1048576), }",
     -1, 0, -1, NULL, 0, "too large"},
    {"dim beyond int64", 1,
     "{'descr': '<f4', 'fortran_order': False, "
     "'shape': (99999999999999999999,), }",
     -1, 0, -1, NULL, 0, "64 bits"},
    {"missing descr", 1, "{" F2x3 ", }", -1, 24, -1, NULL, 0,
     "missing key 'descr'"},
    {"missing fortran_order", 1, "{'descr': '<f4', 'shape': (2, 3), }", -1, 24,
     -1, NULL, 0, "missing key 'fortran_order'"},
    {"missing shape", 1, "{'descr': '<f4', 'fortran_order': False, }", -1, 24,
     -1, NULL, 0, "missing key 'shape'"},
    {"garbage in shape", 1,
     "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", -1, 24, -1,
     NULL, 0, "expected an integer"},
    {"shape missing comma", 1,
     "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }", -1, 24, -1,
     NULL, 0, "expected ','"},
    {"shape not a tuple", 1,
     "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }", -1, 24, -1,
     NULL, 0, "'('"},
    {"shape (3) is an int", 1,
     "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", -1, 12, -1,
     NULL, 0, "not a tuple"},
    {"shape unterminated", 1,
     "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3", -1, 24, -1,
     NULL, 0, "expected"},
    {"unknown key", 1, "{'descr': '<f4', " F2x3 ", 'extra': 1}", -1, 24, -1,
     NULL, 0, "unknown key 'extra'"},
    {"duplicate key", 1, "{'descr': '<f4', 'descr': '<f4', " F2x3 "}", -1, 24,
     -1, NULL, 0, "duplicate key 'descr'"},
    {"unsupported dtype", 1, "{'descr': '<c8', " F2x3 ", }", -1, 48, -1, NULL,
     0, "unsupported dtype '<c8'"},
    {"structured dtype", 1, "{'descr': [('a', '<f4')], " F2x3 ", }", -1, 24,
     -1, NULL, 0, "structured"},
    {"multi-byte with |", 1, "{'descr': '|f4', " F2x3 ", }", -1, 24, -1, NULL,
     0, "byte order"},
    {"fortran_order not bool", 1,
     "{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }", -1, 24, -1,
     NULL, 0, "True or False"},
    {"junk after dict", 1, "{'descr': '<f4', " F2x3 ", } junk", -1, 24, -1,
     NULL, 0, "after the dict"},
    {"not a dict", 1, "('descr', '<f4')", -1, 24, -1, NULL, 0, "'{'"},
    {"unterminated string", 1, "{'descr: '<f4', " F2x3 "}", -1, 24, -1, NULL,
     0, "expected ':'"},
    {"nul in header", 0, NULL, 0, 0, -1,
     "\x93NUMPY\x01\x00\x06\x00{'\0':1}", 16, "unexpected character"},
};
#define N_BAD ((int)(sizeof bad_cases / sizeof bad_cases[0]))

static size_t make_bad(const bad_case *c, unsigned char *buf, size_t cap) {
  size_t len;
  if (c->raw) {
    ck_assert_uint_le(c->raw_len, cap);
    memcpy(buf, c->raw, c->raw_len);
    len = c->raw_len;
  } else {
    len = build(buf, cap, c->major, c->dict, c->hl, c->data_len);
  }
  if (c->cut >= 0 && (size_t)c->cut < len) len = (size_t)c->cut;
  return len;
}

static void check_bad_status(const bad_case *c, octet_status st,
                             const octet_tensor *t) {
  ck_assert_msg(st == OCTET_ERR_PARSE, "%s: status %d (%s)", c->what, st,
                npy_last_error());
  const char *msg = npy_last_error();
  ck_assert_msg(msg && *msg, "%s: empty message", c->what);
  ck_assert_msg(strstr(msg, c->needle) != NULL,
                "%s: message \"%s\" lacks \"%s\"", c->what, msg, c->needle);
  ck_assert_msg(strncmp(msg, "npy ", 4) == 0, "%s: message \"%s\"", c->what,
                msg);
  ck_assert_ptr_null(t->data);
}

START_TEST(test_malformed_memory) {
  const bad_case *c = &bad_cases[_i];
  unsigned char buf[1024];
  size_t len = make_bad(c, buf, sizeof buf);
  /* An exact-size heap copy, so ASan sees any read past the end. */
  unsigned char *exact = malloc(len ? len : 1);
  memcpy(exact, buf, len);
  octet_tensor t;
  octet_status st = npy_read_memory(exact, len, &t);
  check_bad_status(c, st, &t);
  free(exact);
}
END_TEST

START_TEST(test_malformed_file) {
  const bad_case *c = &bad_cases[_i];
  unsigned char buf[1024];
  size_t len = make_bad(c, buf, sizeof buf);
  make_tmpdir();
  char path[512];
  tmp_path(path, sizeof path, "bad.npy");
  spit(path, buf, len);
  octet_tensor t;
  octet_status st = npy_read(path, &t);
  check_bad_status(c, st, &t);
  ck_assert_ptr_nonnull(strstr(npy_last_error(), path));
  unlink(path);
  remove_tmpdir();
}
END_TEST

/* Each malformed image cut at every length is an error, never a crash; the
 * whole image then reads, clearing the message. */
START_TEST(test_every_truncation) {
  unsigned char buf[256];
  size_t len =
      build(buf, sizeof buf, 1,
            "{'descr': '<i2', 'fortran_order': False, 'shape': (3, 2), }", -1,
            12);
  for (size_t cut = 0; cut < len; cut++) {
    unsigned char *exact = malloc(cut ? cut : 1);
    memcpy(exact, buf, cut);
    octet_tensor t;
    ck_assert_int_eq(npy_read_memory(exact, cut, &t), OCTET_ERR_PARSE);
    ck_assert_str_ne(npy_last_error(), "");
    free(exact);
  }
  octet_tensor t;
  ck_assert_int_eq(npy_read_memory(buf, len, &t), OCTET_OK);
  ck_assert_str_eq(npy_last_error(), ""); /* a success clears the message */
  free(t.data);
}
END_TEST

START_TEST(test_missing_file) {
  octet_tensor t;
  ck_assert_int_eq(npy_read("/nonexistent/dir/x.npy", &t), OCTET_ERR_IO);
  ck_assert_ptr_nonnull(strstr(npy_last_error(), "/nonexistent/dir/x.npy"));
  ck_assert_ptr_null(t.data);
}
END_TEST

/* A pipe has no size: the data is read in chunks, truncation still found. */
START_TEST(test_pipe) {
  unsigned char buf[256];
  size_t len =
      build(buf, sizeof buf, 1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", -1,
            24);
  for (int truncated = 0; truncated <= 1; truncated++) {
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    size_t n = truncated ? len - 5 : len;
    ck_assert_int_eq(write(fds[1], buf, n), (ssize_t)n);
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    octet_tensor t;
    octet_status st = npy_read(path, &t);
    close(fds[0]);
    if (truncated) {
      ck_assert_int_eq(st, OCTET_ERR_PARSE);
      ck_assert_ptr_nonnull(strstr(npy_last_error(), "truncated data"));
    } else {
      ck_assert_msg(st == OCTET_OK, "%s", npy_last_error());
      ck_assert_uint_eq(t.nbytes, 24);
      ck_assert_int_eq(((unsigned char *)t.data)[23], 23);
      free(t.data);
    }
  }
}
END_TEST

/* What is not a file is refused without blocking: a FIFO without a writer
 * (open would wait forever without O_NONBLOCK; the read runs in a child
 * given 10 s, so a regression fails instead of hanging), a device, a
 * directory. */
START_TEST(test_special_files) {
  make_tmpdir();
  char path[512];
  tmp_path(path, sizeof path, "fifo.npy");
  ck_assert_int_eq(mkfifo(path, 0600), 0);
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    octet_tensor t;
    octet_status st = npy_read(path, &t);
    _exit(st == OCTET_ERR_IO && strstr(npy_last_error(), "no writer") &&
                  strstr(npy_last_error(), path) && !t.data
              ? 0
              : 1);
  }
  ck_assert_int_gt(pid, 0);
  int status = -1, i;
  for (i = 0; i < 1000 && waitpid(pid, &status, WNOHANG) != pid; i++)
    nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
  if (i == 1000) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
  }
  ck_assert_msg(i < 1000, "reading a FIFO without a writer blocked (killed after 10 s)");
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the FIFO was not refused");
  unlink(path);
  octet_tensor t;
  ck_assert_int_eq(npy_read("/dev/null", &t), OCTET_ERR_IO);
  ck_assert_msg(strstr(npy_last_error(), "character device"), "%s", npy_last_error());
  ck_assert_int_eq(npy_read(tmpdir, &t), OCTET_ERR_IO);
  ck_assert_msg(strstr(npy_last_error(), "is a directory"), "%s", npy_last_error());
  remove_tmpdir();
}
END_TEST

START_TEST(test_write_errors) {
  float x[6] = {0};
  octet_tensor t = {0};
  t.dtype = OCTET_DTYPE_FLOAT32;
  t.rank = 2;
  t.dims[0] = 2;
  t.dims[1] = 3;
  t.data = x;
  t.nbytes = 20; /* disagrees with the shape */
  ck_assert_int_eq(npy_write("/tmp/never-written.npy", &t),
                   OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_str_ne(npy_last_error(), "");
  t.nbytes = sizeof x;
  t.dims[1] = -3;
  ck_assert_int_eq(npy_write("/tmp/never-written.npy", &t),
                   OCTET_ERR_INVALID_ARGUMENT);
  t.dims[1] = 3;
  t.dtype = OCTET_DTYPE_UNDEFINED;
  ck_assert_int_eq(npy_write("/tmp/never-written.npy", &t),
                   OCTET_ERR_UNSUPPORTED);
  t.dtype = OCTET_DTYPE_FLOAT32;
  ck_assert_int_eq(npy_write("/nonexistent/dir/x.npy", &t),
                   OCTET_ERR_IO);
  ck_assert_ptr_nonnull(strstr(npy_last_error(), "/nonexistent/dir/x.npy"));
}
END_TEST

static Suite *npy_suite(void) {
  Suite *s = suite_create("npy");
  TCase *tc = tcase_create("round-trip");
  tcase_add_loop_test(tc, test_round_trip, 0, N_DTYPES * 5);
  tcase_add_test(tc, test_zero_size_dim);
  tcase_add_test(tc, test_header_variants);
  tcase_add_test(tc, test_numpy_bytes);
  suite_add_tcase(s, tc);
  tc = tcase_create("malformed");
  tcase_add_loop_test(tc, test_malformed_memory, 0, N_BAD);
  tcase_add_loop_test(tc, test_malformed_file, 0, N_BAD);
  tcase_add_test(tc, test_every_truncation);
  tcase_add_test(tc, test_missing_file);
  tcase_add_test(tc, test_pipe);
  tcase_add_test(tc, test_special_files);
  tcase_add_test(tc, test_write_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(npy_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
