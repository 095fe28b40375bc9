// The import wizard: 1. the file (picked in the browser, a path on the desktop), the object, how rows meet
// records (insert, update by Id, upsert by an external-id field) and the encoding (found from the bytes:
// a BOM or valid UTF-8 is UTF-8, anything else GB18030, which spreadsheet programs in China write; or
// chosen); 2. a preview of the first rows with each column's field (guessed by the core, changeable);
// 3. a dry run that lists every row's errors by line and column; 4. the import, its counts, and the rows
// that failed as a CSV to download, fix and import again.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "data/csv.h"
#include "data/import.h"
#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/data/file_transfer.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/busy.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

const char* const kModes[] = {"insert", "upsert", "update"};
const char* const kEncodings[] = {"auto", "utf-8", "gb18030"};

/// Whether `bytes` are well-formed UTF-8 (a character cut at the end of the sample counts as whole).
bool LooksUtf8(const std::string& bytes) {
    size_t i = 0;
    const size_t n = bytes.size();
    while (i < n) {
        const unsigned char c = static_cast<unsigned char>(bytes[i]);
        size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0) return false;
        for (size_t k = 1; k < len; ++k) {
            if (i + k >= n) return true;
            if ((static_cast<unsigned char>(bytes[i + k]) >> 6) != 0x2) return false;
        }
        i += len;
    }
    return true;
}

/// The encoding of a file from its first 64 KB: "utf-8" or "gb18030".
std::string SniffEncoding(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return "utf-8";
    std::string sample(65536, '\0');
    sample.resize(std::fread(sample.data(), 1, sample.size(), f));
    std::fclose(f);
    if (sample.rfind("\xEF\xBB\xBF", 0) == 0) return "utf-8";
    return LooksUtf8(sample) ? "utf-8" : "gb18030";
}

struct RowError {
    int line = 0;
    std::string column;
    std::string message;
};

