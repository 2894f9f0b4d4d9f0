/* The connector plugin ABI: a shared library that Elva loads with `kind = "plugin"` in elva.toml
 * (docs/connectors.md#plugins). Plain C: no C++ types cross the boundary and nothing may be
 * thrown across it. All strings are UTF-8 and NUL-terminated; JSON travels as text.
 *
 * The library exports one function:
 *
 *   const elva_connector_plugin* elva_connector_plugin_entry(uint32_t host_abi_version);
 *
 * Elva passes the ABI version it was built with and checks the `abi_version` of what comes back;
 * on a mismatch the plugin is refused with a message naming both versions. A plugin may return
 * NULL when it cannot serve the host's version.
 *
 * Lifetime: create() once per configured connector instance, invoke() any number of times from
 * any number of threads at once, destroy() at shutdown (after every invocation has completed).
 * invoke() must call `complete` exactly once, on any thread, before or after it returns; the
 * strings passed to `complete` are copied before it returns. */
#ifndef ELVA_CONNECTOR_PLUGIN_H
#define ELVA_CONNECTOR_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ELVA_CONNECTOR_ABI_VERSION 1u

/* Put this before the entry point so it stays visible when the library hides its symbols. */
#define ELVA_PLUGIN_EXPORT __attribute__((visibility("default")))

enum elva_outcome_kind {
  ELVA_OUTCOME_COMPLETED = 0, /* output_json: the task's output (a JSON object) */
  ELVA_OUTCOME_RETRY = 1,     /* message: what went wrong; tried again until retries run out */
  ELVA_OUTCOME_FAIL = 2,      /* message: an incident at once */
  ELVA_OUTCOME_BPMN_ERROR = 3 /* error_code thrown at the task; output_json: variables */
};

typedef void (*elva_complete_fn)(void* context, int kind, const char* output_json,
                                 const char* message, const char* error_code);

typedef struct elva_invocation {
  const char* operation;
  const char* input_json;      /* a JSON object */
  const char* idempotency_key; /* the same for every attempt of one job */
  int64_t deadline_unix_ms;    /* answer by then */
  /* Returns non-zero once Elva has given up waiting (deadline passed, engine stopping). */
  int (*is_cancelled)(void* host_context);
  void* host_context;
  const char* element_id;
  uint64_t instance;
} elva_invocation;

typedef struct elva_connector_plugin {
  uint32_t abi_version; /* ELVA_CONNECTOR_ABI_VERSION the plugin was built with */
  const char* kind;     /* a short name: "sms" */
  /* [{"name", "description", "inputs": [{"name", "required", "description"}], "outputs": [...]}] */
  const char* operations_json;
  /* settings_json: the connector's section of elva.toml (secrets resolved). Returns the instance,
   * or NULL with a message written to error (at most error_size bytes, NUL included). */
  void* (*create)(const char* name, const char* settings_json, char* error, uint32_t error_size);
  void (*invoke)(void* instance, const elva_invocation* call, elva_complete_fn complete,
                 void* context);
  void (*destroy)(void* instance);
} elva_connector_plugin;

typedef const elva_connector_plugin* (*elva_connector_plugin_entry_fn)(uint32_t host_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* ELVA_CONNECTOR_PLUGIN_H */
