// The formula conformance table (tests/core/formula_cases/*.txt, format in its README.md), walked by one
// driver. Each case is compiled and evaluated against its record; when the formula translates to SQL,
// the same case also runs through SQLite (the record as a row of a real table) and must give exactly
// the same answer, and so must a set of sample rows chosen for their blanks and edge values.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/clock.h"
#include "formula/formula.h"
#include "storage/database.h"

using namespace crm;
using namespace crm::formula;

namespace {

// [SECTION] Fields and records

/// The fields every case may use: an opportunity with a few custom fields and an account path.
const FieldList& TestFields() {
    static const FieldList kFields = [] {
        const auto field = [](std::string name, ValueType type, std::string column,
                              std::vector<std::string> picklist = {}) {
            return FieldInfo{std::move(name), type, column.empty() ? "" : "\"" + column + "\"",
                             std::move(picklist)};
        };
        std::vector<FieldInfo> fields = {
            field("Name", ValueType::Text, "name"),
            field("Description", ValueType::Text, "description"),
            field("Email", ValueType::Text, "email"),
            field("Pattern__c", ValueType::Text, "pattern"),
            field("StageName", ValueType::Picklist, "stage_name",
                  {"Prospecting", "Qualification", "Negotiation", "Closed Won", "Closed Lost"}),
            field("Stage", ValueType::Picklist, "stage", {"Open", "Closed Won", "Closed Lost"}),
            field("LeadSource", ValueType::Picklist, "lead_source"),
            field("Region__c", ValueType::Picklist, "region", {"华东", "华北", "华南"}),
            field("Interests__c", ValueType::MultiPicklist, "interests",
                  {"Golf", "Tennis", "Sailing", "Chess"}),
            field("Amount", ValueType::Number, "amount"),
            field("Probability", ValueType::Number, "probability"),
            field("Discount__c", ValueType::Number, "discount"),
            field("Quantity", ValueType::Number, "quantity"),
            field("CloseDate", ValueType::Date, "close_date"),
            field("Start_Date__c", ValueType::Date, "start_date"),
            field("CreatedDate", ValueType::DateTime, "created_date"),
            field("LastActivity", ValueType::DateTime, "last_activity"),
            field("IsPrivate", ValueType::Boolean, "is_private"),
            field("IsWon", ValueType::Boolean, "is_won"),
            field("Account.Name", ValueType::Text, "account_name"),
            field("Account.AnnualRevenue", ValueType::Number, "account_revenue"),
            field("Price__c", ValueType::Number, "price"),  // a currency field of scale 2 (below)
            field("Secret__c", ValueType::Text, ""),        // evaluates, but has no column
        };
        for (FieldInfo& f : fields) {
            if (f.name == "Price__c") f.scale = 2;
        }
        return FieldList(std::move(fields));
    }();
    return kFields;
}

const FieldInfo& FieldNamed(const std::string& name) {
    const FieldInfo* field = TestFields().Find(name);
    REQUIRE_MESSAGE(field, "unknown field in a case: " << name);
    return *field;
}

/// A field value written in a case ("2024-03-15", "TRUE", "Golf;Tennis"...), typed by the field.
Value ParseFieldValue(const FieldInfo& field, const std::string& text) {
    if (text.empty()) return Value::Blank(field.type);
    switch (field.type) {
        case ValueType::Number:
            return Value::Number(std::stod(text));
        case ValueType::Boolean:
            return Value::Boolean(text == "TRUE" || text == "true" || text == "1");
        case ValueType::Date: {
            const auto days = ParseDate(text);
            REQUIRE_MESSAGE(days.has_value(), "bad date in a case: " << text);
            return Value::Date(*days);
        }
        case ValueType::DateTime: {
            const auto ms = ParseUtcIso8601(text);
            REQUIRE_MESSAGE(ms.has_value(), "bad date/time in a case: " << text);
            return Value::DateTime(*ms);
        }
        case ValueType::Picklist:
            return Value::Picklist(text);
        case ValueType::MultiPicklist:
            return Value::MultiPicklist(text);
        default:
            return Value::Text(text);
    }
}

std::string Trim(const std::string& text) {
    const size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

/// Removes surrounding double quotes, if any ("a, b" -> a, b).
std::string Unquote(const std::string& text) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') return text.substr(1, text.size() - 2);
    return text;
}

// [SECTION] Cases

struct Case {
    std::string where;  ///< file:line
    std::string expected;
    std::string formula;
    MemoryRecord record;
    std::map<std::string, Value> row;  ///< current values, for the SQL row
    int64_t now_ms = 0;
    int tz_minutes = 0;
    bool allow_prior_values = true;
    bool sql = true;
};

constexpr const char* kDefaultNow = "2024-03-15T10:30:00Z";

void ParseRecord(const std::string& spec, Case& c) {
    // Split on commas outside double quotes.
    std::vector<std::string> items;
    std::string current;
    bool quoted = false;
    for (char ch : spec) {
        if (ch == '"') quoted = !quoted;
        if (ch == ',' && !quoted) {
            items.push_back(Trim(current));
            current.clear();
        } else {
            current += ch;
        }
    }
    items.push_back(Trim(current));
    for (const std::string& item : items) {
        if (item.empty()) continue;
        if (item == "new") {
            c.record.SetNew(true);
        } else if (item == "nosql") {
            c.sql = false;
        } else if (item == "ctx=filter") {
            c.allow_prior_values = false;
        } else if (item.rfind("now=", 0) == 0) {
            const auto ms = ParseUtcIso8601(item.substr(4));
            REQUIRE_MESSAGE(ms.has_value(), c.where << ": bad now= " << item);
            c.now_ms = *ms;
        } else if (item.rfind("tz=", 0) == 0) {
            c.tz_minutes = std::stoi(item.substr(3));
        } else {
            const size_t eq = item.find('=');
            REQUIRE_MESSAGE(eq != std::string::npos, c.where << ": bad record item " << item);
            std::string name = Trim(item.substr(0, eq));
            const std::string text = Unquote(Trim(item.substr(eq + 1)));
            const bool prior = name.rfind("prior:", 0) == 0;
            if (prior) name = name.substr(6);
            const FieldInfo& field = FieldNamed(name);
            const Value value = ParseFieldValue(field, text);
            if (prior) {
                c.record.SetPrior(field.name, value);
            } else {
                c.record.Set(field.name, value);
                c.row[field.name] = value;
            }
        }
    }
}

std::vector<Case> LoadCases(const std::string& file) {
    const std::string path = std::string(CRM_SOURCE_DIR) + "/tests/core/formula_cases/" + file;
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::vector<Case> cases;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string trimmed = Trim(line);
        if (trimmed.empty() || trimmed[0] == '#') continue;
        const size_t first = line.find('|');
        const size_t second = first == std::string::npos ? first : line.find('|', first + 1);
        REQUIRE_MESSAGE(second != std::string::npos,
                        file << ":" << number << ": expected 'expected | record | formula'");
        Case c;
        c.where = file + ":" + std::to_string(number);
        c.expected = Trim(line.substr(0, first));
        c.formula = Trim(line.substr(second + 1));
        c.now_ms = *ParseUtcIso8601(kDefaultNow);
        ParseRecord(line.substr(first + 1, second - first - 1), c);
        cases.push_back(std::move(c));
    }
    return cases;
}

