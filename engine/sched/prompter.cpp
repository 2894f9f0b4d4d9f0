// The prompter (prompter.hpp).
#include "sched/prompter.hpp"

#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <thread>

#include "common/iso8601.hpp"
#include "forms/translations.hpp"
#include "store/pg/pg_store.hpp"

namespace elva::sched {
namespace {

using nlohmann::json;

struct Words {
  const char* subject;
  const char* body;
};

// {{...}} are filled by the mail connector from `data`.
const std::map<std::string, Words>& new_task() {
  static const std::map<std::string, Words> words = {
      {"en",
       {"New task: {{task}}",
        "Hello {{name}},\n\nThere is a new task for you in Elva: {{task}}\nProcess: "
        "{{process}}{{caseLine}}{{dueLine}}{{instructions}}\n\n"
        "Open it in your task list: {{link}}\n"}},
      {"sv",
       {"Ny uppgift: {{task}}",
        "Hej {{name}},\n\nDu har en ny uppgift i Elva: {{task}}\nProcess: "
        "{{process}}{{caseLine}}{{dueLine}}{{instructions}}\n\n"
        "Öppna den i din uppgiftslista: {{link}}\n"}},
      {"nb",
       {"Ny oppgave: {{task}}",
        "Hei {{name}},\n\nDu har en ny oppgave i Elva: {{task}}\nProsess: "
        "{{process}}{{caseLine}}{{dueLine}}{{instructions}}\n\n"
        "Åpne den i oppgavelisten din: {{link}}\n"}},
  };
  return words;
}

const std::map<std::string, Words>& reminder() {
  static const std::map<std::string, Words> words = {
      {"en",
       {"Reminder: {{task}}",
        "Hello {{name}},\n\nA reminder of your task in Elva: {{task}}\nProcess: "
        "{{process}}{{caseLine}}{{dueLine}}{{instructions}}\n\n"
        "Open it in your task list: {{link}}\n"}},
      {"sv",
       {"Påminnelse: {{task}}",
        "Hej {{name}},\n\nEn påminnelse om din uppgift i Elva: {{task}}\nProcess: "
        "{{process}}{{caseLine}}{{dueLine}}{{instructions}}\n\n"
        "Öppna den i din uppgiftslista: {{link}}\n"}},
      {"nb",
       {"Påminnelse: {{task}}",
        "Hei {{name}},\n\nEn påminnelse om oppgaven din i Elva: {{task}}\nProsess: "
        "{{process}}{{caseLine}}{{dueLine}}{{instructions}}\n\n"
        "Åpne den i oppgavelisten din: {{link}}\n"}},
  };
  return words;
}

const std::map<std::string, Words>& digest() {
  static const std::map<std::string, Words> words = {
      {"en",
       {"Your tasks in Elva: {{open}} open, {{fresh}} new",
        "Hello {{name}},\n\nThese are your open tasks in Elva:\n\n{{tasks}}\n"
        "Open your task list: {{list}}\n"}},
      {"sv",
       {"Dina uppgifter i Elva: {{open}} öppna, {{fresh}} nya",
        "Hej {{name}},\n\nDetta är dina öppna uppgifter i Elva:\n\n{{tasks}}\n"
        "Öppna din uppgiftslista: {{list}}\n"}},
      {"nb",
       {"Dine oppgaver i Elva: {{open}} åpne, {{fresh}} nye",
        "Hei {{name}},\n\nDette er de åpne oppgavene dine i Elva:\n\n{{tasks}}\n"
        "Åpne oppgavelisten din: {{list}}\n"}},
  };
  return words;
}

const Words& words(const std::map<std::string, Words>& all, const std::string& lang) {
  auto it = all.find(lang);
  return it != all.end() ? it->second : all.at("en");
}

const char* label(const std::string& lang, const char* en, const char* sv, const char* nb) {
  return lang == "sv" ? sv : lang == "nb" ? nb : en;
}

// A due date as people read it, from "YYYY-MM-DD HH:MM" in the recipient's time zone (the
// REST API stays ISO 8601): "6 december 2026 kl. 15:30" (sv), "6. desember 2026 kl. 15:30"
// (nb), "6 December 2026, 15:30".
std::string readable_date(const std::string& local, const std::string& lang) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (std::sscanf(local.c_str(), "%4d-%2d-%2d %2d:%2d", &y, &mo, &d, &h, &mi) != 5 || mo < 1 ||
      mo > 12)
    return local;
  static const char* const en[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
  static const char* const sv[] = {"januari",   "februari", "mars",     "april",
                                   "maj",       "juni",     "juli",     "augusti",
                                   "september", "oktober",  "november", "december"};
  static const char* const nb[] = {"januar",    "februar", "mars",     "april",
                                   "mai",       "juni",    "juli",     "august",
                                   "september", "oktober", "november", "desember"};
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02d:%02d", h, mi);
  const std::string day = std::to_string(d), year = std::to_string(y);
  if (lang == "sv") return day + " " + sv[mo - 1] + " " + year + " kl. " + clock;
  if (lang == "nb") return day + ". " + nb[mo - 1] + " " + year + " kl. " + clock;
  return day + " " + en[mo - 1] + " " + year + ", " + clock;
}

// A text for a mail in the recipient's language: the translation (its {{...}} filled from the
// instance's variables, read when needed), else the original (filled when the task was made).
class MailText {
 public:
  MailText(store::PgStore* store, const json& tr, store::Key instance)
      : store_(store), tr_(tr), instance_(instance) {}
  std::string operator()(const std::string& translated, const std::string& original) {
    if (tr_.is_null() || translated.empty()) return original;
    if (translated.find("{{") == std::string::npos) return translated;
    if (!read_ && store_) {
      read_ = true;
      auto row = store_->instance(instance_);
      if (row && *row) variables_ = (*row)->variables;
    }
    auto filled = forms::fill_translation(translated, variables_);
    return filled ? *filled : original;
  }

