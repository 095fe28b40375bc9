// The JSON form of schema definitions (the commands' arguments and answers, the audit trail's values).
#include "common/text.h"
#include "schema/schema.h"

namespace crm {

using nlohmann::json;

namespace {

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

Error Bad(const std::string& key, std::string message) {
    return MakeError("invalid_argument", std::move(message), key);
}

Status UnknownKey(const std::string& what, const std::string& key, const std::vector<std::string>& keys) {
    std::string message = what + " has no property " + Quote(key) + ".";
    std::string close = ClosestMatch(key, keys);
    if (!close.empty()) message += " Did you mean " + Quote(close) + "?";
    return Bad(key, message);
}

Status Read(const json& v, const std::string& key, std::string& out) {
    if (v.is_null()) {
        out.clear();
        return Status::Ok();
    }
    if (!v.is_string()) return Bad(key, Quote(key) + " must be a string, not " + v.dump() + ".");
    out = v.get<std::string>();
    return Status::Ok();
}

Status Read(const json& v, const std::string& key, bool& out) {
    if (!v.is_boolean()) return Bad(key, Quote(key) + " must be true or false, not " + v.dump() + ".");
    out = v.get<bool>();
    return Status::Ok();
}

Status Read(const json& v, const std::string& key, int& out) {
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 1000000) {
        return Bad(key, Quote(key) + " must be a whole number from 0 to 1000000, not " + v.dump() + ".");
    }
    out = v.get<int>();
    return Status::Ok();
}

Status Read(const json& v, const std::string& key, std::optional<double>& out) {
    if (v.is_null()) {
        out.reset();
        return Status::Ok();
    }
    if (!v.is_number()) return Bad(key, Quote(key) + " must be a number or null, not " + v.dump() + ".");
    out = v.get<double>();
    return Status::Ok();
}

Status ReadType(const json& v, const std::string& key, FieldType& out) {
    if (v.is_string()) {
        if (std::optional<FieldType> t = ParseFieldType(v.get<std::string>())) {
            out = *t;
            return Status::Ok();
        }
    }
    std::string names;
    for (const std::string& n : FieldTypeNames()) names += (names.empty() ? "" : ", ") + n;
    std::string close = v.is_string() ? ClosestMatch(v.get<std::string>(), FieldTypeNames()) : "";
    return Bad(key, Quote(key) + " must be one of " + names + "; got " + v.dump() + "." +
                        (close.empty() ? "" : " Did you mean " + Quote(close) + "?"));
}

Status ReadPicklist(const json& v, std::vector<PicklistValue>& out) {
    if (!v.is_array()) return Bad("picklist", "\"picklist\" must be a list of values.");
    out.clear();
    for (const json& item : v) {
        PicklistValue pv;
        if (item.is_string()) {
            pv.api_name = pv.label = item.get<std::string>();
        } else if (item.is_object()) {
            for (auto it = item.begin(); it != item.end(); ++it) {
                Status s;
                if (it.key() == "api_name") {
                    s = Read(it.value(), "api_name", pv.api_name);
                } else if (it.key() == "label") {
                    s = Read(it.value(), "label", pv.label);
                } else if (it.key() == "label_zh") {
                    s = Read(it.value(), "label_zh", pv.label_zh);
                } else if (it.key() == "active") {
                    s = Read(it.value(), "active", pv.active);
                } else if (it.key() == "default") {
                    s = Read(it.value(), "default", pv.is_default);
                } else {
                    s = UnknownKey("A picklist value", it.key(),
                                   {"api_name", "label", "label_zh", "active", "default"});
                }
                if (!s.ok()) return s;
            }
            if (pv.label.empty()) pv.label = pv.api_name;
            if (pv.api_name.empty()) pv.api_name = pv.label;
        } else {
            return Bad("picklist",
                       "Each picklist value is a string or {\"api_name\", \"label\", \"active\", "
                       "\"default\"}; got " +
                           item.dump() + ".");
        }
        out.push_back(std::move(pv));
    }
    return Status::Ok();
}

}  // namespace

json ToJson(const PicklistValue& v) {
    return json{{"api_name", v.api_name},
                {"label", v.label},
                {"label_zh", v.label_zh},
                {"active", v.active},
                {"default", v.is_default}};
}

