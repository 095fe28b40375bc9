// The configuration tab: configuration as code. Export writes the whole configuration as one canonical JSON
// file (a download in the browser, a path on the desktop). Compare reads a configuration file (picked or
// dropped in the browser, a path on the desktop) and lists, change by change and in the console's language,
// what applying it would change. Apply checks the document again (config.apply's preview: unknown keys,
// missing references, type changes that lose values, each with its path), asks with the count of changes,
// and applies it in one transaction; a type change that loses values needs "apply anyway" ticked. Ticking
// "also remove" lists and applies removals too (config.apply's remove_missing), and the confirmation says
// how many changes remove something.
#include <algorithm>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/data/file_transfer.h"
#include "ui/integration/integration_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/time_text.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/busy.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

/// The message of a failed answer and, when the core named one, the path of the problem.
std::string ErrorWithPath(const nlohmann::json& answer) {
    std::string text = AnswerError(answer);
    const std::string field = answer["error"].value("field", std::string());
    if (!field.empty() && text.find(field) == std::string::npos) text += " (" + field + ")";
    return text;
}

std::string DateStamp(int64_t ms) {
    std::string t = ShownMinute(ms);  // "2026-12-02 08:15"
    return t.substr(0, 10);
}

class ConfigPanel : public IntegrationPanel {
public:
    explicit ConfigPanel(const IntegrationServices& services) : workspace_(services.workspace) {
        export_path_ = HomePath("crm-config-" + DateStamp(workspace_.clock().NowMs()) + ".json");
    }
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Export();
    void Compare(const TextFile& file);
    void Diff();
    /// The arguments every diff and apply of the chosen file shares.
    nlohmann::json FileArgs() const;
    void PreviewApply();
    void Apply();

    Workspace& workspace_;
    std::string export_path_;
    LiveText export_note_;
    std::string export_error_;

    std::string typed_path_;
    std::string file_name_;
    std::string file_text_;
    nlohmann::json changes_;  ///< config.diff's change list (null: nothing compared)
    std::string diff_error_;
    std::string filter_;
    bool force_ = false;
    bool remove_missing_ = false;
    bool lossy_ = false;  ///< the last check refused a type change that loses values
    std::string apply_error_;
    LiveText apply_note_;
    bool confirm_open_ = false;
    size_t confirm_count_ = 0;
    size_t confirm_removals_ = 0;
};

nlohmann::json ConfigPanel::FileArgs() const {
    nlohmann::json args = {{"text", file_text_}};
    if (force_) args["force"] = true;
    if (remove_missing_) args["remove_missing"] = true;
    return args;
}

void ConfigPanel::Export() {
    RunShowingProgress(true, Tr("integrations.config.exporting"), [this] {
        const nlohmann::json answer = RunCommand(workspace_, "config.export", {{"as_text", true}});
        if (!answer.value("ok", false)) {
            export_error_ = AnswerError(answer);
            export_note_ = nullptr;
            return;
        }
        const std::string name = "crm-config-" + DateStamp(workspace_.clock().NowMs()) + ".json";
        export_error_ = SaveTextFile(answer["result"].value("text", std::string()), name, export_path_,
                                     "application/json");
        const std::string file = FilesThroughBrowser() ? name : export_path_;
        export_note_ = nullptr;
        if (export_error_.empty())
            export_note_ = [file] { return TrFormat("integrations.config.exported", {file}); };
    });
}

void ConfigPanel::Compare(const TextFile& file) {
    file_name_ = file.name;
    changes_ = nullptr;
    apply_error_.clear();
    apply_note_ = nullptr;
    lossy_ = false;
    force_ = false;
    filter_.clear();
    if (!file.error.empty()) {
        file_text_.clear();
        diff_error_ = file.error;
        return;
    }
    file_text_ = file.text;
    Diff();
}

