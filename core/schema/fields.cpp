// SchemaService, fields: the checks of a field definition, and adding, updating, deleting, restoring and
// purging fields; the users of a field (FieldUsers), which keep it from being deleted.
#include <algorithm>
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

// Checks a field definition on its own (the object is checked by the caller).
Status ValidateFieldDef(FieldDef& f, const SchemaService& schema, const ObjectDef& object) {
    if (IsBlank(f.label)) return SchemaError("schema.invalid_field", "The field needs a label.", "label");
    if (Utf8Length(f.label) > 80)
        return SchemaError("schema.invalid_field", "A label has at most 80 characters.", "label");
    if (Status s = CheckChineseLabel(f.label_zh); !s.ok()) return s;
    if (Utf8Length(f.help_text) > 510) {
        return SchemaError("schema.invalid_field", "Help text has at most 510 characters.", "help_text");
    }
    switch (f.type) {
        case FieldType::Text:
            if (f.length == 0) f.length = 255;
            if (f.length < 1 || f.length > 255) {
                return SchemaError("schema.invalid_field",
                                   "A text field holds 1 to 255 characters; use long text for more.",
                                   "length");
            }
            break;
        case FieldType::LongText:
            if (f.length == 0) f.length = 32768;
            if (f.length < 256 || f.length > 131072) {
                return SchemaError("schema.invalid_field",
                                   "A long text field holds 256 to 131072 characters.", "length");
            }
            break;
        case FieldType::Number:
        case FieldType::Currency:
        case FieldType::Percent:
            if (f.precision < 1 || f.precision > 18) {
                return SchemaError("schema.invalid_field", "Precision (total digits) must be 1 to 18.",
                                   "precision");
            }
            if (f.scale < 0 || f.scale > f.precision) {
                return SchemaError("schema.invalid_field",
                                   "Scale (decimal places) must be 0 to the precision.", "scale");
            }
            if (f.min_value && f.max_value && *f.min_value > *f.max_value) {
                return SchemaError("schema.invalid_field", "The minimum must not be above the maximum.",
                                   "min");
            }
            break;
        case FieldType::Picklist:
        case FieldType::MultiPicklist: {
            if (f.picklist.empty()) {
                return SchemaError("schema.invalid_field", "A picklist needs at least one value.",
                                   "picklist");
            }
            std::set<std::string> seen;
            int defaults = 0;
            for (const PicklistValue& v : f.picklist) {
                if (IsBlank(v.api_name) || v.api_name.find(';') != std::string::npos ||
                    Utf8Length(v.api_name) > 255) {
                    return SchemaError(
                        "schema.invalid_field",
                        "Picklist value " + Quote(v.api_name) + " must be 1 to 255 characters without ';'.",
                        "picklist");
                }
                if (!seen.insert(v.api_name).second) {
                    return SchemaError("schema.duplicate_value",
                                       "The picklist lists " + Quote(v.api_name) + " twice.", "picklist");
                }
                if (v.is_default) ++defaults;
                if (v.is_default && !v.active) {
                    return SchemaError("schema.invalid_field", "The default value must be active.",
                                       "picklist");
                }
            }
            if (defaults > 1) {
                return SchemaError("schema.invalid_field", "A picklist has at most one default value.",
                                   "picklist");
            }
            break;
        }
        case FieldType::Lookup: {
            Result<std::shared_ptr<const ObjectDef>> target = schema.Object(f.lookup_object);
            if (!target.ok()) {
                return SchemaError(
                    "schema.unknown_object",
                    "The lookup's target object " + Quote(f.lookup_object) + " does not exist.",
                    "lookup_object");
            }
            f.lookup_object = (*target)->api_name;
            if (f.relationship_name.empty()) {
                std::string base = f.api_name;
                if (base.size() > 3 && SameName(base.substr(base.size() - 3), "__c")) {
                    f.relationship_name = base.substr(0, base.size() - 3) + "__r";
                } else if (base.size() > 2 && base.substr(base.size() - 2) == "Id") {
                    f.relationship_name = base.substr(0, base.size() - 2);
                } else {
                    f.relationship_name = base;
                }
            }
            for (const FieldDef& other : object.fields) {
                if (other.type == FieldType::Lookup && other.api_name != f.api_name &&
                    SameName(other.relationship_name, f.relationship_name)) {
                    return SchemaError("schema.duplicate_api_name",
                                       "The relationship name " + Quote(f.relationship_name) +
                                           " is taken by " + other.api_name + ".",
                                       "relationship_name");
                }
            }
            break;
        }
        case FieldType::AutoNumber:
            if (f.auto_format.empty()) f.auto_format = "{0}";
            if (Status s = CheckAutoNumberFormat(f.auto_format); !s.ok()) return s.error();
            break;
        case FieldType::Formula: {
            const FieldType t = f.formula_type;
            if (!(IsNumeric(t) || t == FieldType::Text || t == FieldType::Checkbox || t == FieldType::Date ||
                  t == FieldType::DateTime)) {
                return SchemaError(
                    "schema.invalid_field",
                    "A formula returns number, currency, percent, text, checkbox, date or datetime.",
                    "formula_type");
            }
            auto all = schema.Objects();
            ObjectResolver resolver(object, all, /*with_formulas=*/false);
            formula::CompileOptions options;
            options.expected_result = FormulaTypeOf(t);
            Result<formula::CompiledFormula> compiled = formula::Compile(f.formula, resolver, options);
            if (!compiled.ok()) {
                Error e = compiled.error();
                e.field = "formula";
                return e;
            }
            break;
        }
        default:
            break;
    }
    if (f.type == FieldType::Formula || f.type == FieldType::AutoNumber || f.type == FieldType::Checkbox) {
        f.required = false;
    }
    if (f.unique &&
        (f.type == FieldType::LongText || f.type == FieldType::Checkbox || f.type == FieldType::Picklist ||
         f.type == FieldType::MultiPicklist || f.type == FieldType::Formula || f.type == FieldType::Lookup)) {
        return SchemaError("schema.invalid_field",
                           std::string("A ") + FieldTypeName(f.type) + " field cannot be unique.", "unique");
    }
    if (!f.default_value.empty()) {
        if (f.type == FieldType::Formula || f.type == FieldType::AutoNumber || f.type == FieldType::Lookup) {
            return SchemaError("schema.invalid_field", "This type of field has no default value.",
                               "default_value");
        }
        Result<Value> v = ValueFromText(f, f.default_value);
        if (!v.ok()) {
            Error e = v.error();
            e.code = "schema.invalid_field";
            e.message = "The default value does not fit the field: " + e.message;
            e.field = "default_value";
            return e;
        }
        if (Status s = CheckPicklistActive(f, *v); !s.ok()) return s;
    }
    return Status::Ok();
}

