// The duplicates tab: an object's duplicate rules (the list, an editor of conditions (field + method, a
// threshold for the fuzzy and company methods) combined with AND or OR and the action on save, delete after a
// confirmation), a scan of the stored records whose groups are listed for review, and the merge screen: the
// records of a group side by side, the master picked in their header, each differing field's value picked
// among them (a radio per record), merged after a confirmation into the master; the others go to the recycle
// bin, where restoring one undoes the merge (dedup.*, run as the acting user).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "data/data.h"
#include "data/dedup.h"
#include "imgui.h"
#include "ui/data/data_ui.h"
#include "ui/kit/chart.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/note.h"
#include "ui/kit/permission_guard.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/busy.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

const char* const kMethods[] = {"exact", "normalized", "email", "phone", "fuzzy", "company"};
constexpr int kMethodCount = 6;
const char* const kActions[] = {"block", "alert", "scan_only"};
constexpr int kActionCount = 3;
constexpr size_t kMaxMerged = 3;  ///< a merge takes 2 or 3 records

int IndexOf(const char* const* names, int count, const std::string& name, int fallback) {
    for (int i = 0; i < count; ++i) {
        if (name == names[i]) return i;
    }
    return fallback;
}

std::string ValueText(const nlohmann::json& v) {
    if (v.is_null()) return {};
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

/// Muted text wrapped at `width` from the cursor (the panel's column, not the window's edge).
void WrappedMuted(const char* text, float width) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    TextMuted(text, false);
    ImGui::PopTextWrapPos();
}

struct Condition {
    std::string field;
    int method = 0;
    float threshold = 0.9f;
};

struct Rule {
    std::string name;
    bool active = true;
    int action = 1;
    bool any = false;  ///< OR
    std::vector<Condition> conditions;
};

Rule RuleFromJson(const nlohmann::json& j) {
    Rule r;
    r.name = j.value("name", std::string());
    r.active = j.value("active", true);
    r.action = IndexOf(kActions, kActionCount, j.value("action", std::string("alert")), 1);
    r.any = j.value("logic", std::string("and")) == "or";
    for (const nlohmann::json& c : j.value("conditions", nlohmann::json::array())) {
        Condition x;
        x.field = c.value("field", std::string());
        x.method = IndexOf(kMethods, kMethodCount, c.value("method", std::string("exact")), 0);
        x.threshold = static_cast<float>(c.value("threshold", 0.9));
        r.conditions.push_back(x);
    }
    return r;
}

nlohmann::json RuleJson(const Rule& r, const std::string& object) {
    nlohmann::json conditions = nlohmann::json::array();
    for (const Condition& c : r.conditions) {
        nlohmann::json j = {{"field", c.field}, {"method", kMethods[c.method]}};
        if (c.method == 4 || c.method == 5) j["threshold"] = std::round(c.threshold * 100.0) / 100.0;
        conditions.push_back(j);
    }
    return {{"object", object},
            {"name", r.name},
            {"active", r.active},
            {"action", kActions[r.action]},
            {"logic", r.any ? "or" : "and"},
            {"conditions", conditions}};
}

struct Group {
    std::string rule;
    std::vector<int64_t> ids;
    std::vector<std::string> names;
};

class DedupPanel : public DataPanel {
public:
    explicit DedupPanel(const DataServices& services) : workspace_(services.workspace) {}
    void Draw(const PageContext& ctx) override;
    nlohmann::json State() const override;

private:
    void Load();
    void SetObject(const std::string& object);
    void DrawRules(const PageContext& ctx, float width);
    void DrawEditor(const PageContext& ctx, float width);
    void DrawScan(const PageContext& ctx, float width);
    void DrawMerge(const PageContext& ctx, float width);
    void DrawDialogs(const PageContext& ctx);
    void SaveRule();
    void DeleteRule(const std::string& name);
    void Scan();
    /// Shows a scan's groups, its error, or that it was cancelled.
    void ShowScan(const Result<ScanResult>& scan);
    void Review(size_t group);
    void Merge();
    std::vector<int64_t> Others() const;
    /// The label of a field of the object (its API name when unknown).
    std::string FieldLabel(const std::string& api_name) const;
    /// The fields whose values differ among the merged records.
    std::vector<const FieldChoice*> DifferingFields() const;
    int64_t Chosen(const std::string& field) const;
    void Notice(std::string text, bool error) {
        message_ = std::move(text);
        message_error_ = error;
    }

