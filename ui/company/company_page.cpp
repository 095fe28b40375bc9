#include "ui/company/company_page.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "company/zone_search.h"
#include "imgui.h"
#include "ui/kit/error_text.h"
#include "ui/kit/widgets.h"
#include "ui/shell/platform.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

const char* const kWeekdayKeys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string FormatMinute(int minute) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

// "HH:MM", 00:00 .. 24:00; -1 when malformed. A single-digit hour ("9:00") is accepted.
int ParseMinute(std::string text) {
    if (text.size() == 4 && text[1] == ':') text.insert(0, "0");
    if (text.size() != 5 || text[2] != ':') return -1;
    for (int i : {0, 1, 3, 4}) {
        if (text[static_cast<size_t>(i)] < '0' || text[static_cast<size_t>(i)] > '9') return -1;
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return -1;
    return hours * 60 + minutes;
}

// 14 March 2026 written in a supported date format.
std::string ExampleDate(const std::string& format) {
    std::string out = format;
    auto replace = [&](const char* token, const char* value) {
        const size_t pos = out.find(token);
        if (pos != std::string::npos) out.replace(pos, std::char_traits<char>::length(token), value);
    };
    replace("YYYY", "2026");
    replace("MM", "03");
    replace("DD", "14");
    return out;
}

int IndexOf(const std::vector<std::string>& items, const std::string& value) {
    auto it = std::find(items.begin(), items.end(), value);
    return it == items.end() ? -1 : static_cast<int>(it - items.begin());
}

std::string CurrencyLabel(const std::string& code) {
    const std::string id = "currency." + code;
    return HasText(id) ? code + "  ·  " + Tr(id) : code;
}

}  // namespace

CompanyPage::CompanyPage(Workspace& workspace, Platform& platform)
    : workspace_(workspace), platform_(platform) {
    Refresh();
}

void CompanyPage::Open(const std::string& setting, double now) {
    if (!setting.empty() && setting.rfind("page.", 0) != 0) {
        FocusSetting(setting, now);
    } else {
        ScrollToTop();
    }
}

void CompanyPage::Refresh() {
    if (seen_change_count_ == workspace_.change_count()) return;
    seen_change_count_ = workspace_.change_count();
    Result<CompanyProfile> profile = workspace_.company().Get();
    if (!profile.ok()) {
        load_error_ = ErrorText(profile.error());
        return;
    }
    load_error_.clear();
    const bool was_dirty = loaded_ && dirty();
    loaded_ = true;
    saved_ = profile.value();
    // A change made elsewhere (window.crm, another page) shows at once; while the user is editing, in
    // the fields not edited.
    if (was_dirty) {
        Rebase();
    } else {
        ResetDraft();
    }
}

void CompanyPage::Rebase() {
    if (base_ == saved_) return;
    const DraftMerge merge = MergeDraft(ToJson(base_), ToJson(draft_), ToJson(saved_));
    if (Result<CompanyProfile> merged = CompanyProfileFromJson(merge.merged, saved_); merged.ok())
        draft_ = merged.value();
    if (start_text_ == FormatMinute(base_.business_hours.start_minute))
        start_text_ = FormatMinute(saved_.business_hours.start_minute);
    if (end_text_ == FormatMinute(base_.business_hours.end_minute))
        end_text_ = FormatMinute(saved_.business_hours.end_minute);
    base_ = saved_;
    if (merge.changed) draft_notice_ = DraftNotice(merge);
    validated_ = false;
}

nlohmann::json CompanyPage::KeepDraft() const {
    return {{"base", ToJson(base_)}, {"draft", ToJson(draft_)}, {"start", start_text_}, {"end", end_text_}};
}

