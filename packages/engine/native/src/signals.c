/* A SIGINT or SIGTERM seen while JavaScript is busy. Node delivers a signal to its `process.on` handler
 * only on the next turn of the event loop, and a synchronous training loop gives it none; so the engine's
 * training loop asks `pendingSignal()` before each step instead (src/train/interrupt.ts, a cooperative
 * cancellation check). `watchSignals()` chains a handler in front of the one libuv installed for each of
 * SIGINT and SIGTERM: it records the signal in a flag and calls libuv's handler, so Node sees the signal
 * exactly as before. A signal with no JavaScript handler (default or ignored disposition) is left alone.
 * When Node removes its last listener, libuv resets the disposition and the chain goes with it. */
#include <signal.h>
#include <string.h>
#include "signals.h"

static const int WATCHED[2] = {SIGINT, SIGTERM};
static struct sigaction previous[2];
static volatile sig_atomic_t pending = 0;

static void on_signal(int sig, siginfo_t *info, void *uc) {
  pending = sig;
  for (int i = 0; i < 2; i++) {
    if (WATCHED[i] != sig) continue;
    const struct sigaction *p = &previous[i];
    if (p->sa_flags & SA_SIGINFO) {
      if (p->sa_sigaction) p->sa_sigaction(sig, info, uc);
    } else if (p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
      p->sa_handler(sig);
    }
  }
}

/* watchSignals(): clear the flag and chain the handler where a JavaScript handler is installed; returns
 * how many of SIGINT, SIGTERM are watched. */
static napi_value watch_signals(napi_env env, napi_callback_info info) {
  int n = 0;
  pending = 0;
  for (int i = 0; i < 2; i++) {
    struct sigaction cur;
    if (sigaction(WATCHED[i], NULL, &cur) != 0) continue;
    if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_signal) { n++; continue; } /* already chained */
    if (!(cur.sa_flags & SA_SIGINFO) && (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN)) continue;
    struct sigaction ours;
    memset(&ours, 0, sizeof ours);
    ours.sa_sigaction = on_signal;
    ours.sa_mask = cur.sa_mask;
    ours.sa_flags = SA_SIGINFO | (cur.sa_flags & (SA_RESTART | SA_ONSTACK));
    previous[i] = cur;
    if (sigaction(WATCHED[i], &ours, NULL) == 0) n++;
  }
  napi_value out;
  napi_create_int32(env, n, &out);
  return out;
}

/* pendingSignal(): the number of the last watched signal received since watchSignals(), else 0. */
static napi_value pending_signal(napi_env env, napi_callback_info info) {
  napi_value out;
  napi_create_int32(env, (int32_t)pending, &out);
  return out;
}

void el_signals_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"watchSignals", NULL, watch_signals, NULL, NULL, NULL, napi_default, NULL},
      {"pendingSignal", NULL, pending_signal, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