    Workspace& workspace_;
    uint64_t loaded_change_ = UINT64_MAX;
    std::string loaded_viewer_;
    std::vector<ObjectChoice> objects_;
    std::string object_ = "Account";
    std::string loaded_object_;
    std::vector<FieldChoice> fields_;      ///< readable fields of the object
    std::vector<FieldChoice> comparable_;  ///< the text-like ones a rule may compare
    std::vector<nlohmann::json> rules_;
    std::string rules_error_;

    // The editor.
    bool editing_ = false;
    std::string original_name_;  ///< "" = a new rule
    Rule draft_;
    FormErrors errors_;

    // Delete.
    bool delete_open_ = false;
    std::string delete_name_;

    // The scan.
    int scan_rule_ = 0;  ///< 0 = every active rule, i = rules_[i - 1]
    bool scanned_ = false;
    std::vector<Group> groups_;
    int64_t scanned_records_ = 0;
    int64_t comparisons_ = 0;
    bool truncated_ = false;

    // The merge screen.
    int review_ = -1;  ///< the group under review
    std::vector<int64_t> merge_ids_;
    std::map<int64_t, nlohmann::json> records_;
    std::set<int64_t> included_;
    int64_t master_ = 0;
    std::map<std::string, int64_t> choices_;  ///< field -> record whose value wins (master otherwise)
    bool merge_open_ = false;

    Note message_;
    bool message_error_ = false;
};

void DedupPanel::Load() {
    if (loaded_change_ != workspace_.change_count() || loaded_viewer_ != ActingUser()) {
        loaded_change_ = workspace_.change_count();
        loaded_viewer_ = ActingUser();
        objects_ = ReadableObjects(workspace_);
        loaded_object_.clear();
    }
    if (loaded_object_ == object_) return;
    loaded_object_ = object_;
    fields_.clear();
    comparable_.clear();
    for (FieldChoice& f : ReadableFields(workspace_, object_)) {
        static const std::set<std::string> kText = {"text", "long_text", "email", "phone", "url", "picklist"};
        if (kText.count(f.type)) comparable_.push_back(f);
        if (f.type != "formula" && f.type != "auto_number" && f.type != "rollup")
            fields_.push_back(std::move(f));
    }
    rules_.clear();
    const nlohmann::json answer = RunCommand(workspace_, "dedup.rules.list", {{"object", object_}});
    rules_error_ = answer.value("ok", false) ? std::string() : AnswerError(answer);
    if (answer.value("ok", false)) {
        for (const nlohmann::json& r : answer["result"]["rules"]) rules_.push_back(r);
    }
    if (scan_rule_ > static_cast<int>(rules_.size())) scan_rule_ = 0;
}

void DedupPanel::SetObject(const std::string& object) {
    object_ = object;
    editing_ = false;
    scanned_ = false;
    groups_.clear();
    review_ = -1;
    scan_rule_ = 0;
    message_.clear();
}

void DedupPanel::SaveRule() {
    errors_.clear();
    const nlohmann::json answer =
        RunCommand(workspace_, "dedup.rules.save", {{"rule", RuleJson(draft_, object_)}});
    if (!answer.value("ok", false)) {
        const std::string field = answer["error"].value("field", std::string());
        const std::string key = field == "name" || field == "action" || field == "conditions" ? field : "";
        errors_[key] = AnswerError(answer);
        return;
    }
    // A renamed rule replaces the one under its old name.
    if (!original_name_.empty() && original_name_ != draft_.name)
        RunCommand(workspace_, "dedup.rules.delete", {{"object", object_}, {"name", original_name_}});
    Notice(TrFormat("data.dedup.rule_saved", {draft_.name}), false);
    editing_ = false;
    loaded_object_.clear();
}

