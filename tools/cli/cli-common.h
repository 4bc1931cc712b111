/* Shared pieces of the `octet` command line: the command table, errors,
 * option parsing, symbolic-dim resolution, random inputs and tensor stats.
 *
 * A command is a function `int cmd_NAME(int argc, char **argv)` (argv[0] is
 * the command name) returning one of the CLI_EXIT_* codes, listed in the
 * table in octet.c. To add one (e.g. `bench`): write tools/cli/cli-bench.c,
 * declare cmd_bench below, add a row to the table and the file to
 * tools/cli/meson.build. */
#ifndef OCTET_CLI_COMMON_H
#define OCTET_CLI_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "octet.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_ERROR 1 /* the command failed (bad model, bad file, ...) */
#define CLI_EXIT_USAGE 2 /* the command line is wrong */

typedef int (*cli_command_fn)(int argc, char **argv);

typedef struct cli_command {
  const char *name;
  cli_command_fn fn;
  const char *summary; /* one line for `octet --help` */
} cli_command;

int cmd_run(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_compare(int argc, char **argv);

/* ---- errors ------------------------------------------------------------- */

/* "octet: <message>" on stderr; returns CLI_EXIT_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports a failed library call: the session's error if there is one, else
 * octet_last_error(), else the status text. Returns CLI_EXIT_ERROR. */
int cli_fail(octet_status st, const octet_session *session);
/* A usage error of command `cmd` (NULL: of `octet` itself), two lines on
 * stderr: "octet CMD: <message>" and "Try 'octet CMD --help'."; returns
 * CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- option parsing ----------------------------------------------------- */

/* Matches argv[*i] against an option taking a value: "--long V",
 * "--long=V", "-s V" or "-sV" (shrt may be NULL). Returns 1 and sets *val
 * (advancing *i past a separate value) on a match, 0 when argv[*i] is
 * another option, -1 when the value is missing (a usage error of command
 * `cmd` has been printed). */
int cli_opt_value(int argc, char **argv, int *i, const char *lng,
                  const char *shrt, const char *cmd, const char **val);
/* True when argv[i] is exactly "--long" or "-s". */
bool cli_opt_flag(const char *arg, const char *lng, const char *shrt);
bool cli_is_help(const char *arg);

/* Whole-string integer in [lo, hi]. */
bool cli_parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out);

/* ---- options shared by run, inspect (and later bench) --------------------- */

#define CLI_MAX_DIM_OVERRIDES 32

typedef struct cli_dim_value {
  const char *name;
  int64_t value;
} cli_dim_value;

/* ---- --backend, the same syntax in every command ------------------------ */

#define CLI_BACKEND_SPEC_MAX 64

/* One session's backends, as the user wrote them and as the library takes
 * them (octet_session_options.backends). */
typedef struct cli_backend_spec {
  char spec[CLI_BACKEND_SPEC_MAX];    /* "x86", "x86+ref", "default" */
  char lib[CLI_BACKEND_SPEC_MAX + 8]; /* "x86,*", "x86,ref"; "" = default */
} cli_backend_spec;

/* Parses the value of --backend: a spec is a backend name (x86, arm,
 * onednn, openblas, ref), which goes first while the library's default order
 * takes what it declines ("x86,*"); names (or '*', the default order of the
 * backends not named before it) joined with '+', the exact order of
 * preference ("x86+ref"); or "default". With `several` (bench: one session per
 * spec) commas separate specs; otherwise the value is one spec and commas
 * join names like '+' (x86,ref = x86+ref). Fills out[0..n) and returns n,
 * or -1 after a usage error of command `cmd`. Names are checked for their
 * form only: a name this build lacks fails when the session is made. */
int cli_parse_backends(const char *cmd, const char *v, bool several,
                       cli_backend_spec *out, int max);

typedef struct cli_session_opts {
  octet_precision precision;
  const char *backends; /* NULL: the library's default (= backend.lib) */
  cli_backend_spec backend; /* --backend as given */
  int threads;          /* 0: all cores */
  unsigned flags;       /* OCTET_SESSION_* (--fp16-weights, --chunk off) */
  size_t chunk_bytes;   /* --chunk BYTES (0: the library's default) */
  int64_t batch;        /* value of the first symbolic dim */
  bool batch_given;
  cli_dim_value dims[CLI_MAX_DIM_OVERRIDES]; /* --dim NAME=VALUE */
  int n_dims;
} cli_session_opts;