json ToJson(const FieldDef& f) {
    json out = {{"api_name", f.api_name},
                {"label", f.label},
                {"label_zh", f.label_zh},
                {"type", FieldTypeName(f.type)},
                {"help_text", f.help_text},
                {"custom", f.custom},
                {"required", f.required},
                {"unique", f.unique},
                {"track_history", f.track_history},
                {"indexed", f.indexed},
                {"default_value", f.default_value},
                {"state", f.state == FieldState::Active    ? "active"
                          : f.state == FieldState::Deleted ? "deleted"
                                                           : "purged"},
                {"position", f.position}};
    switch (f.type) {
        case FieldType::Text:
        case FieldType::LongText:
        case FieldType::Url:
            out["length"] = f.length;
            break;
        case FieldType::Number:
        case FieldType::Currency:
        case FieldType::Percent:
            out["precision"] = f.precision;
            out["scale"] = f.scale;
            out["min"] = f.min_value ? json(*f.min_value) : json(nullptr);
            out["max"] = f.max_value ? json(*f.max_value) : json(nullptr);
            break;
        case FieldType::Lookup:
            out["lookup_object"] = f.lookup_object;
            out["relationship_name"] = f.relationship_name;
            break;
        case FieldType::Formula:
            out["formula"] = f.formula;
            out["formula_type"] = FieldTypeName(f.formula_type);
            if (f.formula_type == FieldType::Number || f.formula_type == FieldType::Currency ||
                f.formula_type == FieldType::Percent) {
                out["scale"] = f.scale;
            }
            break;
        case FieldType::AutoNumber:
            out["auto_format"] = f.auto_format;
            break;
        case FieldType::Picklist:
        case FieldType::MultiPicklist: {
            json values = json::array();
            for (const PicklistValue& v : f.picklist) values.push_back(ToJson(v));
            out["picklist"] = std::move(values);
            break;
        }
        default:
            break;
    }
    return out;
}

Result<FieldDef> FieldDefFromJson(const json& j, FieldDef f) {
    if (!j.is_object()) return Bad("", "A field must be a JSON object.");
    static const std::vector<std::string> keys = {"api_name",
                                                  "label",
                                                  "label_zh",
                                                  "type",
                                                  "help_text",
                                                  "required",
                                                  "unique",
                                                  "track_history",
                                                  "indexed",
                                                  "default_value",
                                                  "length",
                                                  "precision",
                                                  "scale",
                                                  "min",
                                                  "max",
                                                  "lookup_object",
                                                  "relationship_name",
                                                  "formula",
                                                  "formula_type",
                                                  "auto_format",
                                                  "picklist"};
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        const json& v = it.value();
        Status s;
        if (k == "api_name")
            s = Read(v, k, f.api_name);
        else if (k == "label")
            s = Read(v, k, f.label);
        else if (k == "label_zh")
            s = Read(v, k, f.label_zh);
        else if (k == "type")
            s = ReadType(v, k, f.type);
        else if (k == "help_text")
            s = Read(v, k, f.help_text);
        else if (k == "required")
            s = Read(v, k, f.required);
        else if (k == "unique")
            s = Read(v, k, f.unique);
        else if (k == "track_history")
            s = Read(v, k, f.track_history);
        else if (k == "indexed")
            s = Read(v, k, f.indexed);
        else if (k == "default_value") {
            if (v.is_boolean())
                f.default_value = v.get<bool>() ? "true" : "false";
            else if (v.is_number())
                f.default_value = v.dump();
            else
                s = Read(v, k, f.default_value);
        } else if (k == "length")
            s = Read(v, k, f.length);
        else if (k == "precision")
            s = Read(v, k, f.precision);
        else if (k == "scale")
            s = Read(v, k, f.scale);
        else if (k == "min")
            s = Read(v, k, f.min_value);
        else if (k == "max")
            s = Read(v, k, f.max_value);
        else if (k == "lookup_object")
            s = Read(v, k, f.lookup_object);
        else if (k == "relationship_name")
            s = Read(v, k, f.relationship_name);
        else if (k == "formula")
            s = Read(v, k, f.formula);
        else if (k == "formula_type")
            s = ReadType(v, k, f.formula_type);
        else if (k == "auto_format")
            s = Read(v, k, f.auto_format);
        else if (k == "picklist")
            s = ReadPicklist(v, f.picklist);
        else
            s = UnknownKey("A field", k, keys);
        if (!s.ok()) return s.error();
    }
    return f;
}

json ToJson(const ObjectDef& o, bool include_fields) {
    json out = {{"api_name", o.api_name},         {"label", o.label},
                {"plural_label", o.plural_label}, {"label_zh", o.label_zh},
                {"description", o.description},   {"custom", o.custom},
                {"name_field", o.name_field},     {"table", o.table}};
    if (include_fields) {
        json fields = json::array();
        for (const FieldDef& f : o.fields) fields.push_back(ToJson(f));
        out["fields"] = std::move(fields);
    }
    return out;
}

Result<ObjectDef> ObjectDefFromJson(const json& j, ObjectDef o) {
    if (!j.is_object()) return Bad("", "An object must be a JSON object.");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        Status s;
        if (k == "api_name")
            s = Read(it.value(), k, o.api_name);
        else if (k == "label")
            s = Read(it.value(), k, o.label);
        else if (k == "plural_label")
            s = Read(it.value(), k, o.plural_label);
        else if (k == "label_zh")
            s = Read(it.value(), k, o.label_zh);
        else if (k == "description")
            s = Read(it.value(), k, o.description);
        else
            s = UnknownKey("An object", k, {"api_name", "label", "plural_label", "label_zh", "description"});
        if (!s.ok()) return s.error();
    }
    return o;
}