const std::vector<std::string> kCaseFiles = {"operators.txt", "blanks.txt",  "logic.txt",    "text.txt",
                                             "dates.txt",     "math.txt",    "prior.txt",    "errors.txt",
                                             "rules.txt",     "decimal.txt", "functions.txt"};

/// 1-based code point position of the k-th occurrence of `token` in `text` (the "@{token#k}" notation).
int PositionOfToken(const std::string& text, const std::string& token, int occurrence) {
    size_t at = std::string::npos;
    size_t from = 0;
    for (int k = 0; k < occurrence; ++k) {
        at = text.find(token, from);
        if (at == std::string::npos) return -1;
        from = at + 1;
    }
    int position = 1;
    for (size_t i = 0; i < at; ++i) position += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    return position;
}

/// Expected error: code and position (0 = any).
struct ExpectedError {
    std::string code;
    int position = 0;
};

ExpectedError ParseExpectedError(const Case& c) {
    ExpectedError e;
    std::string spec = c.expected.substr(2);
    const size_t at = spec.find('@');
    e.code = spec.substr(0, at);
    if (at != std::string::npos) {
        const std::string where = spec.substr(at + 1);
        if (!where.empty() && where[0] == '{') {
            std::string token = where.substr(1, where.size() - 2);
            int occurrence = 1;
            const size_t hash = token.rfind('#');
            if (hash != std::string::npos && hash + 1 < token.size() &&
                isdigit(static_cast<unsigned char>(token[hash + 1]))) {
                occurrence = std::stoi(token.substr(hash + 1));
                token = token.substr(0, hash);
            }
            e.position = PositionOfToken(c.formula, token, occurrence);
            REQUIRE_MESSAGE(e.position > 0, c.where << ": token " << token << " not in the formula");
        } else {
            e.position = std::stoi(where);
        }
    }
    return e;
}

