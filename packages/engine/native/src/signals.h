/* Signals seen while JavaScript is busy (signals.c). */
#ifndef EDITLAB_SIGNALS_H
#define EDITLAB_SIGNALS_H
#include <node_api.h>
void el_signals_register(napi_env env, napi_value exports);
#endif
