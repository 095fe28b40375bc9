// SchemaService, retype: the dry run of a type change and the change itself, converting the stored
// values in SQL through a conversion function registered for the duration of the change.
#include <sqlite3.h>

#include <cmath>
#include <set>

#include "audit/change.h"
#include "common/text.h"
#include "schema/schema_internal.h"
#include "storage/database.h"

namespace crm {

using formula::Value;
using nlohmann::json;
using namespace schema_detail;

namespace schema_detail {

std::string OneLine(const RetypePreview& p) {
    std::string m =
        std::to_string(p.failures) + " value" + (p.failures == 1 ? "" : "s") + " would not convert";
    if (!p.listed.empty()) {
        const RetypeFailure& f = p.listed.front();
        m += " (first: record " + std::to_string(f.record_id) + ", " + Quote(f.value) + ": " + f.reason + ")";
    }
    return m;
}

}  // namespace schema_detail

namespace {

// Reads one SQLite value in a field's storage form (for the conversion function).
Value ValueOfSql(sqlite3_value* v, const FieldDef& f) {
    const formula::ValueType t = FormulaTypeOf(f.type);
    if (sqlite3_value_type(v) == SQLITE_NULL) return Value::Blank(t);
    switch (t) {
        case formula::ValueType::Number:
            return Value::Number(sqlite3_value_double(v));
        case formula::ValueType::Boolean:
            return Value::Boolean(sqlite3_value_int64(v) != 0);
        case formula::ValueType::Date:
            return Value::Date(sqlite3_value_int64(v));
        case formula::ValueType::DateTime:
            return Value::DateTime(sqlite3_value_int64(v));
        default: {
            if (f.type == FieldType::Lookup) return Value::Text(std::to_string(sqlite3_value_int64(v)));
            const unsigned char* text = sqlite3_value_text(v);
            std::string s(text ? reinterpret_cast<const char*>(text) : "",
                          static_cast<size_t>(sqlite3_value_bytes(v)));
            if (t == formula::ValueType::Picklist) return Value::Picklist(std::move(s));
            if (t == formula::ValueType::MultiPicklist) return Value::MultiPicklist(std::move(s));
            return Value::Text(std::move(s));
        }
    }
}

// Converts one stored value of `from` into the type of `to`; an Error says why it does not convert.
Result<Value> ConvertValue(const FieldDef& from, const FieldDef& to, const Value& v) {
    if (v.is_blank()) return ValueFromText(to, "");
    if (from.type == FieldType::Checkbox && IsNumeric(to.type)) return Value::Number(v.boolean() ? 1 : 0);
    if (IsNumeric(from.type) && to.type == FieldType::Checkbox) {
        if (v.number() == 0 || v.number() == 1) return Value::Boolean(v.number() == 1);
        return MakeError("records.invalid_value", "only 0 and 1 convert to a checkbox", to.api_name);
    }
    if (from.type == FieldType::DateTime && to.type == FieldType::Date) {
        return Value::Date(
            static_cast<int64_t>(std::floor(static_cast<double>(v.ms()) / formula::kMsPerDay)));
    }
    if (from.type == FieldType::Date && to.type == FieldType::DateTime)
        return Value::DateTime(v.days() * formula::kMsPerDay);
    return ValueFromText(to, ValueToText(from, v));
}

// The type changes the conversion supports; the others are refused with a reason.
Status CheckRetypeAllowed(const FieldDef& from, const FieldDef& to) {
    auto refuse = [&](const std::string& why) {
        return SchemaError("schema.retype_not_supported",
                           "A " + std::string(FieldTypeName(from.type)) + " field cannot become " +
                               FieldTypeName(to.type) + ": " + why,
                           "type");
    };
    if (from.type == FieldType::Formula || to.type == FieldType::Formula) {
        return refuse("formula fields have no stored values; create a new field instead.");
    }
    if ((from.type == FieldType::Lookup) != (to.type == FieldType::Lookup)) {
        return refuse("lookups hold record ids; create a new field instead.");
    }
    if (from.type == FieldType::Lookup && !SameName(from.lookup_object, to.lookup_object)) {
        return refuse("a lookup keeps its target object.");
    }
    if (to.type == FieldType::AutoNumber && from.type != FieldType::AutoNumber) {
        return refuse("auto-numbers are assigned by the system; create a new field instead.");
    }
    return Status::Ok();
}

struct ConvertContext {
    const FieldDef* from;
    const FieldDef* to;
};

// crm_convert(value): the value converted to the new type in its storage form, NULL when it does not
// convert. Registered only for the duration of one type change.
void ConvertSqlFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* c = static_cast<const ConvertContext*>(sqlite3_user_data(ctx));
    Result<Value> r = ConvertValue(*c->from, *c->to, ValueOfSql(argv[0], *c->from));
    if (!r.ok() || r->is_blank()) {
        if (r.ok() && c->to->type == FieldType::Checkbox) {
            sqlite3_result_int64(ctx, 0);
        } else {
            sqlite3_result_null(ctx);
        }
        return;
    }
    const Value& v = *r;
    switch (v.type()) {
        case formula::ValueType::Number:
            sqlite3_result_double(ctx, v.number());
            break;
        case formula::ValueType::Boolean:
            sqlite3_result_int64(ctx, v.boolean() ? 1 : 0);
            break;
        case formula::ValueType::Date:
            sqlite3_result_int64(ctx, v.days());
            break;
        case formula::ValueType::DateTime:
            sqlite3_result_int64(ctx, v.ms());
            break;
        default:
            if (c->to->type == FieldType::Lookup) {
                sqlite3_result_int64(ctx, std::stoll(v.text()));
            } else {
                sqlite3_result_text(ctx, v.text().data(), static_cast<int>(v.text().size()),
                                    SQLITE_TRANSIENT);
            }
    }
}

class ScopedConvertFunction {
public:
    ScopedConvertFunction(Database& db, const FieldDef& from, const FieldDef& to)
        : db_(db), context_{&from, &to} {
        sqlite3_create_function(db_.handle(), "crm_convert", 1, SQLITE_UTF8, &context_, ConvertSqlFunction,
                                nullptr, nullptr);
    }
    ~ScopedConvertFunction() {
        sqlite3_create_function(db_.handle(), "crm_convert", 1, SQLITE_UTF8, nullptr, nullptr, nullptr,
                                nullptr);
    }

private:
    Database& db_;
    ConvertContext context_;
};

// Fills an empty picklist from the distinct values of a text column, as a text-to-picklist change does.
Status FillPicklistFromData(Database& db, const ObjectDef& o, const FieldDef& from, FieldDef& to) {
    if ((to.type != FieldType::Picklist && to.type != FieldType::MultiPicklist) || !to.picklist.empty() ||
        !IsTextLike(from.type)) {
        return Status::Ok();
    }
    std::set<std::string> seen;
    Statement st = db.Prepare("SELECT DISTINCT " + QuoteIdent(from.column) + " FROM " + QuoteIdent(o.table) +
                              " WHERE " + QuoteIdent(from.column) + " IS NOT NULL AND " +
                              QuoteIdent(from.column) + " <> '' ORDER BY 1 LIMIT 1001");
    while (st.Step()) {
        std::string text = st.Text(0);
        size_t start = 0;
        while (start <= text.size()) {
            size_t end = to.type == FieldType::MultiPicklist ? text.find(';', start) : std::string::npos;
            if (end == std::string::npos) end = text.size();
            std::string part = text.substr(start, end - start);
            if (!IsBlank(part) && part.size() <= 255 && seen.insert(part).second) {
                to.picklist.push_back(PicklistValue{part, part, true, false});
            }
            start = end + 1;
        }
    }
    if (!st.status().ok()) return st.status();
    if (to.picklist.size() > 1000) {
        return SchemaError(
            "schema.too_many_values",
            "The field holds more than 1000 different values; a picklist this long is not useful.",
            "picklist");
    }
    if (to.picklist.empty()) to.picklist.push_back(PicklistValue{"None", "None", true, false});
    return Status::Ok();
}

}  // namespace