/// Whether `actual` is the value `expected` names (TRUE, FALSE, BLANK, n:, t:, d:, dt:).
bool Matches(const std::string& expected, const Value& actual) {
    if (expected == "BLANK") return actual.is_blank();
    if (expected == "TRUE" || expected == "FALSE") {
        return actual.type() == ValueType::Boolean && actual.boolean() == (expected == "TRUE");
    }
    if (actual.is_blank()) return false;
    if (expected.rfind("n:", 0) == 0) {
        const std::optional<Decimal> number = Decimal::Parse(expected.substr(2));
        REQUIRE_MESSAGE(number.has_value(), "bad number in a case: " << expected);
        return actual.type() == ValueType::Number && actual.decimal() == *number;
    }
    if (expected.rfind("t:", 0) == 0)
        return actual.type() == ValueType::Text && actual.text() == expected.substr(2);
    if (expected.rfind("d:", 0) == 0) {
        return actual.type() == ValueType::Date &&
               actual.days() == ParseDate(expected.substr(2)).value_or(-1);
    }
    if (expected.rfind("dt:", 0) == 0) {
        return actual.type() == ValueType::DateTime && actual.ToString() == expected.substr(3);
    }
    return false;
}

std::string Describe(const Value& v) {
    if (v.is_blank()) return std::string("BLANK ") + ValueTypeName(v.type());
    return std::string(ValueTypeName(v.type())) + " " + v.ToString();
}

// [SECTION] SQL harness

/// One in-memory table with a column per field; row 0 holds the case's record, rows 1.. the samples.
class SqlTable {
public:
    SqlTable() {
        auto db = Database::Open(":memory:");
        REQUIRE(db.ok());
        db_ = std::move(db.value());
        REQUIRE(RegisterSqlFunctions(*db_).ok());
        std::string columns;
        for (const std::string& name : TestFields().Names()) {
            const FieldInfo& field = FieldNamed(name);
            if (field.sql_column.empty()) continue;
            const char* type = field.type == ValueType::Number ? "REAL"
                               : (field.type == ValueType::Date || field.type == ValueType::DateTime ||
                                  field.type == ValueType::Boolean)
                                   ? "INTEGER"
                                   : "TEXT";
            columns += ", " + field.sql_column + " " + type;
            columns_.push_back(&field);
        }
        REQUIRE(db_->Exec("CREATE TABLE rows(id INTEGER PRIMARY KEY" + columns + ")").ok());
    }

    void Put(int64_t id, const std::map<std::string, Value>& values) {
        REQUIRE(db_->Exec("DELETE FROM rows WHERE id = " + std::to_string(id)).ok());
        std::string names = "id", marks = "?";
        for (const FieldInfo* field : columns_) {
            names += ", " + field->sql_column;
            marks += ", ?";
        }
        Statement insert = db_->Prepare("INSERT INTO rows(" + names + ") VALUES(" + marks + ")");
        insert.Bind(1, id);
        int index = 2;
        for (const FieldInfo* field : columns_) {
            auto it = values.find(field->name);
            const Value value = it == values.end() ? Value::Blank(field->type) : it->second;
            if (value.is_blank()) {
                // Blank text is stored either way a schema might: NULL, or '' for Name (see the samples).
                if (it != values.end() && field->type == ValueType::Text && field->name == "Name") {
                    insert.Bind(index++, std::string_view(""));
                } else {
                    insert.Bind(index++, nullptr);
                }
                continue;
            }
            switch (value.type()) {
                case ValueType::Number:
                    insert.Bind(index++, value.number());
                    break;
                case ValueType::Boolean:
                    insert.Bind(index++, int64_t{value.boolean() ? 1 : 0});
                    break;
                case ValueType::Date:
                    insert.Bind(index++, value.days());
                    break;
                case ValueType::DateTime:
                    insert.Bind(index++, value.ms());
                    break;
                default:
                    insert.Bind(index++, std::string_view(value.text()));
                    break;
            }
        }
        REQUIRE(insert.Run().ok());
    }

    /// One answer of an SQL expression on a row: NULL, a number or a text.
    struct Cell {
        bool null = true;
        double number = 0;
        std::string text;
    };