void CompanyPage::RestoreDraft(const nlohmann::json& kept) {
    if (!kept.is_object() || !loaded_) return;
    Result<CompanyProfile> base = CompanyProfileFromJson(kept.value("base", nlohmann::json()), saved_);
    Result<CompanyProfile> draft = CompanyProfileFromJson(kept.value("draft", nlohmann::json()), saved_);
    if (!base.ok() || !draft.ok()) return;
    base_ = base.value();
    draft_ = draft.value();
    start_text_ = kept.value("start", start_text_);
    end_text_ = kept.value("end", end_text_);
    Rebase();
}

void CompanyPage::ResetDraft() {
    base_ = saved_;
    draft_notice_.clear();
    draft_ = saved_;
    start_text_ = FormatMinute(saved_.business_hours.start_minute);
    end_text_ = FormatMinute(saved_.business_hours.end_minute);
    validated_ = false;
}

CompanyProfile CompanyPage::DraftProfile() const {
    CompanyProfile p = draft_;
    const int start = ParseMinute(start_text_);
    const int end = ParseMinute(end_text_);
    p.business_hours.start_minute = start >= 0 ? start : saved_.business_hours.start_minute;
    p.business_hours.end_minute = end >= 0 ? end : saved_.business_hours.end_minute;
    return p;
}

bool CompanyPage::dirty() const {
    return !(DraftProfile() == saved_) || ParseMinute(start_text_) < 0 || ParseMinute(end_text_) < 0;
}

void CompanyPage::Validate() {
    if (validated_ && draft_ == validated_profile_ && start_text_ == validated_start_ &&
        end_text_ == validated_end_ && CurrentLanguage() == validated_language_) {
        return;
    }
    validated_ = true;
    validated_profile_ = draft_;
    validated_start_ = start_text_;
    validated_end_ = end_text_;
    validated_language_ = CurrentLanguage();
    errors_.clear();
    const CompanyProfile profile = DraftProfile();
    for (const Error& error : ValidateCompanyProfile(profile)) {
        errors_.emplace("company." + error.field, ErrorText(error));
    }
    if (ParseMinute(start_text_) < 0) errors_["company.business_hours.start"] = Tr("err.hhmm");
    if (ParseMinute(end_text_) < 0) errors_["company.business_hours.end"] = Tr("err.hhmm");
    valid_ = errors_.empty();
}

bool CompanyPage::valid() {
    Validate();
    return valid_;
}

bool CompanyPage::Save() {
    if (!valid()) {
        save_error_.clear();
        return false;
    }
    if (!dirty()) return true;
    const CompanyProfile profile = DraftProfile();
    Status status = workspace_.company().Update(ActingUser(), profile);
    if (!status.ok()) {
        const Error& error = status.error();
        save_error_ = ErrorText(error);
        if (error.code.rfind("storage.", 0) == 0) platform_.ReportStorageError(error.message);
        return false;
    }
    save_error_.clear();
    saved_ = profile;
    seen_change_count_ = workspace_.change_count();
    ResetDraft();
    just_saved_at_ = ImGui::GetTime();
    return true;
}

void CompanyPage::Discard() {
    save_error_.clear();
    ResetDraft();
}

std::string CompanyPage::UnsavedSummary() const { return Tr("unsaved.what.company"); }

void CompanyPage::FocusSetting(std::string_view setting_id, double now) {
    focus_id_ =
        setting_id == "company.business_hours" ? "company.business_hours.start" : std::string(setting_id);
    focus_stage_ = 2;
    focus_time_ = now;
}

// [SECTION] Drawing

