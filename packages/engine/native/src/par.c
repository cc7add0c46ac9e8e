/* Element-wise loops, attention heads and the like, split over OpenBLAS's own worker threads.
 *
 * Why not OpenMP: OpenBLAS's pthread workers spin for a while after each product, so an OpenMP team on the same 2
 * cores fought them and made a training step slower, not faster (docs/engine-speed.md "Threads"). Here the second
 * part of a loop is queued to one of those workers through OpenBLAS's thread server (exec_blas, the entry its own
 * level-3 drivers use; blas_server.c), which picks it up within its spin: no second pool, nothing to fight.
 *
 * exec_blas takes OpenBLAS's blas_queue_t, declared in its internal common_thread.h, not in cblas.h. The layout
 * below is that struct's, unchanged from 0.2.x through 0.3.x (fields up to `status`; the padding covers the
 * CONSISTENT_FPCSR/SMP_DEBUG fields of some builds). A queue entry in BLAS_PTHREAD mode runs routine(args) and
 * nothing else (no buffers). The split is used only with the pthread server of OpenBLAS 0.3 (openblas_get_parallel()
 * == 1 and the config string), else every loop runs on the calling thread as before.
 *
 * Bits: a chunk runs the same per-item code as the whole loop; callers split only loops whose items are independent
 * (no reduction across a chunk boundary), so the results do not depend on the split (src/backend/native-split.spec.ts). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include "par.h"

typedef long el_blaslong;
typedef struct el_blas_queue {
  void *routine;
  el_blaslong position, assigned;
  void *args, *range_m, *range_n, *sa, *sb;
  struct el_blas_queue *next;
  pthread_mutex_t lock;
  pthread_cond_t finished;
  int mode, status;
  char reserved[64];
} el_blas_queue;
#define EL_BLAS_PTHREAD 0x4000U

extern int exec_blas(el_blaslong num, el_blas_queue *queue);
extern int blas_num_threads; /* threads OpenBLAS started (workers + the caller) */
extern int openblas_get_parallel(void);

#define EL_MAX_PARTS 8
static int g_parts = 2;
static int g_usable = -1;
static volatile int g_active = 0;
static __thread int tl_in_chunk = 0;
static unsigned long g_split_loops = 0; /* loops run in more than one part (for the specs) */

static int usable(void) {
  if (g_usable < 0) {
    const char *e = getenv("EDITLAB_BLAS_WORKERS");
    const char *cfg = openblas_get_config();
    g_usable = !(e && strcmp(e, "0") == 0) && openblas_get_parallel() == 1 && cfg && strncmp(cfg, "OpenBLAS 0.3.", 13) == 0;
  }
  return g_usable;
}

void el_set_par_parts(int n) { g_parts = n < 1 ? 1 : n > EL_MAX_PARTS ? EL_MAX_PARTS : n; }
int el_get_par_parts(void) {
  if (!usable()) return 1;
  /* no more parts than OpenBLAS has threads, nor than the engine's setting (EDITLAB_BLAS_THREADS) allows */
  int w = blas_num_threads;
  const int set = openblas_get_num_threads();
  if (set < w) w = set;
  return g_parts < w ? g_parts : w < 1 ? 1 : w;
}

/* Below this much work (element operations, as the callers count them: 8 per GELU or exp, 4 per Adam element, 1 per
 * add) a loop stays on the calling thread. Two bounds. While the last product ran threaded (the worker busy a moment
 * ago, the operands in both cores' caches: training steps) loops split from 65,536. Otherwise (every product small
 * and on the calling thread: an FT edit of one fact, ~10 positions) only from 2^20: there each split of a [10, 2048]
 * cross-entropy or a 65,536-element Adam cost ~150 µs more than it saved (46 splits an edit, 53.5-54.9 ms against
 * 46.1-48.4 ms unsplit; bench/ft-split.ts, 12-03 17:2x), while in a tiny-v2 step the loops between the bounds gain
 * (129-130 ms a step against 139-143 with 2^20 alone). EDITLAB_SPLIT_MIN sets the second bound. */
#define EL_PAR_WARM_MIN_WORK 65536.0
#define EL_PAR_MIN_WORK_DEFAULT 1048576.0
static volatile int g_warm = 0;
void el_par_note_product(int threaded) {
  if (!g_active) g_warm = threaded;
}
static double g_min_work = -1;
static double min_work(void) {
  if (g_min_work < 0) {
    const char *e = getenv("EDITLAB_SPLIT_MIN");
    g_min_work = e ? atof(e) : EL_PAR_MIN_WORK_DEFAULT;
  }
  return g_min_work;
}
void el_set_par_min_work(double w) { g_min_work = w > 0 ? w : -1; }
int el_par_parts(size_t work) {
  const double bound = g_warm && EL_PAR_WARM_MIN_WORK < min_work() ? EL_PAR_WARM_MIN_WORK : min_work();
  return tl_in_chunk || (double)work < bound ? 1 : el_get_par_parts();
}

int el_par_active(void) { return g_active; }
unsigned long el_par_split_loops(void) { return g_split_loops; }

typedef struct {
  el_chunk_fn fn;
  void *ctx;
  size_t lo, hi;
} el_job;

static void run_job(void *arg) {
  el_job *j = arg;
  tl_in_chunk = 1;
  if (j->lo < j->hi) j->fn(j->ctx, j->lo, j->hi);
  tl_in_chunk = 0;
}

void el_par_for(size_t n, size_t grain, int parts, el_chunk_fn fn, void *ctx) {
  if (grain < 1) grain = 1;
  const size_t units = (n + grain - 1) / grain;
  if (parts > (int)units) parts = (int)units;
  if (parts <= 1) {
    if (n) fn(ctx, 0, n);
    return;
  }
  el_blas_queue q[EL_MAX_PARTS];
  el_job jobs[EL_MAX_PARTS];
  memset(q, 0, sizeof(el_blas_queue) * (size_t)parts);
  for (int i = 0; i < parts; i++) {
    size_t lo = units * (size_t)i / (size_t)parts * grain, hi = units * (size_t)(i + 1) / (size_t)parts * grain;
    jobs[i] = (el_job){fn, ctx, lo < n ? lo : n, hi < n ? hi : n};
    q[i].routine = (void *)run_job;
    q[i].args = &jobs[i];
    q[i].mode = EL_BLAS_PTHREAD;
    q[i].next = i + 1 < parts ? &q[i + 1] : NULL;
  }
  /* OpenBLAS single-threaded while the chunks run: a product inside a chunk must not queue work to a worker that
   * is running the other chunk. */
  const int threads = openblas_get_num_threads();
  if (threads > 1) openblas_set_num_threads(1);
  g_active = 1;
  g_split_loops++;
  exec_blas(parts, q);
  g_active = 0;
  if (threads > 1) openblas_set_num_threads(threads);
}
