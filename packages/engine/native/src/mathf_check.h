/* The bit-for-bit check of mathf.h against the C library (mathf.c). */
#ifndef EDITLAB_MATHF_CHECK_H
#define EDITLAB_MATHF_CHECK_H
#include <node_api.h>
void el_mathf_register(napi_env env, napi_value exports);
#endif
