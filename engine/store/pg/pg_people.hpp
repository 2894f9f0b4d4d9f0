// The store's queries for people: user tasks, users and tokens, forms, and external workers'
// job locks. Called by PgStore (pg_store.cpp) inside its transactions.
#pragma once

#include <pqxx/pqxx>

#include "store/pg/pg_store.hpp"

namespace elva::store::people {

TaskPage tasks(pqxx::transaction_base& t, const TaskQuery& q);
std::optional<TaskRow> task(pqxx::transaction_base& t, Key key);
std::optional<TaskRow> assign_task(pqxx::transaction_base& t, Key key, const std::string& assignee,
                                   int expected);

void upsert_users(pqxx::transaction_base& t, const std::vector<UserRow>& users);
std::optional<UserRow> user(pqxx::transaction_base& t, const std::string& id);
std::vector<UserRow> users(pqxx::transaction_base& t);
void insert_token(pqxx::transaction_base& t, const std::string& hash, const std::string& user_id,
                  const std::string& kind, const std::string& name, std::int64_t expires_ms);
std::optional<TokenRow> token(pqxx::transaction_base& t, const std::string& hash,
                              std::int64_t now_ms);
void delete_token(pqxx::transaction_base& t, const std::string& hash);
std::vector<TokenInfo> tokens(pqxx::transaction_base& t, const std::string& user_id,
                              std::int64_t now_ms);
bool revoke_token(pqxx::transaction_base& t, const std::string& id);

std::optional<FormRow> form(pqxx::transaction_base& t, const std::string& key);

std::optional<LockedJob> locked_job(pqxx::transaction_base& t, Key key);
bool relock_job(pqxx::transaction_base& t, Key key, const std::string& worker,
                std::int64_t lock_until, std::int64_t now);
bool unlock_job(pqxx::transaction_base& t, Key key);

}  // namespace elva::store::people
