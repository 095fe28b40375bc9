// The mass changes tab: an object and a filter formula select records (as a list view would, among those the
// acting user sees); "Count" previews how many; the change (set a field, transfer the owner, or delete into
// the recycle bin) asks first with that count and is refused if the selection changed meanwhile. A mass
// delete can be undone at once: its records come back from the recycle bin.
#include <algorithm>
#include <set>

#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/busy.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

namespace {

const char* const kOps[] = {"update", "transfer", "delete"};
const char* const kCommands[] = {"records.mass_update", "records.transfer", "records.mass_delete"};

class MassPanel : public DataPanel {
public:
    explicit MassPanel(const DataServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override {
        return {{"op", kOps[op_]},     {"object", object_}, {"filter", filter_},        {"count", count_},
                {"message", message_}, {"error", error_},   {"undo", !deleted_.empty()}};
    }

private:
    void Load();
    nlohmann::json Args() const;
    void Count();
    void Apply();
    void Undo();

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    std::vector<ObjectChoice> objects_;
    std::vector<FieldChoice> fields_;
    std::string fields_of_;
    std::vector<std::string> users_;

    int op_ = 0;
    std::string object_ = "Account";
    std::string filter_;
    std::string field_;
    std::string value_;
    int user_ = -1;
    int64_t count_ = -1;  ///< the previewed count (-1: not counted for the current selection)
    bool confirm_open_ = false;
    Note message_;
    std::string error_;
    std::string deleted_object_;
    std::vector<int64_t> deleted_;  ///< the records the last mass delete removed (for the undo)
};

void MassPanel::Load() {
    if (loaded_change_ != workspace_.change_count() || loaded_viewer_ != ActingUser()) {
        loaded_change_ = workspace_.change_count();
        loaded_viewer_ = ActingUser();
        objects_ = ReadableObjects(workspace_);
        fields_of_.clear();
        users_.clear();
        const nlohmann::json answer = RunCommand(workspace_, "users.list", nlohmann::json::object());
        if (answer.value("ok", false)) {
            const nlohmann::json& list =
                answer["result"].is_array() ? answer["result"] : answer["result"]["users"];
            for (const nlohmann::json& u : list) {
                if (u.value("active", true)) users_.push_back(u.value("username", std::string()));
            }
        }
    }
    if (fields_of_ != object_) {
        fields_of_ = object_;
        fields_.clear();
        for (FieldChoice& f : ReadableFields(workspace_, object_)) {
            if (f.type != "formula" && f.type != "rollup" && f.type != "auto_number")
                fields_.push_back(std::move(f));
        }
    }
}

nlohmann::json MassPanel::Args() const {
    nlohmann::json args = {{"object", object_}};
    if (!filter_.empty()) args["filter_formula"] = filter_;
    return args;
}

void MassPanel::Count() {
    nlohmann::json args = Args();
    args["preview"] = true;
    if (op_ == 1) args["to"] = user_ >= 0 ? users_[static_cast<size_t>(user_)] : std::string("admin");
    const nlohmann::json answer = RunCommand(workspace_, kCommands[op_], args);
    if (!answer.value("ok", false)) {
        error_ = AnswerError(answer);
        count_ = -1;
        return;
    }
    error_.clear();
    message_.clear();
    count_ = answer["result"].value("count", int64_t{0});
}

void MassPanel::Apply() {
    RunShowingProgress(count_ > 200, Tr("data.mass.running"), [this] {
        nlohmann::json args = Args();
        args["expected_count"] = count_;
        if (op_ == 0) args["values"] = {{field_, value_}};
        if (op_ == 1) args["to"] = users_[static_cast<size_t>(user_)];
        const nlohmann::json answer = RunCommand(workspace_, kCommands[op_], args);
        if (!answer.value("ok", false)) {
            error_ = AnswerError(answer);
            return;
        }
        error_.clear();
        const int64_t n = answer["result"].value("count", int64_t{0});
        message_ = TrFormat(std::string("data.mass.done.") + kOps[op_], {std::to_string(n)});
        deleted_.clear();
        if (op_ == 2) {
            deleted_ = answer["result"].value("ids", std::vector<int64_t>());
            deleted_object_ = object_;
        }
        count_ = -1;
    });
}

void MassPanel::Undo() {
    // The bin's entries of the records just deleted.
    const nlohmann::json list =
        RunCommand(workspace_, "recycle.list", {{"object", deleted_object_}, {"limit", 100000}});
    if (!list.value("ok", false)) {
        error_ = AnswerError(list);
        return;
    }
    const std::set<int64_t> records(deleted_.begin(), deleted_.end());
    std::vector<int64_t> entries;
    for (const nlohmann::json& e : list["result"]["entries"]) {
        if (records.count(e.value("record_id", int64_t{0}))) entries.push_back(e.value("id", int64_t{0}));
    }
    const nlohmann::json answer = RunCommand(workspace_, "recycle.restore", {{"ids", entries}});
    if (!answer.value("ok", false)) {
        error_ = AnswerError(answer);
        return;
    }
    error_.clear();
    message_ = TrFormat("data.mass.undone", {std::to_string(entries.size())});
    deleted_.clear();
}

void MassPanel::Draw(const PageContext& ctx) {
    Load();
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    const float width = std::min(760.0f * s, ImGui::GetContentRegionAvail().x - pad);
    const float label_w = 130.0f * s;
    auto row = [&](const char* label_id) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr(label_id));
        ImGui::SameLine(label_w);
        ImGui::SetNextItemWidth(280.0f * s);
    };
    DataCardBegin(width);
    TextMuted(Tr("data.mass.intro"), false);
    row("data.mass.op");
    if (ListCombo(
            "##data.mass.op", Tr(std::string("data.mass.op.") + kOps[op_]), 3,
            [](int i) { return std::string(Tr(std::string("data.mass.op.") + kOps[i])); },
            [](int i) { return std::string(kOps[i]); }, &op_, "data.mass.op"))
        count_ = -1;
    row("data.field.object");
    if (ObjectCombo("##data.mass.object", objects_, &object_, "data.mass.object")) {
        count_ = -1;
        field_.clear();
    }
    row("data.mass.filter");
    if (InputString("##data.mass.filter", &filter_, 0, Tr("data.mass.filter_hint"))) count_ = -1;
    MarkItem("data.mass.filter");
    PublishForm("data.mass.filter", filter_);
    if (op_ == 0) {
        row("data.mass.field");
        int selected = -1;
        for (size_t i = 0; i < fields_.size(); ++i) {
            if (fields_[i].api_name == field_) selected = static_cast<int>(i);
        }
        if (ListCombo(
                "##data.mass.field",
                selected >= 0 ? fields_[static_cast<size_t>(selected)].label()
                              : std::string(Tr("data.pick_field")),
                static_cast<int>(fields_.size()),
                [this](int i) { return fields_[static_cast<size_t>(i)].label(); },
                [this](int i) { return fields_[static_cast<size_t>(i)].api_name; }, &selected,
                "data.mass.field") &&
            selected >= 0)
            field_ = fields_[static_cast<size_t>(selected)].api_name;
        row("data.mass.value");
        InputString("##data.mass.value", &value_, 0, Tr("data.mass.value_hint"));
        MarkItem("data.mass.value");
        PublishForm("data.mass.value", value_);
    }
    if (op_ == 1) {
        row("data.mass.to");
        ListCombo(
            "##data.mass.to",
            user_ >= 0 ? users_[static_cast<size_t>(user_)] : std::string(Tr("data.mass.pick_user")),
            static_cast<int>(users_.size()), [this](int i) { return users_[static_cast<size_t>(i)]; },
            [this](int i) { return users_[static_cast<size_t>(i)]; }, &user_, "data.mass.to");
    }
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    if (SecondaryButton(Tr("data.mass.count"), !object_.empty())) Count();
    MarkItem("data.mass.count");
    if (count_ >= 0) {
        ImGui::SameLine(0.0f, 10.0f * s);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(TrFormat("data.mass.count_text", {std::to_string(count_)}).c_str());
        MarkItem("data.mass.count_text");
    }
    const bool ready = count_ > 0 && (op_ != 0 || !field_.empty()) && (op_ != 1 || user_ >= 0);
    if (op_ == 2) ImGui::PushStyleColor(ImGuiCol_Button, CurrentPalette().danger);
    if (PrimaryButton((std::string(Tr(std::string("data.mass.apply.") + kOps[op_])) + "###apply").c_str(),
                      ready))
        confirm_open_ = true;
    if (op_ == 2) ImGui::PopStyleColor();
    MarkItem("data.mass.apply");
    NoticeLine("data.mass.error", error_, true);
    NoticeLine("data.mass.message", message_, false);
    if (!deleted_.empty()) {
        if (SecondaryButton(Tr("data.mass.undo"))) Undo();
        MarkItem("data.mass.undo");
    }
    DataCardEnd();