void CompanyPage::Draw(const PageContext& ctx) {
    Refresh();
    Validate();
    const float s = ctx.scale;
    if (!focus_id_.empty() && ctx.time - focus_time_ > 2.5) focus_id_.clear();

    const float bar_h = 64.0f * s;
    // The company profile is changed with Customize Schema (CompanyService::Update): without it the form is
    // read only, the reason above it and on hover, instead of a refusal after Save.
    PermissionGuard guard(workspace_.access(), SystemPermission::CustomizeSchema, "company");
    // The body ends where the action bar begins: the spacing after the child is part of the bar's room.
    // (Ending the body a spacing lower made the page 8 px taller than the content area: a scrollbar one
    // frame, none the next, each frame changing the other's room, so every frame was drawn anew.)
    ImGui::BeginChild("company.body", ImVec2(0.0f, -(bar_h + ImGui::GetStyle().ItemSpacing.y)), false);
    if (scroll_to_top_) {
        ImGui::SetScrollY(0.0f);
        scroll_to_top_ = false;
    }
    const float pad = 28.0f * s;
    ImGui::SetCursorPos(ImVec2(pad, 8.0f * s));
    ImGui::BeginGroup();
    const float card_w = std::min(ImGui::GetContentRegionAvail().x - pad, 1100.0f * s);
    if (!load_error_.empty()) {
        TextColored(CurrentPalette().danger, TrFormat("company.load_failed", {load_error_}));
        ImGui::Spacing();
    }
    if (!guard.allowed()) {
        guard.Notice();
        ImGui::Spacing();
    }
    guard.Begin();
    guard_ = &guard;

    auto section = [&](const char* title_id, const char* desc_id) {
        ImGui::PushFont(ctx.heading_font);
        ImGui::TextUnformatted(Tr(title_id));
        ImGui::PopFont();
        if (desc_id) {
            ImGui::PushFont(ctx.small_font);
            TextMuted(Tr(desc_id));
            ImGui::PopFont();
        }
        ImGui::Dummy(ImVec2(0.0f, 6.0f * s));
    };

    BeginCard(card_w);
    section("company.section.general", nullptr);
    DrawRow(ctx, "company.name", &CompanyPage::DrawName, true);
    DrawRow(ctx, "company.default_language", &CompanyPage::DrawLanguage, false);
    EndCard();
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));

    BeginCard(card_w);
    section("company.section.regional", nullptr);
    DrawRow(ctx, "company.currency", &CompanyPage::DrawCurrency, false);
    DrawRow(ctx, "company.time_zone", &CompanyPage::DrawTimeZone, false);
    DrawRow(ctx, "company.date_format", &CompanyPage::DrawDateFormat, false);
    DrawRow(ctx, "company.fiscal_year_start_month", &CompanyPage::DrawFiscalMonth, false);
    EndCard();
    ImGui::Dummy(ImVec2(0.0f, 10.0f * s));

    BeginCard(card_w);
    section("company.section.hours", "company.section.hours.desc");
    DrawRow(ctx, "company.business_hours.start", &CompanyPage::DrawStart, true);
    DrawRow(ctx, "company.business_hours.end", &CompanyPage::DrawEnd, true);
    DrawRow(ctx, "company.business_hours.weekdays", &CompanyPage::DrawWeekdays, false);
    EndCard();
    ImGui::Dummy(ImVec2(0.0f, 16.0f * s));
    guard.End();
    guard_ = nullptr;
    ImGui::EndGroup();
    ImGui::EndChild();

    DrawActionBar(ctx, guard);
    PublishForm();
    for (const auto& [id, message] : errors_) PublishError(id, message);

    // Ctrl+S saves, like any editor.
    const ImGuiIO& io = ImGui::GetIO();
    if ((io.KeyCtrl || io.KeySuper) && ImGui::IsKeyPressed('S', false) && dirty() && guard.allowed()) Save();
}

