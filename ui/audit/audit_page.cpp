#include "ui/audit/audit_page.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "common/clock.h"
#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/time_text.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

const char* const kColumnKeys[5] = {"time", "user", "area", "action", "target"};
const AuditQuery::SortKey kColumnSort[5] = {AuditQuery::SortKey::Time, AuditQuery::SortKey::Actor,
                                            AuditQuery::SortKey::Area, AuditQuery::SortKey::Action,
                                            AuditQuery::SortKey::Target};

bool SameQuery(const AuditQuery& a, const AuditQuery& b) {
    return a.area == b.area && a.actor == b.actor && a.text == b.text && a.from_ms == b.from_ms &&
           a.to_ms == b.to_ms && a.sort == b.sort && a.descending == b.descending && a.offset == b.offset &&
           a.limit == b.limit;
}

// A YYYY-MM-DD text as the day it names (days since 1970-01-01); nothing when empty; an error message when
// wrong.
std::optional<int64_t> ParseDay(const std::string& text, std::string* error) {
    error->clear();
    if (text.empty()) return std::nullopt;
    const bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-';
    std::optional<int64_t> ms = shape ? ParseUtcIso8601(text) : std::nullopt;
    if (!ms) {
        *error = Tr("err.date");
        return std::nullopt;
    }
    return *ms / kDayMs;
}

/// An audit entry's area or action in the console's language: its own row of the audit catalog
/// ("audit.area.<code>", "audit.action.<code>"), else the general one ("nav.<code>", "action.<code>"), else
/// the code as the core wrote it.
std::string CodeLabel(const std::string& code, const char* own, const char* general) {
    for (const std::string& id : {own + code, general + code})
        if (HasText(id)) return Tr(id);
    return code;
}

std::string AreaLabel(const std::string& area) { return CodeLabel(area, "audit.area.", "nav."); }

std::string ActionLabel(const std::string& action) { return CodeLabel(action, "audit.action.", "action."); }

std::string TargetLabel(const std::string& target) { return HasText(target) ? Tr(target) : target; }

