// The Webhooks tab: outbound webhook subscriptions (webhooks.*, core/integration/webhooks.h). The
// subscriptions as a sortable, filtered table; the editor of the one selected (or a new one): name, object,
// events (created, updated with watched fields, deleted, workflow with rule names), URL, run-as user,
// active, and the signing secret, typed but never shown back (the core answers only whether one is set).
// Save shows the core's error beside the part it names; delete asks first; "Send test" queues a signed
// webhook.test event. Below, the delivery log of the selected subscription and what a receiving server must
// allow for the browser's cross-origin fetch.
#include <algorithm>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/integration/integration_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/time_text.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/state_color.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

const char* const kEvents[] = {"created", "updated", "deleted", "workflow"};

/// One row of the delivery log, as shown.
struct DeliveryRow {
    int64_t id = 0;
    int64_t created_ms = 0;
    std::string event;  ///< the payload's "event"
    std::string state;
    int attempts = 0;
    int last_status = 0;
    std::string last_reason;
};

/// What the editor holds: a subscription being made (id 0) or changed.
struct Draft {
    int64_t id = 0;
    std::string name, object, url, run_as, rules;
    bool events[4] = {true, true, false, false};
    std::vector<std::string> fields;
    bool active = true;
    bool secret_set = false;
    std::string secret;  ///< typed; never filled from an answer
};