Result<RetypePreview> SchemaService::PreviewRetype(const std::string& actor, const FieldDef& changed,
                                                   int limit) const {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    return DryRunRetype(changed, limit);
}

Result<RetypePreview> SchemaService::DryRunRetype(const FieldDef& changed, int limit) const {
    Result<std::shared_ptr<const ObjectDef>> object = Object(changed.object);
    if (!object.ok()) return object.error();
    const ObjectDef& o = **object;
    const FieldDef* current = o.Field(changed.api_name);
    if (!current) {
        return SchemaError("schema.unknown_field",
                           o.api_name + " has no field " + Quote(changed.api_name) + ".", "field");
    }
    FieldDef to = changed;
    to.object = o.api_name;
    to.api_name = current->api_name;
    to.id = current->id;
    to.column = current->column;
    to.lookup_object = to.type == FieldType::Lookup ? current->lookup_object : to.lookup_object;
    if (Status s = CheckRetypeAllowed(*current, to); !s.ok()) return s.error();
    if (Status s = FillPicklistFromData(db_, o, *current, to); !s.ok()) return s.error();
    if (Status s = ValidateFieldDef(to, *this, o); !s.ok()) return s.error();
    RetypePreview preview;
    if (!current->has_column()) return preview;
    Statement st = db_.Prepare("SELECT id, " + QuoteIdent(current->column) + " FROM " + QuoteIdent(o.table) +
                               " WHERE " + QuoteIdent(current->column) + " IS NOT NULL ORDER BY id");
    while (st.Step()) {
        ++preview.records;
        Value v = ReadValue(st, 1, *current);
        Result<Value> converted = ConvertValue(*current, to, v);
        if (converted.ok()) continue;
        ++preview.failures;
        if (static_cast<int>(preview.listed.size()) < limit) {
            std::string reason = converted.error().message;
            preview.listed.push_back(RetypeFailure{st.Int(0), ValueToText(*current, v), reason});
        }
    }
    if (!st.status().ok()) return st.status().error();
    return preview;
}

