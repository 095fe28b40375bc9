// Templates: parsing {{...}}, checking merge fields and formulas when saved, rendering for one reader
// (values formatted as the company profile says), storage and the preview as a chosen viewer.
#include <algorithm>

#include "access/access.h"
#include "audit/change.h"
#include "common/messages.h"
#include "company/company_profile.h"
#include "company/display_format.h"
#include "formula/formula.h"
#include "notify/notify_render.h"
#include "records/records.h"
#include "schema/schema.h"
#include "storage/database.h"

namespace crm {

namespace {

struct Scope {
    const char* name;
    std::vector<const char*> fields;
};
const Scope kScopes[] = {
    {"Record", {"Name", "Id", "Object"}},    {"Owner", {"FullName", "Email", "Username"}},
    {"Recipient", {"FullName", "Username"}}, {"Organization", {"Name"}},
    {"Event", {"Actor", "Message"}},
};

/// 1-based code point position of byte offset `at` in `text`.
int CodePointPosition(const std::string& text, size_t at) {
    int pos = 1;
    for (size_t i = 0; i < at && i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++pos;
    return pos;
}

std::string Trim(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

const char* const kPartNames[] = {"subject", "text", "html", "short_text"};

const std::string* PartOf(const NotificationTemplate& t, int i) {
    const std::string* parts[] = {&t.subject, &t.text, &t.html, &t.short_text};
    return parts[i];
}

void HtmlEscapeInto(std::string& out, const std::string& v) {
    for (char c : v) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
}

}  // namespace

Result<ParsedText> ParseTemplateText(const std::string& text, const std::string& part_name) {
    ParsedText out;
    size_t i = 0;
    while (i < text.size()) {
        const size_t open = text.find("{{", i);
        if (open == std::string::npos) {
            out.parts.push_back({TemplatePart::Kind::Text, text.substr(i), "", "", 0});
            break;
        }
        if (open > i) out.parts.push_back({TemplatePart::Kind::Text, text.substr(i, open - i), "", "", 0});
        const size_t close = text.find("}}", open + 2);
        const int position = CodePointPosition(text, open);
        if (close == std::string::npos) {
            Error e = MessageError("invalid_argument", "notify.unclosed_field",
                                   {{"position", std::to_string(position)}, {"part", part_name}}, part_name);
            e.position = position;
            return e;
        }
        TemplatePart p;
        p.position = position;
        const std::string inner = text.substr(open + 2, close - open - 2);
        const std::string trimmed = Trim(inner);
        if (!trimmed.empty() && trimmed[0] == '=') {
            p.kind = TemplatePart::Kind::Formula;
            p.text = trimmed.substr(1);
        } else {
            p.kind = TemplatePart::Kind::Field;
            p.text = trimmed;
            const size_t dot = trimmed.find('.');
            if (dot != std::string::npos) {
                p.scope = trimmed.substr(0, dot);
                p.name = trimmed.substr(dot + 1);
            }
        }
        out.parts.push_back(std::move(p));
        i = close + 2;
    }
    return out;
}

Result<std::shared_ptr<const CompiledTemplate>> CompileTemplate(const SchemaService& schema,
                                                                const NotificationTemplate& t,
                                                                const std::string& object,
                                                                std::vector<Error>* all_errors) {
    auto out = std::make_shared<CompiledTemplate>();
    out->object = object;
    std::vector<Error> errors;
    std::shared_ptr<const ObjectDef> type_object;
    if (!object.empty()) {
        if (auto o = schema.Object(object); o.ok()) type_object = *o;
    }
    for (int k = 0; k < 4; ++k) {
        const std::string part = kPartNames[k];
        Result<ParsedText> parsed = ParseTemplateText(*PartOf(t, k), part);
        if (!parsed.ok()) {
            errors.push_back(parsed.error());
            continue;
        }
        for (TemplatePart& p : parsed->parts) {
            if (p.kind == TemplatePart::Kind::Text) continue;
            MessageParams where = {{"position", std::to_string(p.position)}, {"part", part}};
            if (p.kind == TemplatePart::Kind::Formula) {
                if (!type_object) {
                    errors.push_back(
                        MessageError("invalid_argument", "notify.formula_needs_object", where, part));
                    continue;
                }
                std::shared_ptr<const ObjectResolver> resolver = schema.Resolver(type_object->api_name);
                if (!resolver) continue;
                Result<formula::CompiledFormula> c = formula::Compile(p.text, *resolver, {});
                if (!c.ok()) {
                    // The formula's own position, counted from the template text: "{{=" + its offset.
                    MessageParams fp = {
                        {"position", std::to_string(p.position + 3 + std::max(0, c.error().position - 1))},
                        {"part", part},
                        {"detail", c.error().message}};
                    Error e = MessageError("invalid_argument", "notify.formula_error", fp, part);
                    e.position = p.position + 3 + std::max(0, c.error().position - 1);
                    errors.push_back(e);
                    continue;
                }
                out->formulas.emplace(p.text, *c);
                continue;
            }
            // A merge field: a fixed scope, or a field of the type's object (any object for a type without
            // one).
            bool known = false;
            std::string known_list;
            for (const Scope& s : kScopes) {
                if (p.scope != s.name) continue;
                for (const char* f : s.fields) known = known || p.name == f;
                for (const char* f : s.fields)
                    known_list += std::string(known_list.empty() ? "" : ", ") + s.name + "." + f;
            }
            if (!known && !p.scope.empty()) {
                std::shared_ptr<const ObjectDef> o = type_object;
                if (!o && object.empty()) {
                    if (auto any = schema.Object(p.scope); any.ok()) o = *any;
                }
                if (o && o->api_name == p.scope) {
                    const FieldDef* f = o->Field(p.name);
                    known = f != nullptr || p.name == "Id" || p.name == "OwnerId";
                    if (f) p.name = f->api_name;
                    if (!known) {
                        for (const FieldDef& fd : o->fields)
                            if (fd.state == FieldState::Active && known_list.size() < 200)
                                known_list += std::string(known_list.empty() ? "" : ", ") + o->api_name +
                                              "." + fd.api_name;
                    }
                }
            }
            if (!known) {
                if (known_list.empty())
                    known_list = type_object ? type_object->api_name + ".<field>, Record.Name, Owner.FullName"
                                             : "Record.Name, Owner.FullName, Recipient.FullName";
                where.push_back({"field", p.text});
                where.push_back({"known", known_list});
                Error e = MessageError("invalid_argument", "notify.unknown_field", where, part);
                e.position = p.position;
                errors.push_back(e);
            }
        }
        out->parts[k] = std::move(*parsed);
    }
    if (!errors.empty()) {
        Error first = errors.front();
        if (all_errors) *all_errors = std::move(errors);
        return first;
    }
    return std::shared_ptr<const CompiledTemplate>(out);
}

std::string FormatFieldValue(const FieldDef& f, const nlohmann::json& v, const MergeContext& ctx) {
    if (v.is_null()) return "";
    FieldType type = f.type == FieldType::Formula ? f.formula_type : f.type;
    switch (type) {
        case FieldType::Currency:
            return v.is_number() ? FormatMoney(v.get<double>(), ctx.currency, f.scale > 0 ? f.scale : 2) : "";
        case FieldType::Percent:
            return v.is_number() ? formula::FormatNumber(v.get<double>()) + "%" : "";
        case FieldType::Date:
            if (v.is_string()) {
                if (auto d = formula::ParseDate(v.get<std::string>()))
                    return FormatDateAs(*d, ctx.date_format);
            }
            break;
        case FieldType::DateTime:
            if (v.is_string()) {
                const std::string s = v.get<std::string>();
                if (auto d = formula::ParseDate(s.substr(0, 10)))
                    return FormatDateAs(*d, ctx.date_format) +
                           (s.size() >= 16 ? " " + s.substr(11, 5) + " UTC" : "");
            }
            break;
        case FieldType::Checkbox:
            return v.is_boolean() && v.get<bool>() ? (ctx.chinese ? "是" : "Yes")
                                                   : (ctx.chinese ? "否" : "No");
        case FieldType::Picklist:
            if (v.is_string()) {
                if (const PicklistValue* pv = f.FindValue(v.get<std::string>()))
                    return ctx.chinese && !pv->label_zh.empty() ? pv->label_zh : pv->label;
            }
            break;
        default:
            break;
    }
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number()) return formula::FormatNumber(v.get<double>());
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return v.dump();
}

std::string FormatFormulaValue(const formula::Value& v, const MergeContext& ctx) {
    if (v.is_blank()) return "";
    switch (v.type()) {
        case formula::ValueType::Number:
            return formula::FormatNumber(v.decimal());
        case formula::ValueType::Date:
            return FormatDateAs(v.days(), ctx.date_format);
        case formula::ValueType::DateTime:
            return FormatDateAs(v.ms() / formula::kMsPerDay, ctx.date_format);
        case formula::ValueType::Boolean:
            return v.boolean() ? (ctx.chinese ? "是" : "Yes") : (ctx.chinese ? "否" : "No");
        default:
            return v.text();
    }
}

std::string MergeValue(const TemplatePart& p, const MergeContext& ctx) {
    if (p.kind == TemplatePart::Kind::Formula) {
        if (!ctx.formula) return "";
        std::optional<std::string> v = ctx.formula(p.text);
        return v ? *v : "";
    }
    if (p.scope == "Recipient") return p.name == "FullName" ? ctx.recipient_name : ctx.recipient_username;
    if (p.scope == "Organization") return ctx.org_name;
    if (p.scope == "Event") return p.name == "Actor" ? ctx.actor : ctx.message;
    if (!ctx.object || !ctx.record_visible) return "";
    if (p.scope == "Owner") {
        if (p.name == "FullName") return ctx.owner_name;
        if (p.name == "Email") return ctx.owner_email;
        return ctx.owner_username;
    }
    if (p.scope == "Record") {
        if (p.name == "Id") return std::to_string(ctx.record_id);
        if (p.name == "Object")
            return ctx.chinese && !ctx.object->label_zh.empty() ? ctx.object->label_zh : ctx.object->label;
        const FieldDef* f = ctx.object->Field(ctx.object->name_field);
        if (!f || (ctx.can_read && !ctx.can_read(*f))) return "";
        auto it = ctx.record->find(f->api_name);
        return it == ctx.record->end() ? "" : FormatFieldValue(*f, *it, ctx);
    }
    if (p.scope != ctx.object->api_name) return "";
    if (p.name == "Id") return std::to_string(ctx.record_id);
    const FieldDef* f = ctx.object->Field(p.name);
    if (!f || (ctx.can_read && !ctx.can_read(*f))) return "";  // never what the reader cannot read
    auto it = ctx.record->find(f->api_name);
    return it == ctx.record->end() ? "" : FormatFieldValue(*f, *it, ctx);
}

std::string RenderText(const ParsedText& text, const MergeContext& ctx, bool html) {
    std::string out;
    for (const TemplatePart& p : text.parts) {
        if (p.kind == TemplatePart::Kind::Text) {
            out += p.text;
        } else if (html) {
            HtmlEscapeInto(out, MergeValue(p, ctx));
        } else {
            out += MergeValue(p, ctx);
        }
    }
    return out;
}

RenderedMessage Render(const CompiledTemplate& t, const MergeContext& ctx) {
    RenderedMessage m;
    m.subject = RenderText(t.parts[0], ctx, false);
    m.text = RenderText(t.parts[1], ctx, false);
    m.html = RenderText(t.parts[2], ctx, true);
    m.short_text = RenderText(t.parts[3], ctx, false);
    return m;
}

// [SECTION] The service's template calls

nlohmann::json ToJson(const NotificationTemplate& t) {
    return {{"type", t.type}, {"language", t.language}, {"subject", t.subject},
            {"text", t.text}, {"html", t.html},         {"short_text", t.short_text}};
}

std::vector<NotificationTemplate> NotifyService::Templates(const std::string& type) const {
    Statement st = impl_->db().Prepare(
        "SELECT type, language, subject, text_body, html_body, short_text FROM notify_templates "
        "WHERE ?1 = '' OR type = ?1 ORDER BY type, language");
    st.Bind(1, type);
    std::vector<NotificationTemplate> out;
    while (st.Step()) {
        NotificationTemplate t;
        t.type = st.Text(0);
        t.language = st.Text(1);
        t.subject = st.Text(2);
        t.text = st.Text(3);
        t.html = st.Text(4);
        t.short_text = st.Text(5);
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<Error> NotifyService::CheckTemplate(const NotificationTemplate& t) const {
    std::vector<Error> errors;
    Result<NotificationType> type = GetType(t.type);
    if (!type.ok()) return {type.error()};
    if (t.language != "en" && t.language != "zh-CN")
        errors.push_back(MessageError("invalid_argument", "notify.language", {}, "language"));
    if (t.subject.empty())
        errors.push_back(MessageError("invalid_argument", "notify.template_subject", {}, "subject"));
    std::vector<Error> found;
    (void)CompileTemplate(impl_->schema, t, type->object, &found);
    for (Error& e : found) errors.push_back(std::move(e));
    return errors;
}

Result<NotificationTemplate> NotifyService::SaveTemplate(const std::string& actor,
                                                         const NotificationTemplate& t) {
    CRM_TRY(Require(actor));
    std::vector<Error> errors = CheckTemplate(t);
    if (!errors.empty()) return errors.front();
    std::vector<NotificationTemplate> old = Templates(t.type);
    auto prior = std::find_if(old.begin(), old.end(),
                              [&](const NotificationTemplate& o) { return o.language == t.language; });
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement st = impl_->db().Prepare(
        "INSERT OR REPLACE INTO notify_templates(type, language, subject, text_body, html_body, short_text) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    st.Bind(1, t.type)
        .Bind(2, t.language)
        .Bind(3, t.subject)
        .Bind(4, t.text)
        .Bind(5, t.html)
        .Bind(6, t.short_text);
    CRM_TRY(st.Run());
    CRM_TRY(scope.Audit(kNotifyArea, "template.save", t.type + "/" + t.language,
                        prior == old.end() ? nlohmann::json() : ToJson(*prior), ToJson(t)));
    scope.Record(kNotifyArea, "", prior == old.end() ? ChangeAction::Create : ChangeAction::Update);
    CRM_TRY(scope.Commit());
    return t;
}

Status NotifyService::DeleteTemplate(const std::string& actor, const std::string& type,
                                     const std::string& language) {
    CRM_TRY(Require(actor));
    std::vector<NotificationTemplate> old = Templates(type);
    auto prior = std::find_if(old.begin(), old.end(),
                              [&](const NotificationTemplate& o) { return o.language == language; });
    if (prior == old.end())
        return MessageError("not_found", "notify.unknown_template", {{"type", type}, {"language", language}},
                            "type");
    ChangeScope scope(impl_->changes, actor);
    CRM_TRY(scope.begin_status());
    Statement st = impl_->db().Prepare("DELETE FROM notify_templates WHERE type = ?1 AND language = ?2");
    st.Bind(1, type).Bind(2, language);
    CRM_TRY(st.Run());
    CRM_TRY(
        scope.Audit(kNotifyArea, "template.delete", type + "/" + language, ToJson(*prior), nlohmann::json()));
    scope.Record(kNotifyArea, "", ChangeAction::Delete);
    return scope.Commit();
}

Result<RenderedMessage> NotifyService::Preview(const std::string& viewer, const NotificationTemplate& t,
                                               const std::string& object, int64_t record_id) {
    Result<NotificationType> type = GetType(t.type);
    if (!type.ok()) return type.error();
    Result<std::shared_ptr<const CompiledTemplate>> compiled =
        CompileTemplate(impl_->schema, t, type->object, nullptr);
    if (!compiled.ok()) return compiled.error();
    Result<CompanyProfile> profile = impl_->company.Get();
    MergeContext ctx;
    ctx.chinese = t.language == "zh-CN";
    if (profile.ok()) {
        ctx.currency = profile->currency;
        ctx.date_format = profile->date_format;
        ctx.org_name = profile->name;
    }
    if (Result<User> me = impl_->access.GetUser(viewer); me.ok()) {
        ctx.recipient_name = me->full_name;
        ctx.recipient_username = me->username;
    }
    ctx.actor = viewer;
    nlohmann::json record;
    std::shared_ptr<const ObjectDef> def;
    if (!object.empty() && record_id > 0) {
        Result<std::shared_ptr<const ObjectDef>> o = impl_->schema.Object(object);
        if (!o.ok()) return o.error();
        def = *o;
        // As records.get answers the viewer: fields they cannot read are absent, a record they cannot
        // read is refused.
        Result<nlohmann::json> r = impl_->records.Get(viewer, def->api_name, record_id);
        if (!r.ok()) return r.error();
        record = std::move(*r);
        ctx.object = def.get();
        ctx.record = &record;
        ctx.record_id = record_id;
        ctx.can_read = [&record](const FieldDef& f) { return record.contains(f.api_name); };
        if (record.contains("OwnerId") && record["OwnerId"].is_number_integer())
            FillOwner(impl_->db(), record["OwnerId"].get<int64_t>(), ctx);
        RecordService* records = &impl_->records;
        const std::string api = def->api_name;
        ctx.formula = [records, &viewer, api, record_id,
                       &ctx](const std::string& text) -> std::optional<std::string> {
            Result<formula::Value> v =
                records->EvalFormula(viewer, api, text, record_id, nlohmann::json::object());
            if (!v.ok()) return std::nullopt;  // a field the viewer cannot read: nothing
            return FormatFormulaValue(*v, ctx);
        };
    }
    return Render(**compiled, ctx);
}

void FillOwner(Database& db, int64_t owner_id, MergeContext& ctx) {
    Statement st = db.Prepare("SELECT username, full_name, email FROM access_user WHERE id = ?1");
    st.Bind(1, owner_id);
    if (!st.Step()) return;
    ctx.owner_username = st.Text(0);
    ctx.owner_name = st.Text(1);
    ctx.owner_email = st.Text(2);
}

}  // namespace crm