class WebhooksPanel : public IntegrationPanel {
public:
    explicit WebhooksPanel(const IntegrationServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Reload(bool force);
    void LoadDeliveries();
    void Select(const nlohmann::json& sub);
    void New();
    void Save();
    void Delete();
    void SendTest();
    void ForgetSecret() {
        draft_.secret.assign(draft_.secret.size(), '\0');
        draft_.secret.clear();
    }
    void DrawList(const PageContext& ctx, float width);
    void DrawEditor(const PageContext& ctx, float width);
    void DrawDeliveries(const PageContext& ctx, float width);

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    nlohmann::json subs_ = nlohmann::json::array();
    std::vector<std::string> users_;
    std::vector<ObjectChoice> objects_;
    std::string load_error_;
    std::string filter_;
    int sort_column_ = -1;
    bool sort_desc_ = false;

    bool editing_ = false;
    Draft draft_;
    std::vector<FieldChoice> field_choices_;
    std::string field_choices_of_;
    FormErrors errors_;
    LiveText message_;
    bool message_error_ = false;
    bool confirm_open_ = false;

    std::vector<DeliveryRow> deliveries_;
    std::string deliveries_error_;
};

void WebhooksPanel::Reload(bool force) {
    if (!force && loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser()) return;
    const bool viewer_changed = loaded_viewer_ != ActingUser();
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    const nlohmann::json answer = RunCommand(workspace_, "webhooks.list", nlohmann::json::object());
    if (!answer.value("ok", false)) {
        load_error_ = AnswerError(answer);
        subs_ = nlohmann::json::array();
    } else {
        load_error_.clear();
        subs_ = answer["result"]["webhooks"];
    }
    if (viewer_changed || force || objects_.empty()) {
        objects_ = ReadableObjects(workspace_);
        users_.clear();
        const nlohmann::json users = RunCommand(workspace_, "users.list", nlohmann::json::object());
        if (users.value("ok", false)) {
            for (const nlohmann::json& u : users["result"]) {
                if (u.value("active", true)) users_.push_back(u.value("username", std::string()));
            }
            std::sort(users_.begin(), users_.end());
        }
        field_choices_of_.clear();
    }
    LoadDeliveries();
}

void WebhooksPanel::LoadDeliveries() {
    deliveries_.clear();
    deliveries_error_.clear();
    if (!editing_ || draft_.id == 0) return;
    const nlohmann::json answer =
        RunCommand(workspace_, "webhooks.deliveries", {{"id", draft_.id}, {"limit", 100}});
    if (!answer.value("ok", false)) {
        deliveries_error_ = AnswerError(answer);
        return;
    }
    for (const nlohmann::json& d : answer["result"]["deliveries"]) {
        DeliveryRow row;
        auto number = [&d](const char* key) {
            return d.contains(key) && d[key].is_number() ? d[key].get<int64_t>() : int64_t{0};
        };
        row.id = number("id");
        row.created_ms = number("created");
        row.state = d.contains("state") && d["state"].is_string() ? d["state"].get<std::string>() : "";
        row.attempts = static_cast<int>(number("attempts"));
        row.last_status = static_cast<int>(number("last_status"));
        row.last_reason = d.contains("last_reason") && d["last_reason"].is_string()
                              ? d["last_reason"].get<std::string>()
                              : "";
        // The payload is the event's JSON (older rows may hold it as text).
        const nlohmann::json& stored = d.contains("payload") ? d["payload"] : nlohmann::json();
        const nlohmann::json payload =
            stored.is_string() ? nlohmann::json::parse(stored.get<std::string>(), nullptr, false) : stored;
        if (payload.is_object() && payload.contains("event") && payload["event"].is_string())
            row.event = payload["event"].get<std::string>();
        deliveries_.push_back(std::move(row));
    }
}

void WebhooksPanel::Select(const nlohmann::json& sub) {
    ForgetSecret();
    draft_ = Draft{};
    draft_.id = sub.value("id", int64_t{0});
    draft_.name = sub.value("name", std::string());
    draft_.object = sub.value("object", std::string());
    draft_.url = sub.value("url", std::string());
    draft_.run_as = sub.value("run_as", std::string());
    draft_.rules = JoinNames(sub["rules"]);
    draft_.active = sub.value("active", true);
    draft_.secret_set = sub.value("secret_set", false);
    for (int i = 0; i < 4; ++i) {
        const nlohmann::json& events = sub["events"];
        draft_.events[i] = std::find(events.begin(), events.end(), kEvents[i]) != events.end();
    }
    for (const nlohmann::json& f : sub["fields"]) draft_.fields.push_back(f.get<std::string>());
    editing_ = true;
    errors_.clear();
    LoadDeliveries();
}

void WebhooksPanel::New() {
    ForgetSecret();
    draft_ = Draft{};
    draft_.run_as = ActingUser();
    if (!objects_.empty()) draft_.object = objects_.front().api_name;
    editing_ = true;
    errors_.clear();
    message_ = nullptr;
    deliveries_.clear();
}

void WebhooksPanel::Save() {
    nlohmann::json events = nlohmann::json::array();
    for (int i = 0; i < 4; ++i) {
        if (draft_.events[i]) events.push_back(kEvents[i]);
    }
    nlohmann::json values = {{"name", draft_.name},
                             {"object", draft_.object},
                             {"events", events},
                             {"fields", draft_.fields},
                             {"rules", SplitNames(draft_.rules)},
                             {"url", draft_.url},
                             {"run_as", draft_.run_as},
                             {"active", draft_.active}};
    if (!draft_.fields.empty() && !draft_.events[1]) values["fields"] = nlohmann::json::array();
    if (!draft_.secret.empty()) values["secret"] = draft_.secret;
    nlohmann::json args = {{"values", values}};
    if (draft_.id != 0) args["id"] = draft_.id;
    const nlohmann::json answer = RunCommand(workspace_, "webhooks.save", args);
    errors_.clear();
    if (!answer.value("ok", false)) {
        std::string field = answer["error"].value("field", std::string());
        if (field == "values") field.clear();
        errors_[field] = AnswerError(answer);
        message_ = nullptr;
        return;
    }
    const nlohmann::json& saved = answer["result"]["webhook"];
    message_error_ = false;
    message_ = [name = saved.value("name", std::string())] {
        return TrFormat("integrations.webhooks.saved", {name});
    };
    Select(saved);
    Reload(true);
}

void WebhooksPanel::Delete() {
    const nlohmann::json answer = RunCommand(workspace_, "webhooks.delete", {{"id", draft_.id}});
    message_error_ = !answer.value("ok", false);
    if (message_error_) {
        message_ = [error = AnswerError(answer)] { return error; };
    } else {
        message_ = [name = draft_.name] { return TrFormat("integrations.webhooks.deleted", {name}); };
        ForgetSecret();
        editing_ = false;
        draft_ = Draft{};
    }
    Reload(true);
}

void WebhooksPanel::SendTest() {
    const nlohmann::json answer = RunCommand(workspace_, "webhooks.test", {{"id", draft_.id}});
    message_error_ = !answer.value("ok", false);
    if (message_error_) {
        message_ = [error = AnswerError(answer)] { return error; };
    } else {
        message_ = [name = draft_.name] { return TrFormat("integrations.webhooks.test_queued", {name}); };
    }
    Reload(true);
}

void WebhooksPanel::DrawList(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    SectionHeading(ctx, "integrations.webhooks.list_title");
    // webhooks.* need Manage Integrations (their registry entries).
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageIntegrations,
                                "integrations.webhooks");
    guard.Notice();
    if (PrimaryButton(Tr("integrations.webhooks.new"), guard.allowed())) New();
    MarkItem("integrations.webhooks.new");
    guard.ReasonOnHover();
    ImGui::SameLine();
    TableFilter("integrations.webhooks.filter", Tr("integrations.webhooks.filter_hint"), &filter_,
                std::min(280.0f * s, CardInnerWidth() * 0.5f));
    if (guard.allowed()) NoticeLine("integrations.webhooks.load_error", load_error_, true);
    const std::string needle = LowerAscii(filter_);
    std::vector<const nlohmann::json*> rows;
    for (const nlohmann::json& sub : subs_) {
        if (MatchesFilter(needle, {sub.value("name", std::string()), sub.value("object", std::string()),
                                   sub.value("url", std::string()), sub.value("run_as", std::string()),
                                   JoinNames(sub["events"])}))
            rows.push_back(&sub);
    }
    if (subs_.empty()) {
        TextMuted(Tr("integrations.webhooks.none"), false);
    } else {
        const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_SortTristate |
                                      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                      ImGuiTableFlags_SizingStretchProp;
        if (ImGui::BeginTable("integrations.webhooks.table", 6, flags, ImVec2(CardInnerWidth(), 0.0f))) {
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.name"), 0, 1.2f);
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.object"), 0, 0.8f);
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.events"), 0, 1.2f);
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.url"), 0, 2.0f);
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.run_as"), 0, 0.8f);
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.active"), 0, 0.6f);
            TakeSortSpecs(&sort_column_, &sort_desc_);
            TableHeadersRowMarked("integrations.webhooks",
                                  {"name", "object", "events", "url", "run_as", "active"});
            static const char* const kKeys[] = {"name", "object", "events", "url", "run_as", "active"};
            if (sort_column_ >= 0 && sort_column_ < 6) {
                const std::string key = kKeys[sort_column_];
                SortRowsBy(&rows, sort_desc_, [&key](const nlohmann::json* r) {
                    if (key == "active") return std::string((*r).value("active", true) ? "1" : "0");
                    if (key == "events") return JoinNames((*r)["events"]);
                    return LowerAscii((*r).value(key, std::string()));
                });
            }
            for (const nlohmann::json* row : rows) {
                const nlohmann::json& sub = *row;
                const int64_t id = sub.value("id", int64_t{0});
                const std::string name = sub.value("name", std::string());
                ImGui::PushID(static_cast<int>(id));
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                if (ImGui::Selectable((name + "##hook").c_str(), editing_ && draft_.id == id,
                                      ImGuiSelectableFlags_SpanAllColumns)) {
                    message_ = nullptr;
                    Select(sub);
                }
                MarkRow("integrations.webhooks.row." + name);
                ImGui::TableSetColumnIndex(1);
                ImGui::TextUnformatted(sub.value("object", std::string()).c_str());
                ImGui::TableSetColumnIndex(2);
                std::string events;
                for (const nlohmann::json& e : sub["events"]) {
                    const std::string id_e = "integrations.webhooks.event." + e.get<std::string>();
                    events += (events.empty() ? "" : ", ") + std::string(Tr(id_e));
                }
                ImGui::TextUnformatted(events.c_str());
                ImGui::TableSetColumnIndex(3);
                ImGui::TextUnformatted(
                    Ellipsize(sub.value("url", std::string()), ImGui::GetContentRegionAvail().x).c_str());
                ImGui::TableSetColumnIndex(4);
                ImGui::TextUnformatted(sub.value("run_as", std::string()).c_str());
                ImGui::TableSetColumnIndex(5);
                if (sub.value("active", true)) {
                    TextColored(CurrentPalette().success, Tr("integrations.webhooks.active_yes"), false);
                } else {
                    TextMuted(Tr("integrations.webhooks.active_no"), false);
                }
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
    }
    DataCardEnd();
}

void WebhooksPanel::DrawEditor(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    if (draft_.id == 0) {
        SectionHeading(ctx, "integrations.webhooks.editor_new");
    } else {
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(TrFormat("integrations.webhooks.editor_edit", {draft_.name}).c_str());
        ImGui::PopFont();
    }
    const float w = std::min(420.0f * s, CardInnerWidth() - 190.0f * s);
    PermissionGuard guard(workspace_.access(), SystemPermission::ManageIntegrations,
                          "integrations.webhooks.editor");
    guard.Notice();
    guard.Begin();
    ImGui::PushID("integrations.webhooks.editor");
    FormRow("integrations.webhooks.name", "integrations.webhooks.error.name", w, errors_, "name", [&] {
        InputString("##name", &draft_.name);
        MarkItem("integrations.webhooks.name");
    });
    PublishForm("integrations.webhooks.name", draft_.name);
    FormRow("integrations.webhooks.object", "integrations.webhooks.error.object", w, errors_, "object", [&] {
        if (ObjectCombo("##object", objects_, &draft_.object, "integrations.webhooks.object"))
            draft_.fields.clear();
    });
    PublishForm("integrations.webhooks.object", draft_.object);
    FormRow("integrations.webhooks.events", "integrations.webhooks.error.events", w, errors_, "events", [&] {
        for (int i = 0; i < 4; ++i) {
            if (i > 0) ImGui::SameLine(0.0f, 14.0f * s);
            const std::string id = std::string("integrations.webhooks.event.") + kEvents[i];
            ImGui::Checkbox((std::string(Tr(id)) + "##" + kEvents[i]).c_str(), &draft_.events[i]);
            MarkItem(id);
        }
    });
    if (draft_.events[1]) {
        if (field_choices_of_ != draft_.object) {
            field_choices_ = ReadableFields(workspace_, draft_.object);
            field_choices_of_ = draft_.object;
        }
        FormRow("integrations.webhooks.fields", "integrations.webhooks.error.fields", w, errors_, "fields",
                [&] {
                    const std::string heading = draft_.fields.empty()
                                                    ? std::string(Tr("integrations.webhooks.fields_any"))
                                                    : TrFormat("integrations.webhooks.fields_some",
                                                               {std::to_string(draft_.fields.size())});
                    const bool open = ImGui::TreeNode("fields_node", "%s", heading.c_str());
                    MarkItem("integrations.webhooks.fields");
                    if (open) {
                        for (const FieldChoice& f : field_choices_) {
                            auto it = std::find(draft_.fields.begin(), draft_.fields.end(), f.api_name);
                            bool on = it != draft_.fields.end();
                            if (ImGui::Checkbox((f.label() + " (" + f.api_name + ")##" + f.api_name).c_str(),
                                                &on)) {
                                if (on) {
                                    draft_.fields.push_back(f.api_name);
                                } else {
                                    draft_.fields.erase(it);
                                }
                            }
                            MarkItem("integrations.webhooks.field." + f.api_name);
                        }
                        ImGui::TreePop();
                    }
                });
    }
    if (draft_.events[3]) {
        FormRow("integrations.webhooks.rules", "integrations.webhooks.error.rules", w, errors_, "rules", [&] {
            InputString("##rules", &draft_.rules, 0, Tr("integrations.webhooks.rules_hint"));
            MarkItem("integrations.webhooks.rules");
        });
    }
    FormRow("integrations.webhooks.url", "integrations.webhooks.error.url", w, errors_, "url", [&] {
        InputString("##url", &draft_.url, ImGuiInputTextFlags_CharsNoBlank, "https://");
        MarkItem("integrations.webhooks.url");
    });
    PublishForm("integrations.webhooks.url", draft_.url);
    FormRow("integrations.webhooks.run_as", "integrations.webhooks.error.run_as", w, errors_, "run_as", [&] {
        if (users_.empty()) {
            InputString("##run_as", &draft_.run_as);
            MarkItem("integrations.webhooks.run_as");
            return;
        }
        int selected = -1;
        for (size_t i = 0; i < users_.size(); ++i) {
            if (users_[i] == draft_.run_as) selected = static_cast<int>(i);
        }
        if (ListCombo(
                "##run_as", draft_.run_as, static_cast<int>(users_.size()),
                [&](int i) { return users_[static_cast<size_t>(i)]; },
                [&](int i) { return users_[static_cast<size_t>(i)]; }, &selected,
                "integrations.webhooks.run_as") &&
            selected >= 0)
            draft_.run_as = users_[static_cast<size_t>(selected)];
    });
    PublishForm("integrations.webhooks.run_as", draft_.run_as);
    FormRow("integrations.webhooks.active", "integrations.webhooks.error.active", w, errors_, "active", [&] {
        ImGui::Checkbox(Tr("integrations.webhooks.active_check"), &draft_.active);
        MarkItem("integrations.webhooks.active");
    });
    FormRow("integrations.webhooks.secret", "integrations.webhooks.error.secret", w, errors_, "secret", [&] {
        InputString("##secret", &draft_.secret, ImGuiInputTextFlags_Password,
                    Tr(draft_.secret_set ? "integrations.webhooks.secret_keep"
                                         : "integrations.webhooks.secret_hint"));
        MarkItem("integrations.webhooks.secret");
        if (draft_.secret_set) {
            ImGui::SameLine();
            StatusPill(CurrentPalette().success, Tr("integrations.webhooks.secret_set"), 120.0f * s);
        }
    });
    ImGui::PopID();
    if (errors_.count("")) ErrorLine("integrations.webhooks.error.form", errors_.at(""));
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    if (PrimaryButton(Tr("integrations.webhooks.save"), guard.allowed())) Save();
    MarkItem("integrations.webhooks.save");
    guard.ReasonOnHover();
    if (draft_.id != 0) {
        ImGui::SameLine();
        if (SecondaryButton(Tr("integrations.webhooks.test"))) SendTest();
        MarkItem("integrations.webhooks.test");
        ImGui::SameLine();
        if (SecondaryButton(Tr("integrations.webhooks.delete"))) confirm_open_ = true;
        MarkItem("integrations.webhooks.delete");
        guard.ReasonOnHover();
    }
    guard.End();
    ImGui::SameLine();
    if (SecondaryButton(Tr("integrations.cancel"))) {
        ForgetSecret();
        editing_ = false;
        errors_.clear();
        deliveries_.clear();
    }
    MarkItem("integrations.webhooks.cancel");
    DataCardEnd();

    if (ConfirmDialog("integrations.webhooks.confirm", "integrations.webhooks.delete", draft_.name,
                      &confirm_open_, ctx))
        Delete();
}

void WebhooksPanel::DrawDeliveries(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    if (LogCardHeader(ctx, width, "integrations.webhooks.log_title",
                      TrFormat("integrations.webhooks.log_of", {draft_.name}), "integrations.webhooks.log",
                      deliveries_error_)) {
        LoadDeliveries();
    }
    if (deliveries_.empty()) {
        TextMuted(Tr("integrations.webhooks.log_none"), false);
    } else {
        const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                      ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
        const float h = ScrollTableHeight(deliveries_.size(), 320.0f * s);
        if (ImGui::BeginTable("integrations.webhooks.log_table", 5, flags, ImVec2(CardInnerWidth(), h))) {
            ImGui::TableSetupScrollFreeze(0, 1);
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.queued"));
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.event"));
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.state"));
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.tries"));
            ImGui::TableSetupColumn(Tr("integrations.webhooks.col.answer"),
                                    ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableHeadersRow();
            for (const DeliveryRow& d : deliveries_) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(ShownMinute(d.created_ms).c_str());
                MarkItem("integrations.webhooks.delivery." + std::to_string(d.id));
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(d.event.c_str());
                ImGui::TableNextColumn();
                const std::string state_id = "integrations.webhooks.state." + d.state;
                StatusPill(StateColor(d.state), HasText(state_id) ? Tr(state_id) : d.state, 110.0f * s);
                ImGui::TableNextColumn();
                ImGui::Text("%d", d.attempts);
                ImGui::TableNextColumn();
                const std::string answer =
                    (d.last_status > 0 ? "HTTP " + std::to_string(d.last_status) : std::string()) +
                    (!d.last_reason.empty() && d.last_status <= 0 ? d.last_reason : std::string());
                ImGui::TextUnformatted(answer.empty() ? "—" : answer.c_str());
            }
            ImGui::EndTable();
        }
    }
    DataCardEnd();
}

void WebhooksPanel::Draw(const PageContext& ctx) {
    Reload(false);
    const CardPage page(ctx, "integrations.webhooks.scroll", 1040.0f);
    const float width = page.width();
    TextMuted(Tr("integrations.webhooks.intro"));
    NoticeLine("integrations.webhooks.message", Now(message_), message_error_);
    ImGui::Dummy(ImVec2(0.0f, 6.0f * ctx.scale));
    DrawList(ctx, width);
    if (editing_) {
        page.Gap();
        DrawEditor(ctx, width);
        if (editing_ && draft_.id != 0) {
            page.Gap();
            DrawDeliveries(ctx, width);
        }
    }
    page.Gap();
    DataCardBegin(width);
    SectionHeading(ctx, "integrations.webhooks.cors_title");
    TextMuted(Tr("integrations.webhooks.cors_text"));
    DataCardEnd();
}

nlohmann::json WebhooksPanel::State() const {
    nlohmann::json subs = nlohmann::json::array();
    for (const nlohmann::json& sub : subs_)
        subs.push_back({{"id", sub.value("id", int64_t{0})},
                        {"name", sub.value("name", std::string())},
                        {"object", sub.value("object", std::string())},
                        {"events", sub["events"]},
                        {"url", sub.value("url", std::string())},
                        {"run_as", sub.value("run_as", std::string())},
                        {"active", sub.value("active", true)},
                        {"secret_set", sub.value("secret_set", false)}});
    nlohmann::json deliveries = nlohmann::json::array();
    for (const DeliveryRow& d : deliveries_)
        deliveries.push_back({{"id", d.id},
                              {"event", d.event},
                              {"state", d.state},
                              {"attempts", d.attempts},
                              {"status", d.last_status}});
    nlohmann::json errors = nlohmann::json::object();
    for (const auto& [key, message] : errors_) errors[key.empty() ? "form" : key] = message;
    // The typed secret stays out of the snapshot: only its length.
    return {{"webhooks", subs},
            {"editing", editing_},
            {"selected", editing_ ? draft_.id : -1},
            {"secret_typed", draft_.secret.size()},
            {"secret_set", draft_.secret_set},
            {"fields", draft_.fields},
            {"errors", errors},
            {"load_error", load_error_},
            {"message", Now(message_)},
            {"message_error", message_error_},
            {"deliveries", deliveries},
            {"deliveries_error", deliveries_error_}};
}

}  // namespace

std::unique_ptr<IntegrationPanel> MakeWebhooksPanel(const IntegrationServices& services) {
    return std::make_unique<WebhooksPanel>(services);
}

}  // namespace crm::ui
