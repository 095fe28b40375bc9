#include "ui/schema/records_panel.h"

#include <algorithm>
#include <optional>

#include "common/clock.h"
#include "company/display_format.h"
#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/labels.h"
#include "ui/kit/widgets.h"
#include "ui/schema/schema_ui.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

// The default columns: the record name, then the first few short fields.
std::vector<std::string> DefaultColumns(const ObjectDef& object) {
    std::vector<std::string> out;
    if (!object.name_field.empty()) out.push_back(object.name_field);
    for (const FieldDef& f : object.fields) {
        if (out.size() >= 6) break;
        if (f.state != FieldState::Active || f.api_name == object.name_field || f.type == FieldType::LongText)
            continue;
        out.push_back(f.api_name);
    }
    return out;
}

// A value as the company profile shows it: money in its currency ("¥182,000.00"), dates in its date
// format, date-times in its zone; other values as stored.
std::string ProfileValueText(const FieldDef& f, const nlohmann::json& v, const CompanyProfile& profile,
                             const CompanyZone& zone) {
    constexpr int64_t kDayMs = 86400000;
    if (f.type == FieldType::Currency && v.is_number())
        return FormatMoney(v.get<double>(), profile.currency, std::clamp(f.scale, 0, 6));
    if (f.type == FieldType::Percent && v.is_number()) return RecordValueText(v) + "%";
    if ((f.type == FieldType::Date || f.type == FieldType::DateTime) && v.is_string()) {
        const std::optional<int64_t> ms = ParseUtcIso8601(v.get<std::string>());
        if (!ms) return RecordValueText(v);
        if (f.type == FieldType::Date) {
            const int64_t days = *ms >= 0 ? *ms / kDayMs : -((-*ms + kDayMs - 1) / kDayMs);
            return FormatDateAs(days, profile.date_format);
        }
        const std::string local = FormatZoneTime(zone, *ms);  // "YYYY-MM-DD HH:MM:SS"
        const LocalTime t = zone.time.ToLocal(*ms);
        return FormatDateAs(t.days, profile.date_format) + local.substr(10, 6);
    }
    return RecordValueText(v);
}

}  // namespace

ListQuery RecordsPanel::Query() const {
    ListQuery q;
    q.columns = columns_;
    q.filter_formula = filter_applied_;
    q.sort_field = sort_field_;
    q.sort_desc = sort_desc_;
    q.offset = page_ * kPageSize;
    q.limit = kPageSize;
    return q;
}

void RecordsPanel::Reload(const ObjectDef& object) {
    const ListQuery q = Query();
    nlohmann::json key = ToJson(q);
    key["object"] = object.api_name;
    key["actor"] = ActingUser();
    if (loaded_ && loaded_change_ == workspace_.change_count() && key == loaded_key_) return;
    loaded_ = true;
    loaded_change_ = workspace_.change_count();
    loaded_key_ = key;
    Result<ListPage> page = workspace_.records().List(ActingUser(), object.api_name, q);
    shown_sort_field_ = q.sort_field;
    shown_sort_desc_ = q.sort_desc;
    lookup_names_.clear();
    if (Result<CompanyProfile> profile = workspace_.company().Get(); profile.ok()) profile_ = *profile;
    zone_ = ReadCompanyZone(workspace_);
    if (page.ok()) {
        data_ = std::move(page.value());
        error_.clear();
        ReadLookupNames(object);
    } else {
        data_ = ListPage{};
        error_ = ErrorText(page.error());
    }
}