class ImportPanel : public DataPanel {
public:
    explicit ImportPanel(const DataServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void LoadLists();
    void ReadFile(const std::string& path, const std::string& name);
    void Preview();
    nlohmann::json Args() const;
    void Run(bool dry);
    void DownloadErrors();
    void DrawErrors(const PageContext& ctx, const nlohmann::json& report, const char* hook);
    std::string Encoding() const { return encoding_ == 0 ? found_encoding_ : kEncodings[encoding_]; }

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    std::vector<ObjectChoice> objects_;
    std::vector<FieldChoice> fields_;
    std::string fields_of_;

    std::string object_ = "Account";
    int mode_ = 0;
    std::string external_id_;
    int encoding_ = 0;
    std::string found_encoding_ = "utf-8";
    bool all_or_nothing_ = false;
    bool awaiting_pick_ = false;
    std::string path_;  ///< desktop: typed; web: where the picked file was copied
    std::string name_;
    std::string typed_path_;

    nlohmann::json preview_;  ///< import.preview's answer
    std::string error_;
    std::map<std::string, std::string> mapping_;  ///< column -> field ("" = not imported)
    nlohmann::json dry_;     ///< the dry run's report (for the mapping and options it ran with)
    nlohmann::json result_;  ///< the import's report
    bool errors_only_ = true;
    int sort_column_ = 0;
    bool sort_desc_ = false;
    bool confirm_open_ = false;
    std::string download_;
    int scroll_to_ = 0;  ///< the step whose card comes into view in the next frame (0: none)
};

void ImportPanel::LoadLists() {
    if (loaded_change_ != workspace_.change_count() || loaded_viewer_ != ActingUser()) {
        loaded_change_ = workspace_.change_count();
        loaded_viewer_ = ActingUser();
        objects_ = ReadableObjects(workspace_);
        fields_of_.clear();
    }
    if (fields_of_ != object_) {
        fields_of_ = object_;
        fields_ = ReadableFields(workspace_, object_);
    }
}

void ImportPanel::ReadFile(const std::string& path, const std::string& name) {
    path_ = path;
    name_ = name;
    found_encoding_ = SniffEncoding(path);
    preview_ = nullptr;
    mapping_.clear();
    Preview();
}

void ImportPanel::Preview() {
    dry_ = nullptr;
    result_ = nullptr;
    download_.clear();
    if (path_.empty()) return;
    nlohmann::json args = Args();
    args.erase("mapping");
    args["rows"] = 8;
    const nlohmann::json answer = RunCommand(workspace_, "import.preview", args);
    if (!answer.value("ok", false)) {
        error_ = AnswerError(answer);
        preview_ = nullptr;
        return;
    }
    error_.clear();
    preview_ = answer["result"];
    scroll_to_ = 2;
    mapping_.clear();
    for (auto it = preview_["mapping"].begin(); it != preview_["mapping"].end(); ++it)
        mapping_[it.key()] = it.value().is_string() ? it.value().get<std::string>() : std::string();
}

nlohmann::json ImportPanel::Args() const {
    nlohmann::json args = {{"object", object_},
                           {"path", path_},
                           {"mode", kModes[mode_]},
                           {"encoding", Encoding()},
                           {"all_or_nothing", all_or_nothing_}};
    if (mode_ == 1) args["external_id"] = external_id_;
    nlohmann::json mapping = nlohmann::json::object();
    for (const auto& [column, field] : mapping_) mapping[column] = field;
    args["mapping"] = mapping;
    return args;
}

void ImportPanel::Run(bool dry) {
    RunShowingProgress(true, Tr(dry ? "data.import.dry_running" : "data.import.running"), [this, dry] {
        const nlohmann::json answer = RunCommand(workspace_, dry ? "import.dry_run" : "import.run", Args());
        if (!answer.value("ok", false)) {
            error_ = AnswerError(answer);
            return;
        }
        error_.clear();
        (dry ? dry_ : result_) = answer["result"];
        scroll_to_ = dry ? 3 : 4;
        if (!dry) download_.clear();
    });
}

std::vector<RowError> ErrorsOf(const nlohmann::json& report) {
    std::vector<RowError> out;
    if (!report.is_object()) return out;
    for (const nlohmann::json& row : report["results"]) {
        if (!row.contains("errors")) continue;
        for (const nlohmann::json& e : row["errors"])
            out.push_back({row.value("line", 0), e.value("field", std::string()), AnswerError(e)});
    }
    return out;
}

/// Writes the failed rows of the file (its header, each failed row and an Error column) as UTF-8 CSV with
/// a BOM, and hands it over.
void ImportPanel::DownloadErrors() {
    std::map<int, std::string> failed;
    for (const RowError& e : ErrorsOf(result_)) {
        std::string& text = failed[e.line];
        text += (text.empty() ? "" : "; ") + (e.column.empty() ? "" : e.column + ": ") + e.message;
    }
    std::shared_ptr<std::FILE> in(std::fopen(path_.c_str(), "rb"), [](std::FILE* p) {
        if (p) std::fclose(p);
    });
    if (!in) {
        error_ = Tr("data.import.reread_failed");
        return;
    }
    Result<CsvReader::Source> source = DecodingSource(
        [in](char* buf, size_t size) { return std::fread(buf, 1, size, in.get()); }, Encoding());
    if (!source.ok()) {
        error_ = ErrorText(source.error());
        return;
    }
    const std::string delimiter = preview_.is_object() ? preview_.value("delimiter", std::string(",")) : ",";
    CsvReader reader(*source, delimiter.empty() ? ',' : delimiter[0]);
    std::string out = "\xEF\xBB\xBF";
    CsvRow row;
    bool header = true;
    while (reader.Next(row)) {
        if (header) {
            row.fields.push_back(Tr("data.import.error_column"));
            AppendCsvRow(out, row.fields, false);
            header = false;
            continue;
        }
        auto it = failed.find(row.line);
        if (it == failed.end()) continue;
        row.fields.push_back(it->second);
        AppendCsvRow(out, row.fields, false);
    }
    const std::string stem = std::filesystem::path(name_).stem().string();
    const std::string name = stem + "-errors.csv";
    const std::string target = FilesThroughBrowser()
                                   ? TransferDir() + "/" + name
                                   : (std::filesystem::path(path_).parent_path() / name).string();
    std::FILE* f = std::fopen(target.c_str(), "wb");
    if (!f || std::fwrite(out.data(), 1, out.size(), f) != out.size()) {
        if (f) std::fclose(f);
        error_ = Tr("data.import.write_failed");
        return;
    }
    std::fclose(f);
    download_ = FilesThroughBrowser() ? name : target;
    if (FilesThroughBrowser()) {
        OfferDownload(target, name, "text/csv");
        std::remove(target.c_str());
    }
}

void ImportPanel::DrawErrors(const PageContext& ctx, const nlohmann::json& report, const char* hook) {
    const float s = ctx.scale;
    std::vector<RowError> errors = ErrorsOf(report);
    if (errors.empty()) return;
    ImGui::Checkbox(Tr("data.import.errors_only"), &errors_only_);
    MarkItem(std::string(hook) + ".errors_only");
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_Resizable;
    const float h = ScrollTableHeight(errors.size(), 260.0f * s);
    if (ImGui::BeginTable((std::string(hook) + ".errors").c_str(), 3, flags, ImVec2(CardInnerWidth(), h))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("data.import.col.line"),
                                ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_WidthFixed,
                                70.0f * s);
        ImGui::TableSetupColumn(Tr("data.import.col.column"), ImGuiTableColumnFlags_WidthFixed, 140.0f * s);
        ImGui::TableSetupColumn(Tr("data.import.col.error"), ImGuiTableColumnFlags_WidthStretch);
        TakeSortSpecs(&sort_column_, &sort_desc_);
        TableHeadersRowMarked(hook, {"line", "column", "error"});
        if (sort_column_ == 1)
            SortRowsBy(&errors, sort_desc_,
                       [](const RowError& e) { return std::make_tuple(e.column, e.line); });
        else if (sort_column_ == 2)
            SortRowsBy(&errors, sort_desc_, [](const RowError& e) { return e.message; });
        else
            SortRowsBy(&errors, sort_desc_, [](const RowError& e) { return e.line; });
        for (const RowError& e : errors) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%d", e.line);
            MarkItem(std::string(hook) + ".error." + std::to_string(e.line) + "." + e.column);
            ImGui::TableNextColumn();
            ImGui::TextColored(CurrentPalette().danger, "%s", e.column.c_str());
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", e.message.c_str());
        }
        ImGui::EndTable();
    }
}

