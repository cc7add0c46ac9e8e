/* Float64 dense linear algebra through the LAPACK that OpenBLAS ships (Fortran symbols dpotrf_, dgetrf_, …;
 * Debian's libopenblas-dev has no lapacke.h, so the prototypes are declared here). Used by
 * packages/engine/src/linalg/lapack.ts; the JavaScript side checks shapes, finiteness and symmetry (this file is
 * compiled with -ffast-math, under which isnan/isfinite are unreliable) and turns `info` / rcond into errors.
 *
 * Layout: every matrix argument is a row-major Float64Array. A row-major n×n buffer read column-major (LAPACK)
 * is the transpose, so:
 *  - symmetric routines get uplo 'U', which reads the row-major LOWER triangle;
 *  - general routines factor Mᵀ and solve with trans 'T' (dgetrs) or invert Mᵀ, whose inverse read row-major
 *    is A⁻¹; the reciprocal condition number of M in the ∞-norm is that of A in the 1-norm.
 * Every function returns LAPACK's info (0 = success) and writes rcond where asked.
 * The LAPACK symbols are weak: an OpenBLAS built without LAPACK (NO_LAPACK=1) still loads the addon (sgemm and the
 * fused kernels keep working), el_lapack_register then adds nothing and linalg/ takes its JavaScript path. */
#include <node_api.h>
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include "lapack.h"

#define LCODE "ENGINE_NATIVE_LAPACK"
#define WEAK __attribute__((weak))

WEAK extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t);
WEAK extern void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda, double *b,
                    const int *ldb, int *info, size_t);
WEAK extern void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t);
WEAK extern void dpocon_(const char *uplo, const int *n, const double *a, const int *lda, const double *anorm,
                    double *rcond, double *work, int *iwork, int *info, size_t);
WEAK extern void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
WEAK extern void dgetrs_(const char *trans, const int *n, const int *nrhs, const double *a, const int *lda,
                    const int *ipiv, double *b, const int *ldb, int *info, size_t);
WEAK extern void dgetri_(const int *n, double *a, const int *lda, const int *ipiv, double *work, const int *lwork,
                    int *info);
WEAK extern void dgecon_(const char *norm, const int *n, const double *a, const int *lda, const double *anorm,
                    double *rcond, double *work, int *iwork, int *info, size_t);
WEAK extern double dlansy_(const char *norm, const char *uplo, const int *n, const double *a, const int *lda,
                      double *work, size_t, size_t);
WEAK extern double dlange_(const char *norm, const int *m, const int *n, const double *a, const int *lda, double *work,
                      size_t);
WEAK extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t, size_t);

/* Argument i as a Float64Array of at least `want` elements; NULL after throwing otherwise. */
static double *f64(napi_env env, napi_value v, size_t want, const char *what) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  if (!is_ta || napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL) != napi_ok ||
      type != napi_float64_array) {
    napi_throw_type_error(env, LCODE, what);
    return NULL;
  }
  if (len < want) {
    napi_throw_range_error(env, LCODE, what);
    return NULL;
  }
  return (double *)data;
}

static int get_args(napi_env env, napi_callback_info info, napi_value *argv, size_t want, const char *name) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != want) {
    napi_throw_error(env, LCODE, name);
    return 0;
  }
  return 1;
}

static int dim(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d >= 1 && d <= 1 << 20 ? (int)d : 0;
}

static napi_value ret_int(napi_env env, int x) {
  napi_value out;
  napi_create_int32(env, x, &out);
  return out;
}

/* Row-major [rows, cols] → column-major (the transpose buffer), or back with rows/cols swapped. */
static void transpose(const double *src, double *dst, int rows, int cols) {
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) dst[(size_t)j * rows + i] = src[(size_t)i * cols + j];
}

/* Zero the row-major strictly-upper triangle (what LAPACK left untouched). */
static void zero_upper(double *a, int n) {
  for (int i = 0; i < n; i++) memset(a + (size_t)i * n + i + 1, 0, sizeof(double) * (size_t)(n - i - 1));
}

/* Copy the row-major lower triangle onto the upper one. */
static void mirror_lower(double *a, int n) {
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) a[(size_t)i * n + j] = a[(size_t)j * n + i];
}