void DedupPanel::DeleteRule(const std::string& name) {
    const nlohmann::json answer =
        RunCommand(workspace_, "dedup.rules.delete", {{"object", object_}, {"name", name}});
    if (!answer.value("ok", false)) {
        Notice(AnswerError(answer), true);
        return;
    }
    Notice(TrFormat("data.dedup.rule_deleted", {name}), false);
    if (editing_ && original_name_ == name) editing_ = false;
    loaded_object_.clear();
}

void DedupPanel::Scan() {
    ScanOptions options;
    options.object = object_;
    if (scan_rule_ > 0) options.rule = rules_[static_cast<size_t>(scan_rule_ - 1)].value("name", "");
    std::shared_ptr<DuplicateScan> scan = workspace_.data().dedup().StartScan(ActingUser(), options);
    if (scan->done() || !ManyRecords(workspace_, object_)) {
        while (!scan->Step(INT64_MAX)) {
        }
        ShowScan(scan->result());
        return;
    }
    // A scan of many records runs a slice per frame (ui/shell/busy.h): the console keeps drawing, says how
    // far the scan got, and can cancel it; the groups shown before stay until the new ones are in.
    SlicedWork work;
    work.what = Tr("data.dedup.scanning");
    work.step = [this, scan](int64_t budget) {
        if (!scan->Step(budget)) return false;
        ShowScan(scan->result());
        return true;
    };
    work.progress = [scan] {
        SliceProgress p;
        p.fraction = static_cast<float>(scan->fraction());
        NumberFormat count;
        p.text = Tr(std::string_view(scan->phase()) == "read" ? "data.dedup.scan_reading"
                                                              : "data.dedup.scan_comparing",
                    {{"done", FormatNumber(static_cast<double>(scan->progressed()), count)},
                     {"total", FormatNumber(static_cast<double>(scan->total()), count)}});
        return p;
    };
    work.cancel = [scan] { scan->Cancel(); };
    RunInSlices(std::move(work));
}

void DedupPanel::ShowScan(const Result<ScanResult>& scan) {
    if (!scan.ok()) {
        review_ = -1;
        groups_.clear();
        scanned_ = false;
        Notice(ErrorText(scan.error()), true);
        return;
    }
    const ScanResult& r = scan.value();
    if (r.cancelled) {  // what was shown before stays
        Notice(Tr(scanned_ ? "data.dedup.scan_cancelled_kept" : "data.dedup.scan_cancelled"), false);
        return;
    }
    review_ = -1;
    groups_.clear();
    for (const DuplicateGroup& g : r.groups) groups_.push_back({g.rule, g.ids, g.names});
    scanned_ = true;
    scanned_records_ = r.records;
    comparisons_ = r.comparisons;
    truncated_ = r.truncated;
    message_.clear();  // the summary under the scan says what it found
}

void DedupPanel::Review(size_t group) {
    review_ = static_cast<int>(group);
    merge_ids_.clear();
    records_.clear();
    included_.clear();
    choices_.clear();
    for (int64_t id : groups_[group].ids) {
        const nlohmann::json answer =
            RunCommand(workspace_, "records.get", {{"object", object_}, {"id", id}});
        if (!answer.value("ok", false)) continue;  // gone or hidden since the scan
        merge_ids_.push_back(id);
        records_[id] = answer["result"];
        if (included_.size() < kMaxMerged) included_.insert(id);
    }
    master_ = merge_ids_.empty() ? 0 : merge_ids_.front();
    if (merge_ids_.size() < 2) {
        review_ = -1;
        Notice(Tr("data.dedup.group_gone"), true);
    }
}

std::string DedupPanel::FieldLabel(const std::string& api_name) const {
    for (const FieldChoice& f : fields_) {
        if (f.api_name == api_name) return f.label();
    }
    return api_name;
}

