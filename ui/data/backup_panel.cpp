// The backup and restore tab. Create: a consistent snapshot with its manifest, handed to the user as a
// download in the browser (written to the path typed on the desktop). Restore: a file picked in the browser
// (a path on the desktop) is checked first (manifest, size, checksum, schema version) and what it would
// replace is shown, counts now beside counts in the backup; after a confirmation the data is replaced, the
// replaced data kept as an automatic backup, and the workspace reopened (Platform::RequestReopen): the new
// console comes back to this tab, which shows what the restore did.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/data/file_transfer.h"
#include "ui/kit/i18n.h"
#include "ui/kit/time_text.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/busy.h"
#include "ui/shell/platform.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

/// What the last restore did, kept across the reopen it asks for (the console and its pages are made anew).
struct RestoreMemo {
    bool pending = false;
    nlohmann::json report;
    std::string file;
};
RestoreMemo& Memo() {
    static RestoreMemo memo;
    return memo;
}

std::string Stamp(int64_t ms) {
    std::string t = ShownMinute(ms);  // "2026-12-02 08:15"
    std::string out;
    for (char c : t) {
        if (c != '-' && c != ':') out += c == ' ' ? '-' : c;
    }
    return out;
}

std::string DefaultFolder() {
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/";
}

/// A table of record counts: object, one column per map.
void CountsTable(const char* id, const nlohmann::json& left, const char* left_id, const nlohmann::json& right,
                 const char* right_id, float width) {
    std::set<std::string> objects;
    for (auto it = left.begin(); it != left.end(); ++it) objects.insert(it.key());
    for (auto it = right.begin(); it != right.end(); ++it) objects.insert(it.key());
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable(id, 3, flags, ImVec2(width, 0.0f))) return;
    ImGui::TableSetupColumn(Tr("data.col.object"), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(Tr(left_id));
    ImGui::TableSetupColumn(Tr(right_id));
    ImGui::TableHeadersRow();
    for (const std::string& o : objects) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(o.c_str());
        const int64_t a = left.value(o, int64_t{0});
        const int64_t b = right.value(o, int64_t{0});
        ImGui::TableNextColumn();
        ImGui::Text("%lld", static_cast<long long>(a));
        ImGui::TableNextColumn();
        if (a != b) ImGui::PushStyleColor(ImGuiCol_Text, CurrentPalette().warning);
        ImGui::Text("%lld", static_cast<long long>(b));
        if (a != b) ImGui::PopStyleColor();
    }
    ImGui::EndTable();
}

class BackupPanel : public DataPanel {
public:
    explicit BackupPanel(const DataServices& services)
        : workspace_(services.workspace), platform_(services.platform) {
        if (Memo().pending) {
            restored_ = Memo().report;
            restored_file_ = Memo().file;
            Memo().pending = false;
        }
        const std::string stamp = Stamp(workspace_.clock().NowMs());
        create_path_ = DefaultFolder() + "crm-backup-" + stamp + ".crmbackup";
    }
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Create();
    void Inspect(const std::string& path, const std::string& name);
    void Restore();

    Workspace& workspace_;
    Platform& platform_;
    std::string create_path_;
    nlohmann::json created_;  ///< the manifest of the backup just made
    std::string created_name_;
    std::string create_error_;

    bool awaiting_pick_ = false;
    std::string restore_path_;  ///< desktop: typed; web: where the picked file was copied
    std::string restore_name_;
    nlohmann::json checked_;  ///< backup.inspect's answer
    std::string check_error_;
    bool confirm_open_ = false;
    std::string restore_error_;
    nlohmann::json restored_;  ///< the last restore's report (after the reopen)
    std::string restored_file_;
};

void BackupPanel::Create() {
    RunShowingProgress(true, Tr("data.backup.creating"), [this] {
        const std::string name = FilesThroughBrowser()
                                     ? "crm-backup-" + Stamp(workspace_.clock().NowMs()) + ".crmbackup"
                                     : std::filesystem::path(create_path_).filename().string();
        const std::string path = OutgoingPath(name, create_path_);
        const nlohmann::json answer = RunCommand(workspace_, "backup.create", {{"path", path}});
        if (!answer.value("ok", false)) {
            create_error_ = AnswerError(answer);
            created_ = nullptr;
            return;
        }
        create_error_.clear();
        created_ = answer["result"]["manifest"];
        created_name_ = FilesThroughBrowser() ? name : path;
        FinishOutgoing(path, name, "application/octet-stream");
    });
}

