/*
 * octet — a CPU-first inference runtime.
 *
 * One header, one library. Every function returns an octet_status; a failed
 * call leaves a message readable with octet_last_error() (thread-local) and,
 * for calls on a session, with octet_session_last_error().
 *
 * Ownership: every object made by *_create / *_load is freed by the matching
 * *_destroy, which accepts NULL. A session keeps a reference-free pointer to
 * its model: destroy sessions before the model they were made from.
 *
 * Threads: a model is immutable once loaded; any number of sessions, on any
 * threads, may be made from it and used at the same time. A session is NOT
 * thread-safe: it serves one call at a time (run, plan, and the queries of
 * its plan all use its plan and buffers). A call made while another is in
 * progress on the same session (from another thread, or from the session's
 * own node callback) fails at once with OCTET_ERR_BUSY and changes nothing;
 * its message is in octet_last_error() only (octet_session_last_error
 * belongs to the call in progress). Use one session per thread, or
 * serialise calls. octet_session_destroy must not race with any call.
 */
#ifndef OCTET_H
#define OCTET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OCTET_VERSION_MAJOR 0
#define OCTET_VERSION_MINOR 1
#define OCTET_VERSION_PATCH 0

#define OCTET_MAX_RANK 8

#if defined(_WIN32)
#define OCTET_API
#else
#define OCTET_API __attribute__((visibility("default")))
#endif

/* Status codes: one list, one message each (octet_status_str). */
#define OCTET_STATUS_LIST(X)                                                  \
  X(OCTET_OK, 0, "ok")                                                        \
  X(OCTET_ERR_INVALID_ARGUMENT, 1, "invalid argument")                        \
  X(OCTET_ERR_IO, 2, "input/output error")                                    \
  X(OCTET_ERR_PARSE, 3, "malformed model")                                    \
  X(OCTET_ERR_UNSUPPORTED, 4, "unsupported")                                  \
  X(OCTET_ERR_SHAPE, 5, "shape mismatch")                                     \
  X(OCTET_ERR_DTYPE, 6, "data type mismatch")                                 \
  X(OCTET_ERR_NO_MEMORY, 7, "out of memory")                                  \
  X(OCTET_ERR_OVERFLOW, 8, "size overflow")                                   \
  X(OCTET_ERR_NOT_FOUND, 9, "not found")                                      \
  X(OCTET_ERR_INTERNAL, 10, "internal error")                                 \
  X(OCTET_ERR_DATA_DEPENDENT, 11, "shape depends on input values")            \
  X(OCTET_ERR_BUSY, 12, "session in use by another call")

typedef enum octet_status {
#define OCTET_X_ENUM(name, value, msg) name = value,
  OCTET_STATUS_LIST(OCTET_X_ENUM)
#undef OCTET_X_ENUM
} octet_status;

/* Element types; the values are ONNX TensorProto.DataType codes. */
typedef enum octet_dtype {
  OCTET_DTYPE_UNDEFINED = 0,
  OCTET_DTYPE_FLOAT32 = 1,
  OCTET_DTYPE_UINT8 = 2,
  OCTET_DTYPE_INT8 = 3,
  OCTET_DTYPE_UINT16 = 4,
  OCTET_DTYPE_INT16 = 5,
  OCTET_DTYPE_INT32 = 6,
  OCTET_DTYPE_INT64 = 7,
  OCTET_DTYPE_BOOL = 9,
  OCTET_DTYPE_FLOAT16 = 10,
  OCTET_DTYPE_FLOAT64 = 11,
  OCTET_DTYPE_UINT32 = 12,
  OCTET_DTYPE_UINT64 = 13,
} octet_dtype;

typedef enum octet_precision {
  OCTET_PRECISION_FP32 = 0,
  OCTET_PRECISION_FP16 = 1,
  OCTET_PRECISION_W8A8 = 2,
} octet_precision;

typedef struct octet_model octet_model;
typedef struct octet_session octet_session;

/* Description of a model input or output. dims[i] is -1 where the dimension
 * is symbolic; dim_names[i] then holds its name (or NULL when unnamed).
 * Strings belong to the model and live as long as it does. */
