// The Templates tab: a type's template in one language (subject, plain text, simple HTML, short text for
// SMS and pop-ups), a merge-field picker that inserts {{Object.Field}} at the caret of the part last
// edited, and a live preview against a chosen record: every edit is checked (notify.templates.check:
// unknown fields and broken formulas, each at its position under its part) and rendered
// (notify.templates.preview) a moment after typing stops. Save checks again; the stored template is
// what the fan-out renders.
#include <algorithm>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/note.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/notify/notify_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

/// Seconds after the last keystroke before the check and the preview run.
constexpr double kPreviewDelay = 0.3;

const char* const kParts[] = {"subject", "text", "html", "short_text"};
constexpr int kPartCount = 4;
const char* const kLanguages[] = {"en", "zh-CN"};

/// The merge fields every template may use, whatever its type's object.
const char* const kCommonFields[] = {"Record.Name",        "Record.Id",          "Record.Object",
                                     "Owner.FullName",     "Owner.Email",        "Owner.Username",
                                     "Recipient.FullName", "Recipient.Username", "Organization.Name",
                                     "Event.Actor",        "Event.Message"};

struct PartError {
    std::string part, message;
    int position = 0;
};

class TemplatesPanel : public NotifyPanel {
public:
    explicit TemplatesPanel(const NotifyServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void ReloadTypes();
    void LoadTemplate();
    const TypeInfo* CurrentType() const;
    std::string PreviewObject() const;
    void PickRecord();
    nlohmann::json Args() const;
    void CheckAndPreview();
    void Save();
    void Delete();
    void DrawPart(const PageContext& ctx, int part, float height);
    void DrawFieldPicker(const PageContext& ctx);
    void DrawPreview(const PageContext& ctx);

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    TypeList types_;
    std::string load_error_;
    std::string type_;
    std::string language_ = "en";
    std::string parts_[kPartCount];
    std::string stored_[kPartCount];
    bool exists_ = false;  ///< a template is stored for this type and language
    int focused_part_ = 1;
    int caret_[kPartCount] = {-1, -1, -1, -1};
    std::vector<std::string> fields_;  ///< the merge fields offered (of fields_for_'s object)
    std::string fields_for_ = "?";
    uint64_t fields_change_ = 0;
    // Preview.
    std::string object_;  ///< the record's object ("" until picked)
    int record_id_ = 0;
    std::vector<ObjectChoice> objects_;
    bool objects_loaded_ = false;
    double edited_at_ = 0.0;
    bool pending_ = true;
    std::vector<PartError> errors_;
    nlohmann::json preview_ = nlohmann::json::object();
    std::string preview_error_;
    Note message_;
    bool message_error_ = false;
};

const TypeInfo* TemplatesPanel::CurrentType() const {
    for (const TypeInfo& t : types_.types)
        if (t.code == type_) return &t;
    return nullptr;
}

void TemplatesPanel::ReloadTypes() {
    if (loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser()) return;
    const bool first = loaded_change_ == UINT64_MAX;
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    types_ = LoadTypes(workspace_, &load_error_);
    if (!CurrentType() && !types_.types.empty()) {
        type_ = types_.types.front().code;
        LoadTemplate();
    } else if (first) {
        LoadTemplate();
    }
}

void TemplatesPanel::LoadTemplate() {
    for (int i = 0; i < kPartCount; ++i) {
        parts_[i].clear();
        stored_[i].clear();
        caret_[i] = -1;
    }
    exists_ = false;
    if (type_.empty()) return;
    const nlohmann::json answer = RunCommand(workspace_, "notify.templates.list", {{"type", type_}});
    if (answer.value("ok", false)) {
        for (const nlohmann::json& t : answer["result"].value("templates", nlohmann::json::array())) {
            if (Text(t, "language") != language_) continue;
            exists_ = true;
            for (int i = 0; i < kPartCount; ++i) parts_[i] = stored_[i] = Text(t, kParts[i]);
        }
    } else {
        load_error_ = AnswerError(answer);
    }
    const TypeInfo* t = CurrentType();
    if ((!t || t->object.empty()) && object_.empty()) {
        // A type of any object previews against an Account until another object is picked.
        if (!objects_loaded_) {
            objects_ = ReadableObjects(workspace_);
            objects_loaded_ = true;
        }
        for (const ObjectChoice& o : objects_)
            if (object_.empty() || o.api_name == "Account") object_ = o.api_name;
    }
    if (t && !t->object.empty() && t->object != object_) {
        object_ = t->object;
        record_id_ = 0;
    }
    if (record_id_ == 0) PickRecord();
    pending_ = true;
    edited_at_ = 0.0;
}

std::string TemplatesPanel::PreviewObject() const {
    const TypeInfo* t = CurrentType();
    return t && !t->object.empty() ? t->object : object_;
}

void TemplatesPanel::PickRecord() {
    const std::string object = PreviewObject();
    if (object.empty()) return;
    const nlohmann::json answer = RunCommand(workspace_, "records.list", {{"object", object}, {"limit", 1}});
    if (!answer.value("ok", false)) return;
    for (const nlohmann::json& row : answer["result"].value("rows", nlohmann::json::array())) {
        if (row.is_object() && row.contains("Id") && row["Id"].is_number_integer())
            record_id_ = row["Id"].get<int>();
    }
}

nlohmann::json TemplatesPanel::Args() const {
    nlohmann::json args = {{"type", type_}, {"language", language_}};
    for (int i = 0; i < kPartCount; ++i) args[kParts[i]] = parts_[i];
    return args;
}

void TemplatesPanel::CheckAndPreview() {
    pending_ = false;
    errors_.clear();
    preview_ = nlohmann::json::object();
    preview_error_.clear();
    if (type_.empty()) return;
    const nlohmann::json check = RunCommand(workspace_, "notify.templates.check", Args());
    if (!check.value("ok", false)) {
        preview_error_ = AnswerError(check);
        return;
    }
    for (const nlohmann::json& e : check["result"].value("errors", nlohmann::json::array())) {
        PartError pe;
        pe.part = Text(e, "field");
        pe.position = e.value("position", 0);
        pe.message = AnswerError(e);
        errors_.push_back(std::move(pe));
    }
    if (!errors_.empty()) return;
    const std::string object = PreviewObject();
    if (object.empty() || record_id_ <= 0) {
        preview_error_ = Tr("ntf.templates.no_record");
        return;
    }
    nlohmann::json args = Args();
    args["object"] = object;
    args["id"] = record_id_;
    const nlohmann::json answer = RunCommand(workspace_, "notify.templates.preview", args);
    if (!answer.value("ok", false)) {
        preview_error_ = AnswerError(answer);
        return;
    }
    preview_ = answer["result"];
}

void TemplatesPanel::Save() {
    const nlohmann::json answer = RunCommand(workspace_, "notify.templates.save", Args());
    message_error_ = !answer.value("ok", false);
    if (message_error_) {
        message_ = AnswerError(answer);
        pending_ = true;
        return;
    }
    message_ = Tr("ntf.templates.saved");
    for (int i = 0; i < kPartCount; ++i) stored_[i] = parts_[i];
    exists_ = true;
}

void TemplatesPanel::Delete() {
    const nlohmann::json answer =
        RunCommand(workspace_, "notify.templates.delete", {{"type", type_}, {"language", language_}});
    message_error_ = !answer.value("ok", false);
    message_ = message_error_ ? AnswerError(answer) : std::string(Tr("ntf.templates.deleted"));
    if (!message_error_) LoadTemplate();
}

void TemplatesPanel::DrawPart(const PageContext& ctx, int part, float height) {
    const float s = ctx.scale;
    const std::string hook = std::string("notify.templates.") + kParts[part];
    ImGui::TextUnformatted(Tr(std::string("ntf.templates.part.") + kParts[part]));
    std::string* text = &parts_[part];
    const std::string before = *text;
    InputMultilineWithCaret(("##" + hook).c_str(), text, &caret_[part], ImVec2(-FLT_MIN, height * s));
    MarkItem(hook);
    PublishForm(hook, *text);
    if (ImGui::IsItemActive()) focused_part_ = part;
    if (*text != before) {
        pending_ = true;
        edited_at_ = ImGui::GetTime();
        message_.clear();
    }
    for (const PartError& e : errors_) {
        if (e.part != kParts[part]) continue;
        const std::string line = e.position > 0
                                     ? Tr("ntf.templates.error_at",
                                          {{"position", std::to_string(e.position)}, {"message", e.message}})
                                     : e.message;
        TextColored(CurrentPalette().danger, line);
        MarkItem(hook + ".error");
        PublishError(hook, e.message);
    }
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
}

void TemplatesPanel::DrawFieldPicker(const PageContext& ctx) {
    const std::string object = PreviewObject();
    if (fields_for_ != object || fields_change_ != workspace_.change_count()) {
        fields_for_ = object;
        fields_change_ = workspace_.change_count();
        fields_.assign(std::begin(kCommonFields), std::end(kCommonFields));
        if (!object.empty()) {
            for (const FieldChoice& f : ReadableFields(workspace_, object))
                fields_.push_back(object + "." + f.api_name);
        }
    }
    const std::vector<std::string>& fields = fields_;
    std::string picked;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.templates.insert_field"));
    ImGui::SameLine();
    if (KeyCombo(
            "notify.templates.field", fields, [](const std::string& f) { return "{{" + f + "}}"; }, &picked,
            260.0f * ctx.scale)) {
        std::string& text = parts_[focused_part_];
        const std::string merge = "{{" + picked + "}}";
        const int caret = caret_[focused_part_];
        const size_t at = caret >= 0 && static_cast<size_t>(caret) <= text.size() ? static_cast<size_t>(caret)
                                                                                  : text.size();
        text.insert(at, merge);
        caret_[focused_part_] = static_cast<int>(at + merge.size());
        pending_ = true;
        edited_at_ = 0.0;
    }
    ImGui::SameLine();
    TextMuted(Tr("ntf.templates.insert_into",
                 {{"part", Tr(std::string("ntf.templates.part.") + kParts[focused_part_])}}),
              false);
}

void TemplatesPanel::DrawPreview(const PageContext& ctx) {
    const float s = ctx.scale;
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("ntf.templates.preview"));
    ImGui::PopFont();
    const TypeInfo* t = CurrentType();
    if (!t || t->object.empty()) {
        if (!objects_loaded_) {
            objects_ = ReadableObjects(workspace_);
            objects_loaded_ = true;
        }
        ImGui::SetNextItemWidth(200.0f * s);
        if (ObjectCombo("##notify.templates.object", objects_, &object_, "notify.templates.object")) {
            record_id_ = 0;
            PickRecord();
            pending_ = true;
        }
        ImGui::SameLine();
    } else {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(t->object.c_str());
        ImGui::SameLine();
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.templates.record_id"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110.0f * s);
    if (ImGui::InputInt("##notify.templates.record", &record_id_)) {
        record_id_ = std::max(record_id_, 0);
        pending_ = true;
        edited_at_ = ImGui::GetTime();
    }
    MarkItem("notify.templates.record");
    PublishForm("notify.templates.record", record_id_);
    ImGui::Spacing();
    DataCardBegin(0.0f);
    if (!errors_.empty()) {
        TextColored(CurrentPalette().danger, Tr("ntf.templates.fix_errors"));
    } else if (!preview_error_.empty()) {
        TextMuted(preview_error_);
        MarkItem("notify.templates.preview_error");
    } else if (!preview_.empty()) {
        for (int i = 0; i < kPartCount; ++i) {
            const std::string value = Text(preview_, kParts[i]);
            ImGui::PushFont(ctx.small_font);
            TextMuted(Tr(std::string("ntf.templates.part.") + kParts[i]), false);
            ImGui::PopFont();
            ImGui::TextUnformatted(value.empty() ? "-" : value.c_str());
            MarkItem(std::string("notify.templates.preview.") + kParts[i]);
            ImGui::Spacing();
        }
    }
    DataCardEnd();
}

void TemplatesPanel::Draw(const PageContext& ctx) {
    ReloadTypes();
    const float s = ctx.scale;
    TextMuted(Tr("ntf.templates.intro"));
    // notify.templates.save and .delete need Manage Notifications (their registry entries).
    PermissionGuard guard(workspace_.access(), SystemPermission::ManageNotifications, "notify.templates");
    guard.Notice();
    if (!load_error_.empty()) {
        if (guard.allowed()) NoticeLine("notify.templates.load_error", load_error_, true);
        return;
    }
    std::vector<std::string> codes;
    for (const TypeInfo& t : types_.types) codes.push_back(t.code);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.templates.type"));
    ImGui::SameLine();
    if (KeyCombo(
            "notify.templates.type", codes,
            [this](const std::string& code) {
                for (const TypeInfo& t : types_.types)
                    if (t.code == code) return TypeLabel(t);
                return code;
            },
            &type_, 280.0f * s)) {
        message_.clear();
        LoadTemplate();
    }
    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.templates.language"));
    ImGui::SameLine();
    const std::vector<std::string> languages(std::begin(kLanguages), std::end(kLanguages));
    if (KeyCombo(
            "notify.templates.language", languages,
            [](const std::string& code) { return std::string(Tr("ntf.language." + code)); }, &language_,
            160.0f * s)) {
        message_.clear();
        LoadTemplate();
    }
    if (!exists_) {
        ImGui::SameLine(0.0f, 12.0f * s);
        TextMuted(Tr("ntf.templates.none_stored"), false);
    }
    if (pending_ && ImGui::GetTime() - edited_at_ >= kPreviewDelay) CheckAndPreview();

    const float full = ImGui::GetContentRegionAvail().x;
    const float left = std::max(320.0f * s, full * 0.55f);
    ImGui::BeginChild("notify.templates.editor", ImVec2(left, 0.0f), false, ImGuiWindowFlags_NoScrollbar);
    guard.Begin();
    DrawFieldPicker(ctx);
    ImGui::Spacing();
    DrawPart(ctx, 0, 30.0f);
    DrawPart(ctx, 1, 110.0f);
    DrawPart(ctx, 2, 110.0f);
    DrawPart(ctx, 3, 50.0f);
    bool dirty = false;
    for (int i = 0; i < kPartCount; ++i) dirty = dirty || parts_[i] != stored_[i];
    if (PrimaryButton(Tr("ntf.templates.save"), (dirty || !exists_) && guard.allowed())) Save();
    MarkItem("notify.templates.save");
    guard.ReasonOnHover();
    ImGui::SameLine();
    if (SecondaryButton(Tr("ntf.templates.revert"), dirty)) {
        for (int i = 0; i < kPartCount; ++i) parts_[i] = stored_[i];
        pending_ = true;
    }
    MarkItem("notify.templates.revert");
    ImGui::SameLine();
    if (SecondaryButton(Tr("ntf.templates.delete"), exists_)) Delete();
    MarkItem("notify.templates.delete");
    guard.ReasonOnHover();
    guard.End();
    NoticeLine("notify.templates.message", message_, message_error_);
    ImGui::EndChild();
    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::BeginChild("notify.templates.preview_area", ImVec2(0.0f, 0.0f));
    DrawPreview(ctx);
    ImGui::EndChild();
}

nlohmann::json TemplatesPanel::State() const {
    nlohmann::json errors = nlohmann::json::array();
    for (const PartError& e : errors_)
        errors.push_back({{"part", e.part}, {"position", e.position}, {"message", e.message}});
    nlohmann::json parts = nlohmann::json::object();
    for (int i = 0; i < kPartCount; ++i) parts[kParts[i]] = parts_[i];
    return {{"type", type_},
            {"language", language_},
            {"parts", parts},
            {"stored", exists_},
            {"errors", errors},
            {"preview", preview_},
            {"pending", pending_},
            {"preview_error", preview_error_},
            {"object", PreviewObject()},
            {"record", record_id_},
            {"message", message_}};
}

}  // namespace

std::unique_ptr<NotifyPanel> MakeNotifyTemplatesPanel(const NotifyServices& services) {
    return std::make_unique<TemplatesPanel>(services);
}

}  // namespace crm::ui
