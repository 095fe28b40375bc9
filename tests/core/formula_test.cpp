// The formula engine's API beyond the conformance table: messages, limits, metadata, SQL specifics,
// the calendar, and a speed figure.
#include "formula/formula.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "formula/field_comparison.h"
#include "storage/database.h"

using namespace crm;
using namespace crm::formula;

namespace {

FieldList Fields() {
    std::vector<FieldInfo> fields = {
        {"Name", ValueType::Text, "\"name\"", {}, 0},
        {"Stage", ValueType::Picklist, "\"stage\"", {"Open", "Closed Won", "Closed Lost"}, 1},
        {"StageName", ValueType::Picklist, "\"stage_name\"", {"Prospecting", "Closed Won"}, 2},
        {"Amount", ValueType::Number, "\"amount\"", {}, 3},
        {"CloseDate", ValueType::Date, "\"close_date\"", {}, 4},
        {"IsPrivate", ValueType::Boolean, "\"is_private\"", {}, 5},
        {"CreatedDate", ValueType::DateTime, "\"created_date\"", {}, 6},
        {"Pattern__c", ValueType::Text, "\"pattern\"", {}, 7},
    };
    return FieldList(std::move(fields));
}

Error CompileError(const std::string& text, CompileOptions options = {}) {
    auto compiled = Compile(text, Fields(), options);
    REQUIRE_MESSAGE(!compiled.ok(), "expected an error for " << text);
    return compiled.error();
}

CompiledFormula MustCompile(const std::string& text, CompileOptions options = {}) {
    auto compiled = Compile(text, Fields(), options);
    REQUIRE_MESSAGE(compiled.ok(), text << ": " << (compiled.ok() ? "" : compiled.error().message));
    return compiled.value();
}

std::string Repeat(const std::string& part, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += part;
    return out;
}

/// A record the way a real one is read: by the resolver's field index, no lookup by name.
class IndexedRecord final : public RecordView {
public:
    explicit IndexedRecord(std::vector<Value> values) : values_(std::move(values)) {}
    Value Get(const FieldInfo& field) const override { return values_[field.index]; }

private:
    std::vector<Value> values_;
};

}  // namespace