typedef struct octet_tensor_info {
  const char *name;
  octet_dtype dtype;
  int rank;
  int64_t dims[OCTET_MAX_RANK];
  const char *dim_names[OCTET_MAX_RANK];
} octet_tensor_info;

/* A tensor passed to or returned from octet_session_run: dense, C order. */
typedef struct octet_tensor {
  const char *name; /* input: NULL means "by position" */
  octet_dtype dtype;
  int rank;
  int64_t dims[OCTET_MAX_RANK];
  void *data;
  size_t nbytes;
} octet_tensor;

OCTET_API const char *octet_status_str(octet_status status);
/* The message of the last failed call on this thread ("" when none). */
OCTET_API const char *octet_last_error(void);
OCTET_API const char *octet_version(void);
OCTET_API const char *octet_dtype_name(octet_dtype dtype);
/* Size of one element in bytes, 0 for UNDEFINED or unknown codes. */
OCTET_API size_t octet_dtype_size(octet_dtype dtype);
OCTET_API const char *octet_precision_name(octet_precision precision);
OCTET_API octet_status octet_precision_parse(const char *name,
                                             octet_precision *out);

/* IEEE 754 binary16 <-> binary32, the conversion octet uses for fp16
 * tensors (OCTET_DTYPE_FLOAT16 data is the bits, as uint16_t).
 * octet_fp16_to_fp32 is exact (subnormals, infinities and NaN payloads
 * kept). octet_fp32_to_fp16 rounds to nearest even; what rounds to 65520 or
 * more becomes infinity, NaN becomes the quiet NaN 0x7e00 with its sign. */
OCTET_API float octet_fp16_to_fp32(uint16_t h);
OCTET_API uint16_t octet_fp32_to_fp16(float f);

/* ---- models -------------------------------------------------------------- */

/* Loads an ONNX model. External data files are looked up next to `path`.
 *
 * A model folder is untrusted input (a tarball, a download), so:
 *  - a tensor's external data `location` must be a relative path without
 *    ".." components, and the file it names, once every symbolic link is
 *    resolved (realpath), must lie inside the model's folder (resolved the
 *    same way): a link may lead anywhere inside the folder, never out of
 *    it (a folder whose data files link into another folder, as in the
 *    Hugging Face cache, is refused: copy it with `cp -rL` first);
 *  - the model file and its external data files must be regular files: a
 *    FIFO, device, socket or directory is refused at once (files are
 *    opened with O_NONBLOCK, so a FIFO without a writer never blocks);
 *  - a tensor's declared size is checked against its data (raw bytes, or
 *    the external file's size) before anything is allocated for it. */
OCTET_API octet_status octet_model_load(const char *path, octet_model **out);
/* Loads from memory; `base_dir` (may be NULL: the current directory) is the
 * model's folder, where external data lives (the rules above apply).
 * The buffer is not kept after the call returns. */
OCTET_API octet_status octet_model_load_memory(const void *data, size_t size,
                                               const char *base_dir,
                                               octet_model **out);
OCTET_API void octet_model_destroy(octet_model *model);

OCTET_API octet_status octet_model_input_count(const octet_model *model,
                                               size_t *count);
OCTET_API octet_status octet_model_input_info(const octet_model *model,
                                              size_t index,
                                              octet_tensor_info *info);
OCTET_API octet_status octet_model_output_count(const octet_model *model,
                                                size_t *count);
OCTET_API octet_status octet_model_output_info(const octet_model *model,
                                               size_t index,
                                               octet_tensor_info *info);

typedef struct octet_model_stats {
  int64_t opset;             /* default-domain opset */
  size_t node_count;
  size_t param_count;        /* elements in initializers */
  size_t param_bytes;        /* bytes of initializers as stored */
} octet_model_stats;

OCTET_API octet_status octet_model_stats_get(const octet_model *model,
                                             octet_model_stats *stats);
/* Op histogram: the i-th distinct op type and its node count. */
OCTET_API octet_status octet_model_op_type(const octet_model *model,
                                           size_t index, const char **op_type,
                                           size_t *count);

