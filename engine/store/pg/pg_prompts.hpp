// The store's queries for task prompts (migration 011, docs/api.md#mail): which mails are
// due, to whom, and each user's own choices. Called by PgStore inside its transactions.
#pragma once

#include <pqxx/pqxx>

#include "store/pg/pg_store.hpp"

namespace elva::store::prompts {

std::vector<TaskPrompt> claim(pqxx::transaction_base& t, int limit, const PromptPolicy& policy);
void retry(pqxx::transaction_base& t, Key key, const std::string& kind, const std::string& user,
           int attempts);
std::vector<Digest> claim_digests(pqxx::transaction_base& t, int limit, const PromptPolicy& policy);
PromptSettings settings(pqxx::transaction_base& t, const std::string& user);
// false: the database knows no such time zone (nothing is stored).
bool set_settings(pqxx::transaction_base& t, const std::string& user, const PromptSettings& s);

}  // namespace elva::store::prompts
