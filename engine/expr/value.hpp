// FEEL values: null, boolean, number (34-digit decimal, so 0.1 + 0.2 = 0.3), string, date,
// date-time, the two duration kinds, list, context and range. Variables come in as JSON and
// results go out as JSON (dates and durations as their ISO strings).
#pragma once

#include <boost/multiprecision/cpp_dec_float.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/iso8601.hpp"

namespace elva::expr {

using Decimal = boost::multiprecision::number<boost::multiprecision::cpp_dec_float<34>,
                                              boost::multiprecision::et_off>;

struct Date {
  std::int64_t days = 0;  // since 1970-01-01
  bool operator==(const Date&) const = default;
};
// A zone given by its IANA id ("Europe/Stockholm"); shared, as many values carry the same one.
using ZoneId = std::shared_ptr<const std::string>;

struct DateTime {
  std::int64_t millis = 0;  // since the epoch; UTC when has_zone, else local wall time
  bool has_zone = false;
  std::int32_t offset_seconds = 0;  // when has_zone: the offset it was written with
  ZoneId zone;  // when it was written with a zone id (then offset is its offset)
  // FEEL `=`: the same instant (or the same local time). `is()` also compares offsets and zones.
  bool operator==(const DateTime& o) const { return millis == o.millis && has_zone == o.has_zone; }
};
struct DayTimeDuration {
  std::int64_t millis = 0;
  bool operator==(const DayTimeDuration&) const = default;
};
struct YearMonthDuration {
  std::int64_t months = 0;
  bool operator==(const YearMonthDuration&) const = default;
};
// A time of day; with an offset from UTC ("10:30:00+01:00", "...Z") or local ("10:30:00").
struct Time {
  std::int64_t millis = 0;  // since midnight, 0 .. 86'399'999
  bool has_zone = false;
  std::int32_t offset_seconds = 0;  // when has_zone
  ZoneId zone;                      // "10:00:00@Europe/Stockholm": offset is the zone's in 1970
  bool operator==(const Time& o) const {
    return millis == o.millis && has_zone == o.has_zone && offset_seconds == o.offset_seconds;
  }
};
struct Node;
// A user-defined function: `function(a, b) a + b`. It refers to the syntax tree of the
// expression that defined it, so it lives only while that expression is evaluated.
struct Function;

class Value;
using List = std::vector<Value>;
using Context = std::vector<std::pair<std::string, Value>>;  // insertion-ordered
struct Range;
struct Function {
  std::vector<std::string> params;
  const Node* body = nullptr;
  Context closure;  // the names bound where it was defined
};

class Value {
 public:
  using Data =
      std::variant<std::monostate, bool, Decimal, std::string, Date, DateTime, DayTimeDuration,
                   YearMonthDuration, std::shared_ptr<const List>, std::shared_ptr<const Context>,
                   std::shared_ptr<const Range>, Time, std::shared_ptr<const Function>>;
  Value() = default;
  Value(bool b) : data_(b) {}  // NOLINT
  // Null when `d` is not a FEEL number: not finite or beyond decimal128's range (number.hpp).
  Value(Decimal d);                                // NOLINT
  Value(int i) : data_(Decimal(i)) {}              // NOLINT
  Value(std::string s) : data_(std::move(s)) {}    // NOLINT
  Value(const char* s) : data_(std::string(s)) {}  // NOLINT
  Value(Date d) : data_(d) {}                      // NOLINT
  Value(DateTime d) : data_(d) {}                  // NOLINT
  Value(DayTimeDuration d) : data_(d) {}           // NOLINT
  Value(YearMonthDuration d) : data_(d) {}         // NOLINT
  Value(List l);                                   // NOLINT
  Value(Context c);                                // NOLINT
  Value(std::shared_ptr<const Range> r);           // NOLINT
  Value(Time t) : data_(t) {}                      // NOLINT
  Value(std::shared_ptr<const Function> f);        // NOLINT