// Which fields of which objects a compiled formula reads (paths read the lookup and the target field).
std::vector<std::pair<std::string, std::string>> ReadFields(const ObjectDef& o, const ObjectResolver& r,
                                                            const formula::CompiledFormula& compiled) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const formula::FieldInfo& info : compiled.fields()) {
        if (const ObjectResolver::Path* p = r.PathAt(info.index)) {
            out.emplace_back(o.api_name, o.fields[static_cast<size_t>(p->lookup_index)].api_name);
            out.emplace_back(p->target_field.object, p->target_field.api_name);
        } else if (info.index >= 0 && static_cast<size_t>(info.index) < o.fields.size()) {
            out.emplace_back(o.api_name, o.fields[static_cast<size_t>(info.index)].api_name);
        }
    }
    return out;
}

// Replaces a field's metadata row fields that an update or a retype may change.
Status WriteFieldMetadata(Database& db, const FieldDef& f) {
    Statement up = db.Prepare(
        "UPDATE schema_fields SET label = ?1, type = ?2, help_text = ?3, required = ?4, is_unique = ?5, "
        "track_history = ?6, default_value = ?7, length = ?8, precision = ?9, scale = ?10, min_value = ?11, "
        "max_value = ?12, relationship_name = ?13, formula = ?14, formula_type = ?15, auto_format = ?16, "
        "indexed = ?18, label_zh = ?19 WHERE id = ?17");
    up.Bind(1, f.label)
        .Bind(2, FieldTypeName(f.type))
        .Bind(3, f.help_text)
        .Bind(4, int64_t{f.required})
        .Bind(5, int64_t{f.unique})
        .Bind(6, int64_t{f.track_history})
        .Bind(7, f.default_value)
        .Bind(8, f.length)
        .Bind(9, f.precision)
        .Bind(10, f.scale);
    if (f.min_value)
        up.Bind(11, *f.min_value);
    else
        up.Bind(11, nullptr);
    if (f.max_value)
        up.Bind(12, *f.max_value);
    else
        up.Bind(12, nullptr);
    up.Bind(13, f.relationship_name)
        .Bind(14, f.formula)
        .Bind(15, FieldTypeName(f.formula_type))
        .Bind(16, f.auto_format)
        .Bind(17, f.id)
        .Bind(18, int64_t{f.indexed})
        .Bind(19, f.label_zh);
    if (Status s = up.Run(); !s.ok()) return s;
    Statement del = db.Prepare("DELETE FROM schema_picklist_values WHERE field_id = ?1");
    del.Bind(1, f.id);
    if (Status s = del.Run(); !s.ok()) return s;
    Statement ins = db.Prepare(
        "INSERT INTO schema_picklist_values(field_id, position, api_name, label, active, is_default, "
        "label_zh) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    int position = 0;
    for (const PicklistValue& v : f.picklist) {
        ins.Reset();
        ins.Bind(1, f.id)
            .Bind(2, position++)
            .Bind(3, v.api_name)
            .Bind(4, v.label)
            .Bind(5, int64_t{v.active})
            .Bind(6, int64_t{v.is_default})
            .Bind(7, v.label_zh);
        if (Status s = ins.Run(); !s.ok()) return s;
    }
    return Status::Ok();
}

}  // namespace schema_detail

