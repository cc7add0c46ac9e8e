#ifndef EDITLAB_PAR_H
#define EDITLAB_PAR_H
#include <stddef.h>

/* Work split over OpenBLAS's own worker threads (par.c). fn(ctx, lo, hi) handles items [lo, hi). */
typedef void (*el_chunk_fn)(void *ctx, size_t lo, size_t hi);

/* How many parts a loop of `work` (about the element operations it does) runs in: 1, or the worker count. */
int el_par_parts(size_t work);
/* Items [0, n) in `parts` chunks whose boundaries are multiples of `grain`; the first on the calling thread. While
 * it runs, OpenBLAS is single-threaded and el_sgemm_batched does not change its thread count. */
void el_par_for(size_t n, size_t grain, int parts, el_chunk_fn fn, void *ctx);
/* How many loops have run in more than one part since the addon loaded. */
unsigned long el_par_split_loops(void);
/* Nonzero inside el_par_for's chunks (either thread). */
int el_par_active(void);
/* el_sgemm_batched reports each product outside a split: whether it ran on OpenBLAS's threads (par.c's two bounds). */
void el_par_note_product(int threaded);
/* The least work a loop splits at after products on the calling thread (w <= 0: back to the default or
 * EDITLAB_SPLIT_MIN); after threaded ones, the lower of it and 65,536. */
void el_set_par_min_work(double w);
/* Parts for the loops (default 2; 1 turns the split off); the count is capped by OpenBLAS's workers. */
void el_set_par_parts(int n);
int el_get_par_parts(void);
#endif