void RecordsPanel::ReadLookupNames(const ObjectDef& object) {
    for (const std::string& api : data_.columns) {
        const FieldDef* f = object.Field(api);
        if (!f || f->type != FieldType::Lookup) continue;
        Result<std::shared_ptr<const ObjectDef>> target = workspace_.schema().Object(f->lookup_object);
        if (!target.ok()) continue;
        const std::string name_field = (*target)->name_field;
        std::map<int64_t, std::string>& names = lookup_names_[api];
        for (const nlohmann::json& row : data_.rows) {
            if (!row.contains(api) || !row[api].is_number_integer()) continue;
            const int64_t id = row[api].get<int64_t>();
            if (names.count(id)) continue;
            // As the acting user: a record they may not read keeps its id.
            Result<nlohmann::json> related = workspace_.records().Get(ActingUser(), f->lookup_object, id);
            names[id] = related.ok() && related->contains(name_field)
                            ? RecordValueText((*related)[name_field])
                            : std::to_string(id);
        }
    }
}

void RecordsPanel::OpenRecord(const ObjectDef& object, int64_t id) {
    if (object_ != object.api_name) {
        object_.clear();  // the next Draw resets the list for the object (and closes the form)...
        pending_open_ = id;
        return;
    }
    selected_ = id;
    form_.OpenEdit(object, id, "");
}

void RecordsPanel::Draw(const PageContext& ctx, const ObjectDef& object) {
    if (object_ != object.api_name) {
        object_ = object.api_name;
        columns_ = DefaultColumns(object);
        filter_text_.clear();
        filter_applied_.clear();
        sort_field_.clear();
        sort_desc_ = false;
        page_ = 0;
        view_name_.clear();
        save_as_.clear();
        form_.Close();
        selected_ = 0;
        loaded_ = false;
        ++table_generation_;
    }
    if (pending_open_ > 0) {  // ...then opens the record asked for before the switch
        selected_ = pending_open_;
        form_.OpenEdit(object, pending_open_, "");
        pending_open_ = 0;
    }
    if (!pending_draft_.is_null()) {  // a draft kept across another tab's commit
        form_.Restore(object, pending_draft_);
        selected_ = form_.id();
        pending_draft_ = nullptr;
    }
    if (form_.open()) {
        const RecordForm::Outcome outcome = form_.Draw(ctx, object);
        if (form_.id() > 0) selected_ = form_.id();
        if (outcome == RecordForm::Outcome::CloseRequested) guard_.Leave(&form_, [this] { form_.Close(); });
        if (outcome == RecordForm::Outcome::Deleted) selected_ = 0;
        if (outcome == RecordForm::Outcome::OpenOther) {  // a record the duplicate alert lists
            const int64_t other = form_.other();
            guard_.Leave(&form_, [this, other] { pending_open_ = other; });
        }
        return;
    }
    DrawToolbar(ctx, object);
    Reload(object);
    DrawTable(ctx, object);
}

