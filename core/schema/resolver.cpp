// ObjectResolver: the names a formula may use on an object, with the SQL that reads each of them.
#include "common/text.h"
#include "schema/schema.h"

namespace crm {

namespace {

formula::FieldInfo InfoFor(const FieldDef& f, const std::string& column_sql, int index) {
    formula::FieldInfo info;
    info.name = f.api_name;
    info.type = f.type == FieldType::Formula ? FormulaTypeOf(f.formula_type) : FormulaTypeOf(f.type);
    info.index = index;
    if (f.type == FieldType::Lookup) {
        // Lookups read as the target's id in text form, as in Salesforce.
        info.sql_column = "CAST(" + column_sql + " AS TEXT)";
    } else if (f.has_column()) {
        info.sql_column = column_sql;
    }
    for (const PicklistValue& v : f.picklist) info.picklist_values.push_back(v.api_name);
    return info;
}

}  // namespace

ObjectResolver::ObjectResolver(const ObjectDef& o, const std::vector<std::shared_ptr<const ObjectDef>>& all,
                               bool with_formulas) {
    const std::string table = QuoteIdent(o.table);
    for (size_t i = 0; i < o.fields.size(); ++i) {
        const FieldDef& f = o.fields[i];
        if (f.state != FieldState::Active) continue;
        if (!with_formulas && f.type == FieldType::Formula) continue;
        infos_.push_back(InfoFor(f, table + "." + QuoteIdent(f.column), static_cast<int>(i)));
    }
    // One-level paths through lookups: Account.Name reads the account's name with a subquery.
    for (size_t i = 0; i < o.fields.size(); ++i) {
        const FieldDef& lookup = o.fields[i];
        if (lookup.state != FieldState::Active || lookup.type != FieldType::Lookup ||
            lookup.relationship_name.empty()) {
            continue;
        }
        const ObjectDef* target = nullptr;
        for (const auto& candidate : all) {
            if (ToLowerAscii(candidate->api_name) == ToLowerAscii(lookup.lookup_object))
                target = candidate.get();
        }
        if (!target) continue;
        for (const FieldDef& tf : target->fields) {
            if (tf.state != FieldState::Active || tf.type == FieldType::Formula) continue;
            const int index = kPathIndexBase + static_cast<int>(paths_.size());
            const std::string sub = "(SELECT p_." + QuoteIdent(tf.column) + " FROM " +
                                    QuoteIdent(target->table) + " AS p_ WHERE p_.id = " + table + "." +
                                    QuoteIdent(lookup.column) + ")";
            formula::FieldInfo info = InfoFor(tf, sub, index);
            info.name = lookup.relationship_name + "." + tf.api_name;
            infos_.push_back(std::move(info));
            paths_.push_back(Path{static_cast<int>(i), target->table, tf});
        }
    }
}

const formula::FieldInfo* ObjectResolver::Find(std::string_view name) const {
    const std::string lower = ToLowerAscii(name);
    for (const formula::FieldInfo& info : infos_) {
        if (ToLowerAscii(info.name) == lower) return &info;
    }
    return nullptr;
}

std::vector<std::string> ObjectResolver::Names() const {
    std::vector<std::string> names;
    for (const formula::FieldInfo& info : infos_) names.push_back(info.name);
    return names;
}

const ObjectResolver::Path* ObjectResolver::PathAt(int index) const {
    const int i = index - kPathIndexBase;
    return i >= 0 && i < static_cast<int>(paths_.size()) ? &paths_[static_cast<size_t>(i)] : nullptr;
}

}  // namespace crm