Result<RetypePreview> SchemaService::RetypeField(const std::string& actor, const FieldDef& changed,
                                                 RetypeMode mode) {
    if (Status denied = Authorize(actor); !denied.ok()) return denied.error();
    // A field the services above the schema use (processes, assignment rules, criteria-based sharing
    // rules: the field user sources) keeps its type while they use it.
    if (Result<std::shared_ptr<const ObjectDef>> o = Object(changed.object); o.ok()) {
        if (const FieldDef* f = (*o)->Field(changed.api_name); f && f->type != changed.type) {
            std::string list;
            for (const FieldUserSource& source : field_user_sources_)
                for (const std::string& u : source((*o)->api_name, f->api_name))
                    list += (list.empty() ? "" : "; ") + u;
            if (!list.empty())
                return SchemaError("schema.field_in_use",
                                   f->api_name + " is used by: " + list + ". Remove it from those first.",
                                   "type");
        }
    }
    Result<RetypePreview> preview = DryRunRetype(changed, 20);
    if (!preview.ok()) return preview.error();
    if (mode == RetypeMode::RefuseIfAny && preview->failures > 0) {
        return SchemaError(
            "schema.retype_would_lose_data",
            OneLine(*preview) + "; nothing was changed. Fix those records, or choose to clear them.", "type");
    }
    // Held: the cache is replaced when the change commits.
    std::shared_ptr<const ObjectDef> held = *Object(changed.object);
    const ObjectDef& o = *held;
    const FieldDef& current = *o.Field(changed.api_name);
    // The same normalisation as the preview (picklist filled from the data, limits defaulted).
    FieldDef to = changed;
    to.object = o.api_name;
    to.api_name = current.api_name;
    to.id = current.id;
    to.custom = current.custom;
    to.column = current.column;
    to.position = current.position;
    to.state = current.state;
    if (to.type == FieldType::Lookup) to.lookup_object = current.lookup_object;
    if (Status s = FillPicklistFromData(db_, o, current, to); !s.ok()) return s.error();
    if (Status s = ValidateFieldDef(to, *this, o); !s.ok()) return s.error();

    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    if (current.has_column()) {
        ScopedConvertFunction convert(db_, current, to);
        const std::string table = QuoteIdent(o.table);
        const std::string column = QuoteIdent(current.column);
        std::string sql = DropIndexSql(o, current);
        if (std::string(ColumnTypeOf(current.type)) == ColumnTypeOf(to.type)) {
            // Same storage class: convert in place (values that do not convert become NULL).
            sql += "UPDATE " + table + " SET " + column + " = crm_convert(" + column + ") WHERE " + column +
                   " IS NOT NULL;\n";
        } else {
            // A new storage class: a new column, filled, then swapped in under the old name.
            const std::string tmp = QuoteIdent(current.column + "__retype");
            sql += "ALTER TABLE " + table + " ADD COLUMN " + tmp + " " + ColumnTypeOf(to.type) + ";\n";
            sql += "UPDATE " + table + " SET " + tmp + " = crm_convert(" + column + ") WHERE " + column +
                   " IS NOT NULL;\n";
            sql += DropColumnIndexesSql(db_, o, current);  // SQLite drops no indexed column
            sql += "ALTER TABLE " + table + " DROP COLUMN " + column + ";\n";
            sql += "ALTER TABLE " + table + " RENAME COLUMN " + tmp + " TO " + column + ";\n";
        }
        if (NeedsIndex(o, to)) sql += IndexSql(o, to);
        if (Status s = db_.Exec(sql); !s.ok()) return s.error();
    }
    if (Status s = WriteFieldMetadata(db_, to); !s.ok()) return s.error();
    json after = ToJson(to);
    after["cleared_values"] = preview->failures;
    if (Status s = Audit(tx, "retype", "field." + o.api_name + "." + to.api_name, ToJson(current), after);
        !s.ok()) {
        return s.error();
    }
    if (Status s = Finish(tx); !s.ok()) return s.error();
    return preview;
}

}  // namespace crm