std::string PrettyJson(const nlohmann::json& value) {
    if (value.is_null()) return Tr("audit.empty_value");
    return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One value on one line as people read it: text without quotes, anything else as compact JSON.
std::string ValueLine(const nlohmann::json& value) {
    if (value.is_null()) return Tr("audit.empty_value");
    if (value.is_string()) return value.get<std::string>();
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Before and after as "key: value" lines of the keys that changed, when both sides are objects (an
// update of several properties); otherwise each side whole, pretty-printed.
void ChangedKeys(const nlohmann::json& before, const nlohmann::json& after, std::string* old_text,
                 std::string* new_text) {
    if (!before.is_object() || !after.is_object()) {
        *old_text = PrettyJson(before);
        *new_text = PrettyJson(after);
        return;
    }
    std::set<std::string> keys;
    for (auto it = before.begin(); it != before.end(); ++it) keys.insert(it.key());
    for (auto it = after.begin(); it != after.end(); ++it) keys.insert(it.key());
    old_text->clear();
    new_text->clear();
    for (const std::string& key : keys) {
        const nlohmann::json& a = before.contains(key) ? before[key] : nlohmann::json();
        const nlohmann::json& b = after.contains(key) ? after[key] : nlohmann::json();
        if (a == b) continue;
        *old_text += (old_text->empty() ? "" : "\n") + key + ": " + ValueLine(a);
        *new_text += (new_text->empty() ? "" : "\n") + key + ": " + ValueLine(b);
    }
    if (old_text->empty()) *old_text = *new_text = Tr("audit.no_change");
}

}  // namespace

AuditTrailPage::AuditTrailPage(Workspace& workspace) : workspace_(workspace) {}

void AuditTrailPage::Reload() {
    const uint64_t change_count = workspace_.change_count();
    // A "view as" switch changes what may be read, so it reloads like a change of the workspace.
    const bool workspace_changed =
        !loaded_ || change_count != loaded_change_count_ || loaded_viewer_ != ActingUser();
    // Days and times in the company's zone (ShownZone: the console reads it after every change).
    const CompanyZone& zone = ShownZone();
    AuditQuery query;
    query.area = area_;
    query.actor = actor_;
    query.text = text_;
    // A day runs from the company's midnight to the next; "To" includes the whole day.
    if (std::optional<int64_t> day = ParseDay(from_text_, &from_error_))
        query.from_ms = zone.time.ToUtc(*day, 0);
    if (std::optional<int64_t> day = ParseDay(to_text_, &to_error_))
        query.to_ms = zone.time.ToUtc(*day + 1, 0);
    if (query.from_ms && query.to_ms && *query.from_ms >= *query.to_ms) {
        to_error_ = Tr("err.date_range");
        query.to_ms.reset();
    }
    query.sort = sort_;
    query.descending = descending_;
    query.limit = kPageSize;
    query.offset = page_ * kPageSize;

    if (!workspace_changed && SameQuery(query, loaded_query_)) return;
    if (workspace_changed) {
        areas_ = workspace_.audit().Areas();
        actors_ = workspace_.audit().Actors();
    }
    loaded_ = true;
    loaded_change_count_ = change_count;
    loaded_viewer_ = ActingUser();
    loaded_query_ = query;
    // Checked as the acting user: reading the trail needs View Setup Audit Trail.
    Result<crm::AuditPage> result = workspace_.audit().List(ActingUser(), query);
    if (!result.ok()) {
        error_ = ErrorText(result.error());
        page_data_ = {};
        return;
    }
    error_.clear();
    page_data_ = std::move(result.value());
    // Past the end (entries went away, or filters narrowed): show the last page instead.
    if (page_data_.entries.empty() && page_ > 0 && page_data_.total > 0) {
        page_ = static_cast<int>((page_data_.total - 1) / kPageSize);
        Reload();
    }
}

void AuditTrailPage::Select(const AuditEntry& entry) {
    selected_ = entry;
    ChangedKeys(entry.old_value, entry.new_value, &old_text_, &new_text_);
}

void AuditTrailPage::Draw(const PageContext& ctx) {
    Reload();
    const float s = ctx.scale;
    const float pad = 28.0f * s;
    ImGui::SetCursorPos(ImVec2(pad, ImGui::GetCursorPosY() + 4.0f * s));
    ImGui::BeginGroup();
    DrawFilters(ctx);
    Reload();  // the filters may have changed this frame
    if (!error_.empty()) TextColored(CurrentPalette().danger, TrFormat("audit.query_failed", {error_}));

    const ImVec2 avail(ImGui::GetContentRegionAvail().x - pad, ImGui::GetContentRegionAvail().y - 16.0f * s);
    const float pager_h = ImGui::GetFrameHeightWithSpacing() + 12.0f * s;
    const bool side_by_side = avail.x >= 880.0f * s;
    if (side_by_side) {
        const float detail_w = std::clamp(avail.x * 0.36f, 320.0f * s, 520.0f * s);
        const float table_w = avail.x - detail_w - 16.0f * s;
        ImGui::BeginGroup();
        DrawTable(ctx, ImVec2(table_w, avail.y - pager_h));
        DrawPager(ctx);
        ImGui::EndGroup();
        ImGui::SameLine(0.0f, 16.0f * s);
        DrawDetail(ctx, ImVec2(detail_w, avail.y));
    } else {
        const float table_h = std::max(160.0f * s, (avail.y - pager_h) * 0.6f);
        DrawTable(ctx, ImVec2(avail.x, table_h));
        DrawPager(ctx);
        DrawDetail(ctx, ImVec2(avail.x, std::max(120.0f * s, avail.y - table_h - pager_h - 8.0f * s)));
    }
    ImGui::EndGroup();
    PublishState();
}

void AuditTrailPage::DrawFilters(const PageContext& ctx) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const double age = ctx.time - focus_time_;
    if (age < 2.5) {
        const float alpha = age < 1.2 ? 1.0f : static_cast<float>(1.0 - (age - 1.2) / 1.3);
        const float h = ImGui::GetTextLineHeightWithSpacing() + ImGui::GetFrameHeight();
        ImGui::GetWindowDrawList()->AddRectFilled(
            ImVec2(start.x - 8.0f * s, start.y - 6.0f * s),
            ImVec2(start.x + ImGui::GetContentRegionAvail().x, start.y + h + 6.0f * s),
            ToU32(p.highlight, alpha * 0.85f), 6.0f * s);
    }
    bool changed = false;
    float row_y = ImGui::GetCursorPosY();
    const float full_w = ImGui::GetContentRegionAvail().x;
    // A label above each filter; drawn, not laid out as text, so every column lines up.
    auto label = [&](const char* text) {
        ImGui::SetCursorPosY(row_y);
        ImGui::PushFont(ctx.small_font);
        const ImVec2 at = ImGui::GetCursorScreenPos();
        ImGui::GetWindowDrawList()->AddText(at, ToU32(p.text_muted), text);
        ImGui::Dummy(ImVec2(ImGui::CalcTextSize(text).x, ImGui::GetTextLineHeight() + 4.0f * s));
        ImGui::PopFont();
    };
    auto labelled = [&](const char* text_id, float width, auto&& widget) {
        ImGui::BeginGroup();
        label(Tr(text_id));
        ImGui::SetNextItemWidth(width);
        widget();
        ImGui::EndGroup();
        ImGui::SameLine(0.0f, 12.0f * s);
    };

    labelled("audit.filter.area", 150.0f * s, [&] {
        int selected = 0;
        for (size_t i = 0; i < areas_.size(); ++i) {
            if (areas_[i] == area_) selected = static_cast<int>(i) + 1;
        }
        const std::string preview = area_.empty() ? Tr("audit.filter.any_area") : AreaLabel(area_);
        if (ListCombo(
                "##audit.filter.area", preview, static_cast<int>(areas_.size()) + 1,
                [&](int i) {
                    return i == 0 ? std::string(Tr("audit.filter.any_area")) : AreaLabel(areas_[i - 1]);
                },
                [&](int i) { return i == 0 ? std::string("any") : areas_[static_cast<size_t>(i - 1)]; },
                &selected, "audit.filter.area")) {
            area_ = selected == 0 ? std::string() : areas_[static_cast<size_t>(selected - 1)];
            changed = true;
        }
    });
    labelled("audit.filter.user", 150.0f * s, [&] {
        int selected = 0;
        for (size_t i = 0; i < actors_.size(); ++i) {
            if (actors_[i] == actor_) selected = static_cast<int>(i) + 1;
        }
        const std::string preview = actor_.empty() ? Tr("audit.filter.any_user") : actor_;
        if (ListCombo(
                "##audit.filter.user", preview, static_cast<int>(actors_.size()) + 1,
                [&](int i) { return i == 0 ? std::string(Tr("audit.filter.any_user")) : actors_[i - 1]; },
                [&](int i) { return i == 0 ? std::string("any") : actors_[static_cast<size_t>(i - 1)]; },
                &selected, "audit.filter.user")) {
            actor_ = selected == 0 ? std::string() : actors_[static_cast<size_t>(selected - 1)];
            changed = true;
        }
    });
    // The search box takes what the fixed-width filters leave.
    const float fixed = (150.0f + 150.0f + 120.0f + 120.0f + 5 * 12.0f) * s +
                        ImGui::CalcTextSize(Tr("audit.filter.clear")).x +
                        ImGui::GetStyle().FramePadding.x * 2.0f;
    // Narrow windows: the dates and the clear button go to a second row.
    const float avail_w = full_w - 28.0f * s;
    const bool two_rows = avail_w - fixed < 180.0f * s;
    const float text_w = two_rows ? std::max(160.0f * s, avail_w - (150.0f + 150.0f + 24.0f) * s)
                                  : std::clamp(avail_w - fixed, 120.0f * s, 320.0f * s);
    labelled("audit.filter.text", text_w, [&] {
        changed |= InputString("##audit.filter.text", &text_, 0, Tr("audit.filter.text_hint"));
        MarkItem("audit.filter.text");
    });
    if (two_rows) {
        ImGui::NewLine();
        row_y = ImGui::GetCursorPosY() + 4.0f * s;
    }
    labelled("audit.filter.from", 120.0f * s, [&] {
        changed |=
            InputString("##audit.filter.from", &from_text_, ImGuiInputTextFlags_CharsNoBlank, "YYYY-MM-DD");
        MarkItem("audit.filter.from");
    });
    labelled("audit.filter.to", 120.0f * s, [&] {
        changed |=
            InputString("##audit.filter.to", &to_text_, ImGuiInputTextFlags_CharsNoBlank, "YYYY-MM-DD");
        MarkItem("audit.filter.to");
    });
    ImGui::BeginGroup();
    label("");
    const bool any_filter =
        !area_.empty() || !actor_.empty() || !text_.empty() || !from_text_.empty() || !to_text_.empty();
    if (SecondaryButton(Label("audit.filter.clear").c_str(), any_filter)) {
        area_.clear();
        actor_.clear();
        text_.clear();
        from_text_.clear();
        to_text_.clear();
        changed = true;
    }
    MarkItem("audit.filter.clear");
    ImGui::EndGroup();

    for (auto [id, error] : {std::pair<const char*, const std::string*>{"audit.filter.from", &from_error_},
                             std::pair<const char*, const std::string*>{"audit.filter.to", &to_error_}}) {
        if (error->empty()) continue;
        ImGui::PushFont(ctx.small_font);
        TextColored(p.danger, std::string(Tr(id)) + ": " + *error, false);
        ImGui::PopFont();
        PublishError(id, *error);
    }
    crm::ui::PublishForm("audit.filter.area", area_);
    crm::ui::PublishForm("audit.filter.user", actor_);
    crm::ui::PublishForm("audit.filter.text", text_);
    crm::ui::PublishForm("audit.filter.from", from_text_);
    crm::ui::PublishForm("audit.filter.to", to_text_);
    if (changed) page_ = 0;
    ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
}

void AuditTrailPage::DrawTable(const PageContext& ctx, const ImVec2& size) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerH |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("audit.table", 5, flags, size)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    const std::string time_heading = Tr("audit.col.time", {{"zone", ShownZone().name}}) + "###audit.col.time";
    ImGui::TableSetupColumn(time_heading.c_str(),
                            ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending,
                            1.5f);
    ImGui::TableSetupColumn(Label("audit.col.user").c_str(), 0, 0.8f);
    ImGui::TableSetupColumn(Label("audit.col.area").c_str(), 0, 0.9f);
    ImGui::TableSetupColumn(Label("audit.col.action").c_str(), 0, 0.8f);
    ImGui::TableSetupColumn(Label("audit.col.target").c_str(), 0, 1.9f);

    int sort_column = -1;
    bool descending = false;
    if (TakeSortSpecs(&sort_column, &descending)) {
        if (sort_column >= 0) {
            sort_ = kColumnSort[std::clamp<int>(sort_column, 0, 4)];
            descending_ = descending;
        }
        page_ = 0;
        Reload();
    }

    ImGui::TableNextRow(ImGuiTableRowFlags_Headers, ImGui::GetFrameHeight());
    for (int column = 0; column < 5; ++column) {
        if (!ImGui::TableSetColumnIndex(column)) continue;
        ImGui::TableHeader(ImGui::TableGetColumnName(column));
        MarkItem(std::string("audit.header.") + kColumnKeys[column]);
    }

    const auto& entries = page_data_.entries;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(entries.size()));
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const AuditEntry& entry = entries[static_cast<size_t>(row)];
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            const bool is_selected = selected_ && selected_->id == entry.id;
            const std::string time_label =
                FormatZoneTime(ShownZone(), entry.at_ms) + "##audit.row." + std::to_string(entry.id);
            if (ImGui::Selectable(
                    time_label.c_str(), is_selected,
                    ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
                Select(entry);
            }
            MarkItem("audit.row." + std::to_string(row));
            ImGui::TableSetColumnIndex(1);
            CellText(entry.actor);
            ImGui::TableSetColumnIndex(2);
            CellText(AreaLabel(entry.area));
            ImGui::TableSetColumnIndex(3);
            CellText(ActionLabel(entry.action));
            ImGui::TableSetColumnIndex(4);
            const std::string label = TargetLabel(entry.target);
            CellText(label);
            // The setting's key too, when there is room for it.
            if (label != entry.target &&
                ImGui::GetContentRegionAvail().x > ImGui::CalcTextSize(label.c_str()).x +
                                                       ImGui::CalcTextSize(entry.target.c_str()).x +
                                                       ImGui::GetStyle().ItemSpacing.x) {
                ImGui::SameLine();
                ImGui::PushStyleColor(ImGuiCol_Text, p.text_muted);
                CellText(entry.target);
                ImGui::PopStyleColor();
            }
        }
    }
    if (entries.empty()) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::Dummy(ImVec2(0.0f, 8.0f * s));
        TextMuted(Tr("audit.no_rows"), false);
    }
    ImGui::EndTable();
}

