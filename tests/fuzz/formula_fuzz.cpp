// libFuzzer target for the formula language: compiles arbitrary text against a small fixed set of
// fields and, when it compiles, evaluates it on two records (one blank, one filled, as an update) and
// translates it to SQL. Anything but an Error value (a crash, a hang, an assert, a sanitizer report)
// is a bug. Build and run (see the report in the commit that added it):
//   clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -Icore -Ithird_party/sqlite \
//     tests/fuzz/formula_fuzz.cpp core/formula/*.cpp core/common/text.cpp core/storage/database.cpp \
//     core/common/clock.cpp build/fuzz/sqlite3.o -o build/fuzz/formula_fuzz
//   build/fuzz/formula_fuzz -max_len=512 -max_total_time=60 build/fuzz/corpus tests/fuzz/corpus/formula
#include <cstddef>
#include <cstdint>
#include <string>

#include "formula/formula.h"

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
    for (const RecordView* record :
         {static_cast<const RecordView*>(&kBlank), static_cast<const RecordView*>(&Filled())}) {
        auto result = Evaluate(*compiled, EvalContext::At(record, 1710498600000, 480));
        if (result.ok() && result.value().type() != compiled->result_type() &&
            compiled->result_type() != ValueType::Any) {
            __builtin_trap();  // the checker's type must be the evaluator's type
        }
    }
    SqlOptions sql;
    sql.crm_functions = true;
    (void)ToSqlValue(*compiled, sql);
    (void)ToSql(*compiled, sql);
    return 0;
}