void CompanyPage::DrawRow(const PageContext& ctx, const char* id, FieldFn field, bool text_field) {
    const float s = ctx.scale;
    const Palette& palette = CurrentPalette();
    const float avail = CardInnerWidth();
    const float label_w = std::min(250.0f * s, avail * 0.34f);
    const float field_w = std::min(340.0f * s, avail - label_w);
    const float gap = 16.0f * s;
    const float message_w = avail - label_w - field_w - gap;
    const bool message_below = message_w < 150.0f * s;

    const ImVec2 origin = ImGui::GetCursorPos();
    const ImVec2 screen = ImGui::GetCursorScreenPos();

    // The highlight behind a setting quick find jumped to (sized from the last frame).
    if (focus_id_ == id) {
        const double age = ctx.time - focus_time_;
        const float alpha = age < 1.2 ? 1.0f : static_cast<float>(std::max(0.0, 1.0 - (age - 1.2) / 1.3));
        const float h = row_heights_.count(id) ? row_heights_[id] : ImGui::GetFrameHeight();
        ImGui::GetWindowDrawList()->AddRectFilled(
            ImVec2(screen.x - 10.0f * s, screen.y - 6.0f * s),
            ImVec2(screen.x + avail + 10.0f * s, screen.y + h + 6.0f * s),
            ToU32(palette.highlight, alpha * 0.7f), 6.0f * s);
    }

    // Label and help, aligned with the text inside the field.
    const float text_offset = (ImGui::GetFrameHeight() - ImGui::GetTextLineHeight()) * 0.5f;
    ImGui::SetCursorPos(ImVec2(origin.x, origin.y + text_offset));
    ImGui::PushTextWrapPos(origin.x + label_w - gap);
    ImGui::TextUnformatted(Tr(id));
    const std::string help_id = std::string(id) + ".help";
    if (HasText(help_id)) {
        ImGui::PushFont(ctx.small_font);
        TextMuted(Tr(help_id), false);
        ImGui::PopFont();
    }
    ImGui::PopTextWrapPos();
    float bottom = ImGui::GetCursorPosY();

    // The field.
    ImGui::SetCursorPos(ImVec2(origin.x + label_w, origin.y));
    // Quick find: first scroll the row into view, then (next frame) put the caret in it.
    if (focus_stage_ == 1 && focus_id_ == id) {
        if (text_field) ImGui::SetKeyboardFocusHere();
        focus_stage_ = 0;
    }
    ImGui::SetNextItemWidth(field_w);
    ImGui::BeginGroup();
    (this->*field)(ctx, field_w);
    ImGui::EndGroup();
    if (guard_) guard_->ReasonOnHover();
    if (focus_stage_ == 2 && focus_id_ == id) {
        ImGui::SetScrollHereY(0.3f);
        focus_stage_ = 1;
    }
    bottom = std::max(bottom, ImGui::GetCursorPosY());

    // The message beside (or, when narrow, below) the field.
    auto it = errors_.find(id);
    if (it != errors_.end()) {
        const float x = message_below ? origin.x + label_w : origin.x + label_w + field_w + gap;
        const float y = message_below ? bottom : origin.y + text_offset;
        const float icon = ImGui::GetTextLineHeight();
        ImGui::SetCursorPos(ImVec2(x, y));
        const ImVec2 icon_pos = ImGui::GetCursorScreenPos();
        DrawIcon(ImGui::GetWindowDrawList(), Icon::Warning,
                 ImVec2(icon_pos.x + icon * 0.5f, icon_pos.y + icon * 0.5f), icon * 0.9f,
                 ToU32(palette.danger));
        ImGui::SetCursorPos(ImVec2(x + icon + 6.0f * s, y));
        ImGui::PushTextWrapPos(message_below ? origin.x + label_w + field_w : origin.x + avail);
        ImGui::PushStyleColor(ImGuiCol_Text, palette.danger);
        ImGui::TextUnformatted(it->second.c_str());
        ImGui::PopStyleColor();
        ImGui::PopTextWrapPos();
        MarkItem(std::string(id) + ".error");
        bottom = std::max(bottom, ImGui::GetCursorPosY());
    }

    row_heights_[id] = bottom - origin.y - ImGui::GetStyle().ItemSpacing.y;
    ImGui::SetCursorPos(ImVec2(origin.x, bottom + 10.0f * s));
}

void CompanyPage::DrawName(const PageContext&, float) {
    InputString("##company.name", &draft_.name);
    MarkItem("company.name");
}

