/* Which JavaScript environment of the process uses the addon (owner.c). */
#ifndef EDITLAB_OWNER_H
#define EDITLAB_OWNER_H
#include <node_api.h>
void el_owner_register(napi_env env, napi_value exports);
#endif
