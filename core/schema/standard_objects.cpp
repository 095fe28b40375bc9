// The schema's metadata tables and the standard objects migration 2 seeds, plus the SQL builders the
// service shares with the migration (so a seeded object and a created one are built the same way).
#include <cstdio>

#include "common/text.h"
#include "schema/schema_internal.h"

namespace crm {

namespace schema_detail {

namespace {

const char* kMetadataTables = R"sql(
CREATE TABLE schema_objects (
    id INTEGER PRIMARY KEY,
    api_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    label TEXT NOT NULL,
    plural_label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    custom INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    table_name TEXT NOT NULL UNIQUE,
    name_field TEXT NOT NULL
);
CREATE TABLE schema_fields (
    id INTEGER PRIMARY KEY,
    object_id INTEGER NOT NULL REFERENCES schema_objects(id),
    api_name TEXT NOT NULL COLLATE NOCASE,
    label TEXT NOT NULL,
    type TEXT NOT NULL,
    help_text TEXT NOT NULL DEFAULT '',
    custom INTEGER NOT NULL,
    required INTEGER NOT NULL DEFAULT 0,
    is_unique INTEGER NOT NULL DEFAULT 0,
    track_history INTEGER NOT NULL DEFAULT 0,
    default_value TEXT NOT NULL DEFAULT '',
    length INTEGER NOT NULL DEFAULT 0,
    precision INTEGER NOT NULL DEFAULT 18,
    scale INTEGER NOT NULL DEFAULT 0,
    min_value REAL,
    max_value REAL,
    lookup_object TEXT NOT NULL DEFAULT '',
    relationship_name TEXT NOT NULL DEFAULT '',
    formula TEXT NOT NULL DEFAULT '',
    formula_type TEXT NOT NULL DEFAULT 'text',
    auto_format TEXT NOT NULL DEFAULT '',
    next_number INTEGER NOT NULL DEFAULT 1,
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'deleted', 'purged')),
    column_name TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    UNIQUE (object_id, api_name)
);
CREATE TABLE schema_picklist_values (
    field_id INTEGER NOT NULL REFERENCES schema_fields(id),
    position INTEGER NOT NULL,
    api_name TEXT NOT NULL,
    label TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    is_default INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (field_id, api_name)
);
CREATE TABLE schema_rules (
    id INTEGER PRIMARY KEY,
    object_id INTEGER NOT NULL REFERENCES schema_objects(id),
    name TEXT NOT NULL COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    condition TEXT NOT NULL,
    error_message TEXT NOT NULL,
    error_field TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    UNIQUE (object_id, name)
);
CREATE TABLE schema_layouts (
    id INTEGER PRIMARY KEY,
    object_id INTEGER NOT NULL REFERENCES schema_objects(id),
    name TEXT NOT NULL COLLATE NOCASE,
    sections TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    UNIQUE (object_id, name)
);
CREATE TABLE schema_layout_assignments (
    object_id INTEGER NOT NULL REFERENCES schema_objects(id),
    profile TEXT NOT NULL,
    layout_id INTEGER NOT NULL REFERENCES schema_layouts(id) ON DELETE CASCADE,
    PRIMARY KEY (object_id, profile)
);
CREATE TABLE list_views (
    id INTEGER PRIMARY KEY,
    object_id INTEGER NOT NULL REFERENCES schema_objects(id),
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    UNIQUE (object_id, owner, name)
);
CREATE TABLE field_history (
    id INTEGER PRIMARY KEY,
    object_id INTEGER NOT NULL,
    record_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    actor TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX field_history_record ON field_history(object_id, record_id, at_ms);
)sql";

// A compact way to write the standard fields below.
struct F {
    FieldDef def;
    F(const char* api, const char* label, FieldType type) {
        def.api_name = api;
        def.label = label;
        def.type = type;
        def.custom = false;
    }
    F& Required() {
        def.required = true;
        return *this;
    }
    F& Indexed() {
        def.indexed = true;
        return *this;
    }
    F& Length(int n) {
        def.length = n;
        return *this;
    }
    F& Digits(int precision, int scale) {
        def.precision = precision;
        def.scale = scale;
        return *this;
    }
    F& Range(double lo, double hi) {
        def.min_value = lo;
        def.max_value = hi;
        return *this;
    }
    F& Min(double lo) {
        def.min_value = lo;
        return *this;
    }
    F& Lookup(const char* object, const char* relationship) {
        def.lookup_object = object;
        def.relationship_name = relationship;
        return *this;
    }
    F& Values(std::initializer_list<const char*> values, int default_index = -1) {
        int i = 0;
        for (const char* v : values) {
            PicklistValue pv;
            pv.api_name = pv.label = v;
            pv.is_default = i++ == default_index;
            def.picklist.push_back(pv);
        }
        return *this;
    }
    F& Formula(const char* text, FieldType result, int scale = 0) {
        def.formula = text;
        def.formula_type = result;
        def.scale = scale;
        return *this;
    }
    F& AutoFormat(const char* format) {
        def.auto_format = format;
        return *this;
    }
    F& Help(const char* text) {
        def.help_text = text;
        return *this;
    }
};

ObjectDef MakeObject(const char* api, const char* label, const char* plural, const char* description,
                     const char* name_field, std::vector<F> fields) {
    ObjectDef o;
    o.api_name = api;
    o.label = label;
    o.plural_label = plural;
    o.description = description;
    o.custom = false;
    o.table = TableNameFor(api);
    o.name_field = name_field;
    int position = 0;
    for (F& f : fields) {
        f.def.object = api;
        f.def.position = position++;
        f.def.column = f.def.has_column() ? ColumnNameFor(f.def.api_name) : "";
        o.fields.push_back(std::move(f.def));
    }
    return o;
}

const std::initializer_list<const char*> kIndustries = {
    "Agriculture", "Banking",    "Construction",       "Education",      "Electronics",
    "Energy",      "Finance",    "Healthcare",         "Manufacturing",  "Media",
    "Retail",      "Technology", "Telecommunications", "Transportation", "Other"};
const std::initializer_list<const char*> kLeadSources = {
    "Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Trade Show", "Other"};
const std::initializer_list<const char*> kRatings = {"Hot", "Warm", "Cold"};

}  // namespace