void cli_session_opts_init(cli_session_opts *o);
void cli_session_opts_free(cli_session_opts *o); /* the --dim names */
/* Parses --precision, --backend, --fp16-weights, --threads, --batch, --dim,
 * --chunk at argv[*i] for command `cmd`.
 * Returns 1 when consumed, 0 when not one of these, -1 on a usage error
 * (printed). */
int cli_parse_session_opt(int argc, char **argv, int *i, const char *cmd,
                          cli_session_opts *o);
void cli_session_opts_apply(const cli_session_opts *o,
                            octet_session_options *so);
const char *cli_threads_str(int threads, char buf[32]);

/* ---- models ------------------------------------------------------------- */

/* True when `name` is a built-in model's ("encoder", "mlp", "resnet18"). */
bool cli_is_builtin_name(const char *name);
/* True when `arg` names a built-in model and is not a file: a file of that
 * name wins. */
bool cli_is_builtin(const char *arg);
/* Loads the ONNX file `arg`, or the built-in model it names (default
 * options: sequence 32, seed 42). */
octet_status cli_model_open(const char *arg, octet_model **out);

/* ---- model inputs and symbolic dims ------------------------------------- */

typedef struct cli_model_io {
  size_t n_inputs, n_outputs;
  octet_tensor_info *inputs, *outputs;
} cli_model_io;

/* Reads the input and output descriptions; on failure reports it. */
int cli_model_io_get(const octet_model *model, cli_model_io *io);
void cli_model_io_free(cli_model_io *io);

/* Concrete shapes for the model's inputs. known (may be NULL) has one entry
 * per model input; those with a dtype other than UNDEFINED are tensors the
 * user gave (from files): their shapes are kept as they are, and their values
 * of named symbolic dims apply to the other inputs. For the others, a
 * symbolic dim takes, in order: the --dim value of its name, the value a
 * given tensor has for the same name, the batch when it is a batch dim,
 * otherwise CLI_DEFAULT_SYMBOLIC_DIM. The batch dim is the first symbolic dim
 * of the inputs; batch dims are it, every dim with its name, and unnamed
 * symbolic dims on axis 0; their value is that of the first batch dim (from
 * --dim or a given tensor) or else --batch. `dims` has io->n_inputs rows.
 * Returns the batch value. */
#define CLI_DEFAULT_SYMBOLIC_DIM 32
int64_t cli_resolve_shapes(const cli_model_io *io, const cli_session_opts *o,
                           const octet_tensor *known,
                           int64_t (*dims)[OCTET_MAX_RANK]);

/* ---- tensors ---------------------------------------------------------- */

/* Checked byte size of a shape (false on overflow or a negative dim). */
bool cli_shape_bytes(const int64_t *dims, int rank, octet_dtype dtype,
                     size_t *out);
/* "[1, 32, 384]" */
void cli_format_shape(const int64_t *dims, int rank, char *buf, size_t cap);
/* "[batch, sequence, 384]" with '?' for unnamed symbolic dims. */
void cli_format_info_shape(const octet_tensor_info *info, char *buf,
                           size_t cap);
/* "22.7M" */
void cli_format_count(double n, char *buf, size_t cap);

typedef struct cli_rand_opts {
  uint64_t seed;
  int64_t int_lo, int_hi; /* integers uniform in [lo, hi) */
} cli_rand_opts;

/* Fills t (dtype, rank, dims set; data allocated here) with random values
 * that depend only on the seed and `name`. Returns CLI_EXIT_* (reported). */
int cli_random_tensor(octet_tensor *t, const char *name,
                      const cli_rand_opts *r);

/* Converts t in place to `to` when both are floating point or both are
 * integers (integer values must fit). Returns CLI_EXIT_*; errors are
 * reported naming `what`. */
int cli_convert_tensor(octet_tensor *t, octet_dtype to, const char *what);

typedef struct cli_stats {
  bool numeric;
  double min, max, mean;
  size_t nan, inf, count;
} cli_stats;

void cli_tensor_stats(const octet_tensor *t, cli_stats *s);
void cli_format_stats(const cli_stats *s, char *buf, size_t cap);

/* A file name for a tensor name: characters outside [A-Za-z0-9._-] become
 * '_', never empty, "." or "..", at most `cap` - 1 bytes. */
void cli_sanitize_name(const char *name, char *out, size_t cap);

char *cli_strdup(const char *s); /* NULL when out of memory */

/* Creates directory `dir` and its missing parents, like `mkdir -p`. On
 * failure reports which path could not be made and why; returns CLI_EXIT_*. */
int cli_mkdir_p(const char *dir);

/* Seconds from a monotonic clock. */
double cli_now(void);

#endif /* OCTET_CLI_COMMON_H */