void ConfigPanel::Diff() {
    nlohmann::json args = FileArgs();
    args.erase("force");
    const nlohmann::json answer = RunCommand(workspace_, "config.diff", args);
    if (!answer.value("ok", false)) {
        diff_error_ = ErrorWithPath(answer);
        return;
    }
    diff_error_.clear();
    changes_ = answer["result"]["changes"];
}

void ConfigPanel::PreviewApply() {
    nlohmann::json args = FileArgs();
    args["preview"] = true;
    const nlohmann::json answer = RunCommand(workspace_, "config.apply", args);
    apply_note_ = nullptr;
    if (!answer.value("ok", false)) {
        apply_error_ = ErrorWithPath(answer);
        // A type change that loses values is refused at "<...>.type", removing what holds records as
        // "config.holds_records", unless forced: offer the force.
        const std::string field = answer["error"].value("field", std::string());
        const std::string code = answer["error"].value("code", std::string());
        const std::string suffix = ".type";
        lossy_ = lossy_ || code == "config.holds_records" ||
                 (code == "config.invalid" && field.size() > suffix.size() &&
                  field.compare(field.size() - suffix.size(), suffix.size(), suffix) == 0);
        return;
    }
    apply_error_.clear();
    changes_ = answer["result"]["changes"];
    confirm_count_ = changes_.size();
    confirm_removals_ = std::count_if(changes_.begin(), changes_.end(), [](const nlohmann::json& c) {
        return c.value("action", std::string()) == "remove";
    });
    confirm_open_ = true;
}

void ConfigPanel::Apply() {
    RunShowingProgress(true, Tr("integrations.config.applying"), [this] {
        const nlohmann::json answer = RunCommand(workspace_, "config.apply", FileArgs());
        if (!answer.value("ok", false)) {
            apply_error_ = ErrorWithPath(answer);
            return;
        }
        apply_error_.clear();
        const std::string count = std::to_string(answer["result"]["changes"].size());
        if (answer["result"].value("applied", false)) {
            apply_note_ = [count] { return TrFormat("integrations.config.applied", {count}); };
        } else {
            apply_note_ = [] { return std::string(Tr("integrations.config.nothing_applied")); };
        }
        // What the workspace holds now, against the same file: nothing left to change.
        Diff();
    });
}

void ConfigPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    {
        const CardPage page(ctx, "integrations.config.scroll", 980.0f);
        const float width = page.width();
        // config.export, .diff and .apply need Manage Integrations (their registry entries).
        PermissionGuard guard(workspace_.access(), SystemPermission::ManageIntegrations,
                              "integrations.config");
        guard.Notice();
        guard.Begin();

        // Export.
        DataCardBegin(width);
        SectionHeading(ctx, "integrations.config.export_title");
        TextMuted(Tr("integrations.config.export_intro"), false);
        if (!FilesThroughBrowser()) {
            ImGui::SetNextItemWidth(CardInnerWidth() - 200.0f * s);
            InputString("##integrations.config.export_path", &export_path_);
            MarkItem("integrations.config.export_path");
            PublishForm("integrations.config.export_path", export_path_);
            ImGui::SameLine(0.0f, 8.0f * s);
        }
        if (PrimaryButton(Tr(FilesThroughBrowser() ? "integrations.config.export_download"
                                                   : "integrations.config.export"),
                          (FilesThroughBrowser() || !export_path_.empty()) && guard.allowed()))
            Export();
        MarkItem("integrations.config.export");
        guard.ReasonOnHover();
        NoticeLine("integrations.config.export_note", Now(export_note_), false);
        NoticeLine("integrations.config.export_error", export_error_, true);
        DataCardEnd();
        page.Gap();

        // Compare and apply.
        DataCardBegin(width);
        SectionHeading(ctx, "integrations.config.compare_title");
        TextMuted(Tr("integrations.config.compare_intro"), false);
        if (std::optional<TextFile> file =
                FileSourceRow("integrations.config.choose", "integrations.config.choose",
                              ".json,application/json", &typed_path_, CardInnerWidth(), s))
            Compare(*file);
        guard.ReasonOnHover();
        if (!file_name_.empty()) TextMuted(TrFormat("integrations.file.chosen", {file_name_}), false);
        NoticeLine("integrations.config.diff_error", diff_error_, true);
        if (changes_.is_array()) {
            ImGui::TextUnformatted(
                TrFormat("integrations.changes.count", {std::to_string(changes_.size())}).c_str());
            MarkItem("integrations.config.count");
            if (changes_.size() > 8) {
                ImGui::SameLine(0.0f, 12.0f * s);
                TableFilter("integrations.config.filter", Tr("integrations.changes.filter"), &filter_,
                            260.0f * s);
            }
            ChangeTable("integrations.config.changes", changes_, LowerAscii(filter_), CardInnerWidth(),
                        380.0f * s);
            ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
            if (ImGui::Checkbox(Tr("integrations.config.remove_missing"), &remove_missing_)) Diff();
            MarkItem("integrations.config.remove_missing");
            if (lossy_) {
                ImGui::Checkbox(Tr("integrations.config.force"), &force_);
                MarkItem("integrations.config.force");
            }
            if (PrimaryButton(Tr("integrations.config.apply"), !changes_.empty() && guard.allowed()))
                PreviewApply();
            MarkItem("integrations.config.apply");
            guard.ReasonOnHover();
        }
        guard.End();
        NoticeLine("integrations.config.apply_error", apply_error_, true);
        NoticeLine("integrations.config.apply_note", Now(apply_note_), false);
        DataCardEnd();
    }

    if (BeginDialog("integrations.config.confirm", Tr("integrations.config.confirm_title"), 500.0f,
                    &confirm_open_, ctx)) {
        ImGui::TextWrapped(
            "%s", TrFormat("integrations.config.confirm_text", {std::to_string(confirm_count_), file_name_})
                      .c_str());
        if (confirm_removals_ > 0)
            TextColored(CurrentPalette().danger, TrFormat("integrations.config.confirm_removals",
                                                          {std::to_string(confirm_removals_)}));
        if (force_) TextColored(CurrentPalette().danger, Tr("integrations.config.confirm_force"));
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        const int clicked = ButtonRow({{"integrations.cancel", "integrations.config.confirm.cancel"},
                                       {"integrations.config.apply_now", "integrations.config.confirm.ok"}},
                                      1, force_ || confirm_removals_ > 0 ? 1 : -1);
        if (clicked == 1) {
            Apply();
            ImGui::CloseCurrentPopup();
        } else if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
            ImGui::CloseCurrentPopup();
        }
        EndDialog();
    }
}

nlohmann::json ConfigPanel::State() const {
    nlohmann::json paths = nlohmann::json::array();  // the first changes' paths
    if (changes_.is_array()) {
        for (const nlohmann::json& c : changes_) {
            if (paths.size() == 20) break;
            paths.push_back(c.value("path", std::string()));
        }
    }
    return {{"file", file_name_},
            {"compared", changes_.is_array()},
            {"changes", changes_.is_array() ? changes_.size() : 0},
            {"paths", paths},
            {"diff_error", diff_error_},
            {"apply_error", apply_error_},
            {"apply_note", Now(apply_note_)},
            {"export_note", Now(export_note_)},
            {"export_error", export_error_},
            {"lossy", lossy_},
            {"remove_missing", remove_missing_},
            {"removals", changes_.is_array() ? std::count_if(changes_.begin(), changes_.end(),
                                                             [](const nlohmann::json& c) {
                                                                 return c.value("action", "") == "remove";
                                                             })
                                             : 0}};
}

}  // namespace

std::unique_ptr<IntegrationPanel> MakeConfigPanel(const IntegrationServices& services) {
    return std::make_unique<ConfigPanel>(services);
}

}  // namespace crm::ui
