// The Reports page's builder: a panel of the definition's parts on the left (name, folder, object, format;
// columns; row and column groupings with date buckets; summaries; filters with their logic; the chart), the
// preview on the right (a run on a row limit, which it says). The fields offered are those the acting user
// may read: the object's own, the owner's name and role, and one level through each lookup.
#include <algorithm>

#include "imgui.h"
#include "ui/access/access_ui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/report/report_page.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/workflow/automation_ui.h"

namespace crm::ui {

namespace {

const std::vector<std::string> kFormats = {"tabular", "summary", "matrix"};
const std::vector<std::string> kFns = {"count", "sum", "avg", "min", "max", "count_distinct", "median"};
const std::vector<std::string> kBuckets = {"day",  "week",           "month",      "quarter",
                                           "year", "fiscal_quarter", "fiscal_year"};

}  // namespace

const std::vector<std::string>& ReportFilterOps() {
    static const std::vector<std::string> ops = {
        "=", "!=", "<", ">", "<=", ">=", "contains", "starts_with", "in", "blank", "not_blank"};
    return ops;
}

std::string AddCombo(const std::string& hook, const std::string& preview,
                     const std::vector<std::string>& keys,
                     const std::function<std::string(const std::string&)>& label) {
    int selected = -1;
    if (!ListCombo(("##" + hook).c_str(), preview, static_cast<int>(keys.size()),
                   [&](int i) { return label(keys[static_cast<size_t>(i)]); },
                   [&](int i) { return keys[static_cast<size_t>(i)]; }, &selected, hook))
        return "";
    return keys[static_cast<size_t>(selected)];
}

bool RemoveButton(const std::string& hook) {
    const bool clicked = ImGui::SmallButton(("×##" + hook).c_str());
    MarkItem(hook);
    return clicked;
}

nlohmann::json FilterValueFromText(const std::string& text, bool numeric, const std::string& op) {
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    return (numeric && parsed.is_number()) || (op == "in" && parsed.is_array()) ? parsed
                                                                                : nlohmann::json(text);
}

std::string FilterValueText(const nlohmann::json& value) {
    return value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
}

void FilterConditionEditor(const std::string& hook, const std::vector<std::string>& fields, ReportFilter* f,
                           const std::function<bool(const std::string& field)>& numeric, float field_width,
                           float op_width, float value_width, const char* value_hint) {
    ImGui::SetNextItemWidth(field_width);
    NameCombo(hook + ".field", fields, &f->field);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(op_width);
    KeyCombo(
        hook + ".op", ReportFilterOps(), [](const std::string& k) { return std::string(Tr("rep.op." + k)); },
        &f->op);
    if (f->op == "blank" || f->op == "not_blank") return;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(value_width);
    std::string text = FilterValueText(f->value);
    if (InputString("##value", &text, 0, value_hint))
        f->value = FilterValueFromText(text, numeric(f->field), f->op);
    MarkItem(hook + ".value");
}

std::vector<std::string> ReportsPage::ReadableFields(const std::string& object) const {
    std::vector<std::string> out;
    Result<std::shared_ptr<const ObjectDef>> o = workspace_.schema().Object(object);
    if (!o.ok()) return out;
    const AccessPolicy& policy = workspace_.access().policy();
    const std::string user = ActingUser();
    for (const FieldDef& f : (*o)->fields) {
        if (!policy.CanReadField(user, **o, f)) continue;
        out.push_back(f.api_name);
    }
    out.push_back("Owner.Name");
    out.push_back("Owner.Role");
    out.push_back("CreatedDate");
    for (const FieldDef& f : (*o)->fields) {
        if (f.lookup_object.empty() || !policy.CanReadField(user, **o, f)) continue;
        Result<std::shared_ptr<const ObjectDef>> target = workspace_.schema().Object(f.lookup_object);
        if (!target.ok() || !policy.CanAccessObject(user, **target, ObjectAction::Read)) continue;
        const std::string rel = f.relationship_name.empty() ? f.api_name : f.relationship_name;
        for (const FieldDef& t : (*target)->fields)
            if (t.lookup_object.empty() && policy.CanReadField(user, **target, t))
                out.push_back(rel + "." + t.api_name);
    }
    return out;
}

void ReportsPage::StartNew() {
    draft_ = ReportDefinition{};
    draft_.object = "Opportunity";
    if (!workspace_.schema().Object(draft_.object).ok()) {
        const auto all = workspace_.schema().Objects();
        draft_.object = all.empty() ? "" : all.front()->api_name;
    }
    draft_.format = ReportFormat::Summary;
    saved_draft_ = draft_;
    draft_new_ = true;
    draft_notice_.clear();
    builder_error_.clear();
    field_errors_.clear();
    result_.reset();
    run_error_.clear();
    left_out_.clear();
    mode_ = "builder";
}

void ReportsPage::StartEdit(const ReportDefinition& report) {
    draft_ = report;
    saved_draft_ = report;
    draft_new_ = false;
    draft_notice_.clear();
    builder_error_.clear();
    field_errors_.clear();
    mode_ = "builder";
}

bool ReportsPage::SaveDraft() {
    builder_error_.clear();
    field_errors_.clear();
    Result<ReportDefinition> saved = draft_new_ ? workspace_.reports().Create(ActingUser(), draft_)
                                                : workspace_.reports().Update(ActingUser(), draft_);
    if (!saved.ok()) {
        builder_error_ = ErrorText(saved.error());
        if (!saved.error().field.empty()) field_errors_[saved.error().field] = builder_error_;
        return false;
    }
    draft_ = *saved;
    saved_draft_ = *saved;
    draft_new_ = false;
    message_ = Tr("rep.saved", {{"name", saved->name}});
    OpenReport(saved->id);
    return true;
}

void ReportsPage::DrawBuilder(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const std::vector<std::string> fields = ReadableFields(draft_.object);
    auto field_label = [this](const std::string& f) { return FieldLabel(workspace_, draft_.object, f); };
    auto field_type = [this](const std::string& f) -> FieldType {
        Result<std::shared_ptr<const ObjectDef>> o = workspace_.schema().Object(draft_.object);
        if (!o.ok()) return FieldType::Text;
        if (f == "CreatedDate") return FieldType::DateTime;
        const FieldDef* d = (*o)->Field(f);
        return d ? d->type : FieldType::Text;
    };
    std::vector<std::string> numeric, dates;
    for (const std::string& f : fields) {
        const FieldType t = field_type(f);
        if (t == FieldType::Number || t == FieldType::Currency || t == FieldType::Percent)
            numeric.push_back(f);
        if (t == FieldType::Date || t == FieldType::DateTime) dates.push_back(f);
    }
    const bool grouped = draft_.format != ReportFormat::Tabular;

    // The head: back, title, the buttons.
    if (SecondaryButton(Tr("rep.back"))) Show(draft_new_ ? "list" : "view");
    MarkItem("report.cancel");
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(draft_new_ ? Tr("rep.builder.new") : Tr("rep.builder.edit"));
    ImGui::SameLine();
    if (SecondaryButton(Tr("rep.preview"))) RunDefinition(draft_, true);
    MarkItem("report.run");
    ImGui::SameLine();
    if (PrimaryButton(Tr("rep.save"), !draft_.name.empty())) SaveDraft();
    MarkItem("report.save");
    if (!builder_error_.empty()) ErrorLine("report.builder_error", builder_error_);
    DrawDraftNotice(dirty() ? draft_notice_ : std::string(), "report.draft_notice");

    const float avail = ImGui::GetContentRegionAvail().y - 8.0f * s;
    const float panel_w = 430.0f * s;
    ImGui::BeginChild("report.builder.panel", ImVec2(panel_w, avail), true);
    const float label_w = 110.0f * s, input_w = panel_w - label_w - 40.0f * s;
    auto row_label = [&](const char* id) {
        ImGui::AlignTextToFramePadding();
        TextMuted(Tr(id), false);
        ImGui::SameLine(label_w);
        ImGui::SetNextItemWidth(input_w);
    };
    row_label("rep.field.name");
    InputString("##report.name", &draft_.name, 0, Tr("rep.name_hint"));
    MarkItem("report.name");
    PublishForm("report.name", draft_.name);
    row_label("rep.field.folder");
    InputString("##report.folder", &draft_.folder, 0, Tr("rep.folder.private"));
    MarkItem("report.folder");
    row_label("rep.field.object");
    std::vector<std::string> objects;
    for (const std::shared_ptr<const ObjectDef>& def : workspace_.schema().Objects()) {
        if (workspace_.access().policy().CanAccessObject(ActingUser(), *def, ObjectAction::Read))
            objects.push_back(def->api_name);
    }
    std::string object = draft_.object;
    if (NameCombo("report.object", objects, &object) && object != draft_.object) {
        const ReportFormat format = draft_.format;
        const std::string name = draft_.name, folder = draft_.folder;
        draft_ = ReportDefinition{};
        draft_.id = saved_draft_.id;
        draft_.object = object;
        draft_.format = format;
        draft_.name = name;
        draft_.folder = folder;
        result_.reset();
    }
    row_label("rep.field.format");
    std::string format = ReportFormatName(draft_.format);
    if (KeyCombo(
            "report.format", kFormats,
            [](const std::string& k) { return std::string(Tr("rep.format." + k)); }, &format)) {
        draft_.format = format == "matrix"    ? ReportFormat::Matrix
                        : format == "summary" ? ReportFormat::Summary
                                              : ReportFormat::Tabular;
        if (draft_.format == ReportFormat::Tabular) {
            draft_.row_groupings.clear();
            draft_.column_groupings.clear();
        }
        if (draft_.format != ReportFormat::Matrix) draft_.column_groupings.clear();
        if (draft_.format == ReportFormat::Matrix && draft_.row_groupings.size() > 2)
            draft_.row_groupings.resize(2);
    }

    // Columns.
    SectionHeading(ctx, "rep.section.columns");
    for (size_t i = 0; i < draft_.columns.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        ImGui::TextUnformatted(field_label(draft_.columns[i]).c_str());
        ImGui::SameLine(panel_w - 44.0f * s);
        if (RemoveButton("report.column." + std::to_string(i) + ".remove")) {
            draft_.columns.erase(draft_.columns.begin() + static_cast<long>(i));
            ImGui::PopID();
            break;
        }
        ImGui::PopID();
    }
    ImGui::SetNextItemWidth(panel_w - 30.0f * s);
    if (std::string f = AddCombo("report.add_column", Tr("rep.add_column"), fields, field_label); !f.empty())
        if (std::find(draft_.columns.begin(), draft_.columns.end(), f) == draft_.columns.end())
            draft_.columns.push_back(f);

    // Groupings.
    auto groupings = [&](std::vector<ReportGrouping>& list, const std::string& hook, const char* add_id,
                         size_t max) {
        for (size_t i = 0; i < list.size(); ++i) {
            ReportGrouping& g = list[i];
            const std::string h = hook + "." + std::to_string(i);
            ImGui::PushID(h.c_str());
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(field_label(g.field).c_str());
            const FieldType t = field_type(g.field);
            if (t == FieldType::Date || t == FieldType::DateTime) {
                ImGui::SameLine();
                ImGui::SetNextItemWidth(130.0f * s);
                std::string bucket = g.bucket == DateBucket::None ? "day" : DateBucketName(g.bucket);
                if (KeyCombo(
                        h + ".bucket", kBuckets,
                        [](const std::string& k) { return std::string(Tr("rep.bucket." + k)); }, &bucket)) {
                    for (int b = 1; b <= static_cast<int>(DateBucket::FiscalYear); ++b)
                        if (bucket == DateBucketName(static_cast<DateBucket>(b)))
                            g.bucket = static_cast<DateBucket>(b);
                }
            }
            ImGui::SameLine(panel_w - 44.0f * s);
            const bool removed = RemoveButton(h + ".remove");
            ImGui::PopID();
            if (removed) {
                list.erase(list.begin() + static_cast<long>(i));
                break;
            }
        }
        if (list.size() < max) {
            ImGui::SetNextItemWidth(panel_w - 30.0f * s);
            if (std::string f = AddCombo("report.add_" + hook, Tr(add_id), fields, field_label); !f.empty()) {
                ReportGrouping g;
                g.field = f;
                const FieldType t = field_type(f);
                if (t == FieldType::Date || t == FieldType::DateTime) g.bucket = DateBucket::Month;
                list.push_back(g);
            }
        }
    };
    if (grouped) {
        SectionHeading(ctx, "rep.section.groups");
        groupings(draft_.row_groupings, "group", "rep.add_group",
                  draft_.format == ReportFormat::Matrix ? 2 : 3);
        if (draft_.format == ReportFormat::Matrix) {
            SectionHeading(ctx, "rep.section.colgroups");
            groupings(draft_.column_groupings, "colgroup", "rep.add_colgroup", 2);
        }
    }

    // Summaries.
    if (grouped) {
        SectionHeading(ctx, "rep.section.aggregates");
        for (size_t i = 0; i < draft_.aggregates.size(); ++i) {
            ReportAggregate& a = draft_.aggregates[i];
            const std::string h = "report.agg." + std::to_string(i);
            ImGui::PushID(h.c_str());
            ImGui::SetNextItemWidth(120.0f * s);
            std::string fn = AggregateFnName(a.fn);
            bool changed = KeyCombo(
                h + ".fn", kFns, [](const std::string& k) { return std::string(Tr("rep.fn." + k)); }, &fn);
            if (a.fn != AggregateFn::Count) {
                ImGui::SameLine();
                ImGui::SetNextItemWidth(170.0f * s);
                const std::vector<std::string>& choices =
                    a.fn == AggregateFn::CountDistinct ? fields : numeric;
                changed = NameCombo(h + ".field", choices, &a.field) || changed;
            }
            ImGui::SameLine();
            ImGui::Checkbox("%", &a.percent);
            MarkItem(h + ".percent");
            ImGui::SameLine(panel_w - 44.0f * s);
            const bool removed = RemoveButton(h + ".remove");
            ImGui::PopID();
            if (changed) {
                for (int f = 0; f <= static_cast<int>(AggregateFn::Median); ++f)
                    if (fn == AggregateFnName(static_cast<AggregateFn>(f)))
                        a.fn = static_cast<AggregateFn>(f);
                if (a.fn == AggregateFn::Count) a.field.clear();
                if (a.fn != AggregateFn::Count && a.fn != AggregateFn::CountDistinct && !a.field.empty() &&
                    std::find(numeric.begin(), numeric.end(), a.field) == numeric.end())
                    a.field.clear();
                if (a.field.empty() && a.fn != AggregateFn::Count && !numeric.empty())
                    a.field = numeric.front();
                a.key = a.field.empty() ? "count" : std::string(AggregateFnName(a.fn)) + "_" + a.field;
                std::replace(a.key.begin(), a.key.end(), '.', '_');
            }
            if (removed) {
                draft_.aggregates.erase(draft_.aggregates.begin() + static_cast<long>(i));
                break;
            }
        }
        if (SecondaryButton(Tr("rep.add_aggregate"))) {
            ReportAggregate a;
            a.key = "count";
            for (int n = 2; std::any_of(draft_.aggregates.begin(), draft_.aggregates.end(),
                                        [&](const ReportAggregate& x) { return x.key == a.key; });
                 ++n)
                a.key = "count_" + std::to_string(n);
            draft_.aggregates.push_back(a);
        }
        MarkItem("report.add_agg");
    }

    // Filters and their logic.
    SectionHeading(ctx, "rep.section.filters");
    for (size_t i = 0; i < draft_.filters.size(); ++i) {
        ReportFilter& f = draft_.filters[i];
        const std::string h = "report.filter." + std::to_string(i);
        ImGui::PushID(h.c_str());
        ImGui::AlignTextToFramePadding();
        ImGui::Text("%zu.", i + 1);
        ImGui::SameLine();
        FilterConditionEditor(
            h, fields, &f,
            [&](const std::string& field) {
                const FieldType t = field_type(field);
                return t == FieldType::Number || t == FieldType::Currency || t == FieldType::Percent;
            },
            130.0f * s, 90.0f * s, 110.0f * s);
        ImGui::SameLine(panel_w - 44.0f * s);
        const bool removed = RemoveButton(h + ".remove");
        ImGui::PopID();
        if (removed) {
            draft_.filters.erase(draft_.filters.begin() + static_cast<long>(i));
            break;
        }
    }
    ImGui::SetNextItemWidth(panel_w - 30.0f * s);
    if (std::string f = AddCombo("report.add_filter", Tr("rep.add_filter"), fields, field_label); !f.empty())
        draft_.filters.push_back(ReportFilter{f, "=", nlohmann::json("")});
    if (draft_.filters.size() > 1) {
        row_label("rep.field.logic");
        InputString("##report.logic", &draft_.filter_logic, 0, Tr("rep.logic_hint"));
        MarkItem("report.logic");
        if (!draft_.filter_logic.empty()) {
            Result<LogicNode> logic =
                ParseFilterLogic(draft_.filter_logic, static_cast<int>(draft_.filters.size()));
            if (!logic.ok()) ErrorLine("report.logic", ErrorText(logic.error()));
        }
    }

    // The chart.
    if (grouped) {
        SectionHeading(ctx, "rep.section.chart");
        std::vector<std::string> kinds = {""};
        for (const std::string& k : ChartKindNames()) kinds.push_back(k);
        row_label("rep.field.chart");
        KeyCombo(
            "report.chart_kind", kinds,
            [](const std::string& k) {
                return k.empty() ? std::string(Tr("rep.chart.none")) : ChartKindLabel(k);
            },
            &draft_.chart.kind);
        if (!draft_.chart.kind.empty()) {
            std::vector<std::string> keys = {""};
            for (const ReportAggregate& a : draft_.aggregates) keys.push_back(a.key);
            for (const ReportSummaryFormula& f : draft_.formulas) keys.push_back(f.key);
            row_label("rep.field.chart_value");
            KeyCombo(
                "report.chart_value", keys,
                [](const std::string& k) { return k.empty() ? std::string(Tr("rep.chart.first")) : k; },
                &draft_.chart.value);
        }
    }
    ImGui::EndChild();

    // The preview.
    ImGui::SameLine();
    ImGui::BeginGroup();
    const float preview_w = ImGui::GetContentRegionAvail().x - 28.0f * s;
    ImGui::BeginChild("report.preview", ImVec2(preview_w, avail), false);
    if (!result_ && run_error_.empty()) {
        ImGui::Dummy(ImVec2(0, 30.0f * s));
        TextColored(p.text_muted, Tr("rep.preview_hint"));
    } else {
        TextMuted(Tr("rep.preview_note", {{"rows", std::to_string(kReportPreviewRows)}}), false);
        DrawResult(ctx, ImGui::GetContentRegionAvail().y);
    }
    ImGui::EndChild();
    ImGui::EndGroup();
}

}  // namespace crm::ui
