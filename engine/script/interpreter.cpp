// The child side of the sandbox (interpreter.hpp): one Duktape heap on a counting allocator,
// the variables and `execution` installed, the script run, the answer written, _exit().
//
// Duktape reports errors by longjmp. Every call that may throw runs inside duk_safe_call or
// duk_pcall, and the C functions the script calls (execution.*) hold no C++ objects, so no
// destructor is ever skipped.
#include "script/interpreter.hpp"

#include <duktape.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>

namespace elva::script::detail {
namespace {

// --- Memory: every block carries its size in a header, so the budget sees reallocations too.
struct Budget {
  std::size_t used = 0;
  std::size_t limit = 0;
  bool hit = false;  // an allocation was refused
};

constexpr std::size_t kHeader = alignof(std::max_align_t);

void* budget_alloc(void* udata, duk_size_t size) {
  auto* b = static_cast<Budget*>(udata);
  if (size > b->limit - b->used) {
    b->hit = true;
    return nullptr;
  }
  auto* block = static_cast<unsigned char*>(std::malloc(size + kHeader));
  if (!block) {
    b->hit = true;
    return nullptr;
  }
  std::memcpy(block, &size, sizeof size);
  b->used += size;
  return block + kHeader;
}

void budget_free(void* udata, void* ptr) {
  if (!ptr) return;
  auto* b = static_cast<Budget*>(udata);
  auto* block = static_cast<unsigned char*>(ptr) - kHeader;
  std::size_t size = 0;
  std::memcpy(&size, block, sizeof size);
  b->used -= size;
  std::free(block);
}

void* budget_realloc(void* udata, void* ptr, duk_size_t size) {
  if (!ptr) return budget_alloc(udata, size);
  if (size == 0) {
    budget_free(udata, ptr);
    return nullptr;
  }
  auto* b = static_cast<Budget*>(udata);
  auto* block = static_cast<unsigned char*>(ptr) - kHeader;
  std::size_t old = 0;
  std::memcpy(&old, block, sizeof old);
  if (size > old && size - old > b->limit - b->used) {
    b->hit = true;
    return nullptr;  // the old block stays valid, as realloc's contract says
  }
  auto* grown = static_cast<unsigned char*>(std::realloc(block, size + kHeader));
  if (!grown) {
    b->hit = true;
    return nullptr;
  }
  std::memcpy(grown, &size, sizeof size);
  b->used = b->used - old + size;
  return grown + kHeader;
}

// --- The answer.
int g_out = -1;
Budget g_budget;

void write_all(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(g_out, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::_exit(2);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

[[noreturn]] void answer(char kind, const char* data, std::size_t size) {
  write_all(&kind, 1);
  write_all(data, size);
  ::_exit(0);
}

[[noreturn]] void answer(char kind, const std::string& data) {
  answer(kind, data.data(), data.size());
}

// Duktape's fatal errors (an error while handling an error, out of memory there): no return.
void on_fatal(void*, const char* msg) {
  if (g_budget.hit) answer('M', "", 0);
  answer('I', msg ? msg : "fatal error", msg ? std::strlen(msg) : 11);
}

// --- execution.*: the stash holds "vars" (what getVariable reads), "set" (what setVariable
// set) and "info" (ids from execution_info), each a bare object (no prototype, so "toString" is
// not a variable).
void push_stash_object(duk_context* ctx, const char* key) {
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_remove(ctx, -2);
}

duk_ret_t get_variable(duk_context* ctx) {
  duk_to_string(ctx, 0);
  push_stash_object(ctx, "vars");
  duk_dup(ctx, 0);
  if (!duk_get_prop(ctx, -2)) duk_push_null(ctx);
  return 1;
}

duk_ret_t has_variable(duk_context* ctx) {
  duk_to_string(ctx, 0);
  push_stash_object(ctx, "vars");
  duk_dup(ctx, 0);
  duk_push_boolean(ctx, duk_has_prop(ctx, -2));
  return 1;
}

// The value is copied through JSON now (a later change to the object is not seen, as a
// variable written to the database would not be); a function cannot be stored.
duk_ret_t set_variable(duk_context* ctx) {
  const char* name = duk_to_string(ctx, 0);
  if (duk_is_function(ctx, 1)) {
    return duk_type_error(ctx, "execution.setVariable('%s', ...): a function cannot be stored",
                          name);
  }
  if (duk_is_undefined(ctx, 1)) {
    duk_push_null(ctx);
  } else {
    duk_dup(ctx, 1);
    duk_json_encode(ctx, -1);
    if (!duk_is_string(ctx, -1)) {
      return duk_type_error(ctx, "execution.setVariable('%s', ...): the value cannot be stored",
                            name);
    }
    duk_json_decode(ctx, -1);
  }
  const duk_idx_t value = duk_get_top_index(ctx);
  push_stash_object(ctx, "set");
  duk_dup(ctx, value);
  duk_put_prop_string(ctx, -2, name);
  push_stash_object(ctx, "vars");
  duk_dup(ctx, value);
  duk_put_prop_string(ctx, -2, name);
  return 0;
}

const char* const kInfo[] = {"processInstanceId", "businessKey", "currentActivityId",
                             "currentActivityName", "processDefinitionId"};
const char* const kInfoGetters[] = {"getProcessInstanceId", "getBusinessKey",
                                    "getCurrentActivityId", "getCurrentActivityName",
                                    "getProcessDefinitionId"};

duk_ret_t get_info(duk_context* ctx) {
  push_stash_object(ctx, "info");
  if (!duk_get_prop_string(ctx, -1, kInfo[duk_get_current_magic(ctx)])) duk_push_null(ctx);
  return 1;
}

void put_function(duk_context* ctx, const char* name, duk_c_function f, duk_idx_t nargs,
                  int magic = 0) {
  duk_push_c_function(ctx, f, nargs);
  duk_set_magic(ctx, -1, magic);
  duk_put_prop_string(ctx, -2, name);
}

// `new Date()` and Date.now() at the engine's time; other uses of Date as they were.
const char* const kFixedClock =
    "(function (now) {\n"
    "  var D = Date;\n"
    "  function Date_(a, b, c, d, e, f, g) {\n"
    "    if (!(this instanceof Date_)) return new D(now).toString();\n"
    "    switch (arguments.length) {\n"
    "      case 0: return new D(now);\n"
    "      case 1: return new D(a);\n"
    "      case 2: return new D(a, b);\n"
    "      case 3: return new D(a, b, c);\n"
    "      case 4: return new D(a, b, c, d);\n"
    "      case 5: return new D(a, b, c, d, e);\n"
    "      case 6: return new D(a, b, c, d, e, f);\n"
    "      default: return new D(a, b, c, d, e, f, g);\n"
    "    }\n"
    "  }\n"
    "  Date_.prototype = D.prototype;\n"
    "  Date_.now = function () { return now; };\n"
    "  Date_.parse = D.parse;\n"
    "  Date_.UTC = D.UTC;\n"
    "  Date = Date_;\n"
    "})";

// Stack in: [input JSON text]. Installs the globals, `execution` and the stash.
duk_ret_t set_up(duk_context* ctx, void*) {
  const duk_idx_t in = duk_get_top_index(ctx);  // safe calls share the caller's frame
  duk_json_decode(ctx, in);
  duk_push_global_object(ctx);
  const duk_idx_t global = duk_get_top_index(ctx);

  // Nothing that could reach a file descriptor or load code from elsewhere (Duktape 2 has no
  // print, alert or require unless built with them; removed here in case it was).
  for (const char* name : {"print", "alert", "require", "Duktape", "performance"})
    duk_del_prop_string(ctx, global, name);

  duk_push_global_stash(ctx);
  const duk_idx_t stash = duk_get_top_index(ctx);
  for (const char* name : {"vars", "set", "info"}) {
    duk_push_bare_object(ctx);
    duk_put_prop_string(ctx, stash, name);
  }

  // Variables: into the stash, and as globals where the name is free.
  duk_get_prop_string(ctx, in, "variables");
  if (duk_is_object(ctx, -1)) {
    duk_get_prop_string(ctx, stash, "vars");
    duk_enum(ctx, -2, DUK_ENUM_OWN_PROPERTIES_ONLY);
    while (duk_next(ctx, -1, 1)) {  // [... vars enum key value]
      duk_dup(ctx, -2);
      duk_dup(ctx, -2);
      duk_put_prop(ctx, -6);  // the stash's copy
      duk_dup(ctx, -2);
      if (!duk_has_prop(ctx, global)) {
        duk_put_prop(ctx, global);  // another copy: decoded again below
      } else {
        duk_pop_2(ctx);
      }
    }
    duk_pop_2(ctx);
  }
  duk_pop(ctx);
  // The globals and the stash shared each object; give the stash its own copies so that a
  // script changing a global object does not change what getVariable returns.
  duk_get_prop_string(ctx, stash, "vars");
  duk_enum(ctx, -1, DUK_ENUM_OWN_PROPERTIES_ONLY);
  while (duk_next(ctx, -1, 1)) {  // [... vars enum key value]
    if (duk_is_object(ctx, -1)) {
      duk_json_encode(ctx, -1);
      duk_json_decode(ctx, -1);
      duk_put_prop(ctx, -4);
    } else {
      duk_pop_2(ctx);
    }
  }
  duk_pop_2(ctx);

  duk_get_prop_string(ctx, in, "execution");
  if (duk_is_object(ctx, -1)) {
    duk_get_prop_string(ctx, stash, "info");
    for (const char* key : kInfo) {
      if (duk_get_prop_string(ctx, -2, key))
        duk_put_prop_string(ctx, -2, key);
      else
        duk_pop(ctx);
    }
    duk_pop(ctx);
    if (duk_get_prop_string(ctx, -1, "now") && duk_is_number(ctx, -1)) {
      duk_eval_string(ctx, kFixedClock);
      duk_dup(ctx, -2);
      duk_call(ctx, 1);
      duk_pop(ctx);
    }
    duk_pop(ctx);  // now
  }
  duk_pop(ctx);

  duk_push_object(ctx);
  put_function(ctx, "getVariable", get_variable, 1);
  put_function(ctx, "getVariableLocal", get_variable, 1);
  put_function(ctx, "hasVariable", has_variable, 1);
  put_function(ctx, "hasVariableLocal", has_variable, 1);
  put_function(ctx, "setVariable", set_variable, 2);
  put_function(ctx, "setVariableLocal", set_variable, 2);
  for (int i = 0; i < static_cast<int>(std::size(kInfo)); ++i)
    put_function(ctx, kInfoGetters[i], get_info, 0, i);
  duk_put_prop_string(ctx, global, "execution");
  return 0;
}

// Stack in: [completion value]. Out: the answer's JSON text.
duk_ret_t encode_result(duk_context* ctx, void*) {
  const duk_idx_t in = duk_get_top_index(ctx);
  duk_push_object(ctx);
  if (!duk_is_undefined(ctx, in)) {
    duk_dup(ctx, in);
    duk_put_prop_string(ctx, -2, "value");
  }
  push_stash_object(ctx, "set");
  duk_put_prop_string(ctx, -2, "set");
  duk_json_encode(ctx, -1);
  return 1;
}

// Stack in: [error]. Out: its description as JSON text.
duk_ret_t describe_error(duk_context* ctx, void*) {
  const duk_idx_t in = duk_get_top_index(ctx);
  duk_push_object(ctx);
  if (duk_is_error(ctx, in)) {
    duk_get_prop_string(ctx, in, "name");
    duk_put_prop_string(ctx, -2, "name");
    duk_get_prop_string(ctx, in, "message");
    duk_safe_to_string(ctx, -1);
    duk_put_prop_string(ctx, -2, "message");
    duk_get_prop_string(ctx, in, "lineNumber");
    duk_put_prop_string(ctx, -2, "line");
    // Errors Duktape raises itself carry an "internal" first entry in their stack trace.
    duk_get_prop_string(ctx, in, "stack");
    const char* stack = duk_is_string(ctx, -1) ? duk_get_string(ctx, -1) : "";
    duk_push_boolean(ctx, std::strstr(stack, ") internal") != nullptr);
    duk_put_prop_string(ctx, -3, "internal");
    // Only the trace's lines (the first line is the message again): where, never what.
    const char* at = std::strchr(stack, '\n');
    duk_push_string(ctx, at ? at : "");
    duk_put_prop_string(ctx, -3, "stack");
    duk_pop(ctx);
    duk_push_boolean(ctx, g_budget.hit);  // an allocation was refused on the way
    duk_put_prop_string(ctx, -2, "memory");
  } else {
    duk_dup(ctx, in);
    duk_safe_to_string(ctx, -1);
    duk_put_prop_string(ctx, -2, "thrown");
  }
  duk_json_encode(ctx, -1);
  return 1;
}

// The error on top of the stack.
[[noreturn]] void answer_error(duk_context* ctx) {
  if (g_budget.hit && !duk_is_error(ctx, -1)) answer('M', "", 0);
  if (duk_safe_call(ctx, describe_error, nullptr, 1, 1) != DUK_EXEC_SUCCESS)
    answer(g_budget.hit ? 'M' : 'I', "the script's error could not be read");
  duk_size_t size = 0;
  const char* text = duk_get_lstring(ctx, -1, &size);
  answer('E', text ? text : "{}", text ? size : 2);
}

}  // namespace

void interpret_and_exit(int out_fd, const std::string& source, const std::string& input,
                        std::size_t memory_bytes) {
  g_out = out_fd;
  g_budget.limit = memory_bytes;
  duk_context* ctx =
      duk_create_heap(budget_alloc, budget_realloc, budget_free, &g_budget, on_fatal);
  if (!ctx) {
    if (g_budget.hit) answer('M', "", 0);
    answer('I', "the JavaScript interpreter could not start");
  }

  duk_push_lstring(ctx, input.data(), input.size());
  if (duk_safe_call(ctx, set_up, nullptr, 1, 1) != DUK_EXEC_SUCCESS) {
    if (g_budget.hit) answer('M', "", 0);
    answer('I', std::string("the variables could not be given to the script: ") +
                    duk_safe_to_string(ctx, -1));
  }
  duk_pop(ctx);

  duk_push_string(ctx, "script");  // the file name in error traces
  if (duk_pcompile_lstring_filename(ctx, 0, source.data(), source.size()) != 0) answer_error(ctx);
  if (duk_pcall(ctx, 0) != DUK_EXEC_SUCCESS) answer_error(ctx);

  if (duk_is_function(ctx, -1)) answer('X', "a function");
  if (duk_safe_call(ctx, encode_result, nullptr, 1, 1) != DUK_EXEC_SUCCESS) {
    if (g_budget.hit) answer('M', "", 0);
    answer('X', duk_safe_to_string(ctx, -1));
  }
  duk_size_t size = 0;
  const char* text = duk_get_lstring(ctx, -1, &size);
  answer('V', text ? text : "{}", text ? size : 2);
}

}  // namespace elva::script::detail