json ToJson(const ValidationRule& r) {
    return json{{"object", r.object},           {"name", r.name},
                {"description", r.description}, {"active", r.active},
                {"condition", r.condition},     {"error_message", r.error_message},
                {"error_field", r.error_field}, {"position", r.position}};
}

Result<ValidationRule> RuleFromJson(const json& j, ValidationRule r) {
    if (!j.is_object()) return Bad("", "A validation rule must be a JSON object.");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        Status s;
        if (k == "object")
            s = Read(it.value(), k, r.object);
        else if (k == "name")
            s = Read(it.value(), k, r.name);
        else if (k == "description")
            s = Read(it.value(), k, r.description);
        else if (k == "active")
            s = Read(it.value(), k, r.active);
        else if (k == "condition")
            s = Read(it.value(), k, r.condition);
        else if (k == "error_message")
            s = Read(it.value(), k, r.error_message);
        else if (k == "error_field")
            s = Read(it.value(), k, r.error_field);
        else if (k == "position")
            s = Read(it.value(), k, r.position);
        else {
            s = UnknownKey("A validation rule", k,
                           {"object", "name", "description", "active", "condition", "error_message",
                            "error_field", "position"});
        }
        if (!s.ok()) return s.error();
    }
    return r;
}

json ToJson(const Layout& l) {
    json sections = json::array();
    for (const LayoutSection& s : l.sections) {
        json items = json::array();
        for (const LayoutItem& i : s.items) {
            items.push_back({{"field", i.field}, {"required", i.required}, {"read_only", i.read_only}});
        }
        sections.push_back({{"title", s.title}, {"columns", s.columns}, {"items", std::move(items)}});
    }
    return json{{"object", l.object},
                {"name", l.name},
                {"is_default", l.is_default},
                {"profiles", l.profiles},
                {"sections", std::move(sections)}};
}

Result<Layout> LayoutFromJson(const json& j, Layout l) {
    if (!j.is_object()) return Bad("", "A layout must be a JSON object.");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        const json& v = it.value();
        Status s;
        if (k == "object")
            s = Read(v, k, l.object);
        else if (k == "name")
            s = Read(v, k, l.name);
        else if (k == "is_default")
            s = Read(v, k, l.is_default);
        else if (k == "profiles") {
            // Assignments are made with layouts.assign; the list is accepted back unchanged.
        } else if (k == "sections") {
            if (!v.is_array()) return Bad(k, "\"sections\" must be a list of sections.");
            l.sections.clear();
            for (const json& sj : v) {
                if (!sj.is_object()) return Bad(k, "Each section is an object {title, columns, items}.");
                LayoutSection section;
                for (auto si = sj.begin(); si != sj.end(); ++si) {
                    Status ss;
                    if (si.key() == "title")
                        ss = Read(si.value(), "title", section.title);
                    else if (si.key() == "columns")
                        ss = Read(si.value(), "columns", section.columns);
                    else if (si.key() == "items") {
                        if (!si.value().is_array()) return Bad("items", "\"items\" must be a list.");
                        for (const json& ij : si.value()) {
                            LayoutItem item;
                            if (ij.is_string()) {
                                item.field = ij.get<std::string>();
                            } else if (ij.is_object()) {
                                for (auto ii = ij.begin(); ii != ij.end(); ++ii) {
                                    Status is;
                                    if (ii.key() == "field")
                                        is = Read(ii.value(), "field", item.field);
                                    else if (ii.key() == "required")
                                        is = Read(ii.value(), "required", item.required);
                                    else if (ii.key() == "read_only")
                                        is = Read(ii.value(), "read_only", item.read_only);
                                    else
                                        is = UnknownKey("A layout item", ii.key(),
                                                        {"field", "required", "read_only"});
                                    if (!is.ok()) return is.error();
                                }
                            } else {
                                return Bad("items",
                                           "Each item is a field name or {field, required, read_only}.");
                            }
                            section.items.push_back(std::move(item));
                        }
                    } else {
                        ss = UnknownKey("A layout section", si.key(), {"title", "columns", "items"});
                    }
                    if (!ss.ok()) return ss.error();
                }
                l.sections.push_back(std::move(section));
            }
        } else {
            s = UnknownKey("A layout", k, {"object", "name", "is_default", "sections"});
        }
        if (!s.ok()) return s.error();
    }
    return l;
}

const char* FormReadOnlyReason(const FieldDef& field, const LayoutItem& item, bool can_edit_field,
                               bool can_edit_object) {
    if (field.is_read_only()) return "computed";
    if (!can_edit_field) return "fls";
    if (!can_edit_object) return "object";
    if (item.read_only) return "layout";
    return nullptr;
}

}  // namespace crm