void RecordsPanel::DrawToolbar(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    // Saved views of the acting user.
    const std::vector<ListView> views = workspace_.records().ListViews(object.api_name, ActingUser());
    int selected = 0;
    for (size_t i = 0; i < views.size(); ++i) {
        if (views[i].name == view_name_) selected = static_cast<int>(i) + 1;
    }
    ImGui::SetNextItemWidth(200.0f * s);
    if (ListCombo(
            "##records.view", view_name_.empty() ? std::string(Tr("records.view.all")) : view_name_,
            static_cast<int>(views.size()) + 1,
            [&](int i) {
                return i == 0 ? std::string(Tr("records.view.all")) : views[static_cast<size_t>(i - 1)].name;
            },
            [&](int i) { return i == 0 ? std::string("all") : views[static_cast<size_t>(i - 1)].name; },
            &selected, "records.view")) {
        if (selected == 0) {
            view_name_.clear();
            save_as_.clear();
            columns_ = DefaultColumns(object);
            filter_text_.clear();
            sort_field_.clear();
            sort_desc_ = false;
        } else {
            const ListView& v = views[static_cast<size_t>(selected - 1)];
            view_name_ = v.name;
            save_as_ = v.name;  // "Save view" then updates it; another name saves a copy
            columns_ = v.query.columns.empty() ? DefaultColumns(object) : v.query.columns;
            filter_text_ = v.query.filter_formula;
            sort_field_ = v.query.sort_field;
            sort_desc_ = v.query.sort_desc;
        }
        filter_applied_ = filter_text_;
        page_ = 0;
        ++table_generation_;
    }
    // A saved view whose columns, filter or sort were changed since it was saved says so.
    for (const ListView& v : views) {
        if (v.name != view_name_) continue;
        const ListQuery shown = Query();
        const std::vector<std::string> saved_columns =
            v.query.columns.empty() ? DefaultColumns(object) : v.query.columns;
        if (saved_columns != shown.columns || v.query.filter_formula != shown.filter_formula ||
            v.query.sort_field != shown.sort_field || v.query.sort_desc != shown.sort_desc) {
            ImGui::SameLine();
            ImGui::AlignTextToFramePadding();
            TextMuted(Tr("records.view.modified"), false);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr("records.view.modified_tip"));
            MarkItem("records.view.modified");
        }
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::max(200.0f * s, ImGui::GetContentRegionAvail().x - 640.0f * s));
    const bool enter = InputString("##records.filter", &filter_text_, ImGuiInputTextFlags_EnterReturnsTrue,
                                   Tr("records.filter_hint"));
    MarkItem("records.filter");
    ImGui::SameLine();
    if (SecondaryButton(Label("records.filter_apply").c_str()) || enter) {
        filter_applied_ = filter_text_;
        page_ = 0;
    }
    MarkItem("records.filter_apply");
    ImGui::SameLine();
    DrawColumnPicker(ctx, object);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(140.0f * s);
    InputString("##records.save_as", &save_as_, 0, Tr("records.save_as_hint"));
    MarkItem("records.save_as");
    ImGui::SameLine();
    if (SecondaryButton(Label("records.save_view").c_str(), !save_as_.empty())) {
        ListView view;
        view.object = object.api_name;
        view.owner = ActingUser();
        view.name = save_as_;
        view.query = Query();
        view.query.offset = 0;
        Result<ListView> saved = workspace_.records().SaveListView(ActingUser(), view);
        if (saved.ok()) {
            view_name_ = save_as_;
            view_message_.clear();
        } else {
            view_message_ = ErrorText(saved.error());
        }
    }
    MarkItem("records.save_view");
    ImGui::SameLine();
    if (PrimaryButton(Label("records.new").c_str())) form_.OpenNew(object, "");
    MarkItem("records.new");
    if (!view_message_.empty()) ErrorLine("records.view", view_message_);
    if (!error_.empty()) ErrorLine("records.filter", error_);
    PublishForm("records.filter", filter_applied_);
    (void)p;
}

// [SECTION] The column picker