/* ---- sessions ------------------------------------------------------------ */

typedef struct octet_session_options {
  size_t struct_size;        /* set by octet_session_options_init */
  octet_precision precision;
  const char *backends;      /* ordered preference "x86,onednn,ref"; NULL =
                                the default (x86,onednn,openblas,ref: those
                                this build has); "*" in the list stands for
                                the default order of the backends not named
                                before it ("openblas,*"); ref always comes
                                last, taking what the others decline */
  int threads;               /* <= 0: all cores */
  int64_t batch;             /* value for the symbolic batch dim at planning; <=0: 1 */
  unsigned flags;            /* OCTET_SESSION_* bits, 0 by default */
  size_t chunk_bytes;        /* a batch whose activations would take more
                                than this many bytes runs as equal chunks of
                                it that fit, when the graph is separable along
                                the batch (same results, bit for bit); 0: the
                                default, OCTET_CHUNK_BYTES_DEFAULT */
  size_t max_plan_bytes;     /* most bytes one plan may allocate: the
                                activation arena plus the tensors computed at
                                planning (constant folding). Shapes that would
                                need more fail with OCTET_ERR_NO_MEMORY before
                                anything is allocated. 0: the default, half of
                                the memory this process may use (physical
                                memory, or its cgroup's limit when lower) */
} octet_session_options;

/* Why half by default: a plan is not all a session holds. The model's
 * weights (and the session's packed copy of them), the caller's inputs and,
 * for a batch run in chunks, outputs of the whole batch live beside it; a
 * plan allowed all of memory fails only after the machine has started to
 * swap or the OOM killer has picked a process. Half leaves the rest room
 * and still admits any plan that can run well here; a service that runs
 * several sessions at once should set a smaller bound per session. */

/* The default chunk budget: measured on the built-in encoder, items per
 * second stay flat from batch 8 to 64 (arenas of 2-18 MiB) and fall by 10%
 * at 72 MiB and 20-30% at 288 MiB, where activations stream from memory. */
#define OCTET_CHUNK_BYTES_DEFAULT ((size_t)16 << 20)

/* fp16 precision, backends that multiply in fp32 (openblas): convert each
 * fp16 weight matrix to fp32 once at planning and keep only that copy (twice
 * the fp16 weight memory, no conversion per run) instead of converting
 * panels into a small reusable buffer before every GEMM (the default: the
 * weights stay half the fp32 size, which is what fp16 is for). */
#define OCTET_SESSION_FP16_WEIGHTS_AS_FP32 (1u << 0)
/* Keep attention decomposed (Transpose / MatMul / Softmax / ... nodes)
 * instead of fusing it into one OctetAttention node per layer. The results
 * are the same bit for bit; the fused node is faster (the scores and the
 * head transposes never go to memory). For comparisons and debugging. */
#define OCTET_SESSION_NO_FUSE_ATTENTION (1u << 1)
/* Keep a residual Add after a linear layer as its own node instead of
 * adding it in the linear's epilogue (fp32 and w8a8; fp16 never fuses it).
 * The results are the same bit for bit. For comparisons and debugging. */
#define OCTET_SESSION_NO_FUSE_RESIDUAL (1u << 2)
/* Run every batch whole, never in chunks (see chunk_bytes). */
#define OCTET_SESSION_NO_CHUNK (1u << 3)

OCTET_API void octet_session_options_init(octet_session_options *opts);

OCTET_API octet_status octet_session_create(const octet_model *model,
                                            const octet_session_options *opts,
                                            octet_session **out);
OCTET_API void octet_session_destroy(octet_session *session);
OCTET_API const char *octet_session_last_error(const octet_session *session);

/* Runs the model. Inputs are matched by name, or by position when a name is
 * NULL; every model input must be given, with the model's dtype and a shape
 * that agrees with its fixed dimensions. A shape other than the one planned
 * re-plans once; later runs at that shape allocate nothing.
 * `outputs` must have room for every model output (octet_model_output_count);
 * they are filled with views into session memory that stay valid until the
 * next run or the session's destruction. */
