// The packages tab: install a package from its file (the browser's file picker or a file dropped on the page;
// a path on the desktop). The file is checked first (checksum, app version, dependencies, every change) and
// what it would add or change is shown, a new install or an upgrade from the installed version; Install
// applies it. The installed packages with their versions, dependencies and components; upgrade picks a newer
// file of the same package; uninstall asks first and shows why the core refuses (records or other
// configuration still using a component, packages depending on it).
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

/// The manifest's label or description in the current language.
std::string Localised(const nlohmann::json& p, const char* key) {
    const std::string zh = p.value(std::string(key) + "_zh", std::string());
    if (CurrentLanguage() == Language::ChineseSimplified && !zh.empty()) return zh;
    const std::string en = p.value(key, std::string());
    return en.empty() ? p.value("name", std::string()) : en;
}

std::string Dependencies(const nlohmann::json& p) {
    std::string out;
    for (const nlohmann::json& d : p.value("dependencies", nlohmann::json::array()))
        out += (out.empty() ? "" : ", ") + d.value("name", std::string()) + " " +
               d.value("version", std::string());
    return out;
}

class PackagesPanel : public IntegrationPanel {
public:
    explicit PackagesPanel(const IntegrationServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Reload(bool force);
    void Check(const TextFile& file);
    void Install();
    void Uninstall(const std::string& name);
    const nlohmann::json* Installed(const std::string& name) const;
    void DrawInstall(const PageContext& ctx, float width);
    void DrawList(const PageContext& ctx, float width);

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    nlohmann::json packages_ = nlohmann::json::array();
    std::string load_error_;

    std::string typed_path_;
    std::string file_name_;
    std::string file_text_;      ///< the package file being previewed
    nlohmann::json preview_;     ///< packages.install's preview answer
    std::string preview_error_;  ///< why the file cannot be installed
    std::string change_filter_;
    LiveText installed_note_;  ///< what the last install did
    std::string upgrade_of_;   ///< the installed package "Upgrade" was clicked on

    bool confirm_open_ = false;
    std::string confirm_name_;
    std::string uninstall_name_;   ///< the package the last uninstall was about
    std::string uninstall_error_;  ///< the core's refusal, with its reasons
    LiveText uninstall_note_;
};

void PackagesPanel::Reload(bool force) {
    if (!force && loaded_change_ == workspace_.change_count() && loaded_viewer_ == ActingUser()) return;
    loaded_change_ = workspace_.change_count();
    loaded_viewer_ = ActingUser();
    const nlohmann::json answer = RunCommand(workspace_, "packages.list", nlohmann::json::object());
    if (!answer.value("ok", false)) {
        load_error_ = AnswerError(answer);
        packages_ = nlohmann::json::array();
        return;
    }
    load_error_.clear();
    packages_ = answer["result"]["packages"];
}

const nlohmann::json* PackagesPanel::Installed(const std::string& name) const {
    for (const nlohmann::json& p : packages_) {
        if (p.value("name", std::string()) == name) return &p;
    }
    return nullptr;
}

void PackagesPanel::Check(const TextFile& file) {
    file_name_ = file.name;
    installed_note_ = nullptr;
    preview_ = nullptr;
    change_filter_.clear();
    if (!file.error.empty()) {
        file_text_.clear();
        preview_error_ = file.error;
        return;
    }
    file_text_ = file.text;
    const nlohmann::json answer =
        RunCommand(workspace_, "packages.install", {{"text", file_text_}, {"preview", true}});
    if (!answer.value("ok", false)) {
        preview_error_ = AnswerError(answer);
        const std::string field = answer["error"].value("field", std::string());
        if (!field.empty()) preview_error_ += " (" + field + ")";
        return;
    }
    preview_error_.clear();
    preview_ = answer["result"];
}

void PackagesPanel::Install() {
    RunShowingProgress(true, Tr("integrations.packages.installing"), [this] {
        const nlohmann::json answer = RunCommand(workspace_, "packages.install", {{"text", file_text_}});
        if (!answer.value("ok", false)) {
            preview_error_ = AnswerError(answer);
            return;
        }
        const nlohmann::json& p = answer["result"]["package"];
        const bool upgrade = answer["result"].value("upgrade", false);
        installed_note_ = [p, upgrade] {
            return TrFormat(upgrade ? "integrations.packages.upgraded" : "integrations.packages.installed",
                            {Localised(p, "label"), p.value("version", std::string())});
        };
        preview_ = nullptr;
        file_text_.clear();
        file_name_.clear();
        upgrade_of_.clear();
        Reload(true);
    });
}

void PackagesPanel::Uninstall(const std::string& name) {
    uninstall_name_ = name;
    const nlohmann::json answer = RunCommand(workspace_, "packages.uninstall", {{"name", name}});
    if (!answer.value("ok", false)) {
        uninstall_error_ = AnswerError(answer);
        uninstall_note_ = nullptr;
        return;
    }
    uninstall_error_.clear();
    uninstall_note_ = [name] { return TrFormat("integrations.packages.uninstalled", {name}); };
    Reload(true);
}

void PackagesPanel::DrawInstall(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    SectionHeading(ctx, upgrade_of_.empty() ? "integrations.packages.install_title"
                                            : "integrations.packages.upgrade_title");
    if (!upgrade_of_.empty()) {
        TextMuted(TrFormat("integrations.packages.upgrade_intro", {upgrade_of_}), false);
    } else {
        TextMuted(Tr("integrations.packages.install_intro"), false);
    }
    // packages.* need Manage Integrations (their registry entries).
    PermissionGuard guard(workspace_.access(), SystemPermission::ManageIntegrations, "integrations.packages");
    guard.Notice();
    guard.Begin();
    if (std::optional<TextFile> file =
            FileSourceRow("integrations.packages.choose", "integrations.packages.choose",
                          ".json,application/json", &typed_path_, CardInnerWidth(), s))
        Check(*file);
    guard.ReasonOnHover();
    guard.End();
    if (!file_name_.empty()) TextMuted(TrFormat("integrations.file.chosen", {file_name_}), false);
    NoticeLine("integrations.packages.installed_note", Now(installed_note_), false);
    NoticeLine("integrations.packages.preview_error", preview_error_, true);
    if (preview_.is_object()) {
        const nlohmann::json& p = preview_["package"];
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        if (ctx.heading_font) ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted((Localised(p, "label") + "  " + p.value("version", std::string())).c_str());
        if (ctx.heading_font) ImGui::PopFont();
        MarkItem("integrations.packages.preview.title");
        ImGui::TextWrapped("%s", Localised(p, "description").c_str());
        const std::string deps = Dependencies(p);
        TextMuted(TrFormat("integrations.packages.needs",
                           {p.value("app_version", std::string()),
                            deps.empty() ? std::string(Tr("integrations.packages.no_dependencies")) : deps}),
                  false);
        const std::string name = p.value("name", std::string());
        if (preview_.value("upgrade", false)) {
            const nlohmann::json* installed = Installed(name);
            TextColored(CurrentPalette().warning,
                        TrFormat("integrations.packages.will_upgrade",
                                 {installed ? installed->value("version", std::string()) : std::string("?"),
                                  p.value("version", std::string())}),
                        false);
        }
        const nlohmann::json& changes = preview_["changes"];
        ImGui::TextUnformatted(
            TrFormat("integrations.changes.count", {std::to_string(changes.is_array() ? changes.size() : 0)})
                .c_str());
        if (changes.is_array() && changes.size() > 8) {
            TableFilter("integrations.packages.changes.filter", Tr("integrations.changes.filter"),
                        &change_filter_, 260.0f * s);
        }
        ChangeTable("integrations.packages.changes", changes, LowerAscii(change_filter_), CardInnerWidth(),
                    300.0f * s);
        ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
        if (PrimaryButton(Tr(preview_.value("upgrade", false) ? "integrations.packages.upgrade_now"
                                                              : "integrations.packages.install_now"),
                          guard.allowed()))
            Install();
        MarkItem("integrations.packages.install");
        guard.ReasonOnHover();
        ImGui::SameLine(0.0f, 8.0f * s);
        if (SecondaryButton(Tr("integrations.cancel"))) {
            preview_ = nullptr;
            file_text_.clear();
            file_name_.clear();
            upgrade_of_.clear();
        }
        MarkItem("integrations.packages.cancel");
    }
    DataCardEnd();
}

void PackagesPanel::DrawList(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    SectionHeading(ctx, "integrations.packages.list_title");
    const PermissionGuard guard(workspace_.access(), SystemPermission::ManageIntegrations,
                                "integrations.packages");
    if (guard.allowed())
        NoticeLine("integrations.packages.load_error", load_error_, true);  // else the notice above
    NoticeLine("integrations.packages.uninstalled_note", Now(uninstall_note_), false);
    if (packages_.empty()) {
        TextMuted(Tr("integrations.packages.none"), false);
        MarkItem("integrations.packages.none");
    }
    for (const nlohmann::json& p : packages_) {
        const std::string name = p.value("name", std::string());
        ImGui::PushID(name.c_str());
        ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
        if (ctx.heading_font) ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(Localised(p, "label").c_str());
        if (ctx.heading_font) ImGui::PopFont();
        MarkItem("integrations.packages.row." + name);
        ImGui::SameLine(0.0f, 10.0f * s);
        StatusPill(CurrentPalette().accent, p.value("version", std::string()), 100.0f * s);
        ImGui::TextWrapped("%s", Localised(p, "description").c_str());
        const std::string deps = Dependencies(p);
        TextMuted(TrFormat("integrations.packages.meta",
                           {name, ShownMinute(p.value("installed_ms", int64_t{0})),
                            deps.empty() ? std::string(Tr("integrations.packages.no_dependencies")) : deps}),
                  false);
        const nlohmann::json components = p.value("components", nlohmann::json::array());
        const std::string heading =
            TrFormat("integrations.packages.components", {std::to_string(components.size())});
        if (ImGui::TreeNode("components", "%s", heading.c_str())) {
            for (const nlohmann::json& c : components) {
                if (c.is_string()) ImGui::BulletText("%s", c.get<std::string>().c_str());
            }
            ImGui::TreePop();
        }
        MarkItem("integrations.packages.components." + name);
        if (SecondaryButton(Tr("integrations.packages.upgrade"), guard.allowed())) {
            upgrade_of_ = Localised(p, "label");
            preview_ = nullptr;
            preview_error_.clear();
            installed_note_ = nullptr;
            if (FilesThroughBrowser()) PickFile(".json,application/json");
        }
        MarkItem("integrations.packages.upgrade." + name);
        guard.ReasonOnHover();
        ImGui::SameLine(0.0f, 8.0f * s);
        ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().danger);
        if (SecondaryButton(Tr("integrations.packages.uninstall"), guard.allowed())) {
            confirm_open_ = true;
            confirm_name_ = name;
        }
        ImGui::PopStyleColor();
        MarkItem("integrations.packages.uninstall." + name);
        guard.ReasonOnHover();
        if (uninstall_name_ == name && !uninstall_error_.empty())
            ErrorLine("integrations.packages.uninstall_error", uninstall_error_);
        ImGui::PopID();
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    }
    DataCardEnd();