void RecordsPanel::DrawColumnPicker(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const std::string button =
        TrFormat("records.columns", {std::to_string(columns_.size())}) + "###records.columns";
    const ImVec2 at = ImGui::GetCursorScreenPos();
    if (SecondaryButton(button.c_str())) {
        ImGui::OpenPopup("records.columns.popup");
        columns_filter_.clear();
    }
    MarkItem("records.columns");
    const float popup_w = 620.0f * s;
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float x =
        std::max(viewport->Pos.x, std::min(at.x, viewport->Pos.x + viewport->Size.x - popup_w - 8.0f * s));
    ImGui::SetNextWindowPos(ImVec2(x, at.y + ImGui::GetFrameHeight() + 4.0f * s), ImGuiCond_Appearing);
    ImGui::SetNextWindowSize(ImVec2(popup_w, 0.0f));
    if (!ImGui::BeginPopup("records.columns.popup")) return;
    const bool appearing = ImGui::IsWindowAppearing();

    // Readable fields: re-read when the object, the acting user or the workspace changed.
    const nlohmann::json key = {object.api_name, ActingUser(), workspace_.change_count()};
    if (key != readable_key_) {
        readable_ = ReadableFields(workspace_, object);
        readable_key_ = key;
    }
    auto label_of = [&](const std::string& api) {
        const FieldDef* f = object.Field(api);
        return f ? ShownLabel(*f) : api;
    };

    ImGui::PushFont(ctx.heading_font);
    ImGui::TextUnformatted(Tr("records.columns.title"));
    ImGui::PopFont();
    TextMuted(Tr("records.columns.help"));
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));

    std::vector<std::string> next = columns_;  // edits apply once the lists are drawn
    const float list_h = 300.0f * s;
    const float half = (ImGui::GetContentRegionAvail().x - 12.0f * s) * 0.5f;

    // Left: every readable field, filtered, alphabetical; a tick shows it.
    ImGui::BeginGroup();
    if (appearing) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(half);
    const bool enter = InputString("##records.columns.filter", &columns_filter_,
                                   ImGuiInputTextFlags_EnterReturnsTrue, Tr("records.columns.filter_hint"));
    MarkItem("records.columns.filter");
    std::vector<const FieldDef*> fields;
    const std::string needle = LowerAscii(columns_filter_);
    for (const FieldDef& f : object.fields) {
        if (f.state != FieldState::Active || !readable_.count(f.api_name)) continue;
        if (!needle.empty() && LowerAscii(f.label).find(needle) == std::string::npos &&
            LowerAscii(f.api_name).find(needle) == std::string::npos)
            continue;
        fields.push_back(&f);
    }
    std::stable_sort(fields.begin(), fields.end(), [](const FieldDef* a, const FieldDef* b) {
        return LowerAscii(a->label) < LowerAscii(b->label);
    });
    auto shown = [&](const std::string& api) {
        return std::find(next.begin(), next.end(), api) != next.end();
    };
    auto toggle = [&](const std::string& api) {
        auto it = std::find(next.begin(), next.end(), api);
        if (it == next.end()) {
            next.push_back(api);
        } else if (next.size() > 1) {  // a list keeps at least one column
            next.erase(it);
        }
    };
    // Enter adds the first match not shown yet (and clears the filter for the next one).
    if (enter) {
        for (const FieldDef* f : fields) {
            if (shown(f->api_name)) continue;
            next.push_back(f->api_name);
            columns_filter_.clear();
            break;
        }
        ImGui::SetKeyboardFocusHere(-1);
    }
    ImGui::BeginChild("##records.columns.fields", ImVec2(half, list_h), true);
    if (fields.empty()) TextMuted(Tr("records.columns.no_match"));
    for (const FieldDef* f : fields) {
        bool on = shown(f->api_name);
        const bool last = on && next.size() == 1;
        ImGui::BeginDisabled(last);
        if (ImGui::Checkbox((ShownLabel(*f) + "##pick." + f->api_name).c_str(), &on)) toggle(f->api_name);
        ImGui::EndDisabled();
        MarkItem("records.columns.field." + f->api_name);
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", (f->api_name + "  ·  " + FieldTypeLabel(f->type)).c_str());
        ImGui::SameLine();
        TextMuted(f->api_name, false);
    }
    ImGui::EndChild();
    ImGui::EndGroup();

    // Right: the columns shown, in order, with up / down / remove.
    ImGui::SameLine(0.0f, 12.0f * s);
    ImGui::BeginGroup();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(Tr("records.columns.shown"));
    ImGui::BeginChild("##records.columns.order", ImVec2(half, list_h), true);
    int move_from = -1, move_to = -1, remove = -1;
    const float buttons_w = ImGui::GetFrameHeight() * 3.0f + 12.0f * s;
    for (size_t i = 0; i < columns_.size(); ++i) {
        const std::string& api = columns_[i];
        ImGui::PushID(api.c_str());
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(Ellipsize(std::to_string(i + 1) + ".  " + label_of(api),
                                         ImGui::GetContentRegionAvail().x - buttons_w)
                                   .c_str());
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - buttons_w);
        ImGui::BeginDisabled(i == 0);
        if (ImGui::ArrowButton("##up", ImGuiDir_Up)) move_from = static_cast<int>(i), move_to = move_from - 1;
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", Tr("records.columns.up"));
        MarkItem("records.columns." + api + ".up");
        ImGui::SameLine();
        ImGui::BeginDisabled(i + 1 == columns_.size());
        if (ImGui::ArrowButton("##down", ImGuiDir_Down))
            move_from = static_cast<int>(i), move_to = move_from + 1;
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", Tr("records.columns.down"));
        MarkItem("records.columns." + api + ".down");
        ImGui::SameLine();
        ImGui::BeginDisabled(columns_.size() == 1);
        if (ImGui::Button("x", ImVec2(ImGui::GetFrameHeight(), 0.0f))) remove = static_cast<int>(i);
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", Tr("records.columns.remove"));
        MarkItem("records.columns." + api + ".remove");
        ImGui::PopID();
    }
    ImGui::EndChild();
    ImGui::EndGroup();
    if (move_from >= 0) {
        next = columns_;
        std::swap(next[static_cast<size_t>(move_from)], next[static_cast<size_t>(move_to)]);
    } else if (remove >= 0) {
        next = columns_;
        next.erase(next.begin() + remove);
    }

    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
    if (SecondaryButton(Label("records.columns.reset").c_str())) next = DefaultColumns(object);
    MarkItem("records.columns.reset");
    ImGui::SameLine();
    TextMuted(Tr(view_name_.empty() ? "records.columns.save_hint_new" : "records.columns.save_hint"), false);
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(Tr("records.columns.done")).x -
                    ImGui::GetStyle().FramePadding.x * 2.0f);
    if (PrimaryButton(Label("records.columns.done").c_str()) ||
        (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) && !ImGui::GetIO().WantTextInput)) {
        ImGui::CloseCurrentPopup();
    }
    MarkItem("records.columns.done");
    MarkRect("records.columns.popup", ImGui::GetWindowPos(), ImGui::GetWindowSize());
    ImGui::EndPopup();

    if (next != columns_) {
        columns_ = std::move(next);
        page_ = 0;
        ++table_generation_;
    }
}

