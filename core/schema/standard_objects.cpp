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
// Every standard field, object and picklist value carries its Simplified Chinese label, in the terms
// of Salesforce's Chinese setup where Chinese CRM administrators know them.
struct F {
    FieldDef def;
    F(const char* api, const char* label, const char* label_zh, FieldType type) {
        def.api_name = api;
        def.label = label;
        def.label_zh = label_zh;
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
    /// Values as {English, Chinese}; the English label is the API name.
    F& Values(std::initializer_list<std::pair<const char*, const char*>> values, int default_index = -1) {
        int i = 0;
        for (const auto& [en, zh] : values) {
            PicklistValue pv;
            pv.api_name = pv.label = en;
            pv.label_zh = zh;
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

ObjectDef MakeObject(const char* api, const char* label, const char* plural, const char* label_zh,
                     const char* description, const char* name_field, std::vector<F> fields) {
    ObjectDef o;
    o.api_name = api;
    o.label = label;
    o.plural_label = plural;
    o.label_zh = label_zh;
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

using Values = std::initializer_list<std::pair<const char*, const char*>>;
const Values kIndustries = {{"Agriculture", "农业"},
                            {"Banking", "银行"},
                            {"Construction", "建筑"},
                            {"Education", "教育"},
                            {"Electronics", "电子"},
                            {"Energy", "能源"},
                            {"Finance", "金融"},
                            {"Healthcare", "医疗保健"},
                            {"Manufacturing", "制造"},
                            {"Media", "媒体"},
                            {"Retail", "零售"},
                            {"Technology", "科技"},
                            {"Telecommunications", "电信"},
                            {"Transportation", "交通运输"},
                            {"Other", "其他"}};
const Values kLeadSources = {{"Web", "网站"},
                             {"Phone Inquiry", "电话咨询"},
                             {"Partner Referral", "合作伙伴推荐"},
                             {"Purchased List", "购买名单"},
                             {"Trade Show", "展会"},
                             {"Other", "其他"}};
const Values kRatings = {{"Hot", "热"}, {"Warm", "温"}, {"Cold", "冷"}};

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

std::string DropColumnIndexesSql(Database& db, const ObjectDef& o, const FieldDef& f) {
    std::string sql = DropIndexSql(o, f);
    Statement st = db.Prepare(
        "SELECT DISTINCT l.name FROM pragma_index_list(?1) AS l, pragma_index_info(l.name) AS i WHERE i.name "
        "= ?2 AND l.origin = 'c' ORDER BY l.name");
    st.Bind(1, o.table).Bind(2, f.column);
    while (st.Step())
        if (st.Text(0) != IndexNameFor(o, f)) sql += "DROP INDEX IF EXISTS " + QuoteIdent(st.Text(0)) + ";\n";
    return sql;
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
    out.push_back(
        MakeObject("Account", "Account", "Accounts", "客户",
                   "Companies and organisations you do business with (customers).", "Name",
                   {F("Name", "Account Name", "客户名称", T::Text).Required(),
                    F("AccountNumber", "Account Number", "客户编号", T::Text).Length(40),
                    F("Type", "Type", "类型", T::Picklist)
                        .Values({{"Prospect", "潜在客户"},
                                 {"Customer - Direct", "直接客户"},
                                 {"Customer - Channel", "渠道客户"},
                                 {"Channel Partner / Reseller", "渠道合作伙伴/经销商"},
                                 {"Installation Partner", "安装合作伙伴"},
                                 {"Technology Partner", "技术合作伙伴"},
                                 {"Other", "其他"}}),
                    F("Industry", "Industry", "行业", T::Picklist).Values(kIndustries),
                    F("Rating", "Rating", "等级", T::Picklist).Values(kRatings),
                    F("Phone", "Phone", "电话", T::Phone), F("Website", "Website", "网站", T::Url),
                    F("AnnualRevenue", "Annual Revenue", "年收入", T::Currency).Digits(18, 2).Min(0),
                    F("NumberOfEmployees", "Employees", "员工人数", T::Number).Digits(9, 0).Min(0),
                    F("BillingStreet", "Billing Street", "开票街道", T::Text),
                    F("BillingCity", "Billing City", "开票城市", T::Text).Length(40),
                    F("BillingState", "Billing State/Province", "开票省/市/自治区", T::Text).Length(80),
                    F("BillingPostalCode", "Billing Zip/Postal Code", "开票邮政编码", T::Text).Length(20),
                    F("BillingCountry", "Billing Country", "开票国家/地区", T::Text).Length(80),
                    F("ParentId", "Parent Account", "上级客户", T::Lookup).Lookup("Account", "Parent"),
                    F("Description", "Description", "描述", T::LongText).Length(32000)}));
    out.push_back(MakeObject(
        "Contact", "Contact", "Contacts", "联系人", "People who work at your accounts.", "Name",
        {F("Name", "Full Name", "姓名", T::Text).Length(121).Required(),
         F("FirstName", "First Name", "名", T::Text).Length(40),
         F("LastName", "Last Name", "姓", T::Text).Length(80),
         F("AccountId", "Account", "客户", T::Lookup).Lookup("Account", "Account"),
         F("Title", "Title", "职务", T::Text).Length(128),
         F("Department", "Department", "部门", T::Text).Length(80), F("Email", "Email", "电子邮件", T::Email),
         F("Phone", "Phone", "电话", T::Phone), F("MobilePhone", "Mobile", "手机", T::Phone),
         F("Birthdate", "Birthdate", "生日", T::Date),
         F("LeadSource", "Lead Source", "潜在客户来源", T::Picklist).Values(kLeadSources),
         F("MailingCity", "Mailing City", "邮寄城市", T::Text).Length(40),
         F("Description", "Description", "描述", T::LongText).Length(32000)}));
    out.push_back(
        MakeObject("Lead", "Lead", "Leads", "潜在客户", "Prospects who may become customers.", "Name",
                   {F("Name", "Full Name", "姓名", T::Text).Length(121).Required(),
                    F("FirstName", "First Name", "名", T::Text).Length(40),
                    F("LastName", "Last Name", "姓", T::Text).Length(80),
                    F("Company", "Company", "公司", T::Text).Required(),
                    F("Title", "Title", "职务", T::Text).Length(128),
                    F("Email", "Email", "电子邮件", T::Email), F("Phone", "Phone", "电话", T::Phone),
                    F("Status", "Lead Status", "潜在客户状态", T::Picklist)
                        .Values({{"Open - Not Contacted", "未处理 - 未联系"},
                                 {"Working - Contacted", "处理中 - 已联系"},
                                 {"Closed - Converted", "已关闭 - 已转换"},
                                 {"Closed - Not Converted", "已关闭 - 未转换"}},
                                0)
                        .Required(),
                    F("LeadSource", "Lead Source", "潜在客户来源", T::Picklist).Values(kLeadSources),
                    F("Industry", "Industry", "行业", T::Picklist).Values(kIndustries),
                    F("Rating", "Rating", "等级", T::Picklist).Values(kRatings),
                    F("AnnualRevenue", "Annual Revenue", "年收入", T::Currency).Digits(18, 2).Min(0),
                    F("NumberOfEmployees", "Employees", "员工人数", T::Number).Digits(9, 0).Min(0),
                    F("City", "City", "城市", T::Text).Length(40),
                    F("Description", "Description", "描述", T::LongText).Length(32000)}));
    out.push_back(
        MakeObject("Opportunity", "Opportunity", "Opportunities", "商机",
                   "Deals in progress, from prospecting to closed.", "Name",
                   {F("Name", "Opportunity Name", "商机名称", T::Text).Length(120).Required(),
                    F("AccountId", "Account", "客户", T::Lookup).Lookup("Account", "Account"),
                    F("StageName", "Stage", "阶段", T::Picklist)
                        .Values({{"Prospecting", "初步接洽"},
                                 {"Qualification", "资格审查"},
                                 {"Needs Analysis", "需求分析"},
                                 {"Proposal", "方案报价"},
                                 {"Negotiation", "商务谈判"},
                                 {"Closed Won", "赢单"},
                                 {"Closed Lost", "输单"}},
                                0)
                        .Required()
                        .Indexed(),
                    F("Amount", "Amount", "金额", T::Currency).Digits(18, 2).Min(0).Indexed(),
                    F("CloseDate", "Close Date", "结束日期", T::Date).Indexed(),
                    F("Probability", "Probability (%)", "可能性 (%)", T::Percent).Digits(3, 0).Range(0, 100),
                    F("ExpectedRevenue", "Expected Revenue", "预期收入", T::Formula)
                        .Formula("Amount * Probability / 100", T::Currency, 2)
                        .Help("Amount weighted by probability."),
                    F("Type", "Type", "类型", T::Picklist)
                        .Values({{"New Business", "新业务"}, {"Existing Business", "现有业务"}}),
                    F("LeadSource", "Lead Source", "潜在客户来源", T::Picklist).Values(kLeadSources),
                    F("NextStep", "Next Step", "下一步", T::Text),
                    F("Description", "Description", "描述", T::LongText).Length(32000)}));
    out.push_back(MakeObject(
        "Case", "Case", "Cases", "个案", "Customer questions, problems and requests.", "CaseNumber",
        {F("CaseNumber", "Case Number", "个案编号", T::AutoNumber).AutoFormat("CASE-{0000}"),
         F("Subject", "Subject", "主题", T::Text),
         F("Status", "Status", "状态", T::Picklist)
             .Values({{"New", "新建"}, {"Working", "处理中"}, {"Escalated", "已升级"}, {"Closed", "已关闭"}},
                     0)
             .Required()
             .Indexed(),
         F("Priority", "Priority", "优先级", T::Picklist)
             .Values({{"High", "高"}, {"Medium", "中"}, {"Low", "低"}}, 1)
             .Indexed(),
         F("Origin", "Case Origin", "个案来源", T::Picklist)
             .Values({{"Phone", "电话"}, {"Email", "电子邮件"}, {"Web", "网站"}}),
         F("Type", "Type", "类型", T::Picklist)
             .Values({{"Question", "咨询"}, {"Problem", "故障"}, {"Feature Request", "功能需求"}}),
         F("AccountId", "Account", "客户", T::Lookup).Lookup("Account", "Account"),
         F("ContactId", "Contact", "联系人", T::Lookup).Lookup("Contact", "Contact"),
         F("SuppliedEmail", "Web Email", "网站电子邮件", T::Email),
         F("Description", "Description", "描述", T::LongText).Length(32000)}));
    out.push_back(MakeObject(
        "Task", "Task", "Tasks", "任务", "Things to do: calls, emails, follow-ups.", "Subject",
        {F("Subject", "Subject", "主题", T::Text).Required(), F("DueDate", "Due Date", "到期日期", T::Date),
         F("Status", "Status", "状态", T::Picklist)
             .Values({{"Not Started", "未开始"},
                      {"In Progress", "进行中"},
                      {"Completed", "已完成"},
                      {"Waiting on someone else", "等待他人"},
                      {"Deferred", "已推迟"}},
                     0)
             .Required(),
         F("Priority", "Priority", "优先级", T::Picklist)
             .Values({{"High", "高"}, {"Normal", "普通"}, {"Low", "低"}}, 1)
             .Required(),
         F("WhoId", "Name", "姓名", T::Lookup).Lookup("Contact", "Who"),
         F("WhatId", "Related To", "相关项", T::Lookup).Lookup("Opportunity", "What"),
         F("AccountId", "Account", "客户", T::Lookup).Lookup("Account", "Account"),
         F("Description", "Comments", "备注", T::LongText).Length(32000)}));
    return out;
}

std::string IndexedFieldFlagSql(const FieldDef& f) {
    return "UPDATE schema_fields SET indexed = " + std::string(f.indexed ? "1" : "0") +
           " WHERE object_id = " + ObjectIdSql(f.object) + " AND api_name = " + SqlLiteral(f.api_name) +
           ";\n";
}

std::string ChineseLabelSql(const ObjectDef& o) {
    return "UPDATE schema_objects SET label_zh = " + SqlLiteral(o.label_zh) +
           " WHERE api_name = " + SqlLiteral(o.api_name) + ";\n";
}

std::string ChineseLabelsSql(const FieldDef& f) {
    const std::string field_id = "(SELECT id FROM schema_fields WHERE object_id = " + ObjectIdSql(f.object) +
                                 " AND api_name = " + SqlLiteral(f.api_name) + ")";
    std::string sql =
        "UPDATE schema_fields SET label_zh = " + SqlLiteral(f.label_zh) + " WHERE id = " + field_id + ";\n";
    for (const PicklistValue& v : f.picklist) {
        if (v.label_zh.empty()) continue;
        sql += "UPDATE schema_picklist_values SET label_zh = " + SqlLiteral(v.label_zh) +
               " WHERE field_id = " + field_id + " AND api_name = " + SqlLiteral(v.api_name) + ";\n";
    }
    return sql;
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

std::string ChineseLabelsMigrationSql() {
    using namespace schema_detail;
    std::string sql =
        "ALTER TABLE schema_objects ADD COLUMN label_zh TEXT NOT NULL DEFAULT '';\n"
        "ALTER TABLE schema_fields ADD COLUMN label_zh TEXT NOT NULL DEFAULT '';\n"
        "ALTER TABLE schema_picklist_values ADD COLUMN label_zh TEXT NOT NULL DEFAULT '';\n";
    // The standard metadata of an existing workspace (custom API names end in "__c", so none is touched;
    // a value an administrator removed from a standard picklist matches no row).
    for (const ObjectDef& o : StandardObjects()) {
        sql += ChineseLabelSql(o);
        for (const FieldDef& f : o.fields) sql += ChineseLabelsSql(f);
    }
    return sql;
}

}  // namespace crm
