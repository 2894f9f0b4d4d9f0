// The prompter (prompter.hpp).
#include "sched/prompter.hpp"

#include <chrono>
#include <future>
#include <map>
#include <thread>

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
        const std::string lang = built_in().count(r.locale) ? r.locale : "en";
        const Words& w = built_in().at(lang);
        json data = {{"name", r.name.empty() ? r.user : r.name},
                     {"task", task.name},
                     {"process", task.process_name},
                     {"documentation", task.documentation},
                     {"link", o.tasklist_url + "#task/" + std::to_string(task.key)},
                     {"caseLine", task.business_key.empty()
                                      ? ""
                                      : std::string("\n") + label(lang, "Case", "Ärende", "Sak") +
                                            ": " + task.business_key},
                     {"dueLine", task.due.empty() ? ""
                                                  : std::string("\n") +
                                                        label(lang, "Due", "Förfaller", "Frist") +
                                                        ": " + task.due},
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