/* Cholesky factor and 1-norm rcond of the SPD matrix in a (overwritten: column-major upper factor U = row-major L). */
static int spd_factor(double *a, int n, double *rcond) {
  int info = 0;
  double *work = malloc(sizeof(double) * 3 * (size_t)n);
  int *iwork = malloc(sizeof(int) * (size_t)n);
  if (!work || !iwork) {
    free(work);
    free(iwork);
    return -1000;
  }
  const double anorm = dlansy_("1", "U", &n, a, &n, work, 1, 1);
  dpotrf_("U", &n, a, &n, &info, 1);
  if (info == 0 && rcond) dpocon_("U", &n, a, &n, &anorm, rcond, work, iwork, &info, 1);
  free(work);
  free(iwork);
  return info;
}

/* LU of M = Aᵀ (a overwritten) and the rcond of A in the 1-norm (= M in the ∞-norm). */
static int lu_factor(double *a, int n, int *ipiv, double *rcond) {
  int info = 0;
  double *work = malloc(sizeof(double) * 4 * (size_t)n);
  int *iwork = malloc(sizeof(int) * (size_t)n);
  if (!work || !iwork) {
    free(work);
    free(iwork);
    return -1000;
  }
  const double anorm = dlange_("I", &n, &n, a, &n, work, 1);
  dgetrf_(&n, &n, a, &n, ipiv, &info);
  if (info == 0 && rcond) dgecon_("I", &n, a, &n, &anorm, rcond, work, iwork, &info, 1);
  free(work);
  free(iwork);
  return info;
}

/* lapackCholesky(a, n) → info; a (row-major SPD, lower triangle read) becomes L with A = L Lᵀ. */
static napi_value l_cholesky(napi_env env, napi_callback_info cb) {
  napi_value argv[2];
  if (!get_args(env, cb, argv, 2, "lapackCholesky: expected (a, n)")) return NULL;
  const int n = dim(env, argv[1]);
  double *a = f64(env, argv[0], (size_t)n * n, "lapackCholesky: a must be a Float64Array of n*n");
  if (!a || !n) return NULL;
  int info = 0;
  dpotrf_("U", &n, a, &n, &info, 1);
  if (info == 0) zero_upper(a, n);
  return ret_int(env, info);
}

/* lapackSolve(a, n, b, nrhs, spd, rcondOut) → info; b [n, nrhs] row-major becomes X; a is overwritten. */
static napi_value l_solve(napi_env env, napi_callback_info cb) {
  napi_value argv[6];
  if (!get_args(env, cb, argv, 6, "lapackSolve: expected (a, n, b, nrhs, spd, rcondOut)")) return NULL;
  const int n = dim(env, argv[1]), nrhs = dim(env, argv[3]);
  bool spd = false;
  napi_get_value_bool(env, argv[4], &spd);
  double *a = f64(env, argv[0], (size_t)n * n, "lapackSolve: a must be a Float64Array of n*n");
  double *b = a ? f64(env, argv[2], (size_t)n * nrhs, "lapackSolve: b must be a Float64Array of n*nrhs") : NULL;
  double *rcond = b ? f64(env, argv[5], 1, "lapackSolve: rcondOut must be a Float64Array(1)") : NULL;
  if (!rcond || !n || !nrhs) return NULL;
  double *bc = malloc(sizeof(double) * (size_t)n * nrhs);
  int *ipiv = spd ? NULL : malloc(sizeof(int) * (size_t)n);
  if (!bc || (!spd && !ipiv)) {
    free(bc);
    free(ipiv);
    return ret_int(env, -1000);
  }
  int info = spd ? spd_factor(a, n, rcond) : lu_factor(a, n, ipiv, rcond);
  if (info == 0) {
    transpose(b, bc, n, nrhs);
    if (spd) dpotrs_("U", &n, &nrhs, a, &n, bc, &n, &info, 1);
    else dgetrs_("T", &n, &nrhs, a, &n, ipiv, bc, &n, &info, 1);
    transpose(bc, b, nrhs, n);
  }
  free(bc);
  free(ipiv);
  return ret_int(env, info);
}