std::vector<int64_t> DedupPanel::Others() const {
    std::vector<int64_t> out;
    for (int64_t id : merge_ids_) {
        if (id != master_ && included_.count(id)) out.push_back(id);
    }
    return out;
}

std::vector<const FieldChoice*> DedupPanel::DifferingFields() const {
    std::vector<const FieldChoice*> out;
    for (const FieldChoice& f : fields_) {
        std::set<std::string> values;
        for (int64_t id : included_)
            values.insert(records_.at(id).value(f.api_name, nlohmann::json()).dump());
        if (values.size() > 1) out.push_back(&f);
    }
    return out;
}

int64_t DedupPanel::Chosen(const std::string& field) const {
    auto it = choices_.find(field);
    return it != choices_.end() && included_.count(it->second) ? it->second : master_;
}

void DedupPanel::Merge() {
    const std::vector<int64_t> others = Others();
    nlohmann::json values = nlohmann::json::object();
    for (const FieldChoice* f : DifferingFields()) {
        const int64_t from = Chosen(f->api_name);
        if (from != master_) values[f->api_name] = from;
    }
    RunShowingProgress(false, Tr("data.dedup.merging"), [this, others, values] {
        const nlohmann::json answer =
            RunCommand(workspace_, "dedup.merge",
                       {{"object", object_}, {"master", master_}, {"others", others}, {"values", values}});
        if (!answer.value("ok", false)) {
            Notice(AnswerError(answer), true);
            return;
        }
        Notice(TrFormat("data.dedup.merged", {std::to_string(others.size()), std::to_string(master_)}),
               false);
        if (review_ >= 0 && review_ < static_cast<int>(groups_.size()))
            groups_.erase(groups_.begin() + review_);
        review_ = -1;
    });
}

void DedupPanel::DrawRules(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    SectionHeading(ctx, "data.dedup.rules");
    // dedup.rules.list, .save and .delete need Customize Schema (scanning and merging need record access
    // only).
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "data.dedup");
    guard.Notice();  // in place of the list's refusal, which says the same
    if (!rules_error_.empty() && guard.allowed()) NoticeLine("data.dedup.rules_error", rules_error_, true);
    if (rules_.empty() && rules_error_.empty()) TextMuted(Tr("data.dedup.no_rules"));
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
    if (!rules_.empty() && ImGui::BeginTable("data.dedup.rules_table", 5, flags, ImVec2(width, 0.0f))) {
        ImGui::TableSetupColumn(Tr("data.dedup.col.name"));
        ImGui::TableSetupColumn(Tr("data.dedup.col.action"));
        ImGui::TableSetupColumn(Tr("data.dedup.col.conditions"), ImGuiTableColumnFlags_WidthStretch, 2.0f);
        ImGui::TableSetupColumn(Tr("data.dedup.col.active"));
        ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthFixed, 170.0f * s);
        TableHeadersRowMarked("data.dedup.rules", {"name", "action", "conditions", "active", ""});
        for (const nlohmann::json& r : rules_) {
            const std::string name = r.value("name", std::string());
            ImGui::TableNextRow();
            ImGui::PushID(name.c_str());
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();  // level with the row's buttons
            ImGui::TextUnformatted(name.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Tr("data.dedup.action." + r.value("action", std::string("alert"))));
            ImGui::TableNextColumn();
            std::string summary;
            const std::string joiner =
                std::string(" ") +
                Tr(r.value("logic", std::string()) == "or" ? "data.dedup.or" : "data.dedup.and") + " ";
            for (const nlohmann::json& c : r.value("conditions", nlohmann::json::array())) {
                if (!summary.empty()) summary += joiner;
                summary += FieldLabel(c.value("field", std::string())) + " (" +
                           Tr("data.dedup.method." + c.value("method", std::string())) + ")";
            }
            ImGui::TextWrapped("%s", summary.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Tr(r.value("active", true) ? "data.dedup.yes" : "data.dedup.no"));
            ImGui::TableNextColumn();
            if (SecondaryButton(Tr("data.dedup.edit"), guard.allowed())) {
                editing_ = true;
                original_name_ = name;
                draft_ = RuleFromJson(r);
                errors_.clear();
            }
            MarkItem("data.dedup.rule." + name + ".edit");
            guard.ReasonOnHover();
            ImGui::SameLine(0.0f, 6.0f * s);
            if (SecondaryButton(Tr("data.dedup.delete"), guard.allowed())) {
                delete_name_ = name;
                delete_open_ = true;
            }
            MarkItem("data.dedup.rule." + name + ".delete");
            guard.ReasonOnHover();
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (SecondaryButton(Tr("data.dedup.new_rule"), !object_.empty() && guard.allowed())) {
        editing_ = true;
        original_name_.clear();
        draft_ = Rule();
        draft_.conditions.push_back(
            {comparable_.empty() ? std::string() : comparable_.front().api_name, 0, 0.9f});
        errors_.clear();
    }
    MarkItem("data.dedup.new_rule");
    guard.ReasonOnHover();
}