 private:
  store::PgStore* store_;
  const json& tr_;
  store::Key instance_;
  bool read_ = false;
  json variables_;
};

// Sends one mail and waits for the connector's answer.
connector::Outcome send(connector::Connector& mail, json input, const std::string& key) {
  connector::Invocation call;
  call.operation = "send";
  call.input = std::move(input);
  call.idempotency_key = key;
  call.deadline = std::chrono::system_clock::now() + std::chrono::seconds(30);
  call.cancelled = std::make_shared<std::atomic<bool>>(false);
  call.element_id = "task prompt";
  auto promise = std::make_shared<std::promise<connector::Outcome>>();
  auto future = promise->get_future();
  auto answered = std::make_shared<std::atomic<bool>>(false);
  mail.invoke(std::move(call), [promise, answered](connector::Outcome o) {
    if (!answered->exchange(true)) promise->set_value(std::move(o));
  });
  if (future.wait_for(std::chrono::seconds(35)) != std::future_status::ready) {
    return connector::Outcome::retry("the mail connector did not answer");
  }
  return future.get();
}

// Process content in one language (processes/i18n/LANG.json), read once a minute at most.
class Translations {
 public:
  const json& get(store::PgStore& store, const std::string& lang) {
    static const json none;
    if (lang.empty()) return none;
    auto& cached = cache_[lang];
    const auto now = std::chrono::steady_clock::now();
    if (cached.first.time_since_epoch().count() == 0 ||
        now - cached.first > std::chrono::minutes(1)) {
      auto row = store.form(std::string(forms::kTranslationPrefix) + lang);
      if (row) cached = {now, *row ? (*row)->schema : json()};
    }
    return cached.second;
  }

