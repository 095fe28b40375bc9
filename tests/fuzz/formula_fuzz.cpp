// libFuzzer target for the formula language: compiles arbitrary text against a small fixed set of
// fields and, when it compiles, evaluates it on two records (one blank, one filled, as an update),
// translates it to SQL and runs the SQL on the same two rows in SQLite: where Evaluate() answers, SQL
// must answer the same (a differential oracle). Anything else (a crash, a hang, an assert, a sanitizer
// report, a disagreement) is a bug. Build and run from the repository root (clang 14, Debian's clang
// and libclang-rt-14-dev):
//   mkdir -p build/fuzz/corpus
//   clang -O1 -w -c third_party/sqlite/sqlite3.c -o build/fuzz/sqlite3.o -DSQLITE_OMIT_LOAD_EXTENSION
//     -DSQLITE_THREADSAFE=0 -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_DQS=0
//   clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
//     -Icore -Ithird_party/sqlite tests/fuzz/formula_fuzz.cpp core/formula/*.cpp core/common/text.cpp
//     core/common/clock.cpp core/common/messages.cpp core/common/error_text.cpp core/storage/database.cpp
//     build/fuzz/sqlite3.o -o build/fuzz/formula_fuzz
//   build/fuzz/formula_fuzz -max_len=512 -max_total_time=60 -timeout=10 build/fuzz/corpus
//     tests/fuzz/corpus/formula
// A short smoke run over the seed corpus only: build/fuzz/formula_fuzz -runs=0 tests/fuzz/corpus/formula
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "formula/formula.h"
#include "storage/database.h"

using namespace crm::formula;

namespace {

const FieldList& Fields() {
    static const FieldList kFields({
        {"Name", ValueType::Text, "\"name\"", {}, 0},
        {"Pattern__c", ValueType::Text, "\"pattern\"", {}, 1},
        {"StageName", ValueType::Picklist, "\"stage\"", {"Open", "Closed Won"}, 2},
        {"Interests__c", ValueType::MultiPicklist, "\"interests\"", {"Golf", "Tennis"}, 3},
        {"Amount", ValueType::Number, "\"amount\"", {}, 4},
        {"Quantity", ValueType::Number, "\"quantity\"", {}, 5},
        {"CloseDate", ValueType::Date, "\"close_date\"", {}, 6},
        {"CreatedDate", ValueType::DateTime, "\"created\"", {}, 7},
        {"IsWon", ValueType::Boolean, "\"is_won\"", {}, 8},
        {"Account.Name", ValueType::Text, "\"account_name\"", {}, 9},
    });
    return kFields;
}

const MemoryRecord& Filled() {
    static const MemoryRecord kRecord = [] {
        MemoryRecord r;
        r.Set("Name", Value::Text("北京 Acme")).Set("Pattern__c", Value::Text("[a-z]+"));
        r.Set("StageName", Value::Picklist("Open")).Set("Interests__c", Value::MultiPicklist("Golf;Tennis"));
        r.Set("Amount", Value::Number(-12.5)).Set("Quantity", Value::Number(0));
        r.Set("CloseDate", Value::Date(DaysFromCivil(2024, 2, 29))).Set("CreatedDate", Value::DateTime(-1));
        r.Set("IsWon", Value::Boolean(true)).Set("Account.Name", Value::Text(""));
        r.SetPrior("Amount", Value::Number(7)).SetPrior("Name", Value::Blank(ValueType::Text));
        return r;
    }();
    return kRecord;
}

/// The two records as rows 0 (blank) and 1 (filled) of an in-memory table.
crm::Database& Db() {
    static std::unique_ptr<crm::Database> db = [] {
        auto opened = crm::Database::Open(":memory:");
        if (!opened.ok()) __builtin_trap();
        std::unique_ptr<crm::Database> d = std::move(opened.value());
        if (!RegisterSqlFunctions(*d).ok()) __builtin_trap();
        const crm::Status created = d->Exec(
            "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, pattern TEXT, stage TEXT, interests TEXT,"
            " amount REAL, quantity REAL, close_date INTEGER, created INTEGER, is_won INTEGER, account_name "
            "TEXT);"
            "INSERT INTO t(id) VALUES (0);"
            "INSERT INTO t VALUES (1, '北京 Acme', '[a-z]+', 'Open', 'Golf;Tennis', -12.5, 0, 19782, -1, 1, "
            "'');");
        if (!created.ok()) __builtin_trap();
        return d;
    }();
    return *db;
}

/// Whether SQL's answer is Evaluate()'s value (NULL is blank; Booleans are 0/1).
bool SameAnswer(const Value& value, crm::Statement& row) {
    if (value.type() == ValueType::Boolean) return !row.IsNull(1) && row.Int(1) == (value.boolean() ? 1 : 0);
    if (value.is_blank()) return row.IsNull(1);
    if (row.IsNull(1)) return false;
    switch (value.type()) {
        case ValueType::Number:
            return row.Real(1) == value.number();
        case ValueType::Date:
        case ValueType::DateTime:
            return row.Real(1) == static_cast<double>(value.days());
        default:
            return row.Text(1) == value.text();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    CompileOptions options;
    options.allow_prior_values = size % 2 == 0;
    auto compiled = Compile(text, Fields(), options);
    if (!compiled.ok()) {
        const crm::Error& e = compiled.error();
        if (e.code.empty() || e.message.empty() || e.position < 1 || e.line < 1) __builtin_trap();
        return 0;
    }
    static const MemoryRecord kBlank;
    const EvalContext clock = EvalContext::At(nullptr, 1710498600000, 480);
    std::vector<crm::Result<Value>> results;
    for (const RecordView* record :
         {static_cast<const RecordView*>(&kBlank), static_cast<const RecordView*>(&Filled())}) {
        results.push_back(Evaluate(*compiled, EvalContext{record, clock.now_ms, clock.today_days}));
        crm::Result<Value>& result = results.back();
        if (result.ok() && result.value().type() != compiled->result_type() &&
            compiled->result_type() != ValueType::Any) {
            __builtin_trap();  // the checker's type must be the evaluator's type
        }
    }
    SqlOptions sql_options;
    sql_options.crm_functions = true;
    sql_options.now_ms = clock.now_ms;
    sql_options.today_days = clock.today_days;
    (void)ToSql(*compiled, sql_options);
    auto sql = ToSqlValue(*compiled, sql_options);
    if (!sql.ok()) return 0;
    auto statement = Db().TryPrepare("SELECT id, " + sql->sql + " FROM t ORDER BY id");
    if (!statement.ok()) __builtin_trap();  // generated SQL always prepares
    BindSqlParams(*statement, *sql);
    while (statement->Step()) {
        crm::Result<Value>& result = results[statement->Int(0)];
        if (result.ok() && !SameAnswer(result.value(), *statement)) __builtin_trap();
    }
    if (!statement->status().ok()) __builtin_trap();  // an SQL error would abort a whole report
    return 0;
}