void DedupPanel::DrawEditor(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    DataCardBegin(width);
    ImGui::TextUnformatted(original_name_.empty()
                               ? Tr("data.dedup.editor.new")
                               : TrFormat("data.dedup.editor.edit", {original_name_}).c_str());
    const float label_w = 130.0f * s;
    auto row = [&](const char* label_id) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr(label_id));
        ImGui::SameLine(label_w);
    };
    auto error_of = [&](const std::string& key) {
        auto it = errors_.find(key);
        if (it != errors_.end())
            ErrorLine("data.dedup.editor.error." + (key.empty() ? "form" : key), it->second);
    };
    row("data.dedup.editor.name");
    ImGui::SetNextItemWidth(280.0f * s);
    InputString("##data.dedup.editor.name", &draft_.name, 0, Tr("data.dedup.editor.name_hint"));
    MarkItem("data.dedup.editor.name");
    PublishForm("data.dedup.editor.name", draft_.name);
    error_of("name");
    row("data.dedup.editor.active");
    ImGui::Checkbox("##data.dedup.editor.active", &draft_.active);
    MarkItem("data.dedup.editor.active");
    row("data.dedup.editor.action");
    ImGui::SetNextItemWidth(280.0f * s);
    ListCombo(
        "##data.dedup.editor.action", Tr(std::string("data.dedup.action.") + kActions[draft_.action]),
        kActionCount, [](int i) { return std::string(Tr(std::string("data.dedup.action.") + kActions[i])); },
        [](int i) { return std::string(kActions[i]); }, &draft_.action, "data.dedup.editor.action");
    error_of("action");
    row("data.dedup.editor.logic");
    int logic = draft_.any ? 1 : 0;
    ImGui::RadioButton((std::string(Tr("data.dedup.editor.all")) + "##and").c_str(), &logic, 0);
    MarkItem("data.dedup.editor.logic.and");
    ImGui::SameLine(0.0f, 12.0f * s);
    ImGui::RadioButton((std::string(Tr("data.dedup.editor.any")) + "##or").c_str(), &logic, 1);
    MarkItem("data.dedup.editor.logic.or");
    draft_.any = logic == 1;

    TextMuted(Tr("data.dedup.editor.conditions"), false);
    int remove = -1;
    for (size_t i = 0; i < draft_.conditions.size(); ++i) {
        Condition& c = draft_.conditions[i];
        const std::string hook = "data.dedup.cond." + std::to_string(i);
        ImGui::PushID(static_cast<int>(i));
        int selected = -1;
        for (size_t k = 0; k < comparable_.size(); ++k) {
            if (comparable_[k].api_name == c.field) selected = static_cast<int>(k);
        }
        ImGui::SetNextItemWidth(200.0f * s);
        if (ListCombo(
                "##field",
                selected >= 0 ? comparable_[static_cast<size_t>(selected)].label()
                              : std::string(Tr("data.pick_field")),
                static_cast<int>(comparable_.size()),
                [this](int k) { return comparable_[static_cast<size_t>(k)].label(); },
                [this](int k) { return comparable_[static_cast<size_t>(k)].api_name; }, &selected,
                hook + ".field") &&
            selected >= 0)
            c.field = comparable_[static_cast<size_t>(selected)].api_name;
        ImGui::SameLine(0.0f, 8.0f * s);
        ImGui::SetNextItemWidth(170.0f * s);
        ListCombo(
            "##method", Tr(std::string("data.dedup.method.") + kMethods[c.method]), kMethodCount,
            [](int k) { return std::string(Tr(std::string("data.dedup.method.") + kMethods[k])); },
            [](int k) { return std::string(kMethods[k]); }, &c.method, hook + ".method");
        if (c.method == 4 || c.method == 5) {
            ImGui::SameLine(0.0f, 8.0f * s);
            ImGui::SetNextItemWidth(140.0f * s);
            ImGui::SliderFloat("##threshold", &c.threshold, 0.5f, 1.0f, Tr("data.dedup.editor.threshold"));
            MarkItem(hook + ".threshold");
        }
        ImGui::SameLine(0.0f, 8.0f * s);
        if (SecondaryButton(Tr("data.dedup.editor.remove"), draft_.conditions.size() > 1))
            remove = static_cast<int>(i);
        MarkItem(hook + ".remove");
        ImGui::PopID();
    }
    if (remove >= 0) draft_.conditions.erase(draft_.conditions.begin() + remove);
    if (SecondaryButton(Tr("data.dedup.editor.add"), draft_.conditions.size() < 10))
        draft_.conditions.push_back(
            {comparable_.empty() ? std::string() : comparable_.front().api_name, 0, 0.9f});
    MarkItem("data.dedup.editor.add");
    error_of("conditions");
    error_of("");
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    const PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "data.dedup.editor");
    if (PrimaryButton(Tr("data.dedup.editor.save"), !draft_.name.empty() && guard.allowed())) SaveRule();
    MarkItem("data.dedup.editor.save");
    guard.ReasonOnHover();
    ImGui::SameLine(0.0f, 8.0f * s);
    if (SecondaryButton(Tr("data.cancel"))) editing_ = false;
    MarkItem("data.dedup.editor.cancel");
    DataCardEnd();
}