OCTET_API octet_status octet_session_run(octet_session *session,
                                         const octet_tensor *inputs,
                                         size_t n_inputs,
                                         octet_tensor *outputs,
                                         size_t n_outputs);

/* Bytes of the activation arena for the current plan. */
OCTET_API octet_status octet_session_arena_bytes(const octet_session *session,
                                                 size_t *bytes);
/* Bytes of weights the session keeps (after precision lowering). */
OCTET_API octet_status octet_session_weight_bytes(const octet_session *session,
                                                  size_t *bytes);

/* Plans for the given input shapes without running (to read arena size or
 * the node assignment). Shapes as in octet_session_run; data may be NULL. */
OCTET_API octet_status octet_session_plan(octet_session *session,
                                          const octet_tensor *inputs,
                                          size_t n_inputs);

/* How the last octet_session_run or octet_session_plan executes the batch
 * (dim 0 shared by every input): *batch items as chunks of *chunk items
 * (*chunk == *batch: whole). *why (may be NULL) is "" or why a batch larger
 * than the chunk budget runs whole (the graph is not separable along the
 * batch: which node, and what it does). */
OCTET_API octet_status octet_session_chunking(const octet_session *session,
                                              int64_t *batch, int64_t *chunk,
                                              const char **why);

/* One entry of the current schedule. Strings live as long as the plan. */
typedef struct octet_node_info {
  const char *name;
  const char *op_type;
  const char *backend;
  const char *kernel;
  const char *note;          /* why a backend earlier in the preference
                                declined the node, e.g. "onednn: no f16
                                matmul on this CPU"; NULL when none said */
  double flops;              /* 2 x multiply-adds of one run for MatMul,
                                Gemm and linear nodes; 0 for other ops */
} octet_node_info;

OCTET_API octet_status octet_session_node_count(const octet_session *session,
                                                size_t *count);
OCTET_API octet_status octet_session_node_info(const octet_session *session,
                                               size_t index,
                                               octet_node_info *info);

/* Per-node hook, called after each scheduled node finishes during run. */
typedef struct octet_node_event {
  const octet_node_info *node;
  size_t index;
  double seconds;
  int64_t chunk;             /* which chunk of the batch (0 when run whole):
                                a chunked run calls back once per node and
                                chunk (octet_session_chunking) */
} octet_node_event;
typedef void (*octet_node_callback)(const octet_node_event *event, void *user);
OCTET_API octet_status octet_session_set_callback(octet_session *session,
                                                  octet_node_callback callback,
                                                  void *user);

/* Floating-point operations of one run at the current plan's shapes: 2 per
 * multiply-accumulate of the MatMul, Gemm and fused linear nodes (the rest
 * of the graph is not counted), for the whole batch when it runs in chunks
 * (octet_node_info.flops is one chunk's). Used for effective GOP/s in
 * benchmarks. */
OCTET_API octet_status octet_session_flops(const octet_session *session,
                                           double *flops);

/* ---- built-in models ------------------------------------------------------ */

typedef struct octet_builtin_options {
  size_t struct_size;        /* set by octet_builtin_options_init */
  int64_t seq;               /* encoder sequence length (default 32, 1..512) */
  uint64_t seed;             /* weight seed (default 42) */
} octet_builtin_options;

OCTET_API void octet_builtin_options_init(octet_builtin_options *opts);
/* name: "encoder" (all-MiniLM-L6-v2's shape: inputs input_ids and
 * attention_mask int64 [batch, seq], output last_hidden_state float32
 * [batch, seq, 384]), "mlp" (x float32 [batch, 1024] -> 4096 -> 3072 ->
 * 3072 -> 1024 = y) or "resnet18" (torchvision ResNet-18, opset 17: input
 * float32 [batch, 3, 224, 224], output float32 [batch, 1000]; BN as nodes);
 * weights from a fixed-seed PRNG. opts may be NULL; seq is the encoder's
 * only. An unknown name is OCTET_ERR_NOT_FOUND. */
OCTET_API octet_status octet_model_builtin(const char *name,
                                           const octet_builtin_options *opts,
                                           octet_model **out);

#ifdef __cplusplus
}
#endif
#endif /* OCTET_H */