    if (ConfirmDialog("integrations.packages.confirm", "integrations.packages.uninstall", confirm_name_,
                      &confirm_open_, ctx))
        Uninstall(confirm_name_);
}

void PackagesPanel::Draw(const PageContext& ctx) {
    Reload(false);
    const CardPage page(ctx, "integrations.packages.scroll", 900.0f);
    DrawInstall(ctx, page.width());
    page.Gap();
    DrawList(ctx, page.width());
}

nlohmann::json PackagesPanel::State() const {
    nlohmann::json installed = nlohmann::json::array();
    for (const nlohmann::json& p : packages_)
        installed.push_back({{"name", p.value("name", std::string())},
                             {"version", p.value("version", std::string())},
                             {"components", p.value("components", nlohmann::json::array()).size()}});
    nlohmann::json st = {{"installed", installed},
                         {"file", file_name_},
                         {"previewed", preview_.is_object()},
                         {"preview_error", preview_error_},
                         {"installed_note", Now(installed_note_)},
                         {"uninstall_error", uninstall_error_},
                         {"uninstall_note", Now(uninstall_note_)},
                         {"load_error", load_error_}};
    if (preview_.is_object()) {
        st["preview"] = {{"name", preview_["package"].value("name", std::string())},
                         {"version", preview_["package"].value("version", std::string())},
                         {"upgrade", preview_.value("upgrade", false)},
                         {"changes", preview_["changes"].size()}};
    }
    return st;
}

}  // namespace

std::unique_ptr<IntegrationPanel> MakePackagesPanel(const IntegrationServices& services) {
    return std::make_unique<PackagesPanel>(services);
}

}  // namespace crm::ui