 private:
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, json>> cache_;
};

std::string line(const std::string& lang, const char* en, const char* sv, const char* nb,
                 const std::string& value) {
  return value.empty() ? "" : std::string("\n") + label(lang, en, sv, nb) + ": " + value;
}

// The mail announcing (or reminding of) one task to one recipient.
json task_mail(const store::TaskPrompt& task, const store::TaskPrompt::Recipient& r,
               const std::string& lang, const json& tr, const PromptOptions& o,
               store::PgStore* store) {
  MailText text(store, tr, task.instance);
  const auto el = [&](const char* field, const std::string& original) {
    return text(forms::translated_element(tr, task.process_id, task.element_id, field, ""),
                original);
  };
  json data = {
      {"name", r.name.empty() ? r.user : r.name},
      {"task", el("name", task.name)},
      {"process", forms::translated_process(tr, task.process_id, "name", task.process_name)},
      {"documentation", el("documentation", task.documentation)},
      {"instructions", task.documentation.empty()
                           ? std::string()
                           : "\n\n" + el("documentation", task.documentation)},
      {"link", o.tasklist_url + "#task/" + std::to_string(task.key)},
      {"caseLine", line(lang, "Case", "Ärende", "Sak", task.business_key)},
      {"dueLine", line(lang, "Due", "Förfaller", "Frist",
                       r.due_local.empty() ? "" : readable_date(r.due_local, lang))},
      {"taskKey", task.key},
      {"user", r.user}};
  const bool fresh = task.kind == "new";
  const Words& w = words(fresh ? new_task() : reminder(), lang);
  const json& custom = fresh ? o.templates : json::object();
  return {{"to", r.email},
          {"subject", custom.value("subject", std::string(w.subject))},
          {"body", custom.value("body", std::string(w.body))},
          {"data", data}};
}

// One user's daily digest: their open tasks, newest first, new ones marked.
json digest_mail(const store::Digest& d, const std::string& lang, const json& tr,
                 const PromptOptions& o, store::PgStore* store) {
  std::string list;
  int fresh = 0;
  for (const auto& t : d.tasks) {
    fresh += t.fresh ? 1 : 0;
    MailText text(store, tr, t.instance);
    list += "* " +
            text(forms::translated_element(tr, t.process_id, t.element_id, "name", ""), t.name) +
            " (" + forms::translated_process(tr, t.process_id, "name", t.process_name) + ")";
    if (!t.business_key.empty())
      list += std::string(" · ") + label(lang, "Case", "Ärende", "Sak") + " " + t.business_key;
    if (!t.due_local.empty())
      list += std::string(" · ") + label(lang, "Due", "Förfaller", "Frist") + " " +
              readable_date(t.due_local, lang);
    if (t.fresh) list += std::string(" · ") + label(lang, "new", "ny", "ny");
    list += "\n  " + o.tasklist_url + "#task/" + std::to_string(t.key) + "\n";
  }
  if (d.open > static_cast<int>(d.tasks.size())) {
    const std::string more = std::to_string(d.open - static_cast<int>(d.tasks.size()));
    list += std::string(label(lang, "... and ", "... och ", "... og ")) + more +
            label(lang, " more", " till", " til") + "\n";
  }
  const Words& w = words(digest(), lang);
  return {{"to", d.to.email},
          {"subject", std::string(w.subject)},
          {"body", std::string(w.body)},
          {"data",
           {{"name", d.to.name.empty() ? d.to.user : d.to.name},
            {"open", std::to_string(d.open)},
            {"fresh", std::to_string(fresh)},
            {"tasks", list},
            {"list", o.tasklist_url},
            {"user", d.to.user}}}};
}

}  // namespace

std::string system_time_zone() {
  const auto known = [](std::string zone) {
    if (!zone.empty() && zone[0] == ':') zone.erase(0, 1);
    struct stat st {};
    return !zone.empty() && zone[0] != '/' && zone.find("..") == std::string::npos &&
                   stat(("/usr/share/zoneinfo/" + zone).c_str(), &st) == 0 && S_ISREG(st.st_mode)
               ? zone
               : std::string();
  };
  if (const char* tz = std::getenv("TZ"); tz && *tz) return known(tz);
  std::error_code ec;
  const auto target = std::filesystem::read_symlink("/etc/localtime", ec).string();
  if (const auto at = target.find("zoneinfo/"); !ec && at != std::string::npos)
    if (auto z = known(target.substr(at + 9)); !z.empty()) return z;
  std::ifstream file("/etc/timezone");
  std::string zone;
  if (file >> zone) return known(zone);
  return "";
}

bool is_time_of_day(const std::string& text) {
  int h = 0, m = 0, sec = 0, used = 0;
  if (text.size() == 5 && std::sscanf(text.c_str(), "%2d:%2d%n", &h, &m, &used) == 2 && used == 5)
    return h >= 0 && h < 24 && m >= 0 && m < 60 &&
           std::isdigit(static_cast<unsigned char>(text[0])) &&
           std::isdigit(static_cast<unsigned char>(text[3]));
  if (text.size() == 8 && std::sscanf(text.c_str(), "%2d:%2d:%2d%n", &h, &m, &sec, &used) == 3 &&
      used == 8)
    return h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60 &&
           std::isdigit(static_cast<unsigned char>(text[0])) &&
           std::isdigit(static_cast<unsigned char>(text[3])) &&
           std::isdigit(static_cast<unsigned char>(text[6]));
  return false;
}

bool is_quiet_hours(const std::string& text) {
  const auto dash = text.find('-');
  return dash != std::string::npos && is_time_of_day(text.substr(0, dash)) &&
         is_time_of_day(text.substr(dash + 1));
}

Result<void> check_policy(const store::PromptPolicy& p) {
  if (!p.quiet_hours.empty() && !is_quiet_hours(p.quiet_hours))
    return fail(Errc::InvalidArgument,
                "[notifications] quiet_hours: expected \"HH:MM-HH:MM\" (e.g. \"18:00-07:00\"), "
                "got \"" +
                    p.quiet_hours + "\"");
  if (!is_time_of_day(p.digest_at))
    return fail(
        Errc::InvalidArgument,
        "[notifications] digest_at: expected a time of day \"HH:MM\", got \"" + p.digest_at + "\"");
  if (!p.remind_before.empty()) {
    auto d = iso8601::parse_duration(p.remind_before);
    if (!d || d->years < 0 || d->months < 0 || d->days < 0 || d->millis < 0 ||
        p.remind_before.find_first_of(".,") != std::string::npos)
      return fail(Errc::InvalidArgument,
                  "[notifications] remind_before: expected an ISO 8601 duration such as \"P1D\" "
                  "or \"PT4H\" (\"\" for no reminders), got \"" +
                      p.remind_before + "\"");
  }
  if (!p.time_zone.empty()) {
    struct stat st {};
    if (p.time_zone.find("..") != std::string::npos || p.time_zone[0] == '/' ||
        stat(("/usr/share/zoneinfo/" + p.time_zone).c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      return fail(Errc::InvalidArgument,
                  "[notifications] time_zone: \"" + p.time_zone +
                      "\" is not in the system's zone database (an IANA name such as "
                      "\"Europe/Stockholm\")");
  }
  return {};
}

void run_prompter(const std::string& url, const PromptOptions& o) {
  auto log = [&](const std::string& text) {
    if (o.log) o.log(text);
  };
  std::unique_ptr<store::PgStore> store;
  Translations translations;
  bool down = false;
  const auto sent = [&](const connector::Outcome& out, const std::string& what,
                        const std::string& user) {
    if (out.kind == connector::Outcome::Kind::Completed) return true;
    log(what + " to " + user + " not sent: " + out.message);
    return false;
  };
  while (!(o.stop && o.stop->load())) {
    if (!store) {
      auto s = store::PgStore::connect(url);
      if (s) store = std::move(*s);
    }
    std::vector<store::TaskPrompt> batch;
    std::vector<store::Digest> digests;
    if (store) {
      auto claimed = store->claim_task_prompts(20, o.policy);
      auto due = store->claim_digests(10, o.policy);
      if (!claimed || !due) {
        if (!down)
          log("task prompts: " + (!claimed ? claimed.error().message : due.error().message));
        down = true;
        store.reset();
      } else {
        down = false;
        batch = std::move(*claimed);
        digests = std::move(*due);
      }
    }
    for (const auto& task : batch) {
      for (const auto& r : task.recipients) {
        const std::string lang = forms::language_of(r.locale);
        const json tr = store ? translations.get(*store, lang) : json();
        const std::string what =
            (task.kind == "new" ? "task prompt for task " : "reminder of task ") +
            std::to_string(task.key);
        auto out = send(*o.mail, task_mail(task, r, lang, tr, o, store.get()),
                        "elva-" + std::string(task.kind == "new" ? "task" : "reminder") + "-" +
                            std::to_string(task.key) + "-" + r.user);
        if (sent(out, what, r.user)) continue;
        if (out.kind == connector::Outcome::Kind::Retry && r.attempts + 1 < 5 && store)
          (void)store->retry_task_prompt(task.key, task.kind, r.user, r.attempts + 1);
      }
    }
    for (const auto& d : digests) {
      if (d.open == 0) continue;  // nothing to do today: no mail
      const std::string lang = forms::language_of(d.to.locale);
      const json tr = store ? translations.get(*store, lang) : json();
      // A digest that cannot be sent is not tried again today (the tasks are in the task list).
      (void)sent(send(*o.mail, digest_mail(d, lang, tr, o, store.get()),
                      "elva-digest-" + d.to.user + "-" + d.date),
                 "the daily digest", d.to.user);
    }
    if (batch.size() >= 20 || digests.size() >= 10) continue;
    for (std::int64_t waited = 0; waited < o.poll_ms && !(o.stop && o.stop->load()); waited += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace elva::sched