void ImportPanel::Draw(const PageContext& ctx) {
    LoadLists();
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    const float width = std::min(900.0f * s, ImGui::GetContentRegionAvail().x - pad);
    const float label_w = 130.0f * s;
    ImGui::BeginChild("data.import.scroll", ImVec2(ImGui::GetContentRegionAvail().x - pad * 0.5f, 0.0f));
    auto row = [&](const char* label_id) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr(label_id));
        ImGui::SameLine(label_w);
        ImGui::SetNextItemWidth(260.0f * s);
    };

    // import.preview, import.dry_run and import.run need Import Data (the import service refuses without it).
    PermissionGuard guard(workspace_.access(), SystemPermission::ImportData, "data.import");

    // 1. The file and how it goes in.
    DataCardBegin(width);
    SectionHeading(ctx, "data.import.step1");
    guard.Notice();
    guard.Begin();
    row("data.field.file");
    if (FilesThroughBrowser()) {
        if (SecondaryButton(Tr("data.import.choose"), guard.allowed())) {
            awaiting_pick_ = true;
            PickFile(".csv,.txt,text/csv");
        }
        MarkItem("data.import.choose");
        guard.ReasonOnHover();
        ImGui::SameLine(0.0f, 8.0f * s);
        TextMuted(Tr("data.drop_hint"), false);
        if (!name_.empty()) {
            ImGui::SameLine(0.0f, 8.0f * s);
            ImGui::TextUnformatted(name_.c_str());
        }
    } else {
        ImGui::SetNextItemWidth(CardInnerWidth() - label_w - 110.0f * s);
        InputString("##data.import.path", &typed_path_, 0, Tr("data.import.path_hint"));
        MarkItem("data.import.path");
        PublishForm("data.import.path", typed_path_);
        ImGui::SameLine(0.0f, 8.0f * s);
        if (SecondaryButton(Tr("data.import.read"), !typed_path_.empty() && guard.allowed()))
            ReadFile(typed_path_, typed_path_);
        MarkItem("data.import.choose");
        guard.ReasonOnHover();
    }
    guard.End();
    {  // a file picked, or dropped on the page while this tab shows
        if (std::optional<PickedFile> picked = TakePickedFile()) {
            awaiting_pick_ = false;
            if (!guard.allowed())
                error_ = guard.reason();
            else if (picked->error.empty())
                ReadFile(picked->path, picked->name);
            else
                error_ = picked->error;
        }
    }
    row("data.field.object");
    if (ObjectCombo("##data.import.object", objects_, &object_, "data.import.object")) {
        fields_of_.clear();
        LoadLists();
        Preview();
    }
    row("data.import.mode");
    if (ListCombo(
            "##data.import.mode", Tr(std::string("data.import.mode.") + kModes[mode_]), 3,
            [](int i) { return std::string(Tr(std::string("data.import.mode.") + kModes[i])); },
            [](int i) { return std::string(kModes[i]); }, &mode_, "data.import.mode"))
        Preview();
    if (mode_ == 1) {
        row("data.import.external_id");
        int selected = -1;
        for (size_t i = 0; i < fields_.size(); ++i) {
            if (fields_[i].api_name == external_id_) selected = static_cast<int>(i);
        }
        if (ListCombo(
                "##data.import.external_id",
                external_id_.empty() ? std::string(Tr("data.pick_field")) : external_id_,
                static_cast<int>(fields_.size()),
                [this](int i) { return fields_[static_cast<size_t>(i)].label(); },
                [this](int i) { return fields_[static_cast<size_t>(i)].api_name; }, &selected,
                "data.import.external_id") &&
            selected >= 0) {
            external_id_ = fields_[static_cast<size_t>(selected)].api_name;
            dry_ = nullptr;
        }
    }
    row("data.field.encoding");
    const std::string auto_label =
        TrFormat("data.import.encoding.auto", {Tr(("data.encoding." + found_encoding_).c_str())});
    if (ListCombo(
            "##data.import.encoding",
            encoding_ == 0 ? auto_label
                           : std::string(Tr(std::string("data.encoding.") + kEncodings[encoding_])),
            3,
            [&](int i) {
                return i == 0 ? auto_label : std::string(Tr(std::string("data.encoding.") + kEncodings[i]));
            },
            [](int i) { return std::string(kEncodings[i]); }, &encoding_, "data.import.encoding"))
        Preview();
    ImGui::Dummy(ImVec2(label_w - 8.0f * s, 0.0f));
    ImGui::SameLine(label_w);
    if (ImGui::Checkbox(Tr("data.import.all_or_nothing"), &all_or_nothing_)) dry_ = nullptr;
    MarkItem("data.import.all_or_nothing");
    NoticeLine("data.import.error", error_, true);
    DataCardEnd();

    // 2. Preview and mapping.
    if (preview_.is_object()) {
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        DataCardBegin(width);
        SectionHeading(ctx, "data.import.step2");
        if (scroll_to_ == 2) {
            ImGui::SetScrollHereY(0.0f);
            scroll_to_ = 0;
        }
        const std::vector<std::string> columns = preview_.value("columns", std::vector<std::string>());
        TextMuted(TrFormat("data.import.found", {Tr(("data.encoding." + Encoding()).c_str()),
                                                 preview_.value("delimiter", std::string(",")) == "\t"
                                                     ? std::string("Tab")
                                                     : preview_.value("delimiter", std::string(",")),
                                                 std::to_string(columns.size())}),
                  false);
        const int n = static_cast<int>(columns.size());
        const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInner |
                                      ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                                      ImGuiTableFlags_SizingFixedFit;
        if (n > 0 &&
            ImGui::BeginTable("data.import.preview", n, flags, ImVec2(CardInnerWidth(), 250.0f * s))) {
            ImGui::TableSetupScrollFreeze(0, 2);
            for (const std::string& c : columns) ImGui::TableSetupColumn(c.c_str(), 0, 150.0f * s);
            ImGui::TableHeadersRow();
            // The mapping row: each column's field.
            ImGui::TableNextRow();
            for (int c = 0; c < n; ++c) {
                ImGui::TableNextColumn();
                const std::string& column = columns[static_cast<size_t>(c)];
                std::string& field = mapping_[column];
                int selected = 0;
                for (size_t i = 0; i < fields_.size(); ++i) {
                    if (fields_[i].api_name == field) selected = static_cast<int>(i) + 1;
                }
                ImGui::SetNextItemWidth(-1.0f);
                ImGui::PushID(c);
                const std::string hook = "data.import.map." + column;
                if (ListCombo(
                        "##map",
                        selected == 0 ? std::string(Tr("data.import.skip"))
                                      : fields_[static_cast<size_t>(selected - 1)].label(),
                        static_cast<int>(fields_.size()) + 1,
                        [this](int i) {
                            return i == 0 ? std::string(Tr("data.import.skip"))
                                          : fields_[static_cast<size_t>(i - 1)].label();
                        },
                        [this](int i) {
                            return i == 0 ? std::string("_skip")
                                          : fields_[static_cast<size_t>(i - 1)].api_name;
                        },
                        &selected, hook)) {
                    field =
                        selected == 0 ? std::string() : fields_[static_cast<size_t>(selected - 1)].api_name;
                    dry_ = nullptr;
                }
                ImGui::PopID();
            }
            for (const nlohmann::json& r : preview_["rows"]) {
                ImGui::TableNextRow();
                for (int c = 0; c < n; ++c) {
                    ImGui::TableNextColumn();
                    if (static_cast<size_t>(c) < r.size())
                        ImGui::TextUnformatted(r[static_cast<size_t>(c)].get<std::string>().c_str());
                }
            }
            ImGui::EndTable();
        }
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        if (PrimaryButton(Tr("data.import.dry_run"),
                          (mode_ != 1 || !external_id_.empty()) && guard.allowed()))
            Run(true);
        MarkItem("data.import.dry_run");
        guard.ReasonOnHover();
        DataCardEnd();
    }

    // 3. The dry run.
    if (dry_.is_object()) {
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        DataCardBegin(width);
        SectionHeading(ctx, "data.import.step3");
        if (scroll_to_ == 3) {
            ImGui::SetScrollHereY(0.0f);
            scroll_to_ = 0;
        }
        const int64_t failed = dry_.value("failed", int64_t{0});
        NoticeLine("data.import.dry_summary",
                   TrFormat("data.import.dry_text",
                            {std::to_string(dry_.value("rows", int64_t{0})),
                             std::to_string(dry_.value("inserted", int64_t{0})),
                             std::to_string(dry_.value("updated", int64_t{0})), std::to_string(failed)}),
                   false);
        DrawErrors(ctx, dry_, "data.import.dry");
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        if (PrimaryButton(Tr("data.import.run"), guard.allowed())) {
            if (failed > 0)
                confirm_open_ = true;
            else
                Run(false);
        }
        MarkItem("data.import.run");
        guard.ReasonOnHover();
        DataCardEnd();
    }

    // 4. The result.
    if (result_.is_object()) {
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        DataCardBegin(width);
        SectionHeading(ctx, "data.import.step4");
        if (scroll_to_ == 4) {
            ImGui::SetScrollHereY(0.0f);
            scroll_to_ = 0;
        }
        const int64_t failed = result_.value("failed", int64_t{0});
        NoticeLine("data.import.result",
                   TrFormat(result_.value("committed", false) ? "data.import.result_text"
                                                              : "data.import.nothing_text",
                            {std::to_string(result_.value("inserted", int64_t{0})),
                             std::to_string(result_.value("updated", int64_t{0})), std::to_string(failed)}),
                   false);
        DrawErrors(ctx, result_, "data.import.result");
        if (failed > 0) {
            if (SecondaryButton(Tr("data.import.download_errors"))) DownloadErrors();
            MarkItem("data.import.download_errors");
            if (!download_.empty()) TextMuted(TrFormat("data.import.downloaded", {download_}), false);
        }
        DataCardEnd();
    }
    ImGui::EndChild();

    if (BeginDialog("data.import.confirm", Tr("data.import.confirm_title"), 460.0f, &confirm_open_, ctx)) {
        ImGui::TextWrapped("%s",
                           TrFormat(all_or_nothing_ ? "data.import.confirm_all" : "data.import.confirm_text",
                                    {std::to_string(dry_.value("failed", int64_t{0}))})
                               .c_str());
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        const int clicked = ButtonRow({{"data.cancel", "data.import.confirm.cancel"},
                                       {"data.import.confirm_run", "data.import.confirm.ok"}},
                                      1, -1);
        if (clicked == 1) {
            Run(false);
            ImGui::CloseCurrentPopup();
        } else if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
            ImGui::CloseCurrentPopup();
        }
        EndDialog();
    }
}