// [SECTION] Fields

Result<FieldDef> SchemaService::CreateField(const std::string& actor, const FieldDef& spec,
                                            bool add_to_layouts) {
    Result<std::shared_ptr<const ObjectDef>> object = ObjectToChange(actor, spec.object);
    if (!object.ok()) return object.error();
    const ObjectDef& o = **object;
    FieldDef f = spec;
    f.object = o.api_name;
    f.custom = true;
    f.state = FieldState::Active;
    if (Status s = CheckApiName(f.api_name, true, "field", "api_name"); !s.ok()) return s.error();
    if (Status s = ValidateFieldDef(f, *this, o); !s.ok()) return s.error();
    {
        Statement taken =
            db_.Prepare("SELECT state FROM schema_fields WHERE object_id = ?1 AND api_name = ?2");
        taken.Bind(1, o.id).Bind(2, f.api_name);
        if (taken.Step()) {
            const std::string state = taken.Text(0);
            return SchemaError(
                "schema.duplicate_api_name",
                o.api_name + " already has " +
                    (state == "active" ? "a field " + Quote(f.api_name)
                     : state == "deleted"
                         ? "a deleted field " + Quote(f.api_name) + " (restore it instead)"
                         : "had a field " + Quote(f.api_name) + " (purged; API names are never reused)") +
                    "; choose another API name.",
                "api_name");
        }
    }
    f.column = f.has_column() ? ColumnNameFor(f.api_name) : "";
    int position = 0;
    for (const FieldDef& other : o.fields) position = std::max(position, other.position + 1);
    {
        Statement max =
            db_.Prepare("SELECT COALESCE(MAX(position) + 1, 0) FROM schema_fields WHERE object_id = ?1");
        max.Bind(1, o.id);
        if (max.Step()) position = std::max(position, static_cast<int>(max.Int(0)));
    }
    f.position = position;

    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    std::string sql = InsertFieldSql(f) + IndexedFieldFlagSql(f) + ChineseLabelsSql(f);
    if (f.has_column()) {
        sql += "ALTER TABLE " + QuoteIdent(o.table) + " ADD COLUMN " + QuoteIdent(f.column) + " " +
               ColumnTypeOf(f.type) + ";\n";
        if (NeedsIndex(o, f)) sql += IndexSql(o, f);
    }
    if (Status s = db_.Exec(sql); !s.ok()) return s.error();
    if (add_to_layouts) {
        for (Layout l : Layouts(o.api_name)) {
            if (l.sections.empty()) l.sections.push_back(LayoutSection{o.label + " Information", 2, {}});
            l.sections.front().items.push_back(LayoutItem{f.api_name, false, false});
            Statement up = db_.Prepare("UPDATE schema_layouts SET sections = ?1 WHERE id = ?2");
            up.Bind(1, SectionsJson(l)).Bind(2, l.id);
            if (Status s = up.Run(); !s.ok()) return s.error();
        }
    }
    if (Status s = Audit(tx, "create", "field." + o.api_name + "." + f.api_name, nullptr, ToJson(f));
        !s.ok()) {
        return s.error();
    }
    if (Status s = Finish(tx); !s.ok()) return s.error();
    Result<std::shared_ptr<const ObjectDef>> now = Object(o.api_name);
    if (now.ok()) {
        if (const FieldDef* created = (*now)->Field(f.api_name)) return *created;
    }
    return f;
}