void DedupPanel::DrawScan(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    SectionHeading(ctx, "data.dedup.scan_heading");
    ImGui::SetNextItemWidth(260.0f * s);
    ListCombo(
        "##data.dedup.scan_rule",
        scan_rule_ == 0 ? std::string(Tr("data.dedup.every_rule"))
                        : rules_[static_cast<size_t>(scan_rule_ - 1)].value("name", std::string()),
        static_cast<int>(rules_.size()) + 1,
        [this](int i) {
            return i == 0 ? std::string(Tr("data.dedup.every_rule"))
                          : rules_[static_cast<size_t>(i - 1)].value("name", std::string());
        },
        [this](int i) {
            return i == 0 ? std::string("all")
                          : rules_[static_cast<size_t>(i - 1)].value("name", std::string());
        },
        &scan_rule_, "data.dedup.scan_rule");
    ImGui::SameLine(0.0f, 8.0f * s);
    if (PrimaryButton(Tr("data.dedup.scan"), !rules_.empty())) Scan();
    MarkItem("data.dedup.scan");
    if (!scanned_) return;
    TextMuted(
        TrFormat("data.dedup.scan_summary", {std::to_string(groups_.size()), std::to_string(scanned_records_),
                                             std::to_string(comparisons_)}),
        false);
    if (truncated_) TextMuted(Tr("data.dedup.truncated"));
    if (groups_.empty()) return;
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY;
    const float height = ScrollTableHeight(groups_.size(), 260.0f * s);
    if (ImGui::BeginTable("data.dedup.groups", 3, flags, ImVec2(width, height))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(Tr("data.dedup.col.rule"));
        ImGui::TableSetupColumn(Tr("data.dedup.col.records"), ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableSetupColumn("##review", ImGuiTableColumnFlags_WidthFixed, 110.0f * s);
        TableHeadersRowMarked("data.dedup.groups", {"rule", "records", ""});
        for (size_t g = 0; g < groups_.size(); ++g) {
            const Group& group = groups_[g];
            ImGui::TableNextRow();
            ImGui::PushID(static_cast<int>(g));
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(group.rule.c_str());
            ImGui::TableNextColumn();
            std::string names;
            for (size_t i = 0; i < group.ids.size(); ++i) {
                if (i) names += " · ";
                names += group.names[i] + " #" + std::to_string(group.ids[i]);
            }
            ImGui::TextWrapped("%s", names.c_str());
            ImGui::TableNextColumn();
            if (SecondaryButton(Tr("data.dedup.review"))) Review(g);
            MarkItem("data.dedup.group." + std::to_string(g) + ".review");
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
}

void DedupPanel::DrawMerge(const PageContext& ctx, float width) {
    const float s = ctx.scale;
    SectionHeading(ctx, "data.dedup.merge_heading");
    WrappedMuted(Tr("data.dedup.merge_intro"), width);
    const int columns = 1 + static_cast<int>(merge_ids_.size());
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersInnerV;
    if (ImGui::BeginTable("data.dedup.merge_table", columns, flags, ImVec2(width, 0.0f))) {
        ImGui::TableSetupColumn(Tr("data.dedup.col.field"), ImGuiTableColumnFlags_WidthFixed, 170.0f * s);
        for (int64_t id : merge_ids_) ImGui::TableSetupColumn(("#" + std::to_string(id)).c_str());
        ImGui::TableHeadersRow();
        // Which records take part (more than 3 in a group: pick), and the master.
        if (merge_ids_.size() > kMaxMerged) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Tr("data.dedup.include"));
            for (int64_t id : merge_ids_) {
                ImGui::TableNextColumn();
                bool in = included_.count(id) > 0;
                const std::string hook = "data.dedup.include." + std::to_string(id);
                if (ImGui::Checkbox(("##" + hook).c_str(), &in)) {
                    if (in && included_.size() < kMaxMerged) included_.insert(id);
                    if (!in && id != master_) included_.erase(id);
                }
                MarkItem(hook);
            }
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Tr("data.dedup.master"));
        for (int64_t id : merge_ids_) {
            ImGui::TableNextColumn();
            if (!included_.count(id)) continue;
            const std::string hook = "data.dedup.master." + std::to_string(id);
            if (ImGui::RadioButton((std::string(Tr("data.dedup.keep")) + "##" + hook).c_str(), master_ == id))
                master_ = id;
            MarkItem(hook);
        }
        const std::vector<const FieldChoice*> differing = DifferingFields();
        for (const FieldChoice& f : fields_) {
            const bool differs = std::find(differing.begin(), differing.end(), &f) != differing.end();
            bool blank = true;
            for (int64_t id : merge_ids_)
                blank = blank && ValueText(records_[id].value(f.api_name, nlohmann::json())).empty();
            if (blank) continue;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();  // level with the radios
            if (differs)
                ImGui::TextUnformatted(f.label().c_str());
            else
                TextMuted(f.label(), false);
            const int64_t chosen = Chosen(f.api_name);
            for (int64_t id : merge_ids_) {
                ImGui::TableNextColumn();
                std::string text = ValueText(records_[id].value(f.api_name, nlohmann::json()));
                if (text.empty()) text = Tr("data.dedup.blank");
                if (!differs || !included_.count(id)) {
                    TextMuted(text, true);
                    continue;
                }
                const std::string hook = "data.dedup.value." + f.api_name + "." + std::to_string(id);
                if (ImGui::RadioButton((text + "##" + hook).c_str(), chosen == id)) choices_[f.api_name] = id;
                MarkItem(hook);
            }
        }
        ImGui::EndTable();
    }
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    if (PrimaryButton(Tr("data.dedup.merge"), included_.size() >= 2)) merge_open_ = true;
    MarkItem("data.dedup.merge");
    ImGui::SameLine(0.0f, 8.0f * s);
    if (SecondaryButton(Tr("data.dedup.close_review"))) review_ = -1;
    MarkItem("data.dedup.close_review");
}

void DedupPanel::DrawDialogs(const PageContext& ctx) {
    const float s = ctx.scale;
    if (BeginDialog("data.dedup.delete_confirm", Tr("data.dedup.delete_title"), 440.0f, &delete_open_, ctx)) {
        ImGui::TextWrapped("%s", TrFormat("data.dedup.delete_text", {delete_name_, object_}).c_str());
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        const int clicked = ButtonRow({{"data.cancel", "data.dedup.delete_confirm.cancel"},
                                       {"data.dedup.delete", "data.dedup.delete_confirm.ok"}},
                                      -1, 1);
        if (clicked == 1) {
            DeleteRule(delete_name_);
            ImGui::CloseCurrentPopup();
        } else if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
            ImGui::CloseCurrentPopup();
        }
        EndDialog();
    }
    if (BeginDialog("data.dedup.merge_confirm", Tr("data.dedup.merge_title"), 480.0f, &merge_open_, ctx)) {
        ImGui::TextWrapped("%s", TrFormat("data.dedup.merge_text",
                                          {std::to_string(Others().size()), std::to_string(master_)})
                                     .c_str());
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        const int clicked = ButtonRow({{"data.cancel", "data.dedup.merge_confirm.cancel"},
                                       {"data.dedup.merge", "data.dedup.merge_confirm.ok"}},
                                      1, -1);
        if (clicked == 1) {
            Merge();
            ImGui::CloseCurrentPopup();
        } else if (clicked == 0 || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
            ImGui::CloseCurrentPopup();
        }
        EndDialog();
    }
}

