// The schema migrations, compiled in from migrations/NNN_name.sql (in version order).
#pragma once

#include <string>
#include <vector>

namespace elva::store {

struct Migration {
  int version;
  std::string name;  // "001_initial"
  std::string sql;
};

const std::vector<Migration>& migrations();

}  // namespace elva::store
