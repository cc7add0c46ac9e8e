#ifndef EDITLAB_LAPACK_H
#define EDITLAB_LAPACK_H
#include <node_api.h>
/* Adds lapackCholesky, lapackSolve, lapackInverse, lapackEigh and gramAccumulate to the addon's exports (lapack.c). */
void el_lapack_register(napi_env env, napi_value exports);
#endif
