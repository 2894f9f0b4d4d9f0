// Translations of process content: which files are translation files, what a file may hold
// (errors name the key), and how names, summaries and forms come out translated.
#include "forms/translations.hpp"

#include <catch2/catch.hpp>

using elva::forms::fill_translation;
using elva::forms::language_of;
using elva::forms::read_translations;
using elva::forms::translated_element;
using elva::forms::translated_form;
using elva::forms::translated_process;
using elva::forms::translated_summary_label;
using elva::forms::translation_language;
using nlohmann::json;

TEST_CASE("translation files are LANG.json in a folder named i18n", "[forms][translations]") {
  CHECK(translation_language("processes/i18n/sv.json") == "sv");
  CHECK(translation_language("/srv/kommun/i18n/nb.json") == "nb");
  CHECK(translation_language("i18n/se.json") == "se");
  CHECK(translation_language("x/i18n/en-GB.json") == "en-GB");
  CHECK(translation_language("processes/sv.json").empty());
  CHECK(translation_language("processes/i18n/swedish.json").empty());
  CHECK(translation_language("processes/i18n/SV.json").empty());
  CHECK(translation_language("processes/i18n/sv.form").empty());
  CHECK(translation_language("processes/xi18n/sv.json").empty());
  CHECK(translation_language("sv.json").empty());
}

TEST_CASE("the language a user reads in", "[forms][translations]") {
  CHECK(language_of("sv-SE") == "sv");
  CHECK(language_of("sv-SE,sv;q=0.9,en;q=0.8") == "sv");
  CHECK(language_of("nb") == "nb");
  CHECK(language_of("no") == "nb");
  CHECK(language_of("nn-NO") == "nb");
  CHECK(language_of("EN") == "en");
  CHECK(language_of("").empty());
  CHECK(language_of("*").empty());
}

TEST_CASE("a translation file holds texts only, where Elva translates", "[forms][translations]") {
  CHECK(read_translations(R"({"processes": {"p": {"name": "P", "elements": {"t": {"name": "T"}},
                              "summary": {"Unit": "Enhet"}}},
                              "forms": {"f": {"c": {"label": "L", "values": {"a": "A"}}}}})"));
  auto refused = [](const char* text) {
    auto r = read_translations(text);
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  CHECK_THAT(refused("[]"), Catch::Contains("must be a JSON object"));
  CHECK_THAT(refused(R"({"mail": {}})"), Catch::Contains("mail is not known"));
  CHECK_THAT(refused(R"({"processes": {"p": {"name": 3}}})"),
             Catch::Contains("processes.p.name must be a text"));
  CHECK_THAT(refused(R"({"processes": {"p": {"elements": {"t": {"assignee": "x"}}}}})"),
             Catch::Contains("processes.p.elements.t.assignee is not something Elva translates"));
  CHECK_THAT(refused(R"({"forms": {"f": {"c": {"values": {"a": 1}}}}})"),
             Catch::Contains("forms.f.c.values.a must be a text"));
  CHECK_THAT(refused(R"({"forms": {"f": {"c": {"validate": "x"}}}})"),
             Catch::Contains("forms.f.c.validate"));
  CHECK_THAT(refused("{nope"), Catch::Contains("JSON"));
}

TEST_CASE("names, summaries and forms come out translated, the rest as written",
          "[forms][translations]") {
  const json tr = *read_translations(R"({
    "processes": {"deviation": {"name": "Avvikelsehantering",
      "elements": {"investigate": {"name": "Utred {{unit}}"}},
      "summary": {"What happened": "Vad som hände"}}},
    "forms": {"report": {"f_cat": {"label": "Slag", "values": {"hse": "Arbetsmiljö", "1": "Ett"}},
                          "intro": {"text": "### Rapportera"}}}})");
  CHECK(translated_process(tr, "deviation", "name", "Deviation handling") == "Avvikelsehantering");
  CHECK(translated_process(tr, "deviation", "documentation", "Doc") == "Doc");
  CHECK(translated_process(tr, "other", "name", "Other") == "Other");
  CHECK(translated_element(tr, "deviation", "investigate", "name", "x") == "Utred {{unit}}");
  CHECK(translated_element(tr, "deviation", "close", "name", "Close") == "Close");
  CHECK(translated_summary_label(tr, "deviation", "What happened") == "Vad som hände");
  CHECK(translated_summary_label(tr, "deviation", "Unit") == "Unit");
  CHECK(translated_process(json(), "deviation", "name", "Deviation handling") ==
        "Deviation handling");

  const json schema = json::parse(R"({"id": "report", "components": [
    {"type": "text", "id": "intro", "text": "### Report"},
    {"type": "select", "id": "f_cat", "key": "category", "label": "Kind",
     "values": [{"label": "HSE", "value": "hse"}, {"label": "One", "value": 1},
                {"label": "Other", "value": "other"}]},
    {"type": "group", "id": "g", "components": [{"type": "textfield", "id": "f_cat", "label": "Inner"}]},
    {"type": "textfield", "id": "f_unit", "label": "Unit"}]})");
  const json out = translated_form(tr, "report", schema);
  CHECK(out["components"][0]["text"] == "### Rapportera");
  CHECK(out["components"][1]["label"] == "Slag");
  CHECK(out["components"][1]["key"] == "category");
  CHECK(out["components"][1]["values"][0] == json({{"label", "Arbetsmiljö"}, {"value", "hse"}}));
  CHECK(out["components"][1]["values"][1]["label"] == "Ett");
  CHECK(out["components"][1]["values"][2]["label"] == "Other");
  CHECK(out["components"][2]["components"][0]["label"] == "Slag");
  CHECK(out["components"][3]["label"] == "Unit");
  CHECK_FALSE(out["components"][1].contains("description"));  // only what the form has
  CHECK(translated_form(tr, "another", schema) == schema);
}

TEST_CASE("a translated name's {{...}} are filled from the instance's variables, or not at all",
          "[translations]") {
  const json vars = {{"employee", {{"givenName", "Åsa"}, {"familyName", "Öberg"}}}, {"fte", 80}};
  CHECK(fill_translation("Godkänn anställningen av {{employee.givenName}} {{employee.familyName}}",
                         vars) == "Godkänn anställningen av Åsa Öberg");
  CHECK(fill_translation("{{fte}} % ({{fte / 100}})", vars) == "80 % (0.8)");
  CHECK(fill_translation("Inga mallar", vars) == "Inga mallar");
  // A value the instance does not have: the caller keeps the name as written in the process.
  CHECK_FALSE(fill_translation("Godkänn {{employee.nickname}}", vars));
  CHECK_FALSE(fill_translation("Godkänn {{employee.(}}", vars));
  CHECK_FALSE(fill_translation("Godkänn {{employee.givenName}}", json()));
  CHECK(fill_translation("Ett {{ oavslutat", vars) == "Ett {{ oavslutat");
}