void DedupPanel::Draw(const PageContext& ctx) {
    Load();
    const float s = ctx.scale;
    const float width = std::min(980.0f * s, ImGui::GetContentRegionAvail().x - 28.0f * s);
    WrappedMuted(Tr("data.dedup.intro"), width);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("data.field.object"));
    ImGui::SameLine(0.0f, 10.0f * s);
    ImGui::SetNextItemWidth(240.0f * s);
    std::string object = object_;
    if (ObjectCombo("##data.dedup.object", objects_, &object, "data.dedup.object") && object != object_)
        SetObject(object);
    NoticeLine(message_error_ ? "data.dedup.error" : "data.dedup.message", message_, message_error_);
    DrawRules(ctx, width);
    if (editing_) DrawEditor(ctx, width);
    ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    DrawScan(ctx, width);
    if (review_ >= 0) {
        ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
        DrawMerge(ctx, width);
    }
    DrawDialogs(ctx);
}

nlohmann::json DedupPanel::State() const {
    nlohmann::json rules = nlohmann::json::array();
    for (const nlohmann::json& r : rules_) rules.push_back(r);
    nlohmann::json groups = nlohmann::json::array();
    for (const Group& g : groups_) groups.push_back({{"rule", g.rule}, {"ids", g.ids}, {"names", g.names}});
    nlohmann::json state = {{"object", object_}, {"rules", rules},      {"scanned", scanned_},
                            {"groups", groups},  {"message", message_}, {"error", message_error_}};
    if (editing_) {
        nlohmann::json errors = nlohmann::json::object();
        for (const auto& [key, text] : errors_) errors[key.empty() ? "form" : key] = text;
        state["editor"] = {
            {"original", original_name_}, {"rule", RuleJson(draft_, object_)}, {"errors", errors}};
    }
    if (review_ >= 0) {
        nlohmann::json values = nlohmann::json::object();
        for (const FieldChoice* f : DifferingFields()) values[f->api_name] = Chosen(f->api_name);
        state["merge"] = {{"ids", merge_ids_},
                          {"included", std::vector<int64_t>(included_.begin(), included_.end())},
                          {"master", master_},
                          {"values", values}};
    }
    return state;
}

}  // namespace

std::unique_ptr<DataPanel> MakeDedupPanel(const DataServices& services) {
    return std::make_unique<DedupPanel>(services);
}

}  // namespace crm::ui