Result<FieldDef> SchemaService::UpdateField(const std::string& actor, const FieldDef& changed) {
    Result<std::shared_ptr<const ObjectDef>> object = ObjectToChange(actor, changed.object);
    if (!object.ok()) return object.error();
    const ObjectDef& o = **object;
    const FieldDef* current = o.Field(changed.api_name);
    if (!current) {
        return SchemaError("schema.unknown_field",
                           o.api_name + " has no field " + Quote(changed.api_name) + ".", "field");
    }
    if (changed.type != current->type) {
        return SchemaError(
            "schema.type_change",
            "Changing the type of " + current->api_name +
                " converts its data: preview it with fields.retype_preview, then use fields.retype.",
            "type");
    }
    FieldDef f = changed;
    // What an update cannot change.
    f.id = current->id;
    f.object = o.api_name;
    f.api_name = current->api_name;
    f.custom = current->custom;
    f.column = current->column;
    f.position = current->position;
    f.state = current->state;
    f.lookup_object = current->lookup_object;
    if (Status s = ValidateFieldDef(f, *this, o); !s.ok()) return s.error();
    if (ToJson(f) == ToJson(*current)) return f;

    // SEMANTICS.md: a required field is readable by every profile that can create records.
    if (f.required && !current->required && profiles_.creating_without_read) {
        std::vector<std::string> blind = profiles_.creating_without_read(o.api_name, f.api_name);
        if (!blind.empty()) {
            std::string list;
            for (const std::string& p : blind) list += (list.empty() ? "" : ", ") + Quote(p);
            const bool one = blind.size() == 1;
            return SchemaError("schema.required_unreadable",
                               f.api_name + " cannot be required: the profile" + (one ? " " : "s ") + list +
                                   " can create " + o.api_name + " records but cannot read the field. Give " +
                                   (one ? "it" : "them") + " Read on " + f.api_name + " first.",
                               "required");
        }
    }

    // A picklist value that a process, rule or approval names cannot be removed under it.
    for (const PicklistValue& v : current->picklist) {
        if (f.FindValue(v.api_name) || value_user_sources_.empty()) continue;
        std::string users;
        for (const PicklistValueUserSource& source : value_user_sources_)
            for (const std::string& u : source(o.api_name, f.api_name, v.api_name))
                users += (users.empty() ? "" : ", ") + u;
        if (!users.empty()) {
            return SchemaError("schema.value_in_use",
                               "The value " + Quote(v.api_name) + " of " + o.api_name + "." + f.api_name +
                                   " cannot be removed: " + users + " uses it. Change " +
                                   (users.find(", ") == std::string::npos ? "it" : "them") + " first.",
                               "picklist");
        }
    }

    // A tightened limit (length, digits, range, picklist values) must hold for the stored values.
    const bool data_limits_changed = f.length != current->length || f.precision != current->precision ||
                                     f.scale != current->scale || f.min_value != current->min_value ||
                                     f.max_value != current->max_value ||
                                     ToJson(f)["picklist"] != ToJson(*current)["picklist"];
    if (data_limits_changed && f.has_column()) {
        Result<RetypePreview> check = DryRunRetype(f, 5);
        if (!check.ok()) return check.error();
        if (check->failures > 0) {
            return SchemaError("schema.values_out_of_limits",
                               "The new limits of " + f.api_name + " do not fit the stored data: " +
                                   OneLine(*check) + ". Change those records first.",
                               "field");
        }
    }
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status().error();
    if (Status s = WriteFieldMetadata(db_, f); !s.ok()) return s.error();
    if ((f.unique != current->unique || f.indexed != current->indexed) && f.has_column()) {
        std::string sql = DropIndexSql(o, *current);
        if (NeedsIndex(o, f)) sql += IndexSql(o, f);
        if (Status s = db_.Exec(sql); !s.ok()) {
            return SchemaError(
                "schema.values_not_unique",
                f.api_name + " cannot be made unique: some records share a value. Change those first.",
                "unique");
        }
    }
    if (Status s = Audit(tx, "update", "field." + o.api_name + "." + f.api_name, ToJson(*current), ToJson(f));
        !s.ok()) {
        return s.error();
    }
    if (Status s = Finish(tx); !s.ok()) return s.error();
    return f;
}

