// The Outbox tab: every outgoing email, SMS and webhook with its state (queued, sending, sent, failed,
// dead), filtered by state, channel and recipient, with the count of each state; a message held by quiet
// hours or a digest shows when it may go. Selecting one shows its delivery log (every try: time, result,
// status, reason, elapsed time); a failed or dead one can be put back in the queue by hand
// (notify.outbox.retry).
#include <algorithm>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/time_text.h"
#include "ui/kit/note.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/state_color.h"
#include "ui/kit/widgets.h"
#include "ui/notify/notify_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

const std::vector<std::string> kStates = {"", "queued", "sending", "sent", "failed", "dead"};
const std::vector<std::string> kChannelFilter = {"", "email", "sms", "webhook"};

/// "Not before 2026-12-02 16:15 (Asia/Shanghai): quiet hours or a digest."
std::string HeldUntil(int64_t not_before) {
    return Tr("ntf.outbox.held_until", {{"time", ShownMinute(not_before)}, {"zone", ShownZone().name}});
}

class OutboxPanel : public NotifyPanel {
public:
    explicit OutboxPanel(const NotifyServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Reload(bool force);
    void LoadDetail();
    void Retry(int64_t id);
    void DrawTable(const PageContext& ctx, float height);
    void DrawDetail(const PageContext& ctx);

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    std::string state_, channel_, recipient_;
    std::string loaded_filter_;
    nlohmann::json messages_ = nlohmann::json::array();
    nlohmann::json counts_ = nlohmann::json::object();
    std::string load_error_;
    int64_t selected_ = 0;
    nlohmann::json detail_;
    nlohmann::json log_ = nlohmann::json::array();
    Note message_;
    bool message_error_ = false;
};

void OutboxPanel::Reload(bool force) {
    const std::string filter = state_ + "|" + channel_ + "|" + recipient_;
    if (!force && loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser() &&
        loaded_filter_ == filter)
        return;
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    loaded_filter_ = filter;
    nlohmann::json args = {{"limit", 200}};
    if (!state_.empty()) args["state"] = state_;
    if (!channel_.empty()) args["channel"] = channel_;
    if (!recipient_.empty()) args["recipient"] = recipient_;
    const nlohmann::json answer = RunCommand(workspace_, "notify.outbox.list", args);
    if (!answer.value("ok", false)) {
        load_error_ = AnswerError(answer);
        messages_ = nlohmann::json::array();
        counts_ = nlohmann::json::object();
        return;
    }
    load_error_.clear();
    messages_ = answer["result"].value("messages", nlohmann::json::array());
    counts_ = answer["result"].value("counts", nlohmann::json::object());
    LoadDetail();
}

void OutboxPanel::LoadDetail() {
    detail_ = nlohmann::json();
    log_ = nlohmann::json::array();
    if (selected_ <= 0) return;
    const nlohmann::json answer = RunCommand(workspace_, "notify.outbox.get", {{"id", selected_}});
    if (!answer.value("ok", false)) return;
    detail_ = answer["result"].value("message", nlohmann::json());
    log_ = answer["result"].value("log", nlohmann::json::array());
}

void OutboxPanel::Retry(int64_t id) {
    const nlohmann::json answer = RunCommand(workspace_, "notify.outbox.retry", {{"id", id}});
    message_error_ = !answer.value("ok", false);
    message_ = message_error_ ? AnswerError(answer) : Tr("ntf.outbox.retried", {{"id", std::to_string(id)}});
    Reload(true);
}

void OutboxPanel::DrawTable(const PageContext& ctx, float height) {
    const float s = ctx.scale;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp |
                                  ImGuiTableFlags_PadOuterX;
    if (!ImGui::BeginTable("notify.outbox.table", 8, flags, ImVec2(0.0f, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    const char* const headers[] = {"id",      "created", "channel",  "to",
                                   "subject", "state",   "attempts", "reason"};
    const float weights[] = {0.5f, 1.3f, 0.8f, 1.6f, 2.2f, 1.0f, 0.6f, 2.2f};
    for (int i = 0; i < 8; ++i)
        ImGui::TableSetupColumn(Tr(std::string("ntf.outbox.col.") + headers[i]),
                                ImGuiTableColumnFlags_WidthStretch, weights[i]);
    ImGui::TableHeadersRow();
    const int64_t now = workspace_.clock().NowMs();
    for (const nlohmann::json& m : messages_) {
        const int64_t id = m.value("id", int64_t{0});
        const std::string state = Text(m, "state");
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(static_cast<int>(id));
        if (ImGui::Selectable(std::to_string(id).c_str(), selected_ == id,
                              ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
            selected_ = id;
            LoadDetail();
        }
        MarkItem("notify.outbox.row." + std::to_string(id));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ShownMinute(m.value("created", int64_t{0})).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ChannelLabel(Text(m, "channel")).c_str());
        ImGui::TableNextColumn();
        CellText(Text(m, "to"));
        ImGui::TableNextColumn();
        const std::string subject = Text(m, "subject");
        CellText(subject.empty() ? Text(m, "type") : subject);
        ImGui::TableNextColumn();
        TextColored(StateColor(state), Tr("ntf.state." + state), false);
        const int64_t not_before = m.value("not_before", int64_t{0});
        if (state == "queued" && not_before > now) {
            ImGui::SameLine(0.0f, 4.0f * s);
            TextMuted(Tr("ntf.outbox.held"), false);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", HeldUntil(not_before).c_str());
        }
        ImGui::TableNextColumn();
        ImGui::Text("%d", m.value("attempts", 0));
        ImGui::TableNextColumn();
        if (state == "failed" || state == "dead") {
            if (ImGui::SmallButton(Tr("ntf.outbox.retry"))) Retry(id);
            MarkItem("notify.outbox.retry." + std::to_string(id));
            ImGui::SameLine();
        }
        TextMuted(Text(m, "last_reason"), false);
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void OutboxPanel::DrawDetail(const PageContext& ctx) {
    if (!detail_.is_object()) return;
    const float s = ctx.scale;
    const std::string state = Text(detail_, "state");
    ImGui::Spacing();
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("ntf.outbox.detail", {{"id", std::to_string(detail_.value("id", 0))}}).c_str());
    ImGui::PopFont();
    const auto or_dash = [this](const char* key) {
        const std::string v = Text(detail_, key);
        return v.empty() ? std::string("-") : v;
    };
    TextMuted(Tr("ntf.outbox.detail_line", {{"type", or_dash("type")},
                                            {"recipient", or_dash("recipient")},
                                            {"priority", or_dash("priority")},
                                            {"source", or_dash("source")}}));
    const int64_t not_before = detail_.value("not_before", int64_t{0});
    if (not_before > 0) TextMuted(HeldUntil(not_before));
    if (state == "failed" || state == "dead") {
        if (PrimaryButton(Tr("ntf.outbox.retry_now"))) Retry(detail_.value("id", int64_t{0}));
        MarkItem("notify.outbox.detail.retry");
    }
    if (log_.empty()) {
        TextMuted(Tr("ntf.outbox.no_tries"));
        return;
    }
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("notify.outbox.log", 6, flags)) return;
    const char* const headers[] = {"at", "attempt", "result", "status", "reason", "elapsed"};
    const float weights[] = {1.3f, 0.5f, 0.8f, 0.6f, 3.0f, 0.7f};
    for (int i = 0; i < 6; ++i)
        ImGui::TableSetupColumn(Tr(std::string("ntf.outbox.log.") + headers[i]),
                                ImGuiTableColumnFlags_WidthStretch, weights[i]);
    ImGui::TableHeadersRow();
    for (const nlohmann::json& a : log_) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(ShownMinute(a.value("at", int64_t{0})).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%d", a.value("attempt", 0));
        ImGui::TableNextColumn();
        TextColored(StateColor(Text(a, "result")), Tr("ntf.state." + Text(a, "result")), false);
        ImGui::TableNextColumn();
        ImGui::Text("%d", a.value("status", 0));
        ImGui::TableNextColumn();
        ImGui::PushTextWrapPos(0.0f);
        CellText(Text(a, "reason"));
        ImGui::PopTextWrapPos();
        ImGui::TableNextColumn();
        ImGui::Text("%lld ms", static_cast<long long>(a.value("elapsed_ms", int64_t{0})));
    }
    ImGui::EndTable();
    (void)s;
}

void OutboxPanel::Draw(const PageContext& ctx) {
    Reload(false);
    const float s = ctx.scale;
    TextMuted(Tr("ntf.outbox.intro"));
    // The count of each state: a click filters by it.
    for (size_t i = 1; i < kStates.size(); ++i) {
        const std::string& st = kStates[i];
        const std::string text = Tr("ntf.outbox.count", {{"state", Tr("ntf.state." + st)},
                                                         {"count", std::to_string(counts_.value(st, 0))}});
        if (i > 1) ImGui::SameLine(0.0f, 6.0f * s);
        ImGui::PushStyleColor(ImGuiCol_Text, StateColor(st));
        if (ImGui::SmallButton((text + "###count." + st).c_str())) state_ = state_ == st ? "" : st;
        ImGui::PopStyleColor();
        MarkItem("notify.outbox.count." + st);
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.outbox.state"));
    ImGui::SameLine();
    KeyCombo(
        "notify.outbox.state", kStates,
        [](const std::string& k) { return std::string(Tr(k.empty() ? "ntf.any" : "ntf.state." + k)); },
        &state_, 150.0f * s);
    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::TextUnformatted(Tr("ntf.outbox.channel"));
    ImGui::SameLine();
    KeyCombo(
        "notify.outbox.channel", kChannelFilter,
        [](const std::string& k) { return k.empty() ? std::string(Tr("ntf.any")) : ChannelLabel(k); },
        &channel_, 150.0f * s);
    ImGui::SameLine(0.0f, 16.0f * s);
    ImGui::TextUnformatted(Tr("ntf.outbox.recipient"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(180.0f * s);
    InputString("##notify.outbox.recipient", &recipient_, 0, Tr("ntf.outbox.recipient_hint"));
    MarkItem("notify.outbox.recipient");
    PublishForm("notify.outbox.recipient", recipient_);
    ImGui::SameLine();
    if (SecondaryButton(Tr("ntf.outbox.refresh"))) Reload(true);
    MarkItem("notify.outbox.refresh");
    // The outbox and its retries need Manage Notifications (notify.outbox.* in the registry).
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageNotifications, "notify.outbox");
    guard.Notice();
    if (!load_error_.empty()) {
        if (guard.allowed()) NoticeLine("notify.outbox.load_error", load_error_, true);
        return;
    }
    NoticeLine("notify.outbox.message", message_, message_error_);
    if (messages_.empty()) {
        TextMuted(Tr("ntf.outbox.empty"));
        return;
    }
    const float table_h = detail_.is_object()
                              ? std::max(160.0f * s, ImGui::GetContentRegionAvail().y * 0.5f)
                              : std::max(160.0f * s, ImGui::GetContentRegionAvail().y - 8.0f * s);
    DrawTable(ctx, table_h);
    DrawDetail(ctx);
}

nlohmann::json OutboxPanel::State() const {
    nlohmann::json rows = nlohmann::json::array();
    for (const nlohmann::json& m : messages_)
        rows.push_back({{"id", m.value("id", 0)},
                        {"channel", Text(m, "channel")},
                        {"to", Text(m, "to")},
                        {"recipient", Text(m, "recipient")},
                        {"priority", Text(m, "priority")},
                        {"state", Text(m, "state")},
                        {"not_before", m.value("not_before", int64_t{0})},
                        {"attempts", m.value("attempts", 0)},
                        {"reason", Text(m, "last_reason")}});
    return {{"filter", {{"state", state_}, {"channel", channel_}, {"recipient", recipient_}}},
            {"counts", counts_},
            {"messages", rows},
            {"selected", selected_},
            {"log", log_},
            {"error", load_error_},
            {"message", message_}};
}

}  // namespace

std::unique_ptr<NotifyPanel> MakeNotifyOutboxPanel(const NotifyServices& services) {
    return std::make_unique<OutboxPanel>(services);
}

}  // namespace crm::ui
