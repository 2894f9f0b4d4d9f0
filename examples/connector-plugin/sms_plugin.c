/* An example connector plugin, in plain C against elva/connector_plugin.h: "sms" sends text
 * messages. This one does not reach a real SMS gateway; it appends each message to the file named
 * by the `outbox` setting (one JSON line per message), so you can see what it would have sent.
 *
 *   elva.toml:   [connectors.sms]
 *                kind = "plugin"
 *                path = "build/examples/connector-plugin/libelva_sms_plugin.so"
 *                outbox = "/tmp/sms-outbox.jsonl"
 *                sender = "Kommunen"
 *   BPMN:        <serviceTask elva:connector="sms.send"> with inputs `to` and `text`
 *
 *     [service task] --invoke--> sms_invoke --(own thread)--> append to outbox --> complete()
 *
 * It answers from a thread of its own to show that completion may come after invoke() returns.
 * A number starting with +4600 is refused with the BPMN error INVALID_NUMBER. Build it with
 * -DSMS_PLUGIN_ABI=99 to see Elva refuse a plugin built for another ABI version. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elva/connector_plugin.h"

#ifndef SMS_PLUGIN_ABI
#define SMS_PLUGIN_ABI ELVA_CONNECTOR_ABI_VERSION
#endif

typedef struct sms {
  char outbox[1024];
  char sender[64];
  pthread_mutex_t lock;
} sms;

typedef struct job {
  sms* self;
  char* input;
  char key[256];
  elva_complete_fn complete;
  void* context;
} job;

/* The value of a string field in a flat JSON object ("to": "..."), or "" (a real plugin would use
 * a JSON library; this one keeps to the C library). */
static void field(const char* json, const char* name, char* out, size_t size) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\"", name);
  out[0] = '\0';
  const char* p = strstr(json, pattern);
  if (!p) return;
  p = strchr(p + strlen(pattern), ':');
  if (!p) return;
  while (*++p == ' ') {
  }
  if (*p != '"') return;
  size_t n = 0;
  for (++p; *p && *p != '"' && n + 1 < size; ++p) {
    if (*p == '\\' && p[1]) ++p;
    out[n++] = *p;
  }
  out[n] = '\0';
}

static void* sms_work(void* arg) {
  job* j = (job*)arg;
  char to[64], text[480];
  field(j->input, "to", to, sizeof to);
  field(j->input, "text", text, sizeof text);
  if (!to[0] || !text[0]) {
    j->complete(j->context, ELVA_OUTCOME_FAIL, NULL, "sms.send needs to and text", NULL);
  } else if (strncmp(to, "+4600", 5) == 0) {
    j->complete(j->context, ELVA_OUTCOME_BPMN_ERROR, "{\"reason\": \"no such number\"}",
                "the number does not exist", "INVALID_NUMBER");
  } else {
    pthread_mutex_lock(&j->self->lock);
    FILE* f = fopen(j->self->outbox, "a");
    if (f) {
      fprintf(f, "{\"from\": \"%s\", \"to\": \"%s\", \"key\": \"%s\", \"length\": %zu}\n",
              j->self->sender, to, j->key, strlen(text));
      fclose(f);
    }
    pthread_mutex_unlock(&j->self->lock);
    if (!f) {
      j->complete(j->context, ELVA_OUTCOME_RETRY, NULL, "the outbox file cannot be written", NULL);
    } else {
      char out[512];
      snprintf(out, sizeof out, "{\"messageId\": \"sms-%s\", \"segments\": %zu}", j->key,
               (strlen(text) + 159) / 160);
      j->complete(j->context, ELVA_OUTCOME_COMPLETED, out, NULL, NULL);
    }
  }
  free(j->input);
  free(j);
  return NULL;
}

static void* sms_create(const char* name, const char* settings_json, char* error,
                        uint32_t error_size) {
  (void)name;
  sms* self = (sms*)calloc(1, sizeof *self);
  if (!self) return NULL;
  field(settings_json, "outbox", self->outbox, sizeof self->outbox);
  field(settings_json, "sender", self->sender, sizeof self->sender);
  if (!self->outbox[0]) {
    snprintf(error, error_size, "set outbox = \"/path/to/outbox.jsonl\"");
    free(self);
    return NULL;
  }
  if (!self->sender[0]) strcpy(self->sender, "Elva");
  pthread_mutex_init(&self->lock, NULL);
  return self;
}

static void sms_invoke(void* instance, const elva_invocation* call, elva_complete_fn complete,
                       void* context) {
  job* j = (job*)calloc(1, sizeof *j);
  if (!j) {
    complete(context, ELVA_OUTCOME_RETRY, NULL, "out of memory", NULL);
    return;
  }
  j->self = (sms*)instance;
  j->input =
      strdup(call->input_json); /* copied: the call's strings are ours only until we complete */
  snprintf(j->key, sizeof j->key, "%s", call->idempotency_key);
  j->complete = complete;
  j->context = context;
  pthread_t thread;
  if (pthread_create(&thread, NULL, sms_work, j) != 0) {
    free(j->input);
    free(j);
    complete(context, ELVA_OUTCOME_RETRY, NULL, "no thread for the message", NULL);
    return;
  }
  pthread_detach(thread);
}

static void sms_destroy(void* instance) {
  sms* self = (sms*)instance;
  pthread_mutex_destroy(&self->lock);
  free(self);
}

static const elva_connector_plugin plugin = {
    SMS_PLUGIN_ABI,
    "sms",
    "[{\"name\": \"send\", \"description\": \"Sends a text message\","
    " \"inputs\": [{\"name\": \"to\", \"required\": true, \"description\": \"phone number, "
    "+46...\"},"
    "              {\"name\": \"text\", \"required\": true, \"description\": \"the message\"}],"
    " \"outputs\": [{\"name\": \"messageId\"}, {\"name\": \"segments\"}]}]",
    sms_create,
    sms_invoke,
    sms_destroy,
};

ELVA_PLUGIN_EXPORT const elva_connector_plugin* elva_connector_plugin_entry(
    uint32_t host_abi_version) {
  (void)host_abi_version; /* Elva checks plugin.abi_version against its own */
  return &plugin;
}
