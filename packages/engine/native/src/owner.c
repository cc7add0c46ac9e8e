/* One JavaScript thread of a process uses the addon's kernels: they share process-wide state (OpenBLAS's thread count,
 * which el_sgemm_batched lowers for small products and which changes some products' last bits; par.c's split loops),
 * so two worker_threads running kernels at once could race on it. claim() makes the first environment (the main
 * thread, or the first worker) the owner; another one gets false, and backend/native.ts runs it without the addon.
 * The owner's claim is released when its environment is torn down (a worker that exits). */
#include <node_api.h>
#include <stdatomic.h>
#include "napi_args.h"
#include "owner.h"

static _Atomic(napi_env) g_owner = NULL;

static void release(void *env) {
  napi_env expected = env;
  atomic_compare_exchange_strong(&g_owner, &expected, NULL);
}

static napi_value claim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_env expected = NULL;
  bool mine = atomic_load(&g_owner) == env;
  if (!mine && atomic_compare_exchange_strong(&g_owner, &expected, env)) {
    napi_add_env_cleanup_hook(env, release, env);
    mine = true;
  }
  napi_value out;
  napi_get_boolean(env, mine, &out);
  return out;
}

void el_owner_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {EL_NAPI_FN("claim", claim)};
  napi_define_properties(env, exports, 1, props);
}
