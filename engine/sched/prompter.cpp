// The prompter (prompter.hpp).
#include "sched/prompter.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
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
const std::map<std::string, Words>& built_in() {
  static const std::map<std::string, Words> words = {
      {"en",
       {"New task: {{task}}",
        "Hello {{name}},\n\nThere is a new task for you in Elva: {{task}}\nProcess: "
        "{{process}}{{caseLine}}{{dueLine}}\n\n"
        "{{documentation}}\n\nOpen it in your task list: {{link}}\n"}},
      {"sv",
       {"Ny uppgift: {{task}}",
        "Hej {{name}},\n\nDu har en ny uppgift i Elva: {{task}}\nProcess: "
        "{{process}}{{caseLine}}{{dueLine}}\n\n"
        "{{documentation}}\n\nÖppna den i din uppgiftslista: {{link}}\n"}},
      {"nb",
       {"Ny oppgave: {{task}}",
        "Hei {{name}},\n\nDu har en ny oppgave i Elva: {{task}}\nProsess: "
        "{{process}}{{caseLine}}{{dueLine}}\n\n"
        "{{documentation}}\n\nÅpne den i oppgavelisten din: {{link}}\n"}},
  };
  return words;
}

const char* label(const std::string& lang, const char* en, const char* sv, const char* nb) {
  return lang == "sv" ? sv : lang == "nb" ? nb : en;
}

// A due date as people read it, in the server's time zone (TZ; the REST API stays ISO 8601):
// "6 december 2026 kl. 15:30" (sv), "6. desember 2026 kl. 15:30" (nb), "6 December 2026, 15:30".
std::string readable_date(const std::string& iso, const std::string& lang) {
  const auto at = iso8601::parse_date_time(iso);
  if (!at) return iso;
  const std::time_t t = static_cast<std::time_t>(at->epoch_millis / 1000);
  std::tm tm{};
  if (!localtime_r(&t, &tm)) return iso;
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
  std::snprintf(clock, sizeof clock, "%02d:%02d", tm.tm_hour, tm.tm_min);
  const std::string day = std::to_string(tm.tm_mday), year = std::to_string(tm.tm_year + 1900);
  if (lang == "sv") return day + " " + sv[tm.tm_mon] + " " + year + " kl. " + clock;
  if (lang == "nb") return day + ". " + nb[tm.tm_mon] + " " + year + " kl. " + clock;
  return day + " " + en[tm.tm_mon] + " " + year + ", " + clock;
}

// A translated text for a mail, where it needs no variables ({{...}} are the case's, filled when
// the task was made; a template in a translation would be sent as written).
std::string mail_text(const json& tr, const std::string& translated, const std::string& original) {
  return !tr.is_null() && !translated.empty() && translated.find("{{") == std::string::npos
             ? translated
             : original;
}

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

}  // namespace

void run_prompter(const std::string& url, const PromptOptions& o) {
  auto log = [&](const std::string& line) {
    if (o.log) o.log(line);
  };
  std::unique_ptr<store::PgStore> store;
  std::map<store::Key, int> failures;  // task -> failed rounds
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, json>> translations;
  bool down = false;
  while (!(o.stop && o.stop->load())) {
    if (!store) {
      auto s = store::PgStore::connect(url);
      if (s) store = std::move(*s);
    }
    std::vector<store::TaskPrompt> batch;
    if (store) {
      auto claimed = store->claim_task_prompts(20);
      if (!claimed) {
        if (!down) log("task prompts: " + claimed.error().message);
        down = true;
        store.reset();
      } else {
        down = false;
        batch = std::move(*claimed);
      }
    }
    for (const auto& task : batch) {
      bool retry = false;
      for (const auto& r : task.recipients) {
        const std::string lang = forms::language_of(r.locale);
        const Words& w = built_in().count(lang) ? built_in().at(lang) : built_in().at("en");
        // Process content in the recipient's language (processes/i18n/LANG.json), read once a
        // minute at most.
        json tr;
        if (!lang.empty() && store) {
          auto& cached = translations[lang];
          const auto now = std::chrono::steady_clock::now();
          if (cached.first.time_since_epoch().count() == 0 ||
              now - cached.first > std::chrono::minutes(1)) {
            auto row = store->form(std::string(forms::kTranslationPrefix) + lang);
            if (row) cached = {now, *row ? (*row)->schema : json()};
          }
          tr = cached.second;
        }
        const auto el = [&](const char* field, const std::string& original) {
          return mail_text(
              tr, forms::translated_element(tr, task.process_id, task.element_id, field, ""),
              original);
        };
        json data = {
            {"name", r.name.empty() ? r.user : r.name},
            {"task", el("name", task.name)},
            {"process", forms::translated_process(tr, task.process_id, "name", task.process_name)},
            {"documentation", el("documentation", task.documentation)},
            {"link", o.tasklist_url + "#task/" + std::to_string(task.key)},
            {"caseLine", task.business_key.empty()
                             ? ""
                             : std::string("\n") + label(lang, "Case", "Ärende", "Sak") + ": " +
                                   task.business_key},
            {"dueLine", task.due.empty()
                            ? ""
                            : std::string("\n") + label(lang, "Due", "Förfaller", "Frist") + ": " +
                                  readable_date(task.due, lang)},
            {"taskKey", task.key},
            {"user", r.user}};
        json input = {{"to", r.email},
                      {"subject", o.templates.value("subject", std::string(w.subject))},
                      {"body", o.templates.value("body", std::string(w.body))},
                      {"data", data}};
        auto out = send(*o.mail, input, "elva-task-" + std::to_string(task.key) + "-" + r.user);
        if (out.kind == connector::Outcome::Kind::Retry) retry = true;
        if (out.kind != connector::Outcome::Kind::Completed) {
          log("task prompt for task " + std::to_string(task.key) + " to " + r.user +
              " not sent: " + out.message);
        }
      }
      if (retry && ++failures[task.key] < 5 && store) {
        (void)store->release_task_prompt(task.key);  // tried again next round
      } else {
        failures.erase(task.key);
      }
    }
    if (!batch.empty() && static_cast<int>(batch.size()) == 20) continue;
    for (std::int64_t waited = 0; waited < o.poll_ms && !(o.stop && o.stop->load()); waited += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace elva::sched