void AuditTrailPage::DrawPager(const PageContext& ctx) {
    const float s = ctx.scale;
    ImGui::Dummy(ImVec2(0.0f, 2.0f * s));
    const int64_t total = page_data_.total;
    const int64_t first = total == 0 ? 0 : static_cast<int64_t>(page_) * kPageSize + 1;
    const int64_t last = std::min<int64_t>(total, static_cast<int64_t>(page_ + 1) * kPageSize);
    ImGui::AlignTextToFramePadding();
    TextMuted(TrFormat("audit.rows", {std::to_string(first), std::to_string(last), std::to_string(total)}),
              false);
    ImGui::SameLine(0.0f, 16.0f * s);
    if (SecondaryButton(Label("audit.prev").c_str(), page_ > 0)) --page_;
    MarkItem("audit.prev");
    ImGui::SameLine();
    if (SecondaryButton(Label("audit.next").c_str(), last < total)) ++page_;
    MarkItem("audit.next");
}

void AuditTrailPage::DrawDetail(const PageContext& ctx, const ImVec2& size) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    ImGui::PushStyleColor(ImGuiCol_ChildBg, p.surface);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(18.0f * s, 16.0f * s));
    ImGui::BeginChild("audit.detail", size, true, ImGuiWindowFlags_AlwaysUseWindowPadding);
    MarkRect("audit.detail", ImGui::GetWindowPos(), ImGui::GetWindowSize());
    if (!selected_) {
        ImGui::Dummy(ImVec2(0.0f, 12.0f * s));
        TextMuted(Tr("audit.detail.none"));
    } else {
        const AuditEntry& e = *selected_;
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(TrFormat("audit.detail.title", {std::to_string(e.id)}).c_str());
        ImGui::PopFont();
        ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        const float key_w = 90.0f * s;
        auto fact = [&](const char* text_id, const std::string& value) {
            ImGui::PushStyleColor(ImGuiCol_Text, p.text_muted);
            ImGui::TextUnformatted(Tr(text_id));
            ImGui::PopStyleColor();
            ImGui::SameLine(key_w);
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextUnformatted(value.c_str());
            ImGui::PopTextWrapPos();
        };
        fact("audit.detail.when", FormatZoneTime(ShownZone(), e.at_ms) + " " + ShownZone().name);
        fact("audit.detail.who", e.actor);
        fact("audit.col.area", AreaLabel(e.area));
        fact("audit.col.action", ActionLabel(e.action));
        fact("audit.detail.what", TargetLabel(e.target) + (HasText(e.target) ? "  (" + e.target + ")" : ""));
        ImGui::Dummy(ImVec2(0.0f, 6.0f * s));

        const float avail_h = ImGui::GetContentRegionAvail().y;
        const float line_h = ImGui::GetTextLineHeight();
        // Read-only multi-line boxes: the values can be selected and copied.
        using Box = std::tuple<const char*, std::string*, const char*>;
        for (auto [text_id, text, hook] : {Box{"audit.detail.old", &old_text_, "audit.detail.old"},
                                           Box{"audit.detail.new", &new_text_, "audit.detail.new"}}) {
            ImGui::PushFont(ctx.small_font);
            TextMuted(Tr(text_id), false);
            ImGui::PopFont();
            const int lines = static_cast<int>(std::count(text->begin(), text->end(), '\n')) + 1;
            const float want =
                line_h * static_cast<float>(lines) + ImGui::GetStyle().FramePadding.y * 2.0f + 4.0f * s;
            const float box_h =
                std::clamp(want, line_h * 2.0f, std::max(line_h * 2.0f, avail_h * 0.5f - 40.0f * s));
            ImGui::InputTextMultiline((std::string("##") + hook).c_str(), text->data(), text->size() + 1,
                                      ImVec2(-FLT_MIN, box_h), ImGuiInputTextFlags_ReadOnly);
            MarkItem(hook);
            ImGui::Dummy(ImVec2(0.0f, 4.0f * s));
        }
        ImGui::PushFont(ctx.small_font);
        TextMuted(Tr("audit.detail.copy_hint"));
        ImGui::PopFont();
    }
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
}

void AuditTrailPage::PublishState() const {
    nlohmann::json rows = nlohmann::json::array();
    for (const AuditEntry& e : page_data_.entries) {
        rows.push_back({{"id", e.id},
                        {"at", FormatZoneTime(ShownZone(), e.at_ms)},
                        {"actor", e.actor},
                        {"area", e.area},
                        {"area_label", AreaLabel(e.area)},
                        {"action", e.action},
                        {"action_label", ActionLabel(e.action)},
                        {"target", e.target}});
    }
    crm::ui::PublishForm("audit.time_heading", Tr("audit.col.time", {{"zone", ShownZone().name}}));
    crm::ui::PublishForm("audit.page", page_);
    crm::ui::PublishForm("audit.sort", kColumnKeys[static_cast<int>(sort_)]);
    crm::ui::PublishForm("audit.descending", descending_);
    crm::ui::PublishForm("audit.selected", selected_ ? selected_->id : 0);
    crm::ui::PublishForm("audit.detail.old", selected_ ? old_text_ : std::string());
    crm::ui::PublishForm("audit.detail.new", selected_ ? new_text_ : std::string());
    crm::ui::PublishForm("audit.rows", std::move(rows));
}

}  // namespace crm::ui