void CompanyPage::DrawLanguage(const PageContext&, float) {
    const auto& languages = SupportedLanguages();
    int selected = IndexOf(languages, draft_.default_language);
    const std::string preview =
        selected >= 0 ? Tr("lang." + draft_.default_language) : draft_.default_language;
    if (ListCombo(
            "##company.default_language", preview, static_cast<int>(languages.size()),
            [&](int i) { return std::string(Tr("lang." + languages[static_cast<size_t>(i)])); },
            [&](int i) { return languages[static_cast<size_t>(i)]; }, &selected,
            "company.default_language")) {
        draft_.default_language = languages[static_cast<size_t>(selected)];
    }
}

void CompanyPage::DrawCurrency(const PageContext& ctx, float) {
    const auto& codes = IsoCurrencyCodes();
    int selected = IndexOf(codes, draft_.currency);
    FilterComboItems items;
    items.count = static_cast<int>(codes.size());
    items.label = [&](int i) { return CurrencyLabel(codes[static_cast<size_t>(i)]); };
    items.key = [&](int i) { return codes[static_cast<size_t>(i)]; };
    items.matches = [&](int i, const std::string& needle) {
        const std::string& code = codes[static_cast<size_t>(i)];
        if (LowerAscii(code).find(needle) != std::string::npos) return true;
        const std::string id = "currency." + code;
        if (!HasText(id)) return false;
        return LowerAscii(TrIn(Language::English, id)).find(needle) != std::string::npos ||
               std::string(TrIn(Language::ChineseSimplified, id)).find(needle) != std::string::npos;
    };
    if (FilterCombo("##company.currency", CurrencyLabel(draft_.currency), items, &selected, &currency_filter_,
                    "company.currency", 360.0f * ctx.scale)) {
        draft_.currency = codes[static_cast<size_t>(selected)];
    }
}

void CompanyPage::DrawTimeZone(const PageContext& ctx, float) {
    const auto& zones = KnownTimeZones();
    // Each zone with its offset now and its Chinese city name; found by name, by a city in Chinese
    // (上海) or by an offset ("+8" finds UTC+8, never Etc/GMT+8): core/company/zone_search.h.
    const int64_t now = static_cast<int64_t>(std::time(nullptr)) * 1000;
    static const std::vector<std::string> labels = [&] {
        std::vector<std::string> out;
        out.reserve(zones.size());
        for (const std::string& zone : zones) out.push_back(ZoneLabel(zone, now));
        return out;
    }();
    static const std::vector<int> offsets = [&] {
        std::vector<int> out;
        out.reserve(zones.size());
        for (const std::string& zone : zones) out.push_back(ZoneOffsetMinutes(zone, now));
        return out;
    }();
    int selected = IndexOf(zones, draft_.time_zone);
    FilterComboItems items;
    items.count = static_cast<int>(zones.size());
    items.label = [&](int i) { return labels[static_cast<size_t>(i)]; };
    items.key = [&](int i) { return zones[static_cast<size_t>(i)]; };
    items.matches = [&](int i, const std::string& needle) {
        if (const std::optional<int> offset = ParseUtcOffset(needle))
            return offsets[static_cast<size_t>(i)] == *offset;
        return ZoneMatches(zones[static_cast<size_t>(i)], needle, now);
    };
    items.summary = [](int visible, int total) {
        return TrFormat("company.zone_count", {std::to_string(visible), std::to_string(total)});
    };
    if (FilterCombo("##company.time_zone", draft_.time_zone, items, &selected, &zone_filter_,
                    "company.time_zone", 420.0f * ctx.scale)) {
        draft_.time_zone = zones[static_cast<size_t>(selected)];
    }
}