    /// Runs SELECT id, <expression> FROM rows; an SQL error fails the test.
    std::map<int64_t, Cell> Select(const SqlCondition& expression, ValueType type) {
        std::map<int64_t, Cell> cells;
        auto stmt = db_->TryPrepare("SELECT id, " + expression.sql + " FROM rows ORDER BY id");
        REQUIRE_MESSAGE(stmt.ok(), "SQL does not prepare: " << (stmt.ok() ? "" : stmt.error().message) << "\n"
                                                            << expression.sql);
        BindSqlParams(*stmt, expression);
        while (stmt->Step()) {
            Cell cell;
            cell.null = stmt->IsNull(1);
            if (!cell.null) {
                if (type == ValueType::Text) {
                    cell.text = stmt->Text(1);
                } else {
                    cell.number = stmt->Real(1);
                }
            }
            cells[stmt->Int(0)] = cell;
        }
        REQUIRE_MESSAGE(stmt->status().ok(), "SQL fails: " << stmt->status().error().message << "\n"
                                                           << expression.sql);
        return cells;
    }

    /// The ids a WHERE condition selects.
    std::set<int64_t> Where(const SqlCondition& condition) {
        std::set<int64_t> ids;
        auto stmt = db_->TryPrepare("SELECT id FROM rows WHERE " + condition.sql);
        REQUIRE_MESSAGE(stmt.ok(), "SQL does not prepare: " << condition.sql);
        BindSqlParams(*stmt, condition);
        while (stmt->Step()) ids.insert(stmt->Int(0));
        REQUIRE_MESSAGE(stmt->status().ok(), "SQL fails: " << condition.sql);
        return ids;
    }

private:
    std::unique_ptr<Database> db_;
    std::vector<const FieldInfo*> columns_;
};

/// Whether an SQL answer is exactly the evaluator's value.
bool SameAnswer(const Value& value, const SqlTable::Cell& cell) {
    if (value.type() == ValueType::Boolean) return !cell.null && cell.number == (value.boolean() ? 1 : 0);
    if (value.is_blank()) return cell.null;
    if (cell.null) return false;
    switch (value.type()) {
        case ValueType::Number:
            return cell.number == value.number();
        case ValueType::Date:
        case ValueType::DateTime:
            return cell.number == static_cast<double>(value.days());
        default:
            return cell.text == value.text();
    }
}

std::string Describe(const SqlTable::Cell& cell, ValueType type) {
    if (cell.null) return "NULL";
    if (type == ValueType::Text) return "'" + cell.text + "'";
    std::ostringstream out;
    out.precision(17);
    out << cell.number;
    return out.str();
}