void BackupPanel::Inspect(const std::string& path, const std::string& name) {
    restore_path_ = path;
    restore_name_ = name;
    restore_error_.clear();
    const nlohmann::json answer = RunCommand(workspace_, "backup.inspect", {{"path", path}});
    if (!answer.value("ok", false)) {
        check_error_ = AnswerError(answer);
        checked_ = nullptr;
        return;
    }
    check_error_.clear();
    checked_ = answer["result"];
}

void BackupPanel::Restore() {
    RunShowingProgress(true, Tr("data.backup.restoring"), [this] {
        nlohmann::json args = {{"path", restore_path_}};
        if (FilesThroughBrowser()) args["keep_dir"] = TransferDir();
        const nlohmann::json answer = RunCommand(workspace_, "restore.run", args);
        if (!answer.value("ok", false)) {
            restore_error_ = AnswerError(answer);
            return;
        }
        Memo().pending = true;
        Memo().report = answer["result"];
        Memo().file = restore_name_;
        if (FilesThroughBrowser()) std::remove(restore_path_.c_str());
        // The services hold what they read of the old data: the host opens the workspace again.
        platform_.RequestReopen("data");
    });
}

void BackupPanel::Draw(const PageContext& ctx) {
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    const float width = std::min(760.0f * s, ImGui::GetContentRegionAvail().x - pad);
    ImGui::BeginChild("data.backup.scroll", ImVec2(ImGui::GetContentRegionAvail().x - pad * 0.5f, 0.0f));
    // backup.create, backup.inspect and restore.run need Backup and Restore (their registry entries).
    PermissionGuard guard(workspace_.access(), SystemPermission::BackupAndRestore, "data.backup");
    guard.Notice();

    // What the last restore did.
    if (restored_.is_object()) {
        DataCardBegin(width);
        SectionHeading(ctx, "data.backup.restored_title");
        NoticeLine("data.backup.restored", TrFormat("data.backup.restored_text", {restored_file_}), false);
        CountsTable("data.backup.restored_counts", restored_.value("counts_before", nlohmann::json::object()),
                    "data.col.before", restored_.value("counts_after", nlohmann::json::object()),
                    "data.col.after", CardInnerWidth());
        const std::string kept = restored_.value("kept_backup", std::string());
        if (!kept.empty()) {
            TextMuted(TrFormat("data.backup.kept", {kept}), false);
            if (FilesThroughBrowser() && std::filesystem::exists(kept)) {
                if (SecondaryButton(Tr("data.backup.download_kept")))
                    OfferDownload(kept, std::filesystem::path(kept).filename().string(),
                                  "application/octet-stream");
                MarkItem("data.backup.download_kept");
            }
        }
        DataCardEnd();
        ImGui::Dummy(ImVec2(0.0f, 10.0f * s));
    }

    // Create.
    DataCardBegin(width);
    SectionHeading(ctx, "data.backup.create_title");
    TextMuted(Tr("data.backup.create_intro"), false);
    guard.Begin();
    if (!FilesThroughBrowser()) {
        ImGui::SetNextItemWidth(CardInnerWidth() - 160.0f * s);
        InputString("##data.backup.path", &create_path_);
        MarkItem("data.backup.path");
        PublishForm("data.backup.path", create_path_);
        ImGui::SameLine(0.0f, 8.0f * s);
    }
    if (PrimaryButton(FilesThroughBrowser() ? Tr("data.backup.create_download") : Tr("data.backup.create"),
                      (FilesThroughBrowser() || !create_path_.empty()) && guard.allowed()))
        Create();
    MarkItem("data.backup.create");
    guard.ReasonOnHover();
    guard.End();
    NoticeLine("data.backup.create_error", create_error_, true);
    if (created_.is_object()) {
        NoticeLine(
            "data.backup.created",
            TrFormat("data.backup.created_text",
                     {created_name_, std::to_string(created_.value("content_bytes", uint64_t{0}) / 1024),
                      created_.value("sha256", std::string()).substr(0, 12)}),
            false);
    }
    DataCardEnd();
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));

    // Restore.
    DataCardBegin(width);
    SectionHeading(ctx, "data.backup.restore_title");
    TextMuted(Tr("data.backup.restore_intro"), false);
    guard.Begin();
    if (FilesThroughBrowser()) {
        if (SecondaryButton(Tr("data.backup.choose"))) {
            awaiting_pick_ = true;
            PickFile(".crmbackup");
        }
        MarkItem("data.backup.choose");
        guard.ReasonOnHover();
        ImGui::SameLine(0.0f, 8.0f * s);
        TextMuted(Tr("data.drop_hint"), false);
        {  // a file picked, or dropped on the page while this tab shows
            if (std::optional<PickedFile> picked = TakePickedFile()) {
                awaiting_pick_ = false;
                if (picked->error.empty()) {
                    Inspect(picked->path, picked->name);
                } else {
                    check_error_ = picked->error;
                }
            }
        }
        if (!restore_name_.empty()) {
            ImGui::SameLine(0.0f, 8.0f * s);
            ImGui::TextUnformatted(restore_name_.c_str());
        }
    } else {
        ImGui::SetNextItemWidth(CardInnerWidth() - 160.0f * s);
        InputString("##data.backup.restore_path", &restore_path_, 0, Tr("data.backup.restore_hint"));
        MarkItem("data.backup.restore_path");
        PublishForm("data.backup.restore_path", restore_path_);
        ImGui::SameLine(0.0f, 8.0f * s);
        if (SecondaryButton(Tr("data.backup.check"), !restore_path_.empty()))
            Inspect(restore_path_, restore_path_);
        MarkItem("data.backup.choose");
        guard.ReasonOnHover();
    }
    NoticeLine("data.backup.check_error", check_error_, true);
    if (checked_.is_object()) {
        const nlohmann::json& m = checked_["manifest"];
        NoticeLine(
            "data.backup.checked",
            TrFormat("data.backup.checked_text",
                     {m.value("created_at", std::string()), m.value("created_by", std::string()),
                      m.value("app_version", std::string()), std::to_string(m.value("schema_version", 0))}),
            false);
        if (checked_.value("needs_migration", false))
            TextMuted(TrFormat("data.backup.migrates",
                               {std::to_string(m.value("schema_version", 0)),
                                std::to_string(checked_.value("current_schema_version", 0))}),
                      false);
        CountsTable("data.backup.counts", checked_.value("counts_now", nlohmann::json::object()),
                    "data.col.now", m.value("record_counts", nlohmann::json::object()), "data.col.in_backup",
                    CardInnerWidth());
        ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
        ImGui::PushStyleColor(ImGuiCol_Button, CurrentPalette().danger);
        if (PrimaryButton(Tr("data.backup.restore"), guard.allowed())) confirm_open_ = true;
        ImGui::PopStyleColor();
        MarkItem("data.backup.restore");
        guard.ReasonOnHover();
    }
    guard.End();
    NoticeLine("data.backup.restore_error", restore_error_, true);
    DataCardEnd();
    ImGui::EndChild();

    if (BeginDialog("data.backup.confirm", Tr("data.backup.confirm_title"), 480.0f, &confirm_open_, ctx)) {
        ImGui::TextWrapped("%s", TrFormat("data.backup.confirm_text", {restore_name_}).c_str());
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        const int clicked = ButtonRow({{"data.cancel", "data.backup.confirm.cancel"},
                                       {"data.backup.confirm_restore", "data.backup.confirm.ok"}},
                                      -1, 1);
        if (clicked == 1) {
            Restore();
            ImGui::CloseCurrentPopup();
        } else if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
            ImGui::CloseCurrentPopup();
        }
        EndDialog();
    }
}

nlohmann::json BackupPanel::State() const {
    nlohmann::json st = {{"created", created_.is_object()}, {"created_name", created_name_},
                         {"create_error", create_error_},   {"picked", restore_name_},
                         {"checked", checked_.is_object()}, {"check_error", check_error_},
                         {"restore_error", restore_error_}, {"restored", restored_.is_object()}};
    if (checked_.is_object())
        st["backup_counts"] = checked_["manifest"].value("record_counts", nlohmann::json::object());
    if (restored_.is_object()) st["counts_after"] = restored_.value("counts_after", nlohmann::json::object());
    return st;
}

}  // namespace

bool RestoreReportPending() { return Memo().pending; }

std::unique_ptr<DataPanel> MakeBackupPanel(const DataServices& services) {
    return std::make_unique<BackupPanel>(services);
}

}  // namespace crm::ui
