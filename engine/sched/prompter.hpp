// The prompter: announces new user tasks ("a new task for you") by mail through a connector,
// next to the scheduler in `elva serve`. Each open task is announced once, to its assignee or
// else to its candidate users and the members of its candidate groups (users with an e-mail
// address), in the recipient's language (en, nb, sv). A mail that cannot be sent is tried again
// in the next rounds; a node that dies between claiming and sending loses that announcement (the
// task itself is in the task list all the same).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/connector.hpp"
#include "elva/result.hpp"

namespace elva::sched {

struct PromptOptions {
  std::shared_ptr<connector::Connector> mail;  // a connector with a "send" operation
  std::string tasklist_url;                    // links in the mail: <tasklist_url>#/tasks/<key>
  nlohmann::json templates =
      nlohmann::json::object();  // {"subject", "body"}: override the built-in ones
  std::int64_t poll_ms = 1000;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> log;
};

// Runs until options.stop becomes true.
void run_prompter(const std::string& database_url, const PromptOptions& options);

}  // namespace elva::sched