/// Rows chosen for blanks, zeros, negatives, month ends, Chinese text, empty vs NULL text.
std::vector<std::map<std::string, Value>> SampleRows() {
    std::vector<std::vector<std::pair<std::string, std::string>>> specs = {
        {},
        {{"Name", "Acme"},
         {"Description", "Big deal"},
         {"Email", "sales@acme.com"},
         {"StageName", "Closed Won"},
         {"Stage", "Closed Won"},
         {"LeadSource", "Web"},
         {"Interests__c", "Golf;Tennis"},
         {"Amount", "25000"},
         {"Probability", "90"},
         {"Discount__c", "0"},
         {"Quantity", "5"},
         {"CloseDate", "2024-03-31"},
         {"Start_Date__c", "2024-01-31"},
         {"CreatedDate", "2024-01-15T08:00:00Z"},
         {"LastActivity", "2024-03-14T23:59:59Z"},
         {"IsPrivate", "TRUE"},
         {"IsWon", "TRUE"},
         {"Account.Name", "Acme Holdings"},
         {"Account.AnnualRevenue", "10000000"},
         {"Pattern__c", "[A-Z][a-z]+"},
         {"Region__c", "华东"}},
        {{"Name", "北京贸易有限公司"},
         {"StageName", "Prospecting"},
         {"Interests__c", "Chess"},
         {"Amount", "-12.5"},
         {"Probability", "10"},
         {"Discount__c", "-3"},
         {"Quantity", "0"},
         {"CloseDate", "2024-02-29"},
         {"Start_Date__c", "2024-03-15"},
         {"CreatedDate", "1969-12-31T23:59:59.500Z"},
         {"IsPrivate", "FALSE"},
         {"Region__c", "华南"},
         {"Pattern__c", "(bad"},
         {"Email", "张三@example.cn"}},
        {{"Name", ""},
         {"Amount", "0"},
         {"Probability", "0"},
         {"CloseDate", "1970-01-01"},
         {"CreatedDate", "2024-03-15T10:30:00Z"},
         {"Interests__c", "Sailing;Golf;Chess"},
         {"StageName", "Negotiation"},
         {"Quantity", "3"},
         {"Discount__c", "0.5"},
         {"Description", "  "}},
        {{"Name", " padded "},
         {"Amount", "0.1"},
         {"Discount__c", "0.2"},
         {"CloseDate", "2023-01-31"},
         {"Start_Date__c", "2023-12-31"},
         {"Quantity", "-7"},
         {"Email", "a@b.c"},
         {"LastActivity", "2024-03-15T10:30:00Z"}},
        {{"Amount", "1234.5678"},
         {"Probability", "33.333"},
         {"CloseDate", "2000-02-29"},
         {"CreatedDate", "2000-02-29T12:00:00Z"},
         {"Name", "Hello World"},
         {"Email", "bad"},
         {"StageName", "Closed Lost"},
         {"Quantity", "2.5"},
         {"Account.Name", "acme"}},
        {{"Amount", "10000"},
         {"Discount__c", "30"},
         {"CloseDate", "2024-03-15"},
         {"Name", "O'Brien \"x\""},
         {"Probability", "100"},
         {"IsWon", "FALSE"},
         {"Region__c", "华北"}},
        {{"Amount", "-0.5"},
         {"Quantity", "-2"},
         {"CloseDate", "9999-12-31"},
         {"Start_Date__c", "0001-01-01"},
         {"Name", "ABC-123"},
         {"Pattern__c", "ABC-\\d+"}},
        {{"Amount", "2.5"},
         {"Probability", "-2.5"},
         {"Quantity", "1.5"},
         {"Start_Date__c", "2024-12-31"},
         {"Name", "42"},
         {"Description", "2024-03-15"}},
        {{"Price__c", "19.995"}, {"Amount", "0.7"}, {"Discount__c", "0.2"}, {"Quantity", "-1.005"}},
        {{"Price__c", "-0.005"}, {"Amount", "100000000000000000"}, {"Quantity", "7"}, {"Name", "12.5"}},
        {{"Amount", "123456789012345"},
         {"Quantity", "1e-7"},
         {"Name", "🙂 smile"},
         {"CloseDate", "2024-04-30"}},
    };
    std::vector<std::map<std::string, Value>> rows;
    for (const auto& spec : specs) {
        std::map<std::string, Value> row;
        for (const auto& [name, text] : spec) row[name] = ParseFieldValue(FieldNamed(name), text);
        rows.push_back(std::move(row));
    }
    return rows;
}

/// A RecordView over a sample row.
class RowRecord final : public RecordView {
public:
    explicit RowRecord(const std::map<std::string, Value>& row) : row_(row) {}
    Value Get(const FieldInfo& field) const override {
        auto it = row_.find(field.name);
        return it == row_.end() ? Value::Blank(field.type) : it->second;
    }

private:
    const std::map<std::string, Value>& row_;
};

struct Totals {
    int cases = 0;
    int sql_cases = 0;
    int sql_rows = 0;
    std::map<std::string, int> not_translatable;
};