    if (BeginDialog("data.mass.confirm", Tr("data.mass.confirm_title"), 480.0f, &confirm_open_, ctx)) {
        std::string what;
        if (op_ == 0)
            what = TrFormat("data.mass.confirm.update", {field_, value_, std::to_string(count_), object_});
        if (op_ == 1)
            what = TrFormat(
                "data.mass.confirm.transfer",
                {user_ >= 0 ? users_[static_cast<size_t>(user_)] : "", std::to_string(count_), object_});
        if (op_ == 2) what = TrFormat("data.mass.confirm.delete", {std::to_string(count_), object_});
        ImGui::TextWrapped("%s", what.c_str());
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        const int clicked = ButtonRow({{"data.cancel", "data.mass.confirm.cancel"},
                                       {std::string("data.mass.apply.") + kOps[op_], "data.mass.confirm.ok"}},
                                      op_ == 2 ? -1 : 1, op_ == 2 ? 1 : -1);
        if (clicked == 1) {
            Apply();
            ImGui::CloseCurrentPopup();
        } else if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
            ImGui::CloseCurrentPopup();
        }
        EndDialog();
    }
}

}  // namespace

std::unique_ptr<DataPanel> MakeMassPanel(const DataServices& services) {
    return std::make_unique<MassPanel>(services);
}

}  // namespace crm::ui