void CompanyPage::DrawDateFormat(const PageContext&, float) {
    const auto& formats = SupportedDateFormats();
    int selected = IndexOf(formats, draft_.date_format);
    auto label = [&](int i) {
        const std::string& f = formats[static_cast<size_t>(i)];
        return f + "    " + TrFormat("company.example", {ExampleDate(f)});
    };
    const std::string preview = selected >= 0 ? label(selected) : draft_.date_format;
    if (ListCombo(
            "##company.date_format", preview, static_cast<int>(formats.size()), label,
            [&](int i) { return formats[static_cast<size_t>(i)]; }, &selected, "company.date_format")) {
        draft_.date_format = formats[static_cast<size_t>(selected)];
    }
}

void CompanyPage::DrawFiscalMonth(const PageContext&, float) {
    int selected = draft_.fiscal_year_start_month - 1;
    const std::string preview = selected >= 0 && selected < 12
                                    ? Tr("month." + std::to_string(selected + 1))
                                    : std::to_string(draft_.fiscal_year_start_month);
    if (ListCombo(
            "##company.fiscal_year_start_month", preview, 12,
            [](int i) { return std::string(Tr("month." + std::to_string(i + 1))); },
            [](int i) { return std::to_string(i + 1); }, &selected, "company.fiscal_year_start_month")) {
        draft_.fiscal_year_start_month = selected + 1;
    }
}

void CompanyPage::DrawStart(const PageContext& ctx, float) {
    ImGui::SetNextItemWidth(110.0f * ctx.scale);
    InputString("##company.business_hours.start", &start_text_, ImGuiInputTextFlags_CharsNoBlank, "HH:MM");
    MarkItem("company.business_hours.start");
}

void CompanyPage::DrawEnd(const PageContext& ctx, float) {
    ImGui::SetNextItemWidth(110.0f * ctx.scale);
    InputString("##company.business_hours.end", &end_text_, ImGuiInputTextFlags_CharsNoBlank, "HH:MM");
    MarkItem("company.business_hours.end");
}

void CompanyPage::DrawWeekdays(const PageContext& ctx, float width) {
    const Palette& p = CurrentPalette();
    const float gap = 6.0f * ctx.scale;
    const float chip_w = std::floor((width - 6.0f * gap) / 7.0f);
    for (int day = 0; day < 7; ++day) {
        if (day > 0) ImGui::SameLine(0.0f, gap);
        const bool on = (draft_.business_hours.weekdays >> day) & 1;
        if (on) {
            ImGui::PushStyleColor(ImGuiCol_Button, p.accent);
            ImGui::PushStyleColor(ImGuiCol_ButtonHovered, p.accent_hover);
            ImGui::PushStyleColor(ImGuiCol_ButtonActive, p.accent_active);
            ImGui::PushStyleColor(ImGuiCol_Text, p.on_accent);
            ImGui::PushStyleColor(ImGuiCol_Border, p.accent);
        }
        const std::string label =
            std::string(Tr("weekday." + std::to_string(day))) + "###weekday" + std::to_string(day);
        if (ImGui::Button(label.c_str(), ImVec2(chip_w, 0.0f))) draft_.business_hours.weekdays ^= 1 << day;
        if (on) ImGui::PopStyleColor(5);
        MarkItem(std::string("company.business_hours.weekdays.") + kWeekdayKeys[day]);
    }
}

