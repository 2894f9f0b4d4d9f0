// The parent side of the JavaScript sandbox (javascript.hpp): fork, read the answer until the
// time limit, kill, reap. The child's side is interpreter.cpp.
//
// Debian's Duktape is built without DUK_USE_EXEC_TIMEOUT_CHECK, so a running script cannot be
// interrupted from inside the process: a child process can be killed. Everything the child
// needs (the source, the variables as JSON text) is prepared before fork; the child allocates
// only through malloc (fork-safe in glibc) and ends with _exit.
#include "script/javascript.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "script/interpreter.hpp"

namespace elva::script {
namespace {

using nlohmann::json;

std::string mebibytes(std::size_t bytes) {
  const std::size_t mib = std::size_t{1024} * 1024;
  if (bytes % mib == 0) return std::to_string(bytes / mib) + " MiB";
  return std::to_string(bytes) + " bytes";
}

std::string time_message(const ScriptLimits& limits) {
  return "the script ran longer than " + std::to_string(limits.time_ms) + " ms and was stopped";
}

std::string memory_message(const ScriptLimits& limits) {
  return "the script needed more than " + mebibytes(limits.memory_bytes) + " of memory";
}

// A child until it is reaped: killed and waited for on every way out.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  // Blocks until the child has ended; its wait status (0 when it was reaped elsewhere).
  int wait() {
    int status = 0;
    while (pid_ > 0) {
      const pid_t r = ::waitpid(pid_, &status, 0);
      if (r == pid_ || (r < 0 && errno != EINTR)) pid_ = 0;  // ECHILD: SIGCHLD is ignored
    }
    return status;
  }
  int kill_and_wait() {
    ::kill(pid_, SIGKILL);
    return wait();
  }

 private:
  pid_t pid_;
};

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// In the child, before interpreting: the pipe as fd 3 and no other descriptor, a CPU-time
// backstop, death with the parent, default signal handling.
[[noreturn]] void become_sandbox(int out_fd, const std::string& source, const std::string& input,
                                 const ScriptLimits& limits) {
  constexpr int kOut = 3;
  if (out_fd != kOut) {
    if (::dup2(out_fd, kOut) < 0) ::_exit(2);  // the copy is not close-on-exec, not needed
  }
  if (::close_range(kOut + 1, ~0U, 0) != 0) {
    for (int fd = kOut + 1; fd < 65536; ++fd) ::close(fd);
  }
  for (int fd = 0; fd < kOut; ++fd) ::close(fd);  // no stdin, stdout or stderr either
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  const rlim_t seconds = static_cast<rlim_t>(limits.time_ms / 1000 + 2);
  const rlimit cpu{seconds, seconds};
  ::setrlimit(RLIMIT_CPU, &cpu);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGXCPU, SIGPIPE, SIGTERM, SIGINT}) ::signal(sig, SIG_DFL);
  detail::interpret_and_exit(kOut, source, input, limits.memory_bytes);
}

// Duktape's own messages quote the values involved ("'19121212-1212' not callable"); a process
// developer gets the shape of the value instead, never the value.
std::string shape_of(std::string_view quoted) {
  if (quoted == "undefined" || quoted == "null" || quoted == "true" || quoted == "false" ||
      quoted.starts_with("[object"))
    return std::string(quoted);
  if (quoted.starts_with("'")) return "a text";
  if (!quoted.empty() && (std::isdigit(static_cast<unsigned char>(quoted[0])) || quoted[0] == '-' ||
                          quoted == "NaN" || quoted == "Infinity"))
    return "a number";
  return "a value";
}

std::string without_values(std::string message) {
  for (std::string_view suffix : {" not callable", " not constructable"}) {
    if (auto at = message.find(suffix); at != std::string::npos && at > 0) {
      message = shape_of(std::string_view(message).substr(0, at)) + message.substr(at);
      break;
    }
  }
  // "... (property 'x' of 'value')", "cannot read property 'x' of 'value'"
  if (auto of = message.rfind(" of "); of != std::string::npos) {
    const bool closed = message.ends_with(")");
    const std::size_t end = message.size() - (closed ? 1 : 0);
    const std::size_t from = of + 4;
    if (end > from) {
      message = message.substr(0, from) +
                shape_of(std::string_view(message).substr(from, end - from)) + (closed ? ")" : "");
    }
  }
  return message;
}

// "parse error (line 3, end of input)" -> "parse error (end of input)": the line comes first.
std::string without_line(std::string message) {
  const auto at = message.find(" (line ");
  if (at == std::string::npos || !message.ends_with(")")) return message;
  const auto comma = message.find(", ", at);
  if (comma == std::string::npos) return message.substr(0, at);
  return message.substr(0, at) + " (" + message.substr(comma + 2);
}

constexpr std::size_t kMaxMessage = 500;

// The script's line where the error arose: the innermost "(script:N)" of the stack trace (an
// error raised by execution.* names the C++ line in lineNumber), else lineNumber.
long long script_line(const json& e) {
  if (e.contains("stack") && e["stack"].is_string()) {
    const std::string& stack = e["stack"].get_ref<const std::string&>();
    if (auto at = stack.find("(script:"); at != std::string::npos) {
      long long line = 0;
      for (std::size_t i = at + 8;
           i < stack.size() && std::isdigit(static_cast<unsigned char>(stack[i])); ++i)
        line = line * 10 + (stack[i] - '0');
      if (line > 0) return line;
    }
  }
  const json& line = e.contains("line") ? e["line"] : json();
  return line.is_number() ? line.get<long long>() : 0;
}