  bool is_null() const { return data_.index() == 0; }
  template <typename T>
  const T* get() const {
    return std::get_if<T>(&data_);
  }
  const List* list() const {
    auto* p = get<std::shared_ptr<const List>>();
    return p ? p->get() : nullptr;
  }
  const Context* context() const {
    auto* p = get<std::shared_ptr<const Context>>();
    return p ? p->get() : nullptr;
  }
  const Range* range() const {
    auto* p = get<std::shared_ptr<const Range>>();
    return p ? p->get() : nullptr;
  }
  const Function* function() const {
    auto* p = get<std::shared_ptr<const Function>>();
    return p ? p->get() : nullptr;
  }
  const Data& data() const { return data_; }
  // How deeply lists, contexts, ranges and closures nest inside this value (0 for a scalar);
  // kept with the value, so checking it costs nothing (kMaxValueDepth).
  std::uint32_t depth() const { return depth_; }

  // FEEL type name: "number", "string", "date and time", "days and time duration", ...
  std::string type_name() const;
  // FEEL-style text: strings quoted, lists [1, 2], contexts {a: 1}.
  std::string to_string() const;

  // Never throws. JSON nested deeper than kMaxValueDepth becomes null there.
  static Value from_json(const nlohmann::json& json);
  // Never throws: a number outside the range of a double becomes null (JSON cannot hold it),
  // text that is not UTF-8 has the bad bytes replaced (U+FFFD), a function is null.
  nlohmann::json to_json() const;

 private:
  static Value from_json(const nlohmann::json& json, std::uint32_t depth);
  Data data_;
  std::uint32_t depth_ = 0;
};

// FEEL evaluation refuses to build values nested deeper than this (lists in lists, ...); every
// recursive walk over a value (equality, JSON, text) stays this shallow.
inline constexpr std::uint32_t kMaxValueDepth = 128;

struct Range {
  Value start;  // null: unbounded
  Value end;
  bool start_included = true;
  bool end_included = true;
};

// FEEL equality (null = null is true; values of different types are not equal).
bool equal(const Value& a, const Value& b);
// -1, 0, 1 for comparable values of one type; nullopt otherwise.
std::optional<int> compare(const Value& a, const Value& b);

// 34 significant digits, no exponent ("1000...0" for 10 ** 400).
std::string decimal_to_string(const Decimal& d);
// Digits with an optional sign, point and exponent; nullopt when that is not a FEEL number
// (also when it lies outside decimal128's range). Never throws.
std::optional<Decimal> decimal_from_string(std::string_view text);

std::string date_to_string(Date d);
std::string date_time_to_string(DateTime d);
std::string duration_to_string(DayTimeDuration d);
std::string duration_to_string(YearMonthDuration d);
std::string time_to_string(Time t);
// "10:30", "10:30:00", "10:30:00.5", with "Z", "+01:00" or "@Europe/Stockholm"; nullopt when it
// is not a time (or names an unknown zone).
std::optional<Time> time_from_string(std::string_view text);
// "2024-01-01T10:00:00" with an optional zone as above (or a date alone, at midnight); years
// may have more than four digits and a sign. nullopt when it is not a date-time.
std::optional<DateTime> date_time_from_text(std::string_view text);
// The wall-clock time a date-time shows (its UTC instant moved by its offset), in ms.
inline std::int64_t local_millis(const DateTime& d) {
  return d.has_zone ? d.millis + std::int64_t{d.offset_seconds} * 1000 : d.millis;
}
// A date-time at UTC instant `utc` in the zone (or at the offset) of `like`.
DateTime in_zone_of(std::int64_t utc, const DateTime& like);
// A date-time at wall time `local` in the zone (or at the offset) of `like`.
DateTime local_in_zone_of(std::int64_t local, const DateTime& like);
// FEEL is(): the same type and the same value, offsets and zones included.
bool identical(const Value& a, const Value& b);
// The instant a zoned time stands for, in ms since midnight UTC (for comparing zoned times).
inline std::int64_t time_utc_millis(Time t) {
  return t.millis - std::int64_t{t.offset_seconds} * 1000;
}
// Civil date helpers live in common/iso8601 (shared with the runtime's timers).
using iso8601::civil_from_days;
using iso8601::days_from_civil;

}  // namespace elva::expr
