// A profile or role renamed: the text literals a formula compares $Profile.Name or $UserRole.Name with
// follow it (formula::RenameGlobalLiteral, core/formula/rename_literal.h). Only literals compared with the
// global move; every other byte of the formula is kept.
#include "formula/rename_literal.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "formula/formula.h"

using namespace crm;
using nlohmann::json;

namespace {

struct RenameCase {
    const char* formula;
    const char* expected;  ///< nullptr: nothing renamed
};

// Renaming "Sales Rep" to "Account Executive" for $Profile.Name.
const RenameCase kCases[] = {
    {R"($Profile.Name = "Sales Rep")", R"($Profile.Name = "Account Executive")"},
    {R"("Sales Rep" <> $profile.name)", R"("Account Executive" <> $profile.name)"},
    {R"(($Profile.Name) == ( /* the team */ 'Sales Rep'))",
     R"(($Profile.Name) == ( /* the team */ 'Account Executive'))"},
    {R"(AND($Profile.Name != "Sales Rep", Name = "Sales Rep"))",
     R"(AND($Profile.Name != "Account Executive", Name = "Sales Rep"))"},
    {R"(CASE($Profile.Name, "Sales Rep", 1, "Other", 2, 0) > 0)",
     R"(CASE($Profile.Name, "Account Executive", 1, "Other", 2, 0) > 0)"},
    {"$Profile.Name = \"Sales Rep\" /* \"Sales Rep\" */",
     "$Profile.Name = \"Account Executive\" /* \"Sales Rep\" */"},
    {R"(Name = "Sales Rep")", nullptr},
    {R"(CONTAINS($Profile.Name, "Sales Rep"))", nullptr},
    {R"($UserRole.Name = "Sales Rep")", nullptr},
    {R"($Profile.Name = "sales rep")",
     nullptr},  // text compares case-sensitively: it never meant this profile
    {R"(CASE($Profile.Name, "Other", "a", "Sales Rep"))", nullptr},  // the else result is not a value
    {R"($Profile.Name = "Sales Rep)", nullptr},                      // does not parse: nothing to rename
};

}  // namespace

TEST_SUITE("formula.rename_literal") {
    TEST_CASE("only text literals compared with the global are renamed, every other byte is kept") {
        for (const RenameCase& c : kCases) {
            INFO(c.formula);
            std::optional<std::string> out =
                formula::RenameGlobalLiteral(c.formula, "$Profile.Name", "Sales Rep", "Account Executive");
            if (c.expected) {
                REQUIRE(out.has_value());
                CHECK(*out == c.expected);
            } else {
                CHECK_FALSE(out.has_value());
            }
        }
    }
    TEST_CASE("a new name is written with the escapes the literal needs, in the old quotes") {
        std::optional<std::string> out = formula::RenameGlobalLiteral(
            R"($Profile.Name = 'Sales Rep')", "$Profile.Name", "Sales Rep", R"(Rep's "A" \ B)");
        REQUIRE(out.has_value());
        CHECK(*out == R"($Profile.Name = 'Rep\'s "A" \\ B')");
        formula::FieldList none;
        REQUIRE(formula::Compile(*out, none).ok());
    }
    TEST_CASE("in a stored definition only the strings that are such formulas change") {
        json actions = {{{"kind", "create_task"}, {"subject", "Call the Sales Rep"}},
                        {{"kind", "update_field"}, {"value", "IF($Profile.Name = \"Sales Rep\", 1, 2)"}}};
        CHECK(formula::RenameGlobalLiteralsIn(&actions, "$Profile.Name", "Sales Rep", "AE"));
        CHECK(actions[0]["subject"] == "Call the Sales Rep");
        CHECK(actions[1]["value"] == "IF($Profile.Name = \"AE\", 1, 2)");
        CHECK_FALSE(formula::RenameGlobalLiteralsIn(&actions, "$Profile.Name", "Sales Rep", "AE"));
    }
}
