#ifndef EDITLAB_SGEMM_H
#define EDITLAB_SGEMM_H
#include <stddef.h>
void el_sgemm_batched(int trans_a, int trans_b, int m, int n, int k, int batch, const float *a, size_t stride_a,
                      const float *b, size_t stride_b, float *c, size_t stride_c, const float *bias);
/* Products of fewer multiply-adds (M·N·K, batch folded) than this run on one thread (everything when 1 thread). */
double el_sgemm_small_work(void);
void el_set_threads(int n);
int el_get_threads(void);
const char *el_blas_config(void);
#endif