// Duktape keeps ECMAScript's UTF-16 strings, and writes a character beyond U+FFFF made by the
// script as two CESU-8 surrogates; JSON wants UTF-8. Lone surrogates become U+FFFD.
std::string utf8_from_cesu8(const std::string& in) {
  if (in.find('\xED') == std::string::npos) return in;
  std::string out;
  out.reserve(in.size());
  const auto surrogate = [&](std::size_t i, unsigned lo, unsigned hi) -> unsigned {
    if (i + 2 >= in.size() || static_cast<unsigned char>(in[i]) != 0xED) return 0;
    const auto b1 = static_cast<unsigned char>(in[i + 1]);
    const auto b2 = static_cast<unsigned char>(in[i + 2]);
    if (b1 < lo || b1 > hi || (b2 & 0xC0) != 0x80) return 0;
    return 0xD000u | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
  };
  for (std::size_t i = 0; i < in.size();) {
    if (const unsigned high = surrogate(i, 0xA0, 0xAF)) {
      if (const unsigned low = surrogate(i + 3, 0xB0, 0xBF)) {
        const unsigned cp = 0x10000u + ((high - 0xD800u) << 10) + (low - 0xDC00u);
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
        i += 6;
        continue;
      }
    }
    if (surrogate(i, 0xA0, 0xBF)) {
      out += "\xEF\xBF\xBD";
      i += 3;
      continue;
    }
    out += in[i++];
  }
  return out;
}

Result<ScriptOutcome> read_error(const std::string& data, const ScriptLimits& limits) {
  const json e = json::parse(data, nullptr, false);
  if (!e.is_object()) return fail(Errc::Internal, "the script's error could not be read");
  std::string message;
  if (e.contains("thrown") && e["thrown"].is_string()) {
    message = "the script threw " + e["thrown"].get<std::string>();
  } else {
    const std::string name = e.value("name", std::string("Error"));
    std::string text = e.value("message", std::string());
    if (e.value("memory", false) &&
        (text == "alloc failed" || name == "RangeError" || name == "DoubleError"))
      return fail(Errc::ExpressionError, memory_message(limits));
    if (e.value("internal", false) && name == "TypeError") text = without_values(text);
    if (name == "SyntaxError") text = without_line(text);
    message = name + (text.empty() ? "" : ": " + text);
    const long long line = script_line(e);
    if (line > 0) message = "line " + std::to_string(line) + ": " + message;
  }
  if (message.size() > kMaxMessage) message = message.substr(0, kMaxMessage) + "...";
  return fail(Errc::ExpressionError, message);
}

Result<ScriptOutcome> read_answer(const std::string& answer, int status,
                                  const ScriptLimits& limits) {
  if (answer.empty()) {
    if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL))
      return fail(Errc::Timeout, time_message(limits));  // the CPU-time backstop
    if (WIFSIGNALED(status))
      return fail(Errc::Internal, "the JavaScript interpreter stopped on signal " +
                                      std::to_string(WTERMSIG(status)));
    return fail(Errc::Internal, "the JavaScript interpreter ended without an answer");
  }
  const std::string data = utf8_from_cesu8(answer.substr(1));
  switch (answer[0]) {
    case 'V': {
      const json v = json::parse(data, nullptr, false);
      if (!v.is_object()) return fail(Errc::Internal, "the script's values could not be read back");
      ScriptOutcome out;
      if (v.contains("value")) out.value = v["value"];
      if (v.contains("set") && v["set"].is_object()) out.set_variables = v["set"];
      return out;
    }
    case 'E':
      return read_error(data, limits);
    case 'X':
      return fail(Errc::ExpressionError, "the script's value cannot be stored as a variable (" +
                                             data.substr(0, kMaxMessage) + ")");
    case 'M':
      return fail(Errc::ExpressionError, memory_message(limits));
    default:
      return fail(Errc::Internal, "the JavaScript interpreter failed: " + data.substr(0, 200));
  }
}

}  // namespace

Result<ScriptOutcome> run_javascript(const std::string& source, const json& variables,
                                     const json& execution_info, const ScriptLimits& limits) {
  const json in = {{"variables", variables.is_object() ? variables : json::object()},
                   {"execution", execution_info.is_object() ? execution_info : json::object()}};
  const std::string input = in.dump(-1, ' ', false, json::error_handler_t::replace);
  if (input.size() > limits.memory_bytes)
    return fail(Errc::ExpressionError,
                memory_message(limits) + " (the variables alone are larger)");

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return fail(Errc::Internal,
                std::string("cannot start the JavaScript sandbox: pipe: ") + std::strerror(errno));
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0)
    return fail(Errc::Internal,
                std::string("cannot start the JavaScript sandbox: fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(read_end.get());
    become_sandbox(write_end.get(), source, input, limits);
  }
  Child child(pid);
  write_end.reset();

  // The answer is at most what fits in the interpreter's memory (JSON text of its values).
  const std::size_t max_answer = limits.memory_bytes + 16;
  const auto deadline = started + std::chrono::milliseconds(limits.time_ms);
  std::string answer;
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      child.kill_and_wait();
      return fail(Errc::Timeout, time_message(limits));
    }
    pollfd p{read_end.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left, 1'000'000)));
    if (ready < 0 && errno != EINTR)
      return fail(Errc::Internal, std::string("the JavaScript sandbox: poll: ") +
                                      std::strerror(errno));  // ~Child kills and reaps
    if (ready <= 0) continue;
    const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return fail(Errc::Internal,
                  std::string("the JavaScript sandbox: read: ") + std::strerror(errno));
    if (n == 0) break;  // the child closed the pipe: it has answered or died
    answer.append(buffer, static_cast<std::size_t>(n));
    if (answer.size() > max_answer) {
      child.kill_and_wait();
      return fail(Errc::ExpressionError, memory_message(limits));
    }
  }
  const int status = child.wait();
  return read_answer(answer, status, limits);
}

}  // namespace elva::script