// [SECTION] The table

void RecordsPanel::DrawTable(const PageContext& ctx, const ObjectDef& object) {
    const float s = ctx.scale;
    const int ncols = static_cast<int>(data_.columns.size());
    const float pager_h = ImGui::GetFrameHeightWithSpacing() + 8.0f * s;
    if (ncols > 0) {
        const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg |
                                      ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                      ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable |
                                      ImGuiTableFlags_SizingStretchSame;
        // Columns or sort set from outside the table (a view, the picker) start a fresh table, so its
        // sort arrow is put on the sorted column again; header clicks keep the table (and widths).
        const std::string table_id = "records.table." + std::to_string(table_generation_);
        if (ImGui::BeginTable(
                table_id.c_str(), ncols, flags,
                ImVec2(0.0f, std::max(160.0f * s, ImGui::GetContentRegionAvail().y - pager_h)))) {
            ImGui::TableSetupScrollFreeze(0, 1);
            for (int c = 0; c < ncols; ++c) {
                const std::string& api = data_.columns[static_cast<size_t>(c)];
                const FieldDef* f = object.Field(api);
                ImGuiTableColumnFlags cf = 0;
                if (api == sort_field_) {
                    cf |= ImGuiTableColumnFlags_DefaultSort;
                    if (sort_desc_) cf |= ImGuiTableColumnFlags_PreferSortDescending;
                }
                if (f && !f->has_column()) cf |= ImGuiTableColumnFlags_NoSort;
                ImGui::TableSetupColumn(((f ? ShownLabel(*f) : api) + "###" + api).c_str(), cf);
            }
            int column = -1;
            bool descending = false;
            if (TakeSortSpecs(&column, &descending) && column >= 0) {
                sort_field_ = data_.columns[static_cast<size_t>(column)];
                sort_desc_ = descending;
                page_ = 0;
            }
            ImGui::TableNextRow(ImGuiTableRowFlags_Headers, ImGui::GetFrameHeight());
            for (int c = 0; c < ncols; ++c) {
                if (!ImGui::TableSetColumnIndex(c)) continue;
                ImGui::TableHeader(ImGui::TableGetColumnName(c));
                MarkItem("records.header." + data_.columns[static_cast<size_t>(c)]);
            }
            ImGuiListClipper clipper;
            clipper.Begin(static_cast<int>(data_.rows.size()));
            while (clipper.Step()) {
                for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
                    const nlohmann::json& row = data_.rows[static_cast<size_t>(r)];
                    const int64_t id = row.value("Id", int64_t{0});
                    ImGui::TableNextRow();
                    for (int c = 0; c < ncols; ++c) {
                        ImGui::TableSetColumnIndex(c);
                        const std::string& api = data_.columns[static_cast<size_t>(c)];
                        const FieldDef* f = object.Field(api);
                        std::string text = !row.contains(api) ? std::string()
                                           : f ? ProfileValueText(*f, row[api], profile_, zone_)
                                               : RecordValueText(row[api]);
                        if (f && f->type == FieldType::Picklist) {
                            if (const PicklistValue* v = f->FindValue(text)) text = ShownLabel(*v);
                        }
                        if (f && f->type == FieldType::Lookup && row.contains(api) &&
                            row[api].is_number_integer()) {
                            const auto names = lookup_names_.find(api);
                            const int64_t to = row[api].get<int64_t>();
                            if (names != lookup_names_.end() && names->second.count(to))
                                text = names->second.at(to);
                            PublishForm("records.lookup." + std::to_string(id) + "." + api, text);
                        }
                        if (c == 0) {
                            if (CellSelectable(text, "##rec" + std::to_string(id), id == selected_,
                                               ImGuiSelectableFlags_SpanAllColumns)) {
                                selected_ = id;
                                form_.OpenEdit(object, id, "");
                            }
                            MarkRow("records.row." + std::to_string(id));
                        } else {
                            CellText(text);
                        }
                    }
                }
            }
            ImGui::EndTable();
        }
    }
    if (data_.rows.empty()) TextMuted(Tr("records.none"), false);
    // A list of many matches stops counting at kListCountLimit: "10000+".
    const int64_t first = data_.rows.empty() ? 0 : static_cast<int64_t>(page_) * kPageSize + 1;
    const int64_t last = first + static_cast<int64_t>(data_.rows.size()) - (data_.rows.empty() ? 0 : 1);
    const bool more =
        static_cast<int>(data_.rows.size()) == kPageSize && (last < data_.total || data_.total_capped);
    ImGui::AlignTextToFramePadding();
    TextMuted(TrFormat("audit.rows", {std::to_string(first), std::to_string(last),
                                      std::to_string(data_.total) + (data_.total_capped ? "+" : "")}),
              false);
    ImGui::SameLine(0.0f, 16.0f * s);
    if (SecondaryButton((std::string(Tr("audit.prev")) + "###records.prev").c_str(), page_ > 0)) --page_;
    MarkItem("records.prev");
    ImGui::SameLine();
    if (SecondaryButton((std::string(Tr("audit.next")) + "###records.next").c_str(), more)) ++page_;
    MarkItem("records.next");
}

nlohmann::json RecordsPanel::State() const {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& row : data_.rows) ids.push_back(row.value("Id", int64_t{0}));
    return {{"mode", form_.open() ? (form_.id() > 0 ? "edit" : "new") : "list"},
            {"selected", selected_},
            {"total", data_.total},
            {"total_capped", data_.total_capped},
            {"page", page_},
            // The sort of the rows published (a header click re-sorts them on the next frame).
            {"sort", loaded_ ? shown_sort_field_ : sort_field_},
            {"desc", loaded_ ? shown_sort_desc_ : sort_desc_},
            {"view", view_name_},
            {"columns", columns_},
            {"shown_columns", data_.columns},
            {"ids", ids}};
}

}  // namespace crm::ui