void RunCase(Case& c, SqlTable& table, const std::vector<std::map<std::string, Value>>& samples,
             Totals& totals) {
    INFO(c.where << ": " << c.formula);
    ++totals.cases;
    CompileOptions options;
    options.allow_prior_values = c.allow_prior_values;
    Result<CompiledFormula> compiled = Compile(c.formula, TestFields(), options);
    const bool expect_error = c.expected.rfind("E:", 0) == 0;
    const ExpectedError expected_error = expect_error ? ParseExpectedError(c) : ExpectedError{};
    if (!compiled.ok()) {
        INFO("compile error " << compiled.error().code << "@" << compiled.error().position << ": "
                              << compiled.error().message);
        CHECK(expect_error);
        CHECK(compiled.error().code == expected_error.code);
        if (expected_error.position) CHECK(compiled.error().position == expected_error.position);
        CHECK(compiled.error().line >= 1);
        CHECK(!compiled.error().message.empty());
        return;
    }
    const EvalContext context = EvalContext::At(&c.record, c.now_ms, c.tz_minutes);
    const Result<Value> result = Evaluate(*compiled, context);
    if (expect_error) {
        if (result.ok()) {
            FAIL_CHECK("expected " << c.expected << ", got " << Describe(result.value()));
        } else {
            INFO(result.error().message);
            CHECK(result.error().code == expected_error.code);
            if (expected_error.position) CHECK(result.error().position == expected_error.position);
        }
    } else if (!result.ok()) {
        FAIL_CHECK("expected " << c.expected << ", got error " << result.error().code << "@"
                               << result.error().position << ": " << result.error().message);
    } else {
        CHECK_MESSAGE(Matches(c.expected, result.value()),
                      "expected " << c.expected << ", got " << Describe(result.value()));
        CHECK(
            (result.value().type() == compiled->result_type() || compiled->result_type() == ValueType::Any));
    }

    // The same formula through SQLite, on the case's row and on every sample row.
    if (!c.sql) return;
    SqlOptions sql_options;
    sql_options.now_ms = context.now_ms;
    sql_options.today_days = context.today_days;
    sql_options.crm_functions = true;
    Result<SqlCondition> expression = ToSqlValue(*compiled, sql_options);
    if (!expression.ok()) {
        CHECK(expression.error().code == "formula.not_translatable");
        ++totals.not_translatable[expression.error().message.substr(0, expression.error().message.find(' '))];
        return;
    }
    table.Put(0, c.row);
    const ValueType type = compiled->result_type();
    const auto cells = table.Select(*expression, type);
    if (!expect_error && result.ok()) {
        ++totals.sql_cases;
        CHECK_MESSAGE(SameAnswer(result.value(), cells.at(0)),
                      "SQL gives " << Describe(cells.at(0), type) << ", Evaluate " << Describe(result.value())
                                   << "\nSQL: " << expression->sql);
    }
    std::set<int64_t> true_rows;
    if (!expect_error && result.ok() && type == ValueType::Boolean && result.value().boolean())
        true_rows.insert(0);
    for (size_t i = 0; i < samples.size(); ++i) {
        const int64_t id = static_cast<int64_t>(i) + 1;
        const RowRecord record(samples[i]);
        const Result<Value> row_result =
            Evaluate(*compiled, EvalContext{&record, context.now_ms, context.today_days});
        if (!row_result.ok()) continue;  // a failing row has no defined SQL answer
        ++totals.sql_rows;
        CHECK_MESSAGE(SameAnswer(row_result.value(), cells.at(id)),
                      "sample row " << id << ": SQL gives " << Describe(cells.at(id), type) << ", Evaluate "
                                    << Describe(row_result.value()) << "\nSQL: " << expression->sql);
        if (type == ValueType::Boolean && row_result.value().boolean()) true_rows.insert(id);
    }
    if (type == ValueType::Boolean) {
        Result<SqlCondition> condition = ToSql(*compiled, sql_options);
        REQUIRE(condition.ok());
        std::set<int64_t> selected = table.Where(*condition);
        // Rows on which Evaluate fails are unspecified; ignore them.
        for (size_t i = 0; i <= samples.size(); ++i) {
            const int64_t id = static_cast<int64_t>(i);
            bool failing = id == 0 ? (expect_error || !result.ok()) : false;
            if (id > 0) {
                const RowRecord record(samples[i - 1]);
                failing = !Evaluate(*compiled, EvalContext{&record, context.now_ms, context.today_days}).ok();
            }
            if (failing) selected.erase(id);
        }
        CHECK_MESSAGE(selected == true_rows,
                      "WHERE selects other rows than Evaluate\nSQL: " << condition->sql);
    }
}

}  // namespace

TEST_SUITE("formula.conformance") {
    TEST_CASE("every conformance case evaluates as the table says, and SQL agrees with Evaluate") {
        SqlTable table;
        const auto samples = SampleRows();
        for (size_t i = 0; i < samples.size(); ++i) table.Put(static_cast<int64_t>(i) + 1, samples[i]);
        Totals totals;
        for (const std::string& file : kCaseFiles) {
            for (Case& c : LoadCases(file)) RunCase(c, table, samples, totals);
        }
        std::ostringstream skipped;
        for (const auto& [what, count] : totals.not_translatable) skipped << " " << what << "=" << count;
        MESSAGE(totals.cases << " cases; " << totals.sql_cases << " also compared through SQL; "
                             << totals.sql_rows
                             << " sample-row comparisons; not translatable:" << skipped.str());
        CHECK(totals.cases >= 300);
        CHECK(totals.sql_cases >= 250);
    }
}
