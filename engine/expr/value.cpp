// FEEL values: text forms, JSON conversion, equality and ordering.
#include "expr/value.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "expr/budget.hpp"
#include "expr/number.hpp"
#include "expr/time_zone.hpp"

namespace elva::expr {

std::string decimal_to_string(const Decimal& value) {
  if (value.is_zero() || !boost::multiprecision::isfinite(value)) return "0";
  // Fixed notation with 34 significant digits: as many decimals as the magnitude leaves.
  const long long order = value.backend().order();  // floor(log10(|value|))
  const long long decimals = order >= 33 ? 0 : 33 - order;
  std::string s = value.str(static_cast<std::streamsize>(decimals), std::ios_base::fixed);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::optional<Decimal> decimal_from_string(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  bool digits = false, dot = false, nonzero = false;
  long long exponent = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
      nonzero |= c != '0';
    } else if (c == '.' && !dot) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits) {
      ++i;
      const bool negative = i < text.size() && text[i] == '-';
      if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
      if (i >= text.size()) return std::nullopt;
      for (; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        if (exponent < 1'000'000'000) exponent = exponent * 10 + (text[i] - '0');
      }
      if (negative) exponent = -exponent;
      break;
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  if (!nonzero) return Decimal(0);
  // Exponents far outside decimal128 (Boost.Multiprecision throws on some): the digits alone
  // cannot bring such a number back into range (the text is at most a few MiB long).
  if (exponent > 100'000'000) return std::nullopt;
  if (exponent < -100'000'000) return Decimal(0);
  try {
    const Value v{Decimal{std::string(text)}};  // range-checked
    if (const auto* d = v.get<Decimal>()) return *d;
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

namespace {
std::string two(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02u", v);
  return b;
}
}  // namespace

std::string date_to_string(Date d) {
  std::int64_t y;
  unsigned m, day;
  civil_from_days(d.days, y, m, day);
  char b[40];
  std::snprintf(b, sizeof b, "%s%04lld-%02u-%02u", y < 0 ? "-" : "",
                static_cast<long long>(y < 0 ? -y : y), m, day);
  return b;
}

namespace {
std::string offset_text(std::int32_t offset_seconds) {
  if (offset_seconds == 0) return "Z";
  const std::int32_t off = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  std::string out = std::string(offset_seconds < 0 ? "-" : "+") +
                    two(static_cast<unsigned>(off / 3600)) + ":" +
                    two(static_cast<unsigned>(off / 60 % 60));
  if (off % 60) out += ":" + two(static_cast<unsigned>(off % 60));
  return out;
}
}  // namespace

std::string date_time_to_string(DateTime dt) {
  const std::int64_t day_ms = 86'400'000;
  const std::int64_t local = local_millis(dt);
  std::int64_t days = local / day_ms, rest = local % day_ms;
  if (rest < 0) {
    rest += day_ms;
    --days;
  }
  std::string out = date_to_string(Date{days}) + "T" +
                    two(static_cast<unsigned>(rest / 3'600'000)) + ":" +
                    two(static_cast<unsigned>(rest / 60'000 % 60)) + ":" +
                    two(static_cast<unsigned>(rest / 1000 % 60));
  if (rest % 1000) {
    char b[8];
    std::snprintf(b, sizeof b, ".%03u", static_cast<unsigned>(rest % 1000));
    out += b;
  }
  if (!dt.has_zone) return out;
  if (dt.zone) return out + "@" + *dt.zone;
  return out + offset_text(dt.offset_seconds);
}

DateTime in_zone_of(std::int64_t utc, const DateTime& like) {
  DateTime out{utc, like.has_zone, like.offset_seconds, like.zone};
  if (like.zone) out.offset_seconds = zone_offset_at(*like.zone, utc).value_or(like.offset_seconds);
  return out;
}

DateTime local_in_zone_of(std::int64_t local, const DateTime& like) {
  if (!like.has_zone) return DateTime{local, false, 0, nullptr};
  std::int32_t offset = like.offset_seconds;
  if (!like.zone) return DateTime{local - std::int64_t{offset} * 1000, true, offset, nullptr};
  // In a gap (02:30 on the spring DST day) the offset before it is used, and the result shows
  // the zone's offset at that instant (03:30), as java.time does.
  offset = zone_offset_for_local(*like.zone, local).value_or(offset);
  return in_zone_of(local - std::int64_t{offset} * 1000, like);
}

std::string duration_to_string(DayTimeDuration d) {
  std::string out = d.millis < 0 ? "-P" : "P";
  // The magnitude as unsigned: -INT64_MIN does not fit an int64.
  const std::uint64_t ms = d.millis < 0 ? 0 - static_cast<std::uint64_t>(d.millis)
                                        : static_cast<std::uint64_t>(d.millis);
  const std::uint64_t days = ms / 86'400'000, h = ms / 3'600'000 % 24, m = ms / 60'000 % 60,
                      s = ms / 1000 % 60, frac = ms % 1000;
  if (days) out += std::to_string(days) + "D";
  if (h || m || s || frac || !days) {
    out += "T";
    if (h) out += std::to_string(h) + "H";
    if (m) out += std::to_string(m) + "M";
    if (s || frac || (!h && !m)) {
      out += std::to_string(s);
      if (frac) {
        char b[8];
        std::snprintf(b, sizeof b, ".%03llu", static_cast<unsigned long long>(frac));
        out += b;
        while (out.back() == '0') out.pop_back();
      }
      out += "S";
    }
  }
  return out;
}

std::string duration_to_string(YearMonthDuration d) {
  std::string out = d.months < 0 ? "-P" : "P";
  const std::uint64_t m = d.months < 0 ? 0 - static_cast<std::uint64_t>(d.months)
                                       : static_cast<std::uint64_t>(d.months);
  if (m / 12) out += std::to_string(m / 12) + "Y";
  if (m % 12 || m == 0) out += std::to_string(m % 12) + "M";
  return out;
}

std::string time_to_string(Time t) {
  std::string out = two(static_cast<unsigned>(t.millis / 3'600'000)) + ":" +
                    two(static_cast<unsigned>(t.millis / 60'000 % 60)) + ":" +
                    two(static_cast<unsigned>(t.millis / 1000 % 60));
  if (t.millis % 1000) {
    char b[16];
    std::snprintf(b, sizeof b, ".%03u", static_cast<unsigned>(t.millis % 1000));
    out += b;
  }
  if (!t.has_zone) return out;
  if (t.zone) return out + "@" + *t.zone;
  return out + offset_text(t.offset_seconds);
}

std::optional<Time> time_from_string(std::string_view s) {
  auto digits = [&](std::size_t at, std::size_t n) -> std::optional<unsigned> {
    if (at + n > s.size()) return std::nullopt;
    unsigned v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  auto h = digits(0, 2), m = digits(3, 2);
  if (!h || !m || s.size() < 5 || s[2] != ':' || *h > 23 || *m > 59) return std::nullopt;
  Time t;
  t.millis = (*h * 3600LL + *m * 60LL) * 1000;
  std::size_t i = 5;
  if (i < s.size() && s[i] == ':') {
    auto sec = digits(i + 1, 2);
    if (!sec || *sec > 59) return std::nullopt;
    t.millis += *sec * 1000LL;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      std::int64_t frac = 0, scale = 100;
      const std::size_t from = i;
      for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10)
        frac += (s[i] - '0') * scale;
      if (i == from) return std::nullopt;
      t.millis += frac;
    }
  }
  if (i == s.size()) return t;
  t.has_zone = true;
  if (s[i] == 'Z' && i + 1 == s.size()) return t;
  if ((s[i] == '+' || s[i] == '-') && s.size() == i + 6 && s[i + 3] == ':') {
    auto oh = digits(i + 1, 2), om = digits(i + 4, 2);
    if (!oh || !om || *oh > 14 || *om > 59) return std::nullopt;
    t.offset_seconds = static_cast<std::int32_t>((*oh * 60 + *om) * 60) * (s[i] == '-' ? -1 : 1);
    return t;
  }
  if (s[i] == '@') {  // a zone id: its offset on 1970-01-01 (a time has no date to fix it)
    const std::string_view id = s.substr(i + 1);
    auto off = zone_offset_for_local(id, t.millis);
    if (!off) return std::nullopt;
    t.offset_seconds = *off;
    t.zone = std::make_shared<const std::string>(id);
    return t;
  }
  return std::nullopt;
}

std::optional<DateTime> date_time_from_text(std::string_view s) {
  // The date: [-]YYYY[Y...]-MM-DD.
  std::size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  const std::size_t year_from = i;
  std::int64_t year = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - year_from < 9)
    year = year * 10 + (s[i++] - '0');
  if (i - year_from < 4 || (i - year_from > 4 && s[year_from] == '0')) return std::nullopt;
  if (year_from) year = -year;
  auto two_digits = [&](std::size_t at) -> int {
    if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9')
      return -1;
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
  };
  if (i + 6 > s.size() || s[i] != '-' || s[i + 3] != '-') return std::nullopt;
  const int month = two_digits(i + 1), day = two_digits(i + 4);
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  std::int64_t cy;
  unsigned cm, cd;
  civil_from_days(days, cy, cm, cd);
  if (cy != year || static_cast<int>(cm) != month || static_cast<int>(cd) != day)
    return std::nullopt;  // 2023-02-29
  i += 6;
  // Zoned values stay within ±2^62 ms (about 146 million years), so that moving one by its
  // offset never overflows.
  const auto start = checked_mul(days, 86'400'000);
  if (!start || *start > (std::int64_t{1} << 62) || *start < -(std::int64_t{1} << 62))
    return std::nullopt;
  const std::int64_t midnight = *start;
  if (i == s.size()) return DateTime{midnight, false, 0, nullptr};
  if (s[i] != 'T') return std::nullopt;
  const std::string_view clock = s.substr(i + 1);
  if (clock.size() >= 8 && clock.compare(0, 8, "24:00:00") == 0 &&
      (clock.size() == 8 || clock[8] != '.')) {  // the end of the day: midnight of the next
    auto t = time_from_string(std::string("00:00:00") + std::string(clock.substr(8)));
    if (!t) return std::nullopt;
    DateTime like{0, t->has_zone, t->offset_seconds, t->zone};
    return local_in_zone_of(midnight + 86'400'000, like);
  }
  auto t = time_from_string(clock);
  if (!t || clock.size() < 8 || clock[5] != ':') return std::nullopt;
  DateTime like{0, t->has_zone, t->offset_seconds, t->zone};
  return local_in_zone_of(midnight + t->millis, like);
}

std::string Value::type_name() const {
  static const char* names[] = {"Null",
                                "boolean",
                                "number",
                                "string",
                                "date",
                                "date and time",
                                "days and time duration",
                                "years and months duration",
                                "list",
                                "context",
                                "range",
                                "time",
                                "function"};
  if (auto* dt = get<DateTime>(); dt) return "date and time";
  return names[data_.index()];
}

namespace {

std::uint32_t depth_of(const List& l) {
  std::uint32_t d = 0;
  for (const auto& v : l) d = std::max(d, v.depth());
  return d + 1;
}

std::uint32_t depth_of(const Context& c) {
  std::uint32_t d = 0;
  for (const auto& [k, v] : c) d = std::max(d, v.depth());
  return d + 1;
}

// Text for JSON: nlohmann refuses to write invalid UTF-8, so bad bytes become U+FFFD.
std::string utf8_or_replaced(const std::string& s) {
  auto valid_at = [&](std::size_t i, std::size_t& len) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      len = 1;
      return true;
    }
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else
      return false;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto n = static_cast<unsigned char>(s[i + k]);
      if ((n & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (n & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;                          // overlong, too large
    return !(cp >= 0xD800 && cp <= 0xDFFF);  // surrogates are not characters
  };
  std::size_t i = 0, len = 0;
  while (i < s.size() && valid_at(i, len)) i += len;
  if (i == s.size()) return s;
  std::string out = s.substr(0, i);
  while (i < s.size()) {
    if (valid_at(i, len)) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

nlohmann::json number_json(const Decimal& d) {
  static const Decimal int_limit(std::int64_t{1} << 62);
  if (!boost::multiprecision::isfinite(d)) return nullptr;
  if (boost::multiprecision::abs(d) < int_limit && boost::multiprecision::floor(d) == d)
    return d.convert_to<std::int64_t>();
  // The nearest double (nlohmann writes the shortest text that reads back as it); beyond the
  // range of a double JSON has no number, so null.
  const std::string text = d.str(36, std::ios_base::scientific);
  const double x = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(x)) return nullptr;
  return x;
}

}  // namespace

Value::Value(Decimal d) {
  static const Decimal smallest("1e-6176");
  if (!representable(d)) return;                                        // null
  if (!d.is_zero() && boost::multiprecision::abs(d) < smallest) d = 0;  // underflow
  data_ = std::move(d);
}

Value::Value(List l) : depth_(depth_of(l)) { data_ = std::make_shared<const List>(std::move(l)); }
Value::Value(Context c) : depth_(depth_of(c)) {
  data_ = std::make_shared<const Context>(std::move(c));
}
Value::Value(std::shared_ptr<const Range> r)
    : depth_(r ? std::max(r->start.depth(), r->end.depth()) + 1 : 0) {
  if (r) data_ = std::move(r);
}
Value::Value(std::shared_ptr<const Function> f) : depth_(f ? depth_of(f->closure) : 0) {
  if (f) data_ = std::move(f);
}

std::string Value::to_string() const {
  // Shared parts of a value are written out each time they occur; the budget bounds that.
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const Decimal& d) const { return decimal_to_string(d); }
    std::string operator()(const std::string& s) const {
      spend_text(s.size());
      return nlohmann::json(utf8_or_replaced(s)).dump();
    }
    std::string operator()(Date d) const { return "date(\"" + date_to_string(d) + "\")"; }
    std::string operator()(DateTime d) const {
      return "date and time(\"" + date_time_to_string(d) + "\")";
    }
    std::string operator()(DayTimeDuration d) const {
      return "duration(\"" + duration_to_string(d) + "\")";
    }
    std::string operator()(YearMonthDuration d) const {
      return "duration(\"" + duration_to_string(d) + "\")";
    }
    std::string operator()(const std::shared_ptr<const List>& l) const {
      std::string out = "[";
      for (std::size_t i = 0; i < l->size(); ++i) {
        if (!spend() || !fits_text(out.size())) return out;
        out += (i ? ", " : "") + (*l)[i].to_string();
      }
      return out + "]";
    }
    std::string operator()(const std::shared_ptr<const Context>& c) const {
      std::string out = "{";
      for (std::size_t i = 0; i < c->size(); ++i) {
        if (!spend() || !fits_text(out.size())) return out;
        out += (i ? ", " : "") + (*c)[i].first + ": " + (*c)[i].second.to_string();
      }
      return out + "}";
    }
    std::string operator()(const std::shared_ptr<const Range>& r) const {
      return std::string(r->start_included ? "[" : "(") + r->start.to_string() + ".." +
             r->end.to_string() + (r->end_included ? "]" : ")");
    }
    std::string operator()(Time t) const { return "time(\"" + time_to_string(t) + "\")"; }
    std::string operator()(const std::shared_ptr<const Function>& f) const {
      std::string out = "function(";
      for (std::size_t i = 0; i < f->params.size(); ++i) out += (i ? ", " : "") + f->params[i];
      return out + ")";
    }
  };
  return std::visit(Visitor{}, data_);
}

Value Value::from_json(const nlohmann::json& j) { return from_json(j, 0); }

Value Value::from_json(const nlohmann::json& j, std::uint32_t depth) {
  switch (j.type()) {
    case nlohmann::json::value_t::boolean:
      return Value(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value(Decimal(j.get<std::int64_t>()));
    case nlohmann::json::value_t::number_unsigned:
      return Value(Decimal(j.get<std::uint64_t>()));
    case nlohmann::json::value_t::number_float: {
      auto d = decimal_from_string(j.dump());  // the shortest text of the double: 0.1 stays 0.1
      return d ? Value(*d) : Value();          // NaN and infinities (never parsed, only built)
    }
    case nlohmann::json::value_t::string:
      return Value(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      if (depth >= kMaxValueDepth) return Value();
      List list;
      list.reserve(j.size());
      for (const auto& item : j) list.push_back(from_json(item, depth + 1));
      return Value(std::move(list));
    }
    case nlohmann::json::value_t::object: {
      if (depth >= kMaxValueDepth) return Value();
      Context ctx;
      ctx.reserve(j.size());
      for (auto it = j.begin(); it != j.end(); ++it)
        ctx.emplace_back(it.key(), from_json(it.value(), depth + 1));
      return Value(std::move(ctx));
    }
    default:
      return Value();
  }
}

nlohmann::json Value::to_json() const {
  struct Visitor {
    nlohmann::json operator()(std::monostate) const { return nullptr; }
    nlohmann::json operator()(bool b) const { return b; }
    nlohmann::json operator()(const Decimal& d) const { return number_json(d); }
    nlohmann::json operator()(const std::string& s) const { return utf8_or_replaced(s); }
    nlohmann::json operator()(Date d) const { return date_to_string(d); }
    nlohmann::json operator()(DateTime d) const { return date_time_to_string(d); }
    nlohmann::json operator()(DayTimeDuration d) const { return duration_to_string(d); }
    nlohmann::json operator()(YearMonthDuration d) const { return duration_to_string(d); }
    nlohmann::json operator()(const std::shared_ptr<const List>& l) const {
      auto out = nlohmann::json::array();
      for (const auto& v : *l) out.push_back(v.to_json());
      return out;
    }
    nlohmann::json operator()(const std::shared_ptr<const Context>& c) const {
      auto out = nlohmann::json::object();
      for (const auto& [k, v] : *c) out[utf8_or_replaced(k)] = v.to_json();
      return out;
    }
    nlohmann::json operator()(const std::shared_ptr<const Range>& r) const {
      return {{"start", r->start.to_json()},
              {"end", r->end.to_json()},
              {"startIncluded", r->start_included},
              {"endIncluded", r->end_included}};
    }
    nlohmann::json operator()(Time t) const { return time_to_string(t); }
    nlohmann::json operator()(const std::shared_ptr<const Function>&) const {
      return nullptr;
    }  // not data
  };
  return std::visit(Visitor{}, data_);
}

bool equal(const Value& a, const Value& b) {
  if (a.data().index() != b.data().index()) return false;
  if (const auto* la = a.list()) {
    const auto* lb = b.list();
    if (la->size() != lb->size()) return false;
    for (std::size_t i = 0; i < la->size(); ++i) {
      if (!spend() || !equal((*la)[i], (*lb)[i])) return false;
    }
    return true;
  }
  if (const auto* ca = a.context()) {
    const auto* cb = b.context();
    if (ca->size() != cb->size()) return false;
    for (std::size_t i = 0; i < ca->size(); ++i) {
      const auto& [k, v] = (*ca)[i];
      if (!spend()) return false;
      if ((*cb)[i].first == k) {  // usually the entries come in the same order
        if (!equal(v, (*cb)[i].second)) return false;
        continue;
      }
      bool found = false;
      for (const auto& [k2, v2] : *cb) {
        if (!spend()) return false;
        if (k == k2) {
          found = equal(v, v2);
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
  if (a.range() || a.function()) return false;
  if (const auto* ta = a.get<Time>()) {
    const auto* tb = b.get<Time>();
    if (ta->has_zone != tb->has_zone) return false;
    return ta->has_zone ? time_utc_millis(*ta) == time_utc_millis(*tb) : ta->millis == tb->millis;
  }
  if (const auto* sa = a.get<std::string>()) {
    const auto* sb = b.get<std::string>();
    return sa->size() == sb->size() && spend_text(sa->size()) && *sa == *sb;
  }
  return a.data() == b.data();
}

bool identical(const Value& a, const Value& b) {
  if (a.data().index() != b.data().index()) return false;
  if (const auto* x = a.get<DateTime>()) {
    const auto* y = b.get<DateTime>();
    const bool same_zone = (!x->zone && !y->zone) || (x->zone && y->zone && *x->zone == *y->zone);
    return *x == *y && x->offset_seconds == y->offset_seconds && same_zone;
  }
  if (const auto* x = a.get<Time>()) {
    const auto* y = b.get<Time>();
    const bool same_zone = (!x->zone && !y->zone) || (x->zone && y->zone && *x->zone == *y->zone);
    return *x == *y && same_zone;
  }
  return equal(a, b);
}

std::optional<int> compare(const Value& a, const Value& b) {
  auto cmp = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (a.data().index() != b.data().index()) return std::nullopt;
  if (auto* x = a.get<Decimal>()) return cmp(*x, *b.get<Decimal>());
  if (auto* x = a.get<std::string>()) return cmp(*x, *b.get<std::string>());
  if (auto* x = a.get<Date>()) return cmp(x->days, b.get<Date>()->days);
  if (auto* x = a.get<DateTime>()) return cmp(x->millis, b.get<DateTime>()->millis);
  if (auto* x = a.get<DayTimeDuration>()) return cmp(x->millis, b.get<DayTimeDuration>()->millis);
  if (auto* x = a.get<YearMonthDuration>())
    return cmp(x->months, b.get<YearMonthDuration>()->months);
  if (auto* x = a.get<Time>()) {
    const auto* y = b.get<Time>();
    if (x->has_zone != y->has_zone) return std::nullopt;  // a local time is no instant
    return x->has_zone ? cmp(time_utc_millis(*x), time_utc_millis(*y)) : cmp(x->millis, y->millis);
  }
  return std::nullopt;
}

}  // namespace elva::expr
