// parse_json (elva/json_limits.hpp): nlohmann's SAX parser (iterative) feeding a value builder
// that counts depth, values and text lengths and stops at the first limit.
#include "elva/json_limits.hpp"

#include <optional>
#include <string>
#include <vector>

namespace elva {
namespace {

using nlohmann::json;

class LimitedBuilder : public nlohmann::json_sax<json> {
 public:
  LimitedBuilder(const JsonLimits& limits, std::string_view what) : limits_(limits), what_(what) {}

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool b) override { return add(json(b)); }
  bool number_integer(number_integer_t n) override { return add(json(n)); }
  bool number_unsigned(number_unsigned_t n) override { return add(json(n)); }
  bool number_float(number_float_t n, const string_t&) override { return add(json(n)); }
  bool string(string_t& s) override { return text(s) && add(json(std::move(s))); }
  bool binary(binary_t&) override { return add(json()); }  // not produced by the JSON reader
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (!text(k)) return false;
    key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    // Never the token itself: it is the sender's data.
    if (ex.id == 406)
      return stop(std::string(what_) + " holds a number outside the range of a double", "");
    return stop(
        std::string(what_) + " is not valid JSON (at byte " + std::to_string(position) + ")", "");
  }

  Result<json> finish() {
    if (error_) return fail(std::move(*error_));
    return std::move(root_);
  }

 private:
  bool stop(std::string message, const char* limit) {
    if (!error_) {
      error_ = Error{Errc::InvalidArgument, std::move(message), {}};
      if (*limit) error_->with("limit", limit);
    }
    return false;
  }

  bool text(const string_t& s) {
    if (s.size() <= limits_.max_string_bytes) return true;
    return stop(std::string(what_) + " has a text longer than " +
                    std::to_string(limits_.max_string_bytes) + " bytes",
                "max_string_bytes");
  }

  // Places `v` in the value being built; a pointer to where it now lives (stable: parents that
  // are still open never move, only finished siblings do).
  json* place(json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.get_ref<json::array_t&>().push_back(std::move(v));
      return &parent.get_ref<json::array_t&>().back();
    }
    json& slot = parent.get_ref<json::object_t&>()[key_];
    slot = std::move(v);
    return &slot;
  }

  bool add(json v) {
    if (++values_ > limits_.max_values) {
      return stop(
          std::string(what_) + " has more than " + std::to_string(limits_.max_values) + " values",
          "max_values");
    }
    place(std::move(v));
    return true;
  }

  bool open(json container) {
    if (stack_.size() + 1 > limits_.max_depth) {
      return stop(std::string(what_) + " nests arrays and objects deeper than " +
                      std::to_string(limits_.max_depth) + " levels",
                  "max_depth");
    }
    if (++values_ > limits_.max_values) {
      return stop(
          std::string(what_) + " has more than " + std::to_string(limits_.max_values) + " values",
          "max_values");
    }
    stack_.push_back(place(std::move(container)));
    return true;
  }

  bool close() {
    if (!stack_.empty()) stack_.pop_back();
    return true;
  }

  const JsonLimits& limits_;
  std::string_view what_;
  json root_;
  std::vector<json*> stack_;
  std::string key_;
  std::size_t values_ = 0;
  std::optional<Error> error_;
};

}  // namespace

Result<json> parse_json(std::string_view text, const JsonLimits& limits, std::string_view what) {
  if (text.size() > limits.max_bytes) {
    Error e{Errc::InvalidArgument,
            std::string(what) + " is larger than " + std::to_string(limits.max_bytes) + " bytes",
            {}};
    return fail(std::move(e).with("limit", "max_bytes"));
  }
  LimitedBuilder builder(limits, what);
  // strict: nothing may follow the value. The SAX reader reports errors to the builder; with it,
  // nlohmann throws nothing.
  const bool ok = json::sax_parse(text.begin(), text.end(), &builder,
                                  nlohmann::json::input_format_t::json, true, limits.comments);
  auto out = builder.finish();
  if (!ok && out) return fail(Errc::InvalidArgument, std::string(what) + " is not valid JSON");
  return out;
}

}  // namespace elva
