// The Channels tab: email (over SMTP, or through an HTTP mail relay where SMTP cannot be spoken: the
// browser), the SMS gateway and the defaults of webhooks. Each setting is edited in place and saved as a
// patch of the keys changed (notify.channels.set checks the whole; a refusal names its field, shown
// beside it). Secrets are never shown: only whether one is set; typing one replaces it, Clear removes it.
// "Send a test" sends one message now (notify.channels.test) and shows the outcome.
#include <algorithm>
#include <map>

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

/// One setting of a channel: 's' text, 'n' number, 'x' secret, 'c' choice (of `choices`).
struct Key {
    const char* key;
    char kind;
    std::vector<std::string> choices = {};
};

const std::vector<Key>& KeysOf(const std::string& channel) {
    static const std::vector<Key> email = {{"mode", 'c', {"smtp", "relay"}},
                                           {"host", 's'},
                                           {"port", 'n'},
                                           {"security", 'c', {"starttls", "tls", "none"}},
                                           {"ca_file", 's'},
                                           {"user", 's'},
                                           {"password", 'x'},
                                           {"from", 's'},
                                           {"relay_url", 's'},
                                           {"relay_key", 'x'},
                                           {"timeout_ms", 'n'},
                                           {"max_tries", 'n'},
                                           {"backoff_ms", 'n'},
                                           {"max_backoff_ms", 'n'}};
    static const std::vector<Key> sms = {
        {"url", 's'},          {"auth_header", 'x'}, {"body_template", 's'},
        {"content_type", 's'}, {"from", 's'},        {"timeout_ms", 'n'},
        {"max_tries", 'n'},    {"backoff_ms", 'n'},  {"max_backoff_ms", 'n'}};
    static const std::vector<Key> webhook = {{"secret", 'x'},
                                             {"timeout_ms", 'n'},
                                             {"max_tries", 'n'},
                                             {"backoff_ms", 'n'},
                                             {"max_backoff_ms", 'n'}};
    static const std::vector<Key> none;
    if (channel == "email") return email;
    if (channel == "sms") return sms;
    if (channel == "webhook") return webhook;
    return none;
}

const std::vector<std::string> kChannels = {"email", "sms", "webhook"};