nlohmann::json ImportPanel::State() const {
    nlohmann::json errors = nlohmann::json::array();
    for (const RowError& e : ErrorsOf(result_.is_object() ? result_ : dry_))
        errors.push_back({{"line", e.line}, {"column", e.column}, {"message", e.message}});
    nlohmann::json st = {
        {"object", object_},      {"file", name_},         {"picking", awaiting_pick_},
        {"encoding", Encoding()}, {"mode", kModes[mode_]}, {"error", error_},
        {"errors", errors},       {"download", download_}, {"previewed", preview_.is_object()}};
    if (preview_.is_object()) {
        st["columns"] = preview_["columns"];
        st["mapping"] = mapping_;
        st["preview_rows"] = preview_["rows"].size();
    }
    auto counts = [](const nlohmann::json& r) {
        return nlohmann::json{{"rows", r.value("rows", 0)},
                              {"inserted", r.value("inserted", 0)},
                              {"updated", r.value("updated", 0)},
                              {"failed", r.value("failed", 0)},
                              {"committed", r.value("committed", false)}};
    };
    if (dry_.is_object()) st["dry"] = counts(dry_);
    if (result_.is_object()) st["result"] = counts(result_);
    return st;
}

}  // namespace

std::unique_ptr<DataPanel> MakeImportPanel(const DataServices& services) {
    return std::make_unique<ImportPanel>(services);
}

}  // namespace crm::ui