std::string SqlLiteral(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

std::string ColumnNameFor(std::string_view api_name) { return ToLowerAscii(api_name); }
std::string TableNameFor(std::string_view object_api_name) { return "rec_" + ToLowerAscii(object_api_name); }

bool NeedsIndex(const ObjectDef& o, const FieldDef& f) {
    return f.has_column() && (f.type == FieldType::Lookup || f.unique || f.indexed ||
                              ToLowerAscii(f.api_name) == ToLowerAscii(o.name_field));
}

std::string IndexSql(const ObjectDef& o, const FieldDef& f) {
    return std::string("CREATE ") + (f.unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " +
           QuoteIdent(IndexNameFor(o, f)) + " ON " + QuoteIdent(o.table) + "(" + QuoteIdent(f.column) +
           ");\n";
}

std::string DropIndexSql(const ObjectDef& o, const FieldDef& f) {
    return "DROP INDEX IF EXISTS " + QuoteIdent(IndexNameFor(o, f)) + ";\n";
}

std::string CreateRecordTableSql(const ObjectDef& o) {
    std::string sql =
        "CREATE TABLE " + QuoteIdent(o.table) +
        " (\n    id INTEGER PRIMARY KEY,\n    owner_id INTEGER,\n    created_at INTEGER NOT NULL,\n"
        "    created_by TEXT NOT NULL,\n    updated_at INTEGER NOT NULL,\n    updated_by TEXT NOT NULL";
    for (const FieldDef& f : o.fields) {
        if (!f.has_column()) continue;
        sql += ",\n    " + QuoteIdent(f.column) + " " + ColumnTypeOf(f.type);
    }
    sql += "\n);\n";
    sql += "CREATE INDEX " + QuoteIdent("idx_" + o.table + "_owner") + " ON " + QuoteIdent(o.table) +
           "(owner_id);\n";
    for (const FieldDef& f : o.fields) {
        if (NeedsIndex(o, f)) sql += IndexSql(o, f);
    }
    return sql;
}

std::string InsertObjectSql(const ObjectDef& o) {
    return "INSERT INTO schema_objects(api_name, label, plural_label, description, custom, table_name, "
           "name_field) VALUES(" +
           SqlLiteral(o.api_name) + ", " + SqlLiteral(o.label) + ", " + SqlLiteral(o.plural_label) + ", " +
           SqlLiteral(o.description) + ", " + (o.custom ? "1" : "0") + ", " + SqlLiteral(o.table) + ", " +
           SqlLiteral(o.name_field) + ");\n";
}

namespace {
std::string Num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}
std::string ObjectIdSql(std::string_view object) {
    return "(SELECT id FROM schema_objects WHERE api_name = " + SqlLiteral(object) + ")";
}
}  // namespace

std::string InsertFieldSql(const FieldDef& f) {
    std::string sql =
        "INSERT INTO schema_fields(object_id, api_name, label, type, help_text, custom, required, is_unique, "
        "track_history, default_value, length, precision, scale, min_value, max_value, lookup_object, "
        "relationship_name, formula, formula_type, auto_format, column_name, position) VALUES(" +
        ObjectIdSql(f.object) + ", " + SqlLiteral(f.api_name) + ", " + SqlLiteral(f.label) + ", " +
        SqlLiteral(FieldTypeName(f.type)) + ", " + SqlLiteral(f.help_text) + ", " + (f.custom ? "1" : "0") +
        ", " + (f.required ? "1" : "0") + ", " + (f.unique ? "1" : "0") + ", " +
        (f.track_history ? "1" : "0") + ", " + SqlLiteral(f.default_value) + ", " + std::to_string(f.length) +
        ", " + std::to_string(f.precision) + ", " + std::to_string(f.scale) + ", " +
        (f.min_value ? Num(*f.min_value) : "NULL") + ", " + (f.max_value ? Num(*f.max_value) : "NULL") +
        ", " + SqlLiteral(f.lookup_object) + ", " + SqlLiteral(f.relationship_name) + ", " +
        SqlLiteral(f.formula) + ", " + SqlLiteral(FieldTypeName(f.formula_type)) + ", " +
        SqlLiteral(f.auto_format) + ", " + SqlLiteral(f.column) + ", " + std::to_string(f.position) + ");\n";
    int position = 0;
    for (const PicklistValue& v : f.picklist) {
        sql +=
            "INSERT INTO schema_picklist_values(field_id, position, api_name, label, active, is_default) "
            "VALUES((SELECT id FROM schema_fields WHERE object_id = " +
            ObjectIdSql(f.object) + " AND api_name = " + SqlLiteral(f.api_name) + "), " +
            std::to_string(position++) + ", " + SqlLiteral(v.api_name) + ", " + SqlLiteral(v.label) + ", " +
            (v.active ? "1" : "0") + ", " + (v.is_default ? "1" : "0") + ");\n";
    }
    return sql;
}

std::string SectionsJson(const Layout& layout) { return ToJson(layout)["sections"].dump(); }

std::string InsertLayoutSql(const Layout& l) {
    return "INSERT INTO schema_layouts(object_id, name, sections, is_default) VALUES(" +
           ObjectIdSql(l.object) + ", " + SqlLiteral(l.name) + ", " + SqlLiteral(SectionsJson(l)) + ", " +
           (l.is_default ? "1" : "0") + ");\n";
}

Layout DefaultLayout(const ObjectDef& o) {
    Layout l;
    l.object = o.api_name;
    l.name = o.label + " Layout";
    l.is_default = true;
    LayoutSection info{o.label + " Information", 2, {}};
    LayoutSection details{"Description Information", 1, {}};
    for (const FieldDef& f : o.fields) {
        if (f.state != FieldState::Active) continue;
        LayoutItem item{f.api_name, false, false};
        (f.type == FieldType::LongText ? details : info).items.push_back(item);
    }
    l.sections.push_back(std::move(info));
    if (!details.items.empty()) l.sections.push_back(std::move(details));
    return l;
}

std::vector<ObjectDef> StandardObjects() {
    using T = FieldType;
    std::vector<ObjectDef> out;
    out.push_back(MakeObject(
        "Account", "Account", "Accounts", "Companies and organisations you do business with (customers).",
        "Name",
        {F("Name", "Account Name", T::Text).Required(),
         F("AccountNumber", "Account Number", T::Text).Length(40),
         F("Type", "Type", T::Picklist)
             .Values({"Prospect", "Customer - Direct", "Customer - Channel", "Channel Partner / Reseller",
                      "Installation Partner", "Technology Partner", "Other"}),
         F("Industry", "Industry", T::Picklist).Values(kIndustries),
         F("Rating", "Rating", T::Picklist).Values(kRatings), F("Phone", "Phone", T::Phone),
         F("Website", "Website", T::Url),
         F("AnnualRevenue", "Annual Revenue", T::Currency).Digits(18, 2).Min(0),
         F("NumberOfEmployees", "Employees", T::Number).Digits(9, 0).Min(0),
         F("BillingStreet", "Billing Street", T::Text), F("BillingCity", "Billing City", T::Text).Length(40),
         F("BillingState", "Billing State/Province", T::Text).Length(80),
         F("BillingPostalCode", "Billing Zip/Postal Code", T::Text).Length(20),
         F("BillingCountry", "Billing Country", T::Text).Length(80),
         F("ParentId", "Parent Account", T::Lookup).Lookup("Account", "Parent"),
         F("Description", "Description", T::LongText).Length(32000)}));
    out.push_back(MakeObject(
        "Contact", "Contact", "Contacts", "People who work at your accounts.", "Name",
        {F("Name", "Full Name", T::Text).Length(121).Required(),
         F("FirstName", "First Name", T::Text).Length(40), F("LastName", "Last Name", T::Text).Length(80),
         F("AccountId", "Account", T::Lookup).Lookup("Account", "Account"),
         F("Title", "Title", T::Text).Length(128), F("Department", "Department", T::Text).Length(80),
         F("Email", "Email", T::Email), F("Phone", "Phone", T::Phone), F("MobilePhone", "Mobile", T::Phone),
         F("Birthdate", "Birthdate", T::Date),
         F("LeadSource", "Lead Source", T::Picklist).Values(kLeadSources),
         F("MailingCity", "Mailing City", T::Text).Length(40),
         F("Description", "Description", T::LongText).Length(32000)}));
    out.push_back(MakeObject(
        "Lead", "Lead", "Leads", "Prospects who may become customers.", "Name",
        {F("Name", "Full Name", T::Text).Length(121).Required(),
         F("FirstName", "First Name", T::Text).Length(40), F("LastName", "Last Name", T::Text).Length(80),
         F("Company", "Company", T::Text).Required(), F("Title", "Title", T::Text).Length(128),
         F("Email", "Email", T::Email), F("Phone", "Phone", T::Phone),
         F("Status", "Lead Status", T::Picklist)
             .Values({"Open - Not Contacted", "Working - Contacted", "Closed - Converted",
                      "Closed - Not Converted"},
                     0)
             .Required(),
         F("LeadSource", "Lead Source", T::Picklist).Values(kLeadSources),
         F("Industry", "Industry", T::Picklist).Values(kIndustries),
         F("Rating", "Rating", T::Picklist).Values(kRatings),
         F("AnnualRevenue", "Annual Revenue", T::Currency).Digits(18, 2).Min(0),
         F("NumberOfEmployees", "Employees", T::Number).Digits(9, 0).Min(0),
         F("City", "City", T::Text).Length(40), F("Description", "Description", T::LongText).Length(32000)}));
    out.push_back(MakeObject(
        "Opportunity", "Opportunity", "Opportunities", "Deals in progress, from prospecting to closed.",
        "Name",
        {F("Name", "Opportunity Name", T::Text).Length(120).Required(),
         F("AccountId", "Account", T::Lookup).Lookup("Account", "Account"),
         F("StageName", "Stage", T::Picklist)
             .Values({"Prospecting", "Qualification", "Needs Analysis", "Proposal", "Negotiation",
                      "Closed Won", "Closed Lost"},
                     0)
             .Required()
             .Indexed(),
         F("Amount", "Amount", T::Currency).Digits(18, 2).Min(0).Indexed(),
         F("CloseDate", "Close Date", T::Date).Indexed(),
         F("Probability", "Probability (%)", T::Percent).Digits(3, 0).Range(0, 100),
         F("ExpectedRevenue", "Expected Revenue", T::Formula)
             .Formula("Amount * Probability / 100", T::Currency, 2)
             .Help("Amount weighted by probability."),
         F("Type", "Type", T::Picklist).Values({"New Business", "Existing Business"}),
         F("LeadSource", "Lead Source", T::Picklist).Values(kLeadSources),
         F("NextStep", "Next Step", T::Text), F("Description", "Description", T::LongText).Length(32000)}));
    out.push_back(
        MakeObject("Case", "Case", "Cases", "Customer questions, problems and requests.", "CaseNumber",
                   {F("CaseNumber", "Case Number", T::AutoNumber).AutoFormat("CASE-{0000}"),
                    F("Subject", "Subject", T::Text),
                    F("Status", "Status", T::Picklist)
                        .Values({"New", "Working", "Escalated", "Closed"}, 0)
                        .Required()
                        .Indexed(),
                    F("Priority", "Priority", T::Picklist).Values({"High", "Medium", "Low"}, 1).Indexed(),
                    F("Origin", "Case Origin", T::Picklist).Values({"Phone", "Email", "Web"}),
                    F("Type", "Type", T::Picklist).Values({"Question", "Problem", "Feature Request"}),
                    F("AccountId", "Account", T::Lookup).Lookup("Account", "Account"),
                    F("ContactId", "Contact", T::Lookup).Lookup("Contact", "Contact"),
                    F("SuppliedEmail", "Web Email", T::Email),
                    F("Description", "Description", T::LongText).Length(32000)}));
    out.push_back(MakeObject(
        "Task", "Task", "Tasks", "Things to do: calls, emails, follow-ups.", "Subject",
        {F("Subject", "Subject", T::Text).Required(), F("DueDate", "Due Date", T::Date),
         F("Status", "Status", T::Picklist)
             .Values({"Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"}, 0)
             .Required(),
         F("Priority", "Priority", T::Picklist).Values({"High", "Normal", "Low"}, 1).Required(),
         F("WhoId", "Name", T::Lookup).Lookup("Contact", "Who"),
         F("WhatId", "Related To", T::Lookup).Lookup("Opportunity", "What"),
         F("AccountId", "Account", T::Lookup).Lookup("Account", "Account"),
         F("Description", "Comments", T::LongText).Length(32000)}));
    return out;
}

std::string IndexedFieldFlagSql(const FieldDef& f) {
    return "UPDATE schema_fields SET indexed = " + std::string(f.indexed ? "1" : "0") +
           " WHERE object_id = " + ObjectIdSql(f.object) + " AND api_name = " + SqlLiteral(f.api_name) +
           ";\n";
}

}  // namespace schema_detail

std::string IndexNameFor(const ObjectDef& o, const FieldDef& f) { return "idx_" + o.table + "_" + f.column; }

std::string QuoteIdent(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

std::string SchemaMigrationSql() {
    using namespace schema_detail;
    std::string sql = kMetadataTables;
    for (ObjectDef o : StandardObjects()) {
        for (FieldDef& f : o.fields) f.indexed = false;  // the flag came with migration 4
        sql += InsertObjectSql(o);
        for (const FieldDef& f : o.fields) sql += InsertFieldSql(f);
        sql += CreateRecordTableSql(o);
        sql += InsertLayoutSql(DefaultLayout(o));
    }
    return sql;
}

std::string IndexedFieldsMigrationSql() {
    using namespace schema_detail;
    std::string sql = "ALTER TABLE schema_fields ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;\n";
    for (const ObjectDef& o : StandardObjects()) {
        for (const FieldDef& f : o.fields) {
            if (f.indexed) sql += IndexedFieldFlagSql(f) + IndexSql(o, f);
        }
    }
    return sql;
}

}  // namespace crm