/* lapackInverse(a, n, spd, rcondOut) → info; a becomes A⁻¹ (row-major, full). */
static napi_value l_inverse(napi_env env, napi_callback_info cb) {
  napi_value argv[4];
  if (!get_args(env, cb, argv, 4, "lapackInverse: expected (a, n, spd, rcondOut)")) return NULL;
  const int n = dim(env, argv[1]);
  bool spd = false;
  napi_get_value_bool(env, argv[2], &spd);
  double *a = f64(env, argv[0], (size_t)n * n, "lapackInverse: a must be a Float64Array of n*n");
  double *rcond = a ? f64(env, argv[3], 1, "lapackInverse: rcondOut must be a Float64Array(1)") : NULL;
  if (!rcond || !n) return NULL;
  int info = 0;
  if (spd) {
    info = spd_factor(a, n, rcond);
    if (info == 0) dpotri_("U", &n, a, &n, &info, 1);
    if (info == 0) mirror_lower(a, n);
    return ret_int(env, info);
  }
  int *ipiv = malloc(sizeof(int) * (size_t)n);
  if (!ipiv) return ret_int(env, -1000);
  info = lu_factor(a, n, ipiv, rcond);
  if (info == 0) {
    int lwork = -1;
    double q = 0;
    dgetri_(&n, a, &n, ipiv, &q, &lwork, &info);
    lwork = (int)q > n ? (int)q : n;
    double *work = malloc(sizeof(double) * (size_t)lwork);
    if (!work) info = -1000;
    else dgetri_(&n, a, &n, ipiv, work, &lwork, &info);
    free(work);
  }
  free(ipiv);
  return ret_int(env, info);
}

/* lapackEigh(a, n, w) → info; w ← eigenvalues ascending, a ← eigenvectors as columns (row-major V, A = V diag(w) Vᵀ). */
static napi_value l_eigh(napi_env env, napi_callback_info cb) {
  napi_value argv[3];
  if (!get_args(env, cb, argv, 3, "lapackEigh: expected (a, n, w)")) return NULL;
  const int n = dim(env, argv[1]);
  double *a = f64(env, argv[0], (size_t)n * n, "lapackEigh: a must be a Float64Array of n*n");
  double *w = a ? f64(env, argv[2], (size_t)n, "lapackEigh: w must be a Float64Array of n") : NULL;
  if (!w || !n) return NULL;
  int info = 0, lwork = -1, liwork = -1, qi = 0;
  double q = 0;
  dsyevd_("V", "U", &n, a, &n, w, &q, &lwork, &qi, &liwork, &info, 1, 1);
  lwork = (int)q;
  liwork = qi;
  double *work = malloc(sizeof(double) * (size_t)lwork);
  int *iwork = malloc(sizeof(int) * (size_t)liwork);
  double *z = malloc(sizeof(double) * (size_t)n * n);
  if (!work || !iwork || !z) info = -1000;
  else dsyevd_("V", "U", &n, a, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1);
  /* Column-major Z (column j = eigenvector j) read row-major is Zᵀ: transpose back so column j is eigenvector j. */
  if (info == 0) {
    transpose(a, z, n, n);
    memcpy(a, z, sizeof(double) * (size_t)n * n);
  }
  free(work);
  free(iwork);
  free(z);
  return ret_int(env, info);
}

/* gramAccumulate(c, x, rows, cols): c[cols, cols] (row-major; upper triangle only) += xᵀx for x [rows, cols]. */
static napi_value l_gram(napi_env env, napi_callback_info cb) {
  napi_value argv[4];
  if (!get_args(env, cb, argv, 4, "gramAccumulate: expected (c, x, rows, cols)")) return NULL;
  const int rows = dim(env, argv[2]), cols = dim(env, argv[3]);
  double *c = f64(env, argv[0], (size_t)cols * cols, "gramAccumulate: c must be a Float64Array of cols*cols");
  double *x = c ? f64(env, argv[1], (size_t)rows * cols, "gramAccumulate: x must be a Float64Array of rows*cols") : NULL;
  if (!x || !rows || !cols) return NULL;
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, cols, rows, 1.0, x, cols, 1.0, c, cols);
  return NULL;
}

#define LFN(name, f) {name, NULL, f, NULL, NULL, NULL, napi_default, NULL}

void el_lapack_register(napi_env env, napi_value exports) {
  if (!dpotrf_ || !dpotrs_ || !dpotri_ || !dpocon_ || !dgetrf_ || !dgetrs_ || !dgetri_ || !dgecon_ || !dlansy_ ||
      !dlange_ || !dsyevd_)
    return;
  napi_property_descriptor props[] = {
      LFN("lapackCholesky", l_cholesky), LFN("lapackSolve", l_solve), LFN("lapackInverse", l_inverse),
      LFN("lapackEigh", l_eigh),         LFN("gramAccumulate", l_gram),
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
