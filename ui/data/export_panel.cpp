// The export tab: an object, its fields (every readable one by default), an optional filter formula, CSV or
// JSON Lines, and the encoding: UTF-8, UTF-8 with a byte order mark (spreadsheet programs), or GB18030
// (written by the core's encoder, data/gb18030.h, in the browser too). The file is downloaded in the
// browser, written to the path typed on the desktop.
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
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

const char* const kFormats[] = {"csv", "jsonl"};
const char* const kEncodings[] = {"utf-8", "utf-8-bom", "gb18030"};

class ExportPanel : public DataPanel {
public:
    explicit ExportPanel(const DataServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override {
        return {{"object", object_},
                {"columns", std::vector<std::string>(columns_.begin(), columns_.end())},
                {"format", kFormats[format_]},
                {"encoding", kEncodings[encoding_]},
                {"rows", rows_},
                {"file", file_},
                {"error", error_}};
    }

private:
    void Load();
    void Export();

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    std::vector<ObjectChoice> objects_;
    std::string object_;
    std::string fields_of_;
    std::vector<FieldChoice> fields_;
    std::set<std::string> columns_;
    std::string filter_;
    int format_ = 0;
    int encoding_ = 0;
    bool formatted_ = false;
    std::string path_;
    int64_t rows_ = -1;
    std::string file_;
    std::string error_;
};

void ExportPanel::Load() {
    if (loaded_change_ != workspace_.change_count() || loaded_viewer_ != ActingUser()) {
        loaded_change_ = workspace_.change_count();
        loaded_viewer_ = ActingUser();
        objects_ = ReadableObjects(workspace_);
        fields_of_.clear();
        if (object_.empty() && !objects_.empty()) object_ = "Account";
    }
    if (fields_of_ != object_) {
        fields_of_ = object_;
        fields_ = ReadableFields(workspace_, object_);
        columns_.clear();
        for (const FieldChoice& f : fields_) {
            if (f.type != "formula" && f.type != "rollup") columns_.insert(f.api_name);
        }
        path_ = HomePath(object_ + (format_ == 0 ? ".csv" : ".jsonl"));
    }
}

void ExportPanel::Export() {
    RunShowingProgress(ManyRecords(workspace_, object_), Tr("data.export.running"), [this] {
        const std::string ext = format_ == 0 ? ".csv" : ".jsonl";
        const std::string name = object_ + "-" + ShownMinute(workspace_.clock().NowMs()).substr(0, 10) + ext;
        const std::string target = OutgoingPath(name, path_);
        nlohmann::json columns = nlohmann::json::array();
        for (const FieldChoice& f : fields_) {
            if (columns_.count(f.api_name)) columns.push_back(f.api_name);
        }
        nlohmann::json args = {{"object", object_},
                               {"path", target},
                               {"format", kFormats[format_]},
                               {"bom", encoding_ == 1},
                               {"encoding", encoding_ == 2 ? "gb18030" : "utf-8"},
                               {"formatted", formatted_},
                               {"columns", columns}};
        if (!filter_.empty()) args["filter_formula"] = filter_;
        const nlohmann::json answer = RunCommand(workspace_, "export.records", args);
        if (!answer.value("ok", false)) {
            error_ = AnswerError(answer);
            rows_ = -1;
            return;
        }
        error_.clear();
        rows_ = answer["result"].value("rows", int64_t{0});
        file_ = FilesThroughBrowser() ? name : target;
        FinishOutgoing(target, name, format_ == 0 ? "text/csv" : "application/x-ndjson");
    });
}

void ExportPanel::Draw(const PageContext& ctx) {
    Load();
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    const float width = std::min(760.0f * s, ImGui::GetContentRegionAvail().x - pad);
    ImGui::BeginChild("data.export.scroll", ImVec2(ImGui::GetContentRegionAvail().x - pad * 0.5f, 0.0f));
    DataCardBegin(width);
    TextMuted(Tr("data.export.intro"), false);
    // export.records needs Export Data (the export service refuses without it); choosing what to export
    // stays open, the export itself is off.
    const PermissionGuard guard(workspace_.access(), SystemPermission::ExportData, "data.export");
    guard.Notice();
    const float label_w = 130.0f * s;
    auto row = [&](const char* label_id) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr(label_id));
        ImGui::SameLine(label_w);
        ImGui::SetNextItemWidth(280.0f * s);
    };
    row("data.field.object");
    ObjectCombo("##data.export.object", objects_, &object_, "data.export.object");
    row("data.export.format");
    ListCombo(
        "##data.export.format", Tr(std::string("data.format.") + kFormats[format_]), 2,
        [](int i) { return std::string(Tr(std::string("data.format.") + kFormats[i])); },
        [](int i) { return std::string(kFormats[i]); }, &format_, "data.export.format");
    row("data.field.encoding");
    ListCombo(
        "##data.export.encoding", Tr(std::string("data.encoding.") + kEncodings[encoding_]), 3,
        [](int i) { return std::string(Tr(std::string("data.encoding.") + kEncodings[i])); },
        [](int i) { return std::string(kEncodings[i]); }, &encoding_, "data.export.encoding");
    row("data.export.filter");
    InputString("##data.export.filter", &filter_, 0, Tr("data.export.filter_hint"));
    MarkItem("data.export.filter");
    PublishForm("data.export.filter", filter_);
    ImGui::Dummy(ImVec2(label_w - 8.0f * s, 0.0f));
    ImGui::SameLine(label_w);
    ImGui::Checkbox(Tr("data.export.formatted"), &formatted_);
    MarkItem("data.export.formatted");

    // The fields, as a checklist.
    ImGui::TextUnformatted(Tr("data.export.fields"));
    ImGui::SameLine();
    if (ImGui::SmallButton(Tr("data.all"))) {
        for (const FieldChoice& f : fields_) columns_.insert(f.api_name);
    }
    MarkItem("data.export.fields.all");
    ImGui::SameLine();
    if (ImGui::SmallButton(Tr("data.none"))) columns_.clear();
    MarkItem("data.export.fields.none");
    ImGui::BeginChild("data.export.fields", ImVec2(CardInnerWidth(), 170.0f * s), true);
    const int per_row = std::max(1, static_cast<int>(CardInnerWidth() / (220.0f * s)));
    for (size_t i = 0; i < fields_.size(); ++i) {
        if (i % static_cast<size_t>(per_row) != 0) ImGui::SameLine((i % per_row) * 220.0f * s);
        bool on = columns_.count(fields_[i].api_name) > 0;
        if (ImGui::Checkbox((fields_[i].label() + "##" + fields_[i].api_name).c_str(), &on)) {
            if (on)
                columns_.insert(fields_[i].api_name);
            else
                columns_.erase(fields_[i].api_name);
        }
        MarkItem("data.export.field." + fields_[i].api_name);
    }
    ImGui::EndChild();

    if (!FilesThroughBrowser()) {
        row("data.field.path");
        ImGui::SetNextItemWidth(CardInnerWidth() - label_w);
        InputString("##data.export.path", &path_);
        MarkItem("data.export.path");
        PublishForm("data.export.path", path_);
    }
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    if (PrimaryButton(FilesThroughBrowser() ? Tr("data.export.download") : Tr("data.export.run"),
                      !object_.empty() && !columns_.empty() && guard.allowed()))
        Export();
    MarkItem("data.export.run");
    guard.ReasonOnHover();
    NoticeLine("data.export.error", error_, true);
    if (rows_ >= 0 && error_.empty())
        NoticeLine("data.export.done", TrFormat("data.export.done_text", {std::to_string(rows_), file_}),
                   false);
    DataCardEnd();
    ImGui::EndChild();
}

}  // namespace

std::unique_ptr<DataPanel> MakeExportPanel(const DataServices& services) {
    return std::make_unique<ExportPanel>(services);
}

}  // namespace crm::ui