std::vector<std::string> SchemaService::FieldUsers(std::string_view object, std::string_view field) const {
    std::vector<std::string> users;
    auto reads = [&](const std::vector<std::pair<std::string, std::string>>& fields) {
        for (const auto& [obj, fld] : fields) {
            if (SameName(obj, object) && SameName(fld, field)) return true;
        }
        return false;
    };
    for (const auto& o : objects_) {
        std::shared_ptr<const ObjectResolver> resolver = Resolver(o->api_name);
        for (const FieldDef& f : o->fields) {
            if (f.state != FieldState::Active || f.type != FieldType::Formula) continue;
            Result<formula::CompiledFormula> c = formula::Compile(f.formula, *resolver);
            if (c.ok() && reads(ReadFields(*o, *resolver, *c))) {
                users.push_back("formula field " + o->api_name + "." + f.api_name);
            }
        }
        for (const ValidationRule& r : Rules(o->api_name)) {
            Result<formula::CompiledFormula> c = CompileRule(o->api_name, r.condition);
            if ((c.ok() && reads(ReadFields(*o, *resolver, *c))) ||
                (SameName(o->api_name, object) && SameName(r.error_field, field))) {
                users.push_back("validation rule " + o->api_name + "." + r.name);
            }
        }
        if (SameName(o->api_name, object)) {
            if (SameName(o->name_field, field)) users.push_back("the record name of " + o->api_name);
            for (const Layout& l : Layouts(o->api_name)) {
                bool used = false;
                for (const LayoutSection& s : l.sections) {
                    for (const LayoutItem& i : s.items) used = used || SameName(i.field, field);
                }
                if (used) users.push_back("layout " + Quote(l.name));
            }
        }
        // List views: columns, filters, sort field, or the filter formula.
        Statement lv =
            db_.Prepare("SELECT owner, name, definition FROM list_views WHERE object_id = ?1 ORDER BY id");
        lv.Bind(1, o->id);
        while (lv.Step()) {
            json def = json::parse(lv.Text(2), nullptr, false);
            if (!def.is_object()) continue;
            bool used = false;
            if (SameName(o->api_name, object)) {
                for (const json& c : def.value("columns", json::array()))
                    used = used || (c.is_string() && SameName(c.get<std::string>(), field));
                for (const json& fl : def.value("filters", json::array())) {
                    used = used || (fl.is_object() && SameName(fl.value("field", ""), field));
                }
                used = used || SameName(def.value("sort_field", ""), field);
            }
            const std::string text = def.value("filter_formula", "");
            if (!used && !text.empty()) {
                formula::CompileOptions opt;
                opt.expected_result = formula::ValueType::Boolean;
                Result<formula::CompiledFormula> c = formula::Compile(text, *resolver, opt);
                used = c.ok() && reads(ReadFields(*o, *resolver, *c));
            }
            if (used) users.push_back("list view " + Quote(lv.Text(1)) + " of " + lv.Text(0));
        }
    }
    for (const FieldUserSource& source : field_user_sources_) {
        for (std::string& u : source(object, field)) users.push_back(std::move(u));
    }
    return users;
}