class ChannelsPanel : public NotifyPanel {
public:
    explicit ChannelsPanel(const NotifyServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Reload(bool force);
    void Save();
    void SendTest();
    bool Dirty() const;

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    std::string channel_ = "email";
    std::string loaded_channel_;
    nlohmann::json stored_ = nlohmann::json::object();  ///< as notify.channels.get answers (secrets: *_set)
    std::map<std::string, std::string> text_;           ///< text, choice and secret edits
    std::map<std::string, int> number_;
    std::map<std::string, bool> clear_;  ///< secrets to clear
    std::string load_error_;
    std::string error_field_, error_;
    Note message_;
    std::string test_to_;
    Note test_result_;
    bool test_error_ = false;
    nlohmann::json test_answer_;
};

void ChannelsPanel::Reload(bool force) {
    if (!force && loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser() &&
        loaded_channel_ == channel_)
        return;
    const bool same_channel = loaded_channel_ == channel_;
    if (!force && same_channel && Dirty()) return;  // keep what is being typed
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    loaded_channel_ = channel_;
    text_.clear();
    number_.clear();
    clear_.clear();
    const nlohmann::json answer = RunCommand(workspace_, "notify.channels.get", {{"channel", channel_}});
    if (!answer.value("ok", false)) {
        load_error_ = AnswerError(answer);
        stored_ = nlohmann::json::object();
        return;
    }
    load_error_.clear();
    stored_ = answer["result"].value("settings", nlohmann::json::object());
    for (const Key& k : KeysOf(channel_)) {
        if (k.kind == 'n')
            number_[k.key] = stored_.value(k.key, 0);
        else if (k.kind == 'x')
            text_[k.key] = "";
        else
            text_[k.key] = Text(stored_, k.key);
    }
}

bool ChannelsPanel::Dirty() const {
    for (const Key& k : KeysOf(loaded_channel_)) {
        if (k.kind == 'n') {
            auto it = number_.find(k.key);
            if (it != number_.end() && it->second != stored_.value(k.key, 0)) return true;
        } else if (k.kind == 'x') {
            auto it = text_.find(k.key);
            auto c = clear_.find(k.key);
            if ((it != text_.end() && !it->second.empty()) || (c != clear_.end() && c->second)) return true;
        } else {
            auto it = text_.find(k.key);
            if (it != text_.end() && it->second != Text(stored_, k.key)) return true;
        }
    }
    return false;
}

void ChannelsPanel::Save() {
    nlohmann::json patch = nlohmann::json::object();
    for (const Key& k : KeysOf(channel_)) {
        if (k.kind == 'n') {
            if (number_[k.key] != stored_.value(k.key, 0)) patch[k.key] = number_[k.key];
        } else if (k.kind == 'x') {
            if (!text_[k.key].empty())
                patch[k.key] = text_[k.key];
            else if (clear_[k.key])
                patch[k.key] = "";
        } else if (text_[k.key] != Text(stored_, k.key)) {
            patch[k.key] = text_[k.key];
        }
    }
    const nlohmann::json answer =
        RunCommand(workspace_, "notify.channels.set", {{"channel", channel_}, {"settings", patch}});
    if (!answer.value("ok", false)) {
        error_ = AnswerError(answer);
        error_field_ = Text(answer.value("error", nlohmann::json::object()), "field");
        message_.clear();
        return;
    }
    error_.clear();
    error_field_.clear();
    message_ = Tr("ntf.channels.saved");
    Reload(true);
}

void ChannelsPanel::SendTest() {
    const nlohmann::json answer =
        RunCommand(workspace_, "notify.channels.test", {{"channel", channel_}, {"to", test_to_}});
    test_answer_ = answer.value("result", nlohmann::json::object());
    if (!answer.value("ok", false)) {
        test_error_ = true;
        test_result_ = AnswerError(answer);
        return;
    }
    const nlohmann::json& r = answer["result"];
    if (r.contains("queued")) {
        test_error_ = false;
        test_result_ = Tr("ntf.channels.test_queued", {{"id", std::to_string(r.value("queued", 0))}});
    } else if (r.value("sent", false)) {
        test_error_ = false;
        test_result_ = Tr("ntf.channels.test_sent", {{"ms", std::to_string(r.value("elapsed_ms", 0))}});
    } else {
        test_error_ = true;
        test_result_ = Tr("ntf.channels.test_failed", {{"reason", Text(r, "reason")}});
    }
}

void ChannelsPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    TextMuted(Tr("ntf.channels.intro"));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.channels.channel"));
    ImGui::SameLine();
    std::string picked = channel_;
    if (KeyCombo("notify.channels.channel", kChannels, ChannelLabel, &picked, 200.0f * s) &&
        picked != channel_) {
        channel_ = picked;
        error_.clear();
        error_field_.clear();
        message_.clear();
        test_result_.clear();
    }
    Reload(false);
    // notify.channels.get, .set and .test need Manage Notifications (their registry entries).
    PermissionGuard guard(workspace_.access(), SystemPermission::ManageNotifications, "notify.channels");
    guard.Notice();
    if (!load_error_.empty()) {
        if (guard.allowed()) NoticeLine("notify.channels.load_error", load_error_, true);
        return;
    }
    guard.Begin();
    TextMuted(Tr("ntf.channels.about." + channel_));
    ImGui::Spacing();
    const float label_w = 200.0f * s;
    const float field_w = std::min(420.0f * s, ImGui::GetContentRegionAvail().x - label_w - 20.0f * s);
    for (const Key& k : KeysOf(channel_)) {
        const std::string hook = "notify.channels." + channel_ + "." + k.key;
        ImGui::PushID(k.key);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr(std::string("ntf.channels.key.") + k.key));
        ImGui::SameLine(label_w);
        ImGui::SetNextItemWidth(field_w);
        if (k.kind == 'n') {
            ImGui::InputInt("##v", &number_[k.key], 0, 0);
            MarkItem(hook);
            PublishForm(hook, number_[k.key]);
        } else if (k.kind == 'c') {
            KeyCombo(
                hook, k.choices,
                [&k](const std::string& c) {
                    const std::string id = std::string("ntf.channels.choice.") + k.key + "." + c;
                    return HasText(id) ? std::string(Tr(id)) : c;
                },
                &text_[k.key], field_w);
            PublishForm(hook, text_[k.key]);
        } else if (k.kind == 'x') {
            const bool set = stored_.value(std::string(k.key) + "_set", false) && !clear_[k.key];
            InputString("##v", &text_[k.key], ImGuiInputTextFlags_Password,
                        set ? Tr("ntf.channels.secret_set") : Tr("ntf.channels.secret_not_set"));
            MarkItem(hook);
            PublishForm(hook + ".set", set);
            if (stored_.value(std::string(k.key) + "_set", false)) {
                ImGui::SameLine();
                if (SecondaryButton(Tr("ntf.channels.clear_secret"), !clear_[k.key])) {
                    clear_[k.key] = true;
                    text_[k.key].clear();
                }
                MarkItem(hook + ".clear");
            }
        } else {
            InputString("##v", &text_[k.key]);
            MarkItem(hook);
            PublishForm(hook, text_[k.key]);
        }
        if (!error_.empty() && error_field_ == k.key) {
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + label_w);
            TextColored(CurrentPalette().danger, error_);
            PublishError(hook, error_);
        }
        ImGui::PopID();
    }
    ImGui::Spacing();
    const bool dirty = Dirty();
    if (PrimaryButton(Tr("ntf.channels.save"), dirty && guard.allowed())) Save();
    MarkItem("notify.channels.save");
    guard.ReasonOnHover();
    ImGui::SameLine();
    if (SecondaryButton(Tr("ntf.channels.discard"), dirty)) Reload(true);
    MarkItem("notify.channels.discard");
    if (!error_.empty() &&
        (error_field_.empty() || std::none_of(KeysOf(channel_).begin(), KeysOf(channel_).end(),
                                              [this](const Key& k) { return error_field_ == k.key; })))
        NoticeLine("notify.channels.error", error_, true);
    NoticeLine("notify.channels.message", message_, false);

    // Send a test.
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::Spacing();
    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("ntf.channels.test"));
    ImGui::PopFont();
    TextMuted(Tr("ntf.channels.test_intro." + channel_));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("ntf.channels.test_to"));
    ImGui::SameLine(label_w);
    ImGui::SetNextItemWidth(field_w);
    InputString("##notify.channels.test_to", &test_to_);
    MarkItem("notify.channels.test_to");
    PublishForm("notify.channels.test_to", test_to_);
    ImGui::SameLine();
    if (SecondaryButton(Tr("ntf.channels.send_test"), !test_to_.empty() && !dirty)) SendTest();
    MarkItem("notify.channels.send_test");
    guard.ReasonOnHover();
    guard.End();
    if (dirty) TextMuted(Tr("ntf.channels.save_first"));
    NoticeLine("notify.channels.test_result", test_result_, test_error_);
}

nlohmann::json ChannelsPanel::State() const {
    return {{"channel", channel_},  {"settings", stored_},         {"dirty", Dirty()},
            {"error", error_},      {"error_field", error_field_}, {"message", message_},
            {"test", test_result_}, {"test_error", test_error_},   {"test_answer", test_answer_}};
}

}  // namespace

std::unique_ptr<NotifyPanel> MakeNotifyChannelsPanel(const NotifyServices& services) {
    return std::make_unique<ChannelsPanel>(services);
}

}  // namespace crm::ui