TEST_SUITE("formula") {
    TEST_CASE("a type error says what was expected, what was found, and where") {
        const Error e = CompileError("1 + \"abc\"");
        CHECK(e.code == "formula.type");
        CHECK(e.message == "Expected a number on the right of '+', found text (\"abc\").");
        CHECK(e.position == 5);
        CHECK(e.line == 1);
        CHECK(CompileError("\"a\" & Amount").message ==
              "Expected text on the right of '&', found a number (Amount); convert it with TEXT().");
        CHECK(CompileError("IF(TRUE, 1, \"a\")").message ==
              "The results of IF must all have the same type: 1 is a number, but \"a\" is text.");
    }

    TEST_CASE("an unknown field or function suggests the closest name") {
        const Error field = CompileError("Stagee = \"x\"");
        CHECK(field.code == "formula.unknown_field");
        CHECK(field.message == "Unknown field 'Stagee'; did you mean 'Stage'?");
        CHECK(field.position == 1);
        CHECK(CompileError("Zzzzzz > 1").message == "Unknown field 'Zzzzzz'.");
        CHECK(CompileError("TODAY - 1").message ==
              "Unknown field 'TODAY'; TODAY is a function: write TODAY(...)");
        const Error function = CompileError("1 + ISBLNK(Name)");
        CHECK(function.code == "formula.unknown_function");
        CHECK(function.message == "Unknown function 'ISBLNK'; did you mean ISBLANK?");
        CHECK(function.position == 5);
        CHECK(CompileError("ISPICKVAL(Stage, \"Closed Wn\")").message ==
              "'Closed Wn' is not a value of the picklist Stage; did you mean 'Closed Won'?");
        CHECK(CompileError("LEFT(\"a\")").message ==
              "LEFT takes 2 arguments, but 1 was given: LEFT(text, count).");
    }

    TEST_CASE("positions count characters, not bytes, and errors name their line") {
        const std::string text = "AND(\n  Name = \"北京\",\n  Amount + \"x\"\n)";
        const Error e = CompileError(text);
        CHECK(e.code == "formula.type");
        CHECK(e.line == 3);
        CHECK(e.position == 32);
        const Error syntax = CompileError("\"北京\" &\n )");
        CHECK(syntax.code == "formula.syntax");
        CHECK(syntax.line == 2);
        CHECK(syntax.position == 9);
    }

    TEST_CASE("a picklist is only usable in ISPICKVAL, TEXT, ISBLANK, CASE and PRIORVALUE") {
        const Error e = CompileError("Stage = \"Open\"");
        CHECK(e.code == "formula.type");
        CHECK(e.message.find("ISPICKVAL") != std::string::npos);
        MustCompile("ISPICKVAL(Stage, \"Open\")");
        MustCompile("TEXT(Stage) = \"Open\"");
        MustCompile("ISBLANK(Stage)");
        MustCompile("CASE(Stage, \"Open\", 1, 0) = 1");
        MustCompile("ISPICKVAL(PRIORVALUE(Stage), \"Open\")", CompileOptions{true});
    }

    TEST_CASE("prior values are refused where a save is not in progress") {
        const Error e = CompileError("ISCHANGED(Amount)");
        CHECK(e.code == "formula.context");
        CHECK(e.message ==
              "ISCHANGED is only available in validation rules and workflow conditions, where the record's "
              "previous "
              "values are known.");
        CompiledFormula f = MustCompile("ISCHANGED(Amount)", CompileOptions{true});
        CHECK(f.uses_prior_values());
    }

    TEST_CASE("deep nesting is an error, never a stack overflow") {
        // 10,000 parentheses: too long for the default limit, and too deep when the length is allowed.
        const std::string parens = Repeat("(", 10000) + "1" + Repeat(")", 10000);
        CHECK(CompileError(parens).code == "formula.too_long");
        CompileOptions long_ok;
        long_ok.max_length = 1'000'000;
        const Error deep = CompileError(parens, long_ok);
        CHECK(deep.code == "formula.too_deep");
        CHECK(deep.position == 201);  // the first parenthesis beyond the limit
        // Depth without parentheses: operator chains, unary chains, nested calls, ^ chains.
        CHECK(CompileError(Repeat("1 + ", 300) + "1").code == "formula.too_deep");
        CHECK(CompileError(Repeat("-", 300) + "1").code == "formula.too_deep");
        CHECK(CompileError(Repeat("!", 300) + "TRUE").code == "formula.too_deep");
        CHECK(CompileError(Repeat("2^", 300) + "1").code == "formula.too_deep");
        CHECK(CompileError(Repeat("IF(TRUE, ", 250) + "1" + Repeat(", 0)", 250)).code == "formula.too_deep");
        CHECK(CompileError(Repeat("ABS(", 4000) + "1" + Repeat(")", 4000), long_ok).code ==
              "formula.too_deep");
        // Reasonable nesting works, and evaluates.
        CompiledFormula ok = MustCompile(Repeat("(", 150) + "1" + Repeat(")", 150));
        CHECK(Evaluate(ok, {}).value().number() == 1);
        CompiledFormula chain = MustCompile(Repeat("1 + ", 150) + "1");
        CHECK(Evaluate(chain, {}).value().number() == 151);
    }

    TEST_CASE("formula length is limited, in characters") {
        const std::string exactly = "\"" + Repeat("北", 4998) + "\"";
        MustCompile(exactly);
        const Error e = CompileError("\"" + Repeat("北", 4999) + "\"");
        CHECK(e.code == "formula.too_long");
        CHECK(e.position == 5001);
    }

    TEST_CASE("text that is not UTF-8, or holds a NUL, is a syntax error") {
        const Error e = CompileError("Name = \"a\xff\"");
        CHECK(e.code == "formula.syntax");
        CHECK(e.position == 10);
        const Error nul = CompileError(std::string("LEN(\"a\0b\")", 10));  // SQLite's length() stops at NUL
        CHECK(nul.code == "formula.syntax");
        CHECK(nul.position == 7);
        CHECK(CompileError(std::string("\x80") + "1").position == 1);
    }

    TEST_CASE("a validation rule must return TRUE/FALSE") {
        CompileOptions rule;
        rule.expected_result = ValueType::Boolean;
        const Error e = CompileError("Amount + 1", rule);
        CHECK(e.code == "formula.type");
        CHECK(e.message == "This formula must return a TRUE/FALSE value, but it returns a number.");
        CompiledFormula null_rule = MustCompile("NULL", rule);
        CHECK(null_rule.result_type() == ValueType::Boolean);
        CHECK(Evaluate(null_rule, {}).value() == Value::Boolean(false));
    }

    TEST_CASE("a compiled formula reports what it reads and returns, and copies share the program") {
        CompiledFormula f = MustCompile("IF(Amount > 0 && CloseDate < TODAY(), Name, Name & TEXT(Amount))");
        CHECK(f.result_type() == ValueType::Text);
        REQUIRE(f.fields().size() == 3);
        CHECK(f.fields()[0].name == "Amount");
        CHECK(f.fields()[1].name == "CloseDate");
        CHECK(f.fields()[2].name == "Name");
        CHECK(f.uses_clock());
        CHECK_FALSE(f.uses_prior_values());
        CHECK(f.text() == "IF(Amount > 0 && CloseDate < TODAY(), Name, Name & TEXT(Amount))");
        const CompiledFormula copy = f;
        MemoryRecord record;
        record.Set("Amount", Value::Number(5)).Set("Name", Value::Text("Acme"));
        CHECK(Evaluate(copy, EvalContext::At(&record, 0)).value() == Value::Text("Acme5"));
    }

    TEST_CASE("evaluation problems are runtime errors, never crashes") {
        CompiledFormula reads = MustCompile("Amount + 1");
        const auto no_record = Evaluate(reads, {});
        REQUIRE_FALSE(no_record.ok());
        CHECK(no_record.error().code == "formula.runtime");

        // A record that answers the wrong type for a field.
        MemoryRecord wrong;
        wrong.Set("Amount", Value::Text("12"));
        const auto mismatch = Evaluate(reads, EvalContext::At(&wrong, 0));
        REQUIRE_FALSE(mismatch.ok());
        CHECK(mismatch.error().message ==
              "The record holds a Text value in Amount, which is a Number field.");

        MemoryRecord zero;
        zero.Set("Amount", Value::Number(0));
        const auto division = Evaluate(MustCompile("10 / Amount"), EvalContext::At(&zero, 0));
        REQUIRE_FALSE(division.ok());
        CHECK(division.error().message == "Division by zero.");
        CHECK(division.error().position == 4);

        // The first failure wins, and the rest of the formula does not hide it.
        const auto first = Evaluate(MustCompile("IF(VALUE(\"x\") > 1 / 0, 1, 2)"), {});
        REQUIRE_FALSE(first.ok());
        CHECK(first.error().message == "VALUE cannot read \"x\" as a number.");
    }

    TEST_CASE("REGEX matches whole texts by characters, and refuses what it cannot do safely") {
        MemoryRecord record;
        record.Set("Name", Value::Text(Repeat("ab", 4000)));
        CHECK(
            Evaluate(MustCompile("REGEX(Name, \"(a|b)*\")"), EvalContext::At(&record, 0)).value().boolean());
        CHECK_FALSE(
            Evaluate(MustCompile("REGEX(Name, \"(a|b)*c\")"), EvalContext::At(&record, 0)).value().boolean());
        record.Set("Name", Value::Text(Repeat("a", 10001)));
        const auto too_long = Evaluate(MustCompile("REGEX(Name, \"a*\")"), EvalContext::At(&record, 0));
        REQUIRE_FALSE(too_long.ok());
        CHECK(too_long.error().code == "formula.runtime");
        CHECK(CompileError("REGEX(Name, \"" + Repeat("(", 31) + "a" + Repeat(")", 31) + "\")").code ==
              "formula.argument");
        CHECK(CompileError("REGEX(Name, \"[z-a]\")").message ==
              "The REGEX pattern \"[z-a]\" is invalid: a range in [ ] is invalid.");
        record.Set("Name", Value::Text("上海")).Set("Pattern__c", Value::Text("[上北].{1}"));
        CHECK(
            Evaluate(MustCompile("REGEX(Name, Pattern__c)"), EvalContext::At(&record, 0)).value().boolean());
    }

    TEST_CASE("REGEX accepts and refuses the same patterns on both targets") {
        // Each standard library alone would accept some of these; both must refuse them all.
        for (const char* pattern : {"[z-a]", "a**", "a++", "x{99999}", "[]a]", "\\\\k<n>", "a{2,1}", "a{",
                                    "{1}", "(?<=a)b", "[\\\\d-z]", "*a", "a|*", "a???"}) {
            INFO(pattern);
            CHECK(CompileError(std::string("REGEX(Name, \"") + pattern + "\")").code == "formula.argument");
        }
        MemoryRecord record;
        const auto matches = [&](const char* text, const char* pattern) {
            record.Set("Name", Value::Text(text));
            return Evaluate(MustCompile(std::string("REGEX(Name, \"") + pattern + "\")"),
                            EvalContext::At(&record, 0))
                .value()
                .boolean();
        };
        CHECK(matches("a]", "a]"));
        CHECK(matches("a}", "a}"));
        CHECK(matches("x", "[^]"));
        CHECK(matches("aa", "a??a{2}?"));
        CHECK(matches("张三", "[\\\\u4e00-\\\\u9fa5]{2,4}"));
        CHECK_FALSE(matches("Zhang", "[\\\\u4e00-\\\\u9fa5]{2,4}"));
        CHECK(matches("A-Z", "[\\\\x41-\\\\x5A]-[A-Z]"));
        CHECK(matches("ab", "(?=a)ab"));
    }

    TEST_CASE("TODAY is the day at the user's UTC offset") {
        const int64_t evening_utc = 1710532800000;  // 2024-03-15 20:00:00Z
        CHECK(TodayAt(evening_utc, 0) == DaysFromCivil(2024, 3, 15));
        CHECK(TodayAt(evening_utc, 480) == DaysFromCivil(2024, 3, 16));
        CHECK(TodayAt(evening_utc, -600) == DaysFromCivil(2024, 3, 15));
        CHECK(TodayAt(-1, 0) == -1);
        const EvalContext shanghai = EvalContext::At(nullptr, evening_utc, 480);
        CHECK(Evaluate(MustCompile("TEXT(TODAY()) & \" \" & TEXT(NOW())"), shanghai).value().text() ==
              "2024-03-16 2024-03-15 20:00:00Z");
    }

    TEST_CASE("the calendar round-trips every day from year 1 to 9999") {
        for (int64_t days = kMinDateDays; days <= kMaxDateDays; ++days) {
            const CivilDate c = CivilFromDays(days);
            if (DaysFromCivil(c.year, c.month, c.day) != days || !IsValidCivilDate(c.year, c.month, c.day)) {
                FAIL("calendar mismatch at day " << days);
            }
            if (c.day == 1 && c.month == 1 && c.year % 400 == 1) {
                REQUIRE(ParseDate(FormatDate(days)) == days);
            }
        }
        CHECK(FormatDate(kMinDateDays) == "0001-01-01");
        CHECK(FormatDate(kMaxDateDays) == "9999-12-31");
        CHECK(FormatDateTime(-1) == "1969-12-31 23:59:59Z");
        CHECK_FALSE(ParseDate("2023-02-29").has_value());
        CHECK(ParseDate("2024-02-29") == DaysFromCivil(2024, 2, 29));
    }

    TEST_CASE("Functions() lists every function with English and Chinese descriptions") {
        const std::vector<std::string> required = {
            "AND",   "OR",        "NOT",        "IF",        "CASE",          "ISBLANK",   "BLANKVALUE",
            "ISNEW", "ISCHANGED", "PRIORVALUE", "ISPICKVAL", "INCLUDES",      "CONTAINS",  "BEGINS",
            "LEFT",  "RIGHT",     "MID",        "LEN",       "LOWER",         "UPPER",     "TRIM",
            "TEXT",  "VALUE",     "REGEX",      "DATE",      "DATEVALUE",     "TODAY",     "NOW",
            "DAY",   "MONTH",     "YEAR",       "WEEKDAY",   "ADDMONTHS",     "ABS",       "ROUND",
            "FLOOR", "CEILING",   "MOD",        "MIN",       "MAX",           "NULLVALUE", "SUBSTITUTE",
            "FIND",  "LPAD",      "RPAD",       "ISNUMBER",  "DATETIMEVALUE", "TRUNC",     "SQRT",
            "EXP",   "LN",        "LOG"};
        std::set<std::string> names;
        for (const FunctionDoc& doc : Functions()) {
            CHECK(!doc.category.empty());
            CHECK(doc.signature.rfind(doc.name + "(", 0) == 0);
            CHECK(!doc.description_en.empty());
            CHECK(!doc.description_zh.empty());
            CHECK(names.insert(doc.name).second);
        }
        CHECK(names == std::set<std::string>(required.begin(), required.end()));
        CHECK(Functions().front().category == "Logical");
    }

    TEST_CASE("a simple filter translates to index-friendly SQL") {
        auto db = Database::Open(":memory:");
        REQUIRE(db.ok());
        REQUIRE(
            (*db)
                ->Exec("CREATE TABLE opp(name TEXT, stage TEXT, stage_name TEXT, amount REAL, close_date "
                       "INTEGER, is_private INTEGER, created_date INTEGER, pattern TEXT);"
                       "CREATE INDEX opp_amount ON opp(amount); CREATE INDEX opp_stage ON opp(stage_name);")
                .ok());
        auto amount = ToSql(MustCompile("Amount > 10000"));
        REQUIRE(amount.ok());
        CHECK(amount->sql == "(\"amount\" > ?1)");
        REQUIRE(amount->params.size() == 1);
        CHECK(amount->params[0] == Value::Number(10000));
        auto stage = ToSql(MustCompile("ISPICKVAL(StageName, \"Closed Won\")"));
        REQUIRE(stage.ok());
        CHECK(stage->sql == "(\"stage_name\" = ?1)");
        for (const SqlCondition* condition : {&amount.value(), &stage.value()}) {
            Statement plan = (*db)->Prepare("EXPLAIN QUERY PLAN SELECT * FROM opp WHERE " + condition->sql);
            BindSqlParams(plan, *condition);
            std::string detail;
            while (plan.Step()) detail += plan.Text(3);
            CHECK_MESSAGE(detail.find("USING INDEX") != std::string::npos, detail);
        }
        // The value form stays exact (0/1 even for a blank amount).
        auto exact = ToSqlValue(MustCompile("Amount > 10000"));
        REQUIRE(exact.ok());
        CHECK(exact->sql == "COALESCE(\"amount\" > ?1, 0)");
    }

    TEST_CASE("what SQL cannot express is reported, with its position") {
        auto changed = ToSql(MustCompile("Amount > 0 && ISCHANGED(Amount)", CompileOptions{true}));
        REQUIRE_FALSE(changed.ok());
        CHECK(changed.error().code == "formula.not_translatable");
        CHECK(changed.error().position == 15);
        auto regex = ToSql(MustCompile("REGEX(Name, \"a+\")"));
        REQUIRE_FALSE(regex.ok());
        CHECK(regex.error().code == "formula.not_translatable");
        SqlOptions with_functions;
        with_functions.crm_functions = true;
        CHECK(ToSql(MustCompile("REGEX(Name, \"a+\")"), with_functions).ok());
        CHECK_FALSE(ToSql(MustCompile("Amount ^ 2 > 4")).ok());
        CHECK_FALSE(ToSql(MustCompile("ROUND(Amount, Amount) > 1")).ok());
        auto not_boolean = ToSql(MustCompile("Amount + 1"));
        REQUIRE_FALSE(not_boolean.ok());
        CHECK(not_boolean.error().code == "formula.type");
        CHECK(ToSqlValue(MustCompile("Amount + 1")).ok());
    }

    TEST_CASE("nesting functions that repeat an operand in SQL cannot blow the SQL up") {
        std::string text = "Amount";
        for (int i = 0; i < 12; ++i) text = "MOD(ROUND(" + text + ", 1), 7)";
        auto sql = ToSqlValue(MustCompile(text));
        REQUIRE_FALSE(sql.ok());
        CHECK(sql.error().code == "formula.not_translatable");
        CHECK(ToSqlValue(MustCompile("MOD(ROUND(MOD(ROUND(Amount, 1), 7), 1), 7)")).ok());
    }

    TEST_CASE("SQL parameters can start at any index, and the clock is bound as parameters") {
        SqlOptions options;
        options.first_param = 3;
        options.today_days = DaysFromCivil(2024, 3, 15);
        options.now_ms = 1710498600000;
        auto sql = ToSql(MustCompile("CloseDate < TODAY() && CreatedDate < NOW() && Name = \"x\""), options);
        REQUIRE(sql.ok());
        CHECK(sql->sql == "((\"close_date\" < ?3) AND (\"created_date\" < ?4) AND (\"name\" = ?5))");
        REQUIRE(sql->params.size() == 3);
        CHECK(sql->params[0] == Value::Date(options.today_days));
        CHECK(sql->params[1] == Value::DateTime(options.now_ms));
        CHECK(sql->first_param == 3);
    }

    TEST_CASE("a part translated only for its errors binds no parameter (ISBLANK of a condition)") {
        // Found by fuzz.formula: ISBLANK(condition) is "0", and the condition's constants were left bound.
        auto db = Database::Open(":memory:");
        REQUIRE(db.ok());
        REQUIRE((*db)->Exec("CREATE TABLE opp(amount REAL); INSERT INTO opp VALUES (7), (NULL);").ok());
        for (const char* text : {"ISBLANK(44 * 4.4444444424444444444 = 44442)",
                                 "IF(ISBLANK(Amount > 5), 1, Amount + 5)"}) {
            auto sql = ToSqlValue(MustCompile(text));
            REQUIRE(sql.ok());
            CAPTURE(sql->sql);
            CHECK(sql->params.size() == static_cast<size_t>(std::count(sql->sql.begin(), sql->sql.end(), '?')));
            Statement select = (*db)->Prepare("SELECT " + sql->sql + " FROM opp");
            BindSqlParams(select, *sql);
            while (select.Step()) {
            }
            CHECK(select.status().ok());
        }
        auto reused = ToSqlValue(MustCompile("IF(ISBLANK(Amount > 5), 1, Amount + 5)"));
        REQUIRE(reused.ok());
        // The 5 after ISBLANK binds again, in its own place (1 and 5: two parameters).
        REQUIRE(reused->params.size() == 2);
        CHECK(std::find(reused->params.begin(), reused->params.end(), Value::Number(5)) != reused->params.end());
    }

    TEST_CASE("dates stored as ISO text work through an SQL expression for the column") {
        auto db = Database::Open(":memory:");
        REQUIRE(db.ok());
        REQUIRE(
            (*db)
                ->Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, close_text TEXT, name TEXT);"
                       "INSERT INTO t VALUES (1, '2024-01-31', NULL), (2, NULL, ''), (3, '2024-02-29', 'x');")
                .ok());
        FieldList fields({{"CloseDate", ValueType::Date, "(julianday(\"close_text\") - 2440587.5)", {}, 0},
                          {"Name", ValueType::Text, "\"name\"", {}, 1}});
        auto f = Compile("TEXT(ADDMONTHS(CloseDate, 1)) & \"/\" & TEXT(WEEKDAY(CloseDate)) & \"/\" & Name",
                         fields);
        REQUIRE(f.ok());
        auto sql = ToSqlValue(*f);
        REQUIRE(sql.ok());
        Statement select = (*db)->Prepare("SELECT " + sql->sql + " FROM t ORDER BY id");
        BindSqlParams(select, *sql);
        std::vector<std::string> answers;
        while (select.Step()) answers.push_back(select.IsNull(0) ? "NULL" : select.Text(0));
        CHECK(answers == std::vector<std::string>{"2024-02-29/4/", "//", "2024-03-31/5/x"});
        MemoryRecord row;
        row.Set("CloseDate", Value::Date(DaysFromCivil(2024, 1, 31)));
        CHECK(Evaluate(*f, EvalContext::At(&row, 0)).value().text() == "2024-02-29/4/");
    }

    TEST_CASE("the globals $User, $Profile, $UserRole and $Organization read the context the caller fills") {
        Globals who;
        who.user_id = "42";
        who.user_username = "david.walker34";
        who.user_full_name = "David Walker";
        who.user_email = "david@example.com";
        who.user_language = "zh";
        who.profile_name = "Service Agent";
        who.role_name = "Support";
        who.organization_name = "Acme";
        who.organization_currency = "CNY";
        who.organization_time_zone = "Asia/Shanghai";
        CompileOptions rule;
        rule.expected_result = ValueType::Boolean;
        const CompiledFormula f = MustCompile(
            "$Profile.Name = \"Service Agent\" && Amount > 1000 && $Organization.Currency = \"CNY\" && "
            "$user.language = \"zh\" && $UserRole.Name = \"Support\"",
            rule);
        CHECK(f.uses_globals());
        CHECK_FALSE(MustCompile("Amount > 1").uses_globals());
        MemoryRecord record;
        record.Set("Amount", Value::Number(5000));
        EvalContext context = EvalContext::At(&record, 0);
        // Without a user the formula cannot answer.
        auto missing = Evaluate(f, context);
        REQUIRE_FALSE(missing.ok());
        CHECK(missing.error().code == "formula.runtime");
        CHECK(missing.error().position == 1);
        context.globals = &who;
        CHECK(Evaluate(f, context).value() == Value::Boolean(true));
        who.profile_name = "System Administrator";
        CHECK(Evaluate(f, context).value() == Value::Boolean(false));
        const CompiledFormula text = MustCompile(
            "$User.FullName & \" <\" & $User.Email & \"> \" & $User.Username & \" #\" & $User.Id & \" \" & "
            "$Organization.Name & \" \" & $Organization.TimeZone");
        CHECK(Evaluate(text, context).value().text() ==
              "David Walker <david@example.com> david.walker34 #42 Acme Asia/Shanghai");
        CHECK(GlobalNames().size() == 10);
        auto unknown = Compile("$User.Emial = \"1\"", Fields());
        REQUIRE_FALSE(unknown.ok());
        CHECK(unknown.error().code == "formula.unknown_field");
        CHECK(unknown.error().message.find("$User.Email") != std::string::npos);

        // In SQL the globals are bound parameters; without them the formula is not translatable.
        CHECK(ToSql(f).error().code == "formula.not_translatable");
        SqlOptions options;
        options.globals = &who;
        who.profile_name = "Service Agent";
        auto sql = ToSql(f, options);
        REQUIRE(sql.ok());
        auto db = Database::Open(":memory:");
        REQUIRE(db.ok());
        REQUIRE(
            (*db)->Exec("CREATE TABLE opp(amount REAL); INSERT INTO opp VALUES (5000), (10), (NULL);").ok());
        Statement select = (*db)->Prepare("SELECT count(*) FROM opp WHERE " + sql->sql);
        BindSqlParams(select, *sql);
        REQUIRE(select.Step());
        CHECK(select.Int(0) == 1);
    }

    TEST_CASE("decimal numbers: exact arithmetic and the representation's limits") {
        const auto d = [](const char* text) { return *Decimal::Parse(text); };
        Decimal out;
        REQUIRE(Decimal::Sub(d("0.7"), d("0.2"), &out));
        CHECK(out == d("0.5"));
        CHECK(out.ToString() == "0.5");
        CHECK(d("1234567890123456").ToString() == "1234567890123456");
        CHECK(d("0.00001").ToString() == "0.00001");
        CHECK(d("-0").ToString() == "0");
        CHECK_FALSE(Decimal::Parse("1e36").has_value());
        CHECK(Decimal::Parse("999999999999999999999999999999999999").has_value());
        CHECK_FALSE(Decimal::Parse("abc").has_value());
        CHECK_FALSE(Decimal::Parse("1,5").has_value());
        CHECK(Decimal::FromDouble(0.1)->ToString() == "0.1");
        CHECK(Decimal::FromDouble(0.1 + 0.2)->ToString() == "0.30000000000000004");
        CHECK(Decimal::FromDouble(1e-7)->ToString() == "0.0000001");
        CHECK(Decimal::FromDouble(123456789012345.0)->ToString() == "123456789012345");
        CHECK_FALSE(Decimal::FromDouble(1e300).has_value());
        CHECK(d("0.1").ToDouble() == 0.1);
        CHECK(d("123456789012345678").ToDouble() == 123456789012345678.0);
        CHECK(Value::Number(0.5).decimal() == d("0.5"));
        CHECK(Value::Number(d("2.50")).ToString() == "2.5");
        CHECK(FormatNumber(1e20) == "100000000000000000000");
        REQUIRE(Decimal::Div(d("1"), d("3"), &out));
        CHECK(out.ToString() == "0.333333333333333333");
        REQUIRE(Decimal::Div(d("123456789012345678901234567890"), d("0.001"), &out));
        CHECK(out.ToString() == "123456789012345678901234567890000");
        CHECK_FALSE(Decimal::Div(d("1"), d("0"), &out));
        CHECK_FALSE(Decimal::Mul(d("1e35"), d("10"), &out));
        REQUIRE(Decimal::Mul(d("0.000000001"), d("0.000000001"), &out));
        CHECK(out.ToString() == "0.000000000000000001");
        REQUIRE(Decimal::Mod(d("100000000000000000"), d("7"), &out));
        CHECK(out.ToString() == "5");
        REQUIRE(Decimal::Add(d("100000000000000000000000000000"), d("0.000000000000000001"), &out));
        CHECK(out.ToString() == "100000000000000000000000000000");
        REQUIRE(d("2.5").Round(0, &out));
        CHECK(out.ToString() == "3");
        REQUIRE(d("-2.5").Round(0, &out));
        CHECK(out.ToString() == "-3");
        CHECK(d("-1.99").Trunc(0).ToString() == "-1");
    }

    TEST_CASE("a typical validation rule evaluates millions of times per second") {
        const FieldList fields = Fields();
        CompileOptions rule;
        rule.expected_result = ValueType::Boolean;
        auto f = Compile("AND(ISPICKVAL(StageName, \"Closed Won\"), CloseDate < TODAY(), Amount > 10000)",
                         fields, rule);
        REQUIRE(f.ok());
        IndexedRecord record({Value::Text("Acme"), Value::Blank(ValueType::Picklist),
                              Value::Picklist("Closed Won"), Value::Number(25000),
                              Value::Date(DaysFromCivil(2024, 3, 1)), Value::Boolean(false),
                              Value::Blank(ValueType::DateTime), Value::Blank(ValueType::Text)});
        const EvalContext context = EvalContext::At(&record, 1710498600000, 480);
        const int iterations = 200'000;
        int matches = 0;
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < iterations; ++i) matches += Evaluate(*f, context).value().boolean();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CHECK(matches == iterations);
        MESSAGE("formula.evals_per_s: " << static_cast<int64_t>(iterations / seconds));
    }

    TEST_CASE("a field compared with a constant is decided as Evaluate decides it") {
        CompileOptions boolean;
        boolean.expected_result = ValueType::Boolean;
        boolean.allow_prior_values = true;  // as rule conditions
        const std::vector<std::string> comparisons = {
            "Amount > 5", "Amount >= 5", "Amount < 5.5", "Amount <= 0",  "Amount = 5",      "Amount <> 5",
            "5 < Amount", "5 >= Amount", "0 = Amount",   "-0 != Amount", "Amount > 2000001"};
        const std::vector<Value> values = {Value::Blank(ValueType::Number),
                                           Value::Number(Decimal::FromInt(5)),
                                           Value::Number(5.5),
                                           Value::Number(-3.0),
                                           Value::Number(0.0),
                                           Value::Number(4.999),
                                           Value::Number(2000001.5),
                                           Value::Text("5")};
        int decided = 0;
        for (const std::string& text : comparisons) {
            const CompiledFormula f = MustCompile(text, boolean);
            const std::optional<FieldComparison> c = AsFieldComparison(f);
            if (text == "-0 != Amount") {  // a negated literal is not a constant
                CHECK(!c);
                continue;
            }
            REQUIRE_MESSAGE(c, text);
            CHECK(c->field.name == "Amount");
            for (const Value& v : values) {
                std::vector<Value> record(8);
                record[3] = v;
                IndexedRecord view(record);
                Result<Value> full = Evaluate(f, EvalContext::At(&view, 0));
                const std::optional<bool> quick = c->Decide(v);
                if (!full.ok()) {
                    CHECK_MESSAGE(!quick, text << " on " << v.ToString());  // the evaluator reports the error
                    continue;
                }
                if (quick) {
                    ++decided;
                    CHECK_MESSAGE(*quick == full->boolean(), text << " on " << v.ToString());
                }
            }
        }
        CHECK(decided >= 60);
        for (const char* other :
             {"Amount = NULL", "Amount + 1 > 5", "Amount > 5 && Amount < 9", "Name = \"x\"", "IsPrivate",
              "ISCHANGED(Amount)", "PRIORVALUE(Amount) > 5", "Amount > Amount"})
            CHECK_MESSAGE(!AsFieldComparison(MustCompile(other, boolean)), other);
        // A field with a scale reads rounded: 4.999 in a field of 2 decimals is 5.00, left to the evaluator.
        std::vector<FieldInfo> scaled = {{"Amount", ValueType::Number, "\"amount\"", {}, 0, 2}};
        FieldList list(scaled);
        const CompiledFormula f = Compile("Amount >= 5", list, boolean).value();
        const std::optional<FieldComparison> c = AsFieldComparison(f);
        REQUIRE(c);
        CHECK(!c->Decide(Value::Number(4.999)));
        CHECK(c->Decide(Value::Number(4.99)) == std::optional<bool>(false));
        IndexedRecord view({Value::Number(4.999)});
        CHECK(Evaluate(f, EvalContext::At(&view, 0))->boolean());
    }
}
