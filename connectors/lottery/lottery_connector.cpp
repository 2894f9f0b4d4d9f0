// The `lottery` connector (lottery_connector.hpp) and the draw itself (connectors.hpp).
//
// The draw: each applicant's ticket is SHA-256("<seed>:<applicant id>") in hex; applicants are
// ranked by ticket, lowest first (ties, which need a SHA-256 collision, by id). Nothing else goes
// in: not the order applications arrived, not the time, not a random number generator. The same
// seed and the same applicants give the same ranking on any machine, so once the seed is
// published anyone can re-run it: `elva lottery draw --seed SEED --applicants FILE`.
#include "lottery/lottery_connector.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>

#include "elva/connectors.hpp"

namespace elva::connectors {
namespace {

using connector::Outcome;
using nlohmann::json;

std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string out;
  char hex[3];
  for (unsigned char b : digest) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    out += hex;
  }
  return out;
}

class LotteryConnector final : public connector::Connector {
 public:
  explicit LotteryConnector(Settings s) : s_(std::move(s)) {}
  const std::string& name() const override { return s_.name; }
  std::string kind() const override { return "lottery"; }
  std::vector<connector::Operation> operations() const override {
    return {{"draw",
             "Ranks applicants by SHA-256(seed:id); the first `positions` win, the rest are the "
             "waiting list in order",
             {{"applicants", true, "list of applicant ids (or objects with an id)"},
              {"seed", true, "the published seed"},
              {"positions", false, "how many win (default: all ranked, no winners)"}},
             {{"ranking", false, "all ids, in order"},
              {"winners", false, ""},
              {"waitingList", false, ""},
              {"tickets", false, "id -> ticket (hex)"},
              {"seedHash", false, "SHA-256 of the seed"},
              {"method", false, ""}}}};
  }
  void invoke(connector::Invocation call, connector::Completion done) override {
    const json& in = call.input;
    if (!in.contains("seed") || !in["seed"].is_string() || in["seed"].get<std::string>().empty()) {
      return done(Outcome::fail("lottery.draw needs the published seed (a non-empty text)"));
    }
    if (!in.contains("applicants") || !in["applicants"].is_array())
      return done(Outcome::fail("lottery.draw needs applicants (a list)"));
    // A whole number of winners; "" or null (an empty field in a modeler) is none.
    const json positions = in.contains("positions") ? in["positions"] : json();
    int winners = 0;
    if (positions.is_number_integer() && positions.get<std::int64_t>() >= 0 &&
        positions.get<std::int64_t>() <= 1'000'000)
      winners = positions.get<int>();
    else if (positions.is_number_float() && positions.get<double>() >= 0 &&
             positions.get<double>() <= 1e6 &&
             positions.get<double>() ==
                 static_cast<double>(static_cast<int>(positions.get<double>())))
      winners = static_cast<int>(positions.get<double>());
    else if (!positions.is_null() &&
             !(positions.is_string() && positions.get<std::string>().empty()))
      return done(Outcome::fail("lottery.draw: positions must be a whole number from 0"));
    auto r = lottery_draw(in["seed"], in["applicants"], winners);
    if (!r) return done(Outcome::fail(r.error().message));
    done(Outcome::completed(*r));
  }

 private:
  Settings s_;
};

}  // namespace

Result<json> lottery_draw(const std::string& seed, const json& applicants, int positions) {
  std::vector<std::pair<std::string, std::string>> tickets;  // ticket, id
  json by_id = json::object();
  for (const auto& a : applicants) {
    std::string id;
    if (a.is_string())
      id = a.get<std::string>();
    else if (a.is_number_integer())
      id = std::to_string(a.get<long long>());
    else if (a.is_object() && a.contains("id"))
      id = a["id"].is_string() ? a["id"].get<std::string>() : a["id"].dump();
    if (id.empty())
      return fail(Errc::InvalidArgument, "every applicant needs an id; got " + a.dump());
    if (by_id.contains(id))
      return fail(Errc::InvalidArgument, "applicant " + id + " is listed twice");
    const std::string ticket = sha256_hex(seed + ":" + id);
    by_id[id] = ticket;
    tickets.emplace_back(ticket, id);
  }
  std::sort(tickets.begin(), tickets.end());
  json ranking = json::array(), winners = json::array(), waiting = json::array();
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    ranking.push_back(tickets[i].second);
    (static_cast<int>(i) < positions ? winners : waiting).push_back(tickets[i].second);
  }
  return json{
      {"ranking", ranking},           {"winners", winners},
      {"waitingList", waiting},       {"tickets", by_id},
      {"seedHash", sha256_hex(seed)}, {"method", "rank by SHA-256(\"<seed>:<id>\"), lowest first"}};
}

Result<std::shared_ptr<connector::Connector>> make_lottery_connector(const Settings& s) {
  return std::shared_ptr<connector::Connector>(std::make_shared<LotteryConnector>(s));
}

}  // namespace elva::connectors