void CompanyPage::DrawActionBar(const PageContext& ctx, const PermissionGuard& guard) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 bar_min = ImGui::GetCursorScreenPos();
    const float bar_w = ImGui::GetContentRegionAvail().x;
    const float bar_h = 64.0f * s;
    draw->AddRectFilled(bar_min, ImVec2(bar_min.x + bar_w, bar_min.y + bar_h), ToU32(p.surface));
    draw->AddLine(bar_min, ImVec2(bar_min.x + bar_w, bar_min.y), ToU32(p.border), 1.0f);

    const bool is_dirty = dirty();
    const bool is_valid = valid();
    const float pad = 28.0f * s;
    const float button_h = ImGui::GetFrameHeight() + 4.0f * s;
    const float y = bar_min.y + (bar_h - button_h) * 0.5f;

    // The state on the left.
    std::string state;
    ImVec4 dot = p.text_muted;
    if (!save_error_.empty()) {
        state = TrFormat("company.state.save_failed", {save_error_});
        dot = p.danger;
    } else if (is_dirty && !is_valid) {
        state = Tr("company.state.invalid");
        dot = p.danger;
    } else if (is_dirty && !draft_notice_.empty()) {
        state = draft_notice_;
        dot = p.warning;
    } else if (is_dirty) {
        state = Tr("company.state.unsaved");
        dot = p.warning;
    } else if (ImGui::GetTime() - just_saved_at_ < 4.0) {
        state = Tr("company.state.just_saved");
        dot = p.success;
    } else {
        state = Tr("company.state.clean");
    }

    const std::string save_label = Label("company.save");
    const std::string cancel_label = Label("company.cancel");
    const float save_w = ImGui::CalcTextSize(Tr("company.save")).x + 36.0f * s;
    const float cancel_w = ImGui::CalcTextSize(Tr("company.cancel")).x + 36.0f * s;
    const float right = bar_min.x + bar_w - pad;

    const float dot_r = 4.0f * s;
    const float text_y = bar_min.y + (bar_h - ImGui::GetTextLineHeight()) * 0.5f;
    draw->AddCircleFilled(ImVec2(bar_min.x + pad + dot_r, bar_min.y + bar_h * 0.5f), dot_r, ToU32(dot));
    const float state_w = right - cancel_w - save_w - 24.0f * s - (bar_min.x + pad + 4.0f * dot_r);
    const std::string shown = Ellipsize(state, std::max(40.0f * s, state_w));
    draw->AddText(ImVec2(bar_min.x + pad + 4.0f * dot_r, text_y),
                  ToU32(!save_error_.empty() ? p.danger : p.text), shown.c_str());
    if (!save_error_.empty()) PublishError("company.save", save_error_);
    crm::ui::PublishForm("company.draft_notice", is_dirty ? draft_notice_ : std::string());
    if (shown != state &&
        ImGui::IsMouseHoveringRect(bar_min, ImVec2(right - cancel_w - save_w, bar_min.y + bar_h)))
        ImGui::SetTooltip("%s", state.c_str());

    ImGui::SetCursorScreenPos(ImVec2(right - save_w - 10.0f * s - cancel_w, y));
    if (SecondaryButton(cancel_label.c_str(), is_dirty, ImVec2(cancel_w, button_h))) Discard();
    MarkItem("company.cancel");
    ImGui::SetCursorScreenPos(ImVec2(right - save_w, y));
    if (PrimaryButton(save_label.c_str(), is_dirty && is_valid && guard.allowed(), ImVec2(save_w, button_h)))
        Save();
    guard.ReasonOnHover();
    MarkItem("company.save");
    ImGui::SetCursorScreenPos(ImVec2(bar_min.x, bar_min.y + bar_h));
    ImGui::Dummy(ImVec2(0.0f, 0.0f));
}

void CompanyPage::PublishForm() const {
    crm::ui::PublishForm("company.name", draft_.name);
    crm::ui::PublishForm("company.default_language", draft_.default_language);
    crm::ui::PublishForm("company.currency", draft_.currency);
    crm::ui::PublishForm("company.time_zone", draft_.time_zone);
    crm::ui::PublishForm("company.date_format", draft_.date_format);
    crm::ui::PublishForm("company.fiscal_year_start_month", draft_.fiscal_year_start_month);
    crm::ui::PublishForm("company.business_hours.start", start_text_);
    crm::ui::PublishForm("company.business_hours.end", end_text_);
    nlohmann::json days = nlohmann::json::array();
    for (int day = 0; day < 7; ++day) {
        if ((draft_.business_hours.weekdays >> day) & 1) days.push_back(kWeekdayKeys[day]);
    }
    crm::ui::PublishForm("company.business_hours.weekdays", days);
}

}  // namespace crm::ui
