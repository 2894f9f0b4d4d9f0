// The prompter: task prompts by mail through a connector, next to the scheduler in `elva
// serve` (docs/api.md#mail). A new open task is announced once, to its assignee or else to
// its candidate users and the members of its candidate groups (users with an e-mail address), in
// the recipient's language (en, nb, sv) and time zone. A task is reminded of once, at its
// follow-up date or some time before its due date. Each user chooses a mail per task, a daily
// digest of their open tasks, or none, and may keep quiet hours: mails wait until these end. A
// mail that cannot be sent is tried again (after 1, 2, 3, 4 minutes); a node that dies between
// claiming and sending loses that mail (the task itself is in the task list all the same).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "elva/connector.hpp"
#include "elva/result.hpp"
#include "store/rows.hpp"

namespace elva::sched {

struct PromptOptions {
  std::shared_ptr<connector::Connector> mail;  // a connector with a "send" operation
  std::string tasklist_url;                    // links in the mail: <tasklist_url>#task/<key>
  nlohmann::json templates =
      nlohmann::json::object();  // {"subject", "body"}: override the built-in new-task mail
  store::PromptPolicy policy;    // for users who chose nothing themselves
  std::int64_t poll_ms = 1000;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> log;
};

// Runs until options.stop becomes true.
void run_prompter(const std::string& database_url, const PromptOptions& options);

// Checks a [notifications] policy: "HH:MM" times, "HH:MM-HH:MM" quiet hours, an ISO 8601
// duration, a time zone of the system's zone database. The message names the setting.
Result<void> check_policy(const store::PromptPolicy& policy);
// The time zone this machine's clock shows (TZ, else /etc/localtime's zone, else
// /etc/timezone), "" when it cannot tell (the database's is used then).
std::string system_time_zone();
// "HH:MM" (or "HH:MM:SS"), and "HH:MM-HH:MM".
bool is_time_of_day(const std::string& text);
bool is_quiet_hours(const std::string& text);

}  // namespace elva::sched