bool SchemaService::FormulaReadsField(std::string_view formula_object, const std::string& formula,
                                      bool condition, std::string_view object, std::string_view field) const {
    Result<std::shared_ptr<const ObjectDef>> o = Object(formula_object);
    std::shared_ptr<const ObjectResolver> resolver = Resolver(formula_object);
    if (!o.ok() || !resolver) return false;
    formula::CompileOptions options;
    if (condition) options.expected_result = formula::ValueType::Boolean;
    Result<formula::CompiledFormula> c = formula::Compile(formula, *resolver, options);
    if (!c.ok()) return false;
    for (const auto& [obj, fld] : ReadFields(**o, *resolver, *c)) {
        if (SameName(obj, object) && SameName(fld, field)) return true;
    }
    return false;
}

Status SchemaService::DeleteField(const std::string& actor, std::string_view object, std::string_view field) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, object);
    if (!o.ok()) return o.error();
    const FieldDef* f = (*o)->Field(field);
    if (!f)
        return SchemaError("schema.unknown_field", (*o)->api_name + " has no field " + Quote(field) + ".",
                           "field");
    if (!f->custom) {
        return SchemaError("schema.standard_field",
                           "Standard fields such as " + f->api_name + " cannot be deleted.", "field");
    }
    std::vector<std::string> users = FieldUsers((*o)->api_name, f->api_name);
    if (!users.empty()) {
        std::string list;
        for (const std::string& u : users) list += (list.empty() ? "" : "; ") + u;
        return SchemaError("schema.field_in_use",
                           f->api_name + " is used by: " + list + ". Remove it from those first.", "field");
    }
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare("UPDATE schema_fields SET state = 'deleted' WHERE id = ?1");
    up.Bind(1, f->id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s = Audit(tx, "delete", "field." + (*o)->api_name + "." + f->api_name, ToJson(*f), nullptr);
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

Status SchemaService::RestoreField(const std::string& actor, std::string_view object,
                                   std::string_view field) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, object);
    if (!o.ok()) return o.error();
    const FieldDef* f = (*o)->AnyField(field);
    if (!f || f->state != FieldState::Deleted) {
        return SchemaError("schema.unknown_field",
                           (*o)->api_name + " has no deleted field " + Quote(field) + ".", "field");
    }
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status();
    Statement up = db_.Prepare("UPDATE schema_fields SET state = 'active' WHERE id = ?1");
    up.Bind(1, f->id);
    if (Status s = up.Run(); !s.ok()) return s;
    FieldDef restored = *f;
    restored.state = FieldState::Active;
    if (Status s =
            Audit(tx, "restore", "field." + (*o)->api_name + "." + f->api_name, nullptr, ToJson(restored));
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

Status SchemaService::PurgeField(const std::string& actor, std::string_view object, std::string_view field) {
    Result<std::shared_ptr<const ObjectDef>> o = ObjectToChange(actor, object);
    if (!o.ok()) return o.error();
    const FieldDef* f = (*o)->AnyField(field);
    if (!f || f->state != FieldState::Deleted) {
        return SchemaError("schema.not_deleted",
                           "Only deleted fields can be purged; delete " + Quote(field) + " first.", "field");
    }
    ChangeScope tx(changes_, actor);
    if (!tx.begin_status().ok()) return tx.begin_status();
    if (f->has_column()) {
        // SQLite refuses to drop an indexed column: the index goes first.
        std::string sql = DropColumnIndexesSql(db_, **o, *f) + "ALTER TABLE " + QuoteIdent((*o)->table) +
                          " DROP COLUMN " + QuoteIdent(f->column) + ";\n";
        if (Status s = db_.Exec(sql); !s.ok()) return s;
    }
    Statement up = db_.Prepare("UPDATE schema_fields SET state = 'purged' WHERE id = ?1");
    up.Bind(1, f->id);
    if (Status s = up.Run(); !s.ok()) return s;
    if (Status s = Audit(tx, "purge", "field." + (*o)->api_name + "." + f->api_name, ToJson(*f), nullptr);
        !s.ok()) {
        return s;
    }
    return Finish(tx);
}

}  // namespace crm
