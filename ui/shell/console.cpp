#include "ui/shell/console.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "imgui.h"
#include "imgui_internal.h"
#include "ui/access/sign_in_screen.h"
#include "ui/kit/time_text.h"
#include "ui/kit/widgets.h"
#include "ui/shell/appearance.h"
#include "ui/shell/busy.h"
#include "ui/shell/platform.h"

namespace crm::ui {

namespace {

constexpr float kScales[] = {0.8f, 0.9f, 1.0f, 1.1f, 1.25f, 1.5f, 1.75f, 2.0f};

std::string Percent(float scale) {
    return std::to_string(static_cast<int>(std::lround(scale * 100.0f))) + "%";
}

const char* SaveStateName(SaveState state) {
    switch (state) {
        case SaveState::Saved:
            return "saved";
        case SaveState::Saving:
            return "saving";
        case SaveState::Failed:
            return "failed";
        case SaveState::MemoryOnly:
            return "memory";
    }
    return "saved";
}

// The reason shown in the current language. Platforms word their reasons with the English
// catalog (TrIn / TrFormatIn), so a reason is recognised and shown in the current language.
std::string ShownReason(const std::string& reason) {
    for (const char* id : {"reason.quota", "reason.no_indexeddb", "reason.newer_version"}) {
        if (reason == TrIn(Language::English, id)) return Tr(id);
    }
    for (const char* id : {"reason.sync_failed", "reason.open_failed", "reason.write_failed"}) {
        const std::string pattern = TrIn(Language::English, id);
        const std::string prefix = pattern.substr(0, pattern.find("{detail}"));
        if (reason.rfind(prefix, 0) == 0) return TrFormat(id, {reason.substr(prefix.size())});
    }
    return reason;
}

std::string SaveText(const PersistStatus& status) {
    switch (status.state) {
        case SaveState::Saved:
            return Tr("save.saved");
        case SaveState::Saving:
            return Tr("save.saving");
        case SaveState::Failed:
            // The count first: the pill may cut the reason short.
            if (status.unsaved_commits > 0) {
                return TrFormat("save.failed_unsaved",
                                {std::to_string(status.unsaved_commits), ShownReason(status.reason)});
            }
            return TrFormat("save.failed", {ShownReason(status.reason)});
        case SaveState::MemoryOnly:
            return TrFormat("save.memory", {ShownReason(status.reason)});
    }
    return {};
}

// What a failed save left in memory only, said in full (the save state's tooltip).
std::string UnsavedDetail(const PersistStatus& status) {
    return TrFormat("save.unsaved.detail",
                    {std::to_string(status.unsaved_commits), std::to_string(status.unsaved_kb)});
}

}  // namespace

Console::Console(Workspace& workspace, Platform& platform, ConsoleOptions options)
    : workspace_(workspace), platform_(platform), notice_(std::move(options.notice)), bell_(workspace) {
    const PageServices services{workspace_, platform_, guard_};
    for (const AreaSpec& area : Areas().areas()) pages_.push_back(area.make(services));
    if (!Areas().areas().empty()) page_ = Areas().areas().front().slug;
    if (!options.page.empty() && Areas().Find(options.page)) page_ = options.page;
    if (options.drafts.is_object()) {
        for (const auto& [slug, draft] : options.drafts.items()) {
            if (Page* page = PageOf(slug)) page->RestorePageDraft(draft);
        }
    }

    // Language: --lang, else the saved preference, else the company's default language.
    std::optional<Language> language = options.language;
    if (!language) language = ParseLanguage(platform_.LoadPreference("lang"));
    if (!language) {
        Result<CompanyProfile> company = workspace_.company().Get();
        language =
            ParseLanguage(company.ok() ? company->default_language : CompanyProfile().default_language);
    }
    crm::ui::SetLanguage(language.value_or(Language::English));

    theme_ = ParseTheme(platform_.LoadPreference("theme")).value_or(Theme::Light);
    const float scale = static_cast<float>(std::atof(platform_.LoadPreference("ui_scale").c_str()));
    ui_scale_ = scale >= 0.5f && scale <= 3.0f ? scale : 1.0f;
}

std::string Console::WindowTitle() const { return CompanyName() + " — " + Tr("app.window_title"); }

const std::string& Console::CompanyName() const {
    // A profile that cannot be read keeps the name last read (at first, the default profile's).
    if (named_change_ != workspace_.change_count()) {
        named_change_ = workspace_.change_count();
        if (company_name_.empty()) company_name_ = CompanyProfile().name;
        if (Result<CompanyProfile> company = workspace_.company().Get(); company.ok())
            company_name_ = company->name;
    }
    return company_name_;
}

Page* Console::PageOf(const std::string& slug) {
    const std::vector<AreaSpec>& areas = Areas().areas();
    for (size_t i = 0; i < areas.size(); ++i) {
        if (areas[i].slug == slug) return pages_[i].get();
    }
    return nullptr;
}

void Console::SetLanguage(Language language) {
    crm::ui::SetLanguage(language);
    platform_.SavePreference("lang", LanguageCode(language));
}

void Console::SetTheme(Theme theme) {
    theme_ = theme;
    platform_.SavePreference("theme", ThemeName(theme));
}

void Console::SetUiScale(float scale) {
    ui_scale_ = scale;
    platform_.SavePreference("ui_scale", std::to_string(scale));
}

nlohmann::json Console::KeepDrafts() {
    nlohmann::json drafts = nlohmann::json::object();
    const std::vector<AreaSpec>& areas = Areas().areas();
    for (size_t i = 0; i < areas.size(); ++i) {
        if (nlohmann::json draft = pages_[i]->KeepPageDraft(); !draft.is_null()) drafts[areas[i].slug] = std::move(draft);
    }
    return drafts;
}

bool Console::HoldsUnkeptEdits() {
    for (const std::unique_ptr<Page>& page : pages_) {
        Editable* edits = page->edits();
        if (edits && edits->dirty() && edits->KeepDraft().is_null()) return true;
    }
    return false;
}

Editable* Console::PageEdits() {
    Page* page = PageOf(page_);
    return page != nullptr ? page->edits() : nullptr;
}

void Console::RequestNavigate(const std::string& page, const std::string& setting) {
    // Within the page, the page itself decides what keeps its edits (the company form keeps its
    // draft while quick find jumps to a setting; the object manager asks before leaving an object).
    if (page == page_) {
        NavigateNow(page, setting);
        return;
    }
    guard_.Leave(PageEdits(), [this, page, setting] { NavigateNow(page, setting); });
}

void Console::NavigateNow(const std::string& page, const std::string& setting) {
    Page* target = PageOf(page);
    if (target == nullptr) return;
    page_ = page;
    target->Open(setting, ImGui::GetTime());
}

void Console::RefreshCounts() {
    for (const std::unique_ptr<Page>& page : pages_) page->Refresh();
    bell_.Refresh(ImGui::GetTime());
    if (counted_change_ == workspace_.change_count()) return;
    counted_change_ = workspace_.change_count();
    SetShownZone(ReadCompanyZone(workspace_));  // the company profile may have changed
    AuditQuery any;
    any.limit = 1;
    Result<AuditPage> page = workspace_.audit().List(ActingUser(), any);
    audit_total_ = page.ok() ? page->total : 0;
}

void Console::HandleShortcuts() {
    const ImGuiIO& io = ImGui::GetIO();
    if ((io.KeyCtrl || io.KeySuper) && ImGui::IsKeyPressed('K', false)) quick_find_.RequestFocus();
    // Escape closes the open dropdowns and menus (ImGui 1.86 does so only with keyboard navigation
    // on); otherwise the next click went to closing the popup instead of to what it was aimed at.
    // Modal dialogs stay: each closes on Escape by itself.
    ImGuiContext& g = *GImGui;
    if (g.OpenPopupStack.Size > 0 && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
        int keep = 0;
        while (keep < g.OpenPopupStack.Size && g.OpenPopupStack[keep].Window &&
               (g.OpenPopupStack[keep].Window->Flags & ImGuiWindowFlags_Modal)) {
            ++keep;
        }
        if (keep < g.OpenPopupStack.Size) ImGui::ClosePopupToLevel(keep, true);
    }
}

void Console::Draw(const Appearance& appearance) {
    ++frame_;
    SetActiveTestHooks(&hooks_);
    hooks_.BeginFrame(platform_.ItemCoordinateScale());
    RefreshCounts();
    SetActiveUndoNotice(&undo_, ImGui::GetTime());
    HandleShortcuts();

    PageContext ctx;
    ctx.scale = appearance.scale();
    ctx.title_font = appearance.title_font();
    ctx.heading_font = appearance.heading_font();
    ctx.small_font = appearance.small_font();
    ctx.time = ImGui::GetTime();
    ctx.navigate = [this](const std::string& slug) { RequestNavigate(slug); };
    ctx.open = [this](const std::string& slug, const std::string& setting) {
        RequestNavigate(slug, setting);
    };
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();

    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, p.background);
    const ImGuiWindowFlags root_flags =
        ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
        ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse;
    ImGui::Begin("##console", nullptr, root_flags);
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();
    if (DrawSignInGate(ctx, workspace_)) {  // ui/access/sign_in_screen.h: the sign-in and lock screens
        ImGui::End();
        PublishState();
        hooks_.EndFrame(platform_, frame_);
        SetActiveTestHooks(nullptr);
        SetActiveUndoNotice(nullptr, 0.0);
        return;
    }

    const float topbar_h = 60.0f * s;
    const float sidebar_w = 248.0f * s;
    float banner_h = DrawBanner(ctx, topbar_h);
    banner_h += DrawViewAsBanner(ctx, topbar_h + banner_h);
    banner_h += DrawStoreBehindBanner(ctx, topbar_h + banner_h);
    DrawSidebar(ctx, topbar_h + banner_h, sidebar_w);
    DrawContent(ctx, ImVec2(viewport->Pos.x + sidebar_w, viewport->Pos.y + topbar_h + banner_h),
                ImVec2(viewport->Size.x - sidebar_w, viewport->Size.y - topbar_h - banner_h));
    // The top bar last: its quick-find list must draw over the page.
    DrawTopBar(ctx, topbar_h);
    guard_.Draw(ctx);
    if (bell_.DrawToast(ctx)) {
        // A toast about a record opens the record; others the notification inbox.
        if (bell_.toast_record_id() > 0) {
            RequestNavigate("objects", RecordSetting(bell_.toast_object(), bell_.toast_record_id()));
        } else {
            RequestNavigate("workflow", "workflow.notifications");
        }
    }
    DrawUndoNotice(ctx);
    DrawProgressOverlay(ctx);
    ImGui::End();

    PublishState();
    hooks_.EndFrame(platform_, frame_);
    SetActiveTestHooks(nullptr);
    SetActiveUndoNotice(nullptr, 0.0);
}

void Console::DrawUndoNotice(const PageContext& ctx) {
    const ImGuiIO& io = ImGui::GetIO();
    if ((io.KeyCtrl || io.KeySuper) && !io.KeyShift && !io.WantTextInput && ImGui::IsKeyPressed('Z', false))
        undo_.Undo(ActingUser(), ctx.time);
    undo_.Draw(ctx.scale, ctx.time, ActingUser());
}

// [SECTION] Top bar

void Console::DrawTopBar(const PageContext& ctx, float height) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const ImVec2 origin = viewport->Pos;
    const float width = viewport->Size.x;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height), ToU32(p.surface));
    draw->AddLine(ImVec2(origin.x, origin.y + height - 1.0f),
                  ImVec2(origin.x + width, origin.y + height - 1.0f), ToU32(p.border));
    const float frame_h = ImGui::GetFrameHeight();
    const float y = origin.y + (height - frame_h) * 0.5f;
    const float pad = 18.0f * s;

    // Left: the mark, the workspace (company) name and the console's name.
    const float mark = 30.0f * s;
    const ImVec2 mark_min(origin.x + pad, origin.y + (height - mark) * 0.5f);
    draw->AddRectFilled(mark_min, ImVec2(mark_min.x + mark, mark_min.y + mark), ToU32(p.accent), 8.0f * s);
    DrawIcon(draw, Icon::Objects, ImVec2(mark_min.x + mark * 0.5f, mark_min.y + mark * 0.5f), mark * 0.55f,
             ToU32(p.on_accent));
    float x = mark_min.x + mark + 12.0f * s;
    const float text_y = origin.y + (height - ImGui::GetTextLineHeight()) * 0.5f;

    // Right cluster, laid out from the right edge: size, theme, language, user, save state.
    float right = origin.x + width - pad;
    auto button_w = [&](const char* text, float extra) {
        return ImGui::CalcTextSize(text).x + 24.0f * s + extra;
    };

    const std::string scale_text = Percent(ui_scale_);
    const float scale_w = button_w(scale_text.c_str(), 0.0f);
    const bool dark = theme_ == Theme::Dark;
    const char* theme_text = Tr(dark ? "topbar.theme.light" : "topbar.theme.dark");
    const float icon = 16.0f * s;
    const char* lang_text = Tr("topbar.lang.other");
    const float lang_w = button_w(lang_text, 0.0f);
    const std::string user_name = ActingUser();
    const char* user = user_name.c_str();
    const float frame_h_avatar = frame_h - 4.0f * s;
    const PersistStatus status = platform_.persist_status();
    const std::string save_text = SaveText(status);
    const float pill_max = std::clamp(width * 0.22f, 120.0f * s, 340.0f * s);
    // A large UI size on a small window: what does not fit shrinks, each part keeping its tooltip. First
    // the theme button, the user and the save state to their icons, then the company's name to the mark;
    // quick find takes what is left (at least a box a few characters wide). Nothing overlaps.
    const float fixed_right =
        pad + scale_w + 8.0f * s + lang_w + 8.0f * s + 18.0f * s + bell_.Width(ctx) + 16.0f * s;
    const float full_right = fixed_right + button_w(theme_text, icon + 6.0f * s) + frame_h_avatar + 8.0f * s +
                             ImGui::CalcTextSize(user).x +
                             std::min(pill_max, ImGui::CalcTextSize(save_text.c_str()).x + 32.0f * s);
    const float compact_right = fixed_right + icon + 24.0f * s + frame_h_avatar + 32.0f * s;
    const float brand_w = x - origin.x + 60.0f * s + 24.0f * s;  // the mark and a few letters of the name
    const bool compact = full_right + brand_w + 200.0f * s > width;
    const bool mark_only = compact && compact_right + brand_w + 72.0f * s > width;
    hooks_.state()["topbar_compact"] = mark_only ? 2 : compact ? 1 : 0;
    right -= scale_w;
    ImGui::SetCursorScreenPos(ImVec2(right, y));
    if (ImGui::Button((scale_text + "###topbar.scale").c_str(), ImVec2(scale_w, frame_h))) {
        ImGui::OpenPopup("topbar.scale.popup");
    }
    MarkItem("topbar.scale");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr("topbar.scale.tooltip"));
    if (ImGui::BeginPopup("topbar.scale.popup")) {
        for (float option : kScales) {
            if (ImGui::Selectable(Percent(option).c_str(), std::fabs(option - ui_scale_) < 0.01f))
                SetUiScale(option);
            MarkItem("topbar.scale." + std::to_string(static_cast<int>(std::lround(option * 100.0f))));
        }
        ImGui::EndPopup();
    }

    const float theme_w = compact ? icon + 24.0f * s : button_w(theme_text, icon + 6.0f * s);
    right -= theme_w + 8.0f * s;
    ImGui::SetCursorScreenPos(ImVec2(right, y));
    ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(1.0f, 0.5f));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(12.0f * s, ImGui::GetStyle().FramePadding.y));
    if (ImGui::Button(((compact ? std::string() : std::string(theme_text)) + "###topbar.theme").c_str(),
                      ImVec2(theme_w, frame_h))) {
        SetTheme(dark ? Theme::Light : Theme::Dark);
    }
    ImGui::PopStyleVar(2);
    MarkItem("topbar.theme");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", Tr(dark ? "topbar.theme.tooltip_light" : "topbar.theme.tooltip_dark"));
    const ImU32 theme_bg = ImGui::GetColorU32(ImGui::IsItemActive()    ? ImGuiCol_ButtonActive
                                              : ImGui::IsItemHovered() ? ImGuiCol_ButtonHovered
                                                                       : ImGuiCol_Button);
    DrawIcon(draw, dark ? Icon::Sun : Icon::Moon, ImVec2(right + 12.0f * s + icon * 0.5f, y + frame_h * 0.5f),
             icon, ToU32(p.text_muted), theme_bg);

    right -= lang_w + 8.0f * s;
    ImGui::SetCursorScreenPos(ImVec2(right, y));
    if (ImGui::Button((std::string(lang_text) + "###topbar.lang").c_str(), ImVec2(lang_w, frame_h))) {
        SetLanguage(CurrentLanguage() == Language::English ? Language::ChineseSimplified : Language::English);
    }
    MarkItem("topbar.lang");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", Tr("topbar.lang.tooltip"));

    // The acting user: an avatar with the initial, and the name; a click picks a user to view as.
    const bool viewing_as = user_name != ConsoleUser();
    const float avatar = frame_h_avatar;
    const float user_w = compact ? avatar : avatar + 8.0f * s + ImGui::CalcTextSize(user).x;
    right -= user_w + 18.0f * s;
    const ImVec2 avatar_c(right + avatar * 0.5f, y + frame_h * 0.5f);
    draw->AddCircleFilled(avatar_c, avatar * 0.5f, ToU32(viewing_as ? p.warning_soft : p.accent_soft), 24);
    const char initial[2] = {static_cast<char>(std::toupper(static_cast<unsigned char>(user[0]))), 0};
    const ImVec2 initial_size = ImGui::CalcTextSize(initial);
    draw->AddText(ImVec2(avatar_c.x - initial_size.x * 0.5f, avatar_c.y - initial_size.y * 0.5f),
                  ToU32(viewing_as ? p.warning : p.accent), initial);
    if (!compact) draw->AddText(ImVec2(right + avatar + 8.0f * s, text_y), ToU32(p.text), user);
    ImGui::SetCursorScreenPos(ImVec2(right, y));
    if (ImGui::InvisibleButton("##topbar.user", ImVec2(user_w, frame_h)) && CanViewAs(workspace_)) {
        view_as_filter_.clear();
        view_as_error_.clear();
        ImGui::OpenPopup("topbar.user.popup");
    }
    MarkItem("topbar.user");
    if (ImGui::IsItemHovered() && !ImGui::IsPopupOpen("topbar.user.popup")) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24.0f);
        ImGui::TextUnformatted(
            TrFormat(CanViewAs(workspace_) ? "topbar.user.tooltip" : "topbar.user.tooltip_self", {user})
                .c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    DrawUserMenu();

    // The acting user's unread notifications.
    if (bell_.Draw(ctx, &right, y)) RequestNavigate("workflow", "workflow.notifications");

    // The save state.
    ImVec4 dot = p.success;
    if (status.state == SaveState::Saving) dot = p.accent;
    if (status.state == SaveState::Failed) dot = p.danger;
    if (status.state == SaveState::MemoryOnly) dot = p.warning;
    const float pill_w =
        compact ? 32.0f * s : std::min(pill_max, ImGui::CalcTextSize(save_text.c_str()).x + 32.0f * s);
    right -= pill_w + 16.0f * s;
    ImGui::SetCursorScreenPos(ImVec2(right, y));
    StatusPill(dot, compact ? std::string() : save_text, pill_w);
    MarkItem("topbar.save");
    const bool unsaved = status.state == SaveState::Failed && status.unsaved_commits > 0;
    if (ImGui::IsItemHovered() &&
        (compact || status.state == SaveState::Saved || unsaved || !status.note_id.empty())) {
        std::string tip = compact || unsaved ? save_text : std::string();
        if (status.state == SaveState::Saved)
            tip += std::string(tip.empty() ? "" : "\n") + Tr("save.saved.tooltip");
        if (unsaved) tip += "\n" + UnsavedDetail(status);
        if (!status.note_id.empty()) tip += std::string(tip.empty() ? "" : "\n") + Tr(status.note_id.c_str());
        ImGui::SetTooltip("%s", tip.c_str());
    }

    // Quick find in the middle (or as much of it as fits).
    const float name_max = 260.0f * s;
    const std::string name = CompanyName();
    const std::string subtitle = Tr("app.title");
    const float left_end = mark_only ? x
                                     : x + std::min(name_max, ImGui::CalcTextSize(name.c_str()).x) +
                                           16.0f * s + ImGui::CalcTextSize(subtitle.c_str()).x + 24.0f * s;
    float find_w = std::clamp(width * 0.3f, 200.0f * s, 440.0f * s);
    float find_x = origin.x + (width - find_w) * 0.5f;
    if (find_x < left_end) find_x = left_end;
    const float find_min = mark_only ? 48.0f * s : compact ? 72.0f * s : 140.0f * s;
    if (find_x + find_w > right - 16.0f * s) find_w = std::max(find_min, right - 16.0f * s - find_x);
    // Still too wide (the name kept more than its share): the name gives way to quick find.
    if (find_x + find_w > right - 16.0f * s) find_x = std::max(x, right - 16.0f * s - find_w);

    // The names, shortened to leave room for quick find (none when only the mark fits).
    const float name_room = find_x - x - 24.0f * s;
    const std::string shown_name =
        mark_only || name_room < 24.0f * s ? std::string() : Ellipsize(name, std::min(name_max, name_room));
    draw->AddText(ImVec2(x, text_y), ToU32(p.text), shown_name.c_str());
    draw->AddText(ImVec2(x + 0.6f * s, text_y), ToU32(p.text), shown_name.c_str());  // a touch bolder
    if (!shown_name.empty())
        MarkRect("topbar.name", ImVec2(x, text_y), ImGui::CalcTextSize(shown_name.c_str()));
    const float after_name = x + ImGui::CalcTextSize(shown_name.c_str()).x + 10.0f * s;
    if (after_name + ImGui::CalcTextSize(subtitle.c_str()).x + 16.0f * s < find_x) {
        draw->AddLine(ImVec2(after_name, text_y + 2.0f * s),
                      ImVec2(after_name, text_y + ImGui::GetTextLineHeight() - 2.0f * s), ToU32(p.border),
                      1.0f);
        draw->AddText(ImVec2(after_name + 10.0f * s, text_y), ToU32(p.text_muted), subtitle.c_str());
    }

    ImGui::SetCursorScreenPos(ImVec2(find_x, y));
    if (const std::optional<SettingEntry> entry = quick_find_.Draw(ctx, workspace_, find_w))
        RequestNavigate(entry->page, entry->id);
}

// [SECTION] Banner

float Console::DrawBanner(const PageContext& ctx, float top) {
    if (notice_.kind == StartupNotice::Kind::None || banner_dismissed_) return 0.0f;
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const std::string text = notice_.Text();
    const float pad_x = 20.0f * s;
    const float pad_y = 12.0f * s;
    const char* dismiss = Tr("banner.dismiss");
    const float button_w = ImGui::CalcTextSize(dismiss).x + 28.0f * s;
    const float icon = 18.0f * s;
    const float text_x = viewport->Pos.x + pad_x + icon + 12.0f * s;
    const float wrap = viewport->Size.x - (text_x - viewport->Pos.x) - button_w - 2.0f * pad_x;
    const ImVec2 text_size = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
    const float height = std::max(text_size.y, ImGui::GetFrameHeight()) + 2.0f * pad_y;
    const ImVec2 min(viewport->Pos.x, viewport->Pos.y + top);
    const ImVec2 max(min.x + viewport->Size.x, min.y + height);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, max, ToU32(p.warning_soft));
    draw->AddLine(ImVec2(min.x, max.y - 1.0f), ImVec2(max.x, max.y - 1.0f), ToU32(p.warning, 0.35f));
    const float text_y = min.y + (height - text_size.y) * 0.5f;
    DrawIcon(draw, Icon::Warning,
             ImVec2(min.x + pad_x + icon * 0.5f, text_y + ImGui::GetTextLineHeight() * 0.5f), icon,
             ToU32(p.warning));
    draw->AddText(nullptr, 0.0f, ImVec2(text_x, text_y), ToU32(p.warning_text), text.c_str(), nullptr, wrap);
    MarkRect("banner", min, ImVec2(max.x - min.x, height));
    ImGui::SetCursorScreenPos(
        ImVec2(max.x - pad_x - button_w, min.y + (height - ImGui::GetFrameHeight()) * 0.5f));
    if (ImGui::Button((std::string(dismiss) + "###banner.dismiss").c_str(), ImVec2(button_w, 0.0f))) {
        banner_dismissed_ = true;
    }
    MarkItem("banner.dismiss");
    return height;
}

void Console::DrawUserMenu() {
    if (!ImGui::BeginPopup("topbar.user.popup")) return;
    const float s = CurrentScale();
    ImGui::TextUnformatted(Tr("viewas.title"));
    ImGui::SetNextItemWidth(260.0f * s);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    InputString("##topbar.user.filter", &view_as_filter_, 0, Tr("viewas.filter_hint"));
    MarkItem("topbar.user.filter");
    const std::string needle = LowerAscii(view_as_filter_);
    ImGui::BeginChild("##viewas.list", ImVec2(260.0f * s, 240.0f * s));
    for (const User& u : workspace_.access().Users()) {
        if (!u.active) continue;
        if (!needle.empty() && LowerAscii(u.full_name + " " + u.username).find(needle) == std::string::npos)
            continue;
        const std::string text = (u.full_name.empty() ? u.username : u.full_name) + "  (" + u.username + ")";
        // A long name is cut to the list's width (the whole name in its tooltip).
        if (CellSelectable(text, "##viewas." + u.username, u.username == ActingUser())) {
            view_as_error_ = ViewAs(workspace_, u.username);
            if (view_as_error_.empty()) ImGui::CloseCurrentPopup();
        }
        MarkItem("topbar.user.option." + u.username);
    }
    ImGui::EndChild();
    if (!view_as_error_.empty()) {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 260.0f * s);
        ImGui::TextColored(CurrentPalette().danger, "%s", view_as_error_.c_str());
        ImGui::PopTextWrapPos();
        MarkItem("topbar.user.error");
    }
    ImGui::EndPopup();
}

float Console::DrawStoreBehindBanner(const PageContext& ctx, float top) {
    if (!store_behind_) return 0.0f;
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float height = ImGui::GetFrameHeight() + 16.0f * s;
    const ImVec2 min(viewport->Pos.x, viewport->Pos.y + top);
    const ImVec2 max(min.x + viewport->Size.x, min.y + height);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, max, ToU32(p.warning_soft));
    DrawIcon(draw, Icon::Warning, ImVec2(min.x + 30.0f * s, min.y + height * 0.5f), 18.0f * s, ToU32(p.warning));
    const std::string text = Tr("draft.store_behind");
    const ImVec2 text_pos(min.x + 48.0f * s, min.y + (height - ImGui::GetTextLineHeight()) * 0.5f);
    draw->AddText(text_pos, ToU32(p.warning_text), Ellipsize(text, max.x - 20.0f * s - text_pos.x).c_str());
    MarkRect("store_behind", min, ImVec2(max.x - min.x, height));
    return height;
}

float Console::DrawViewAsBanner(const PageContext& ctx, float top) {
    if (ActingUser() == ConsoleUser()) return 0.0f;
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    std::string name = ActingUser();
    if (Result<User> u = workspace_.access().GetUser(name); u.ok() && !u->full_name.empty())
        name = u->full_name;
    const std::string text = TrFormat("viewas.banner", {name});
    const float height = ImGui::GetFrameHeight() + 16.0f * s;
    const ImVec2 min(viewport->Pos.x, viewport->Pos.y + top);
    const ImVec2 max(min.x + viewport->Size.x, min.y + height);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, max, ToU32(p.accent_soft));
    draw->AddLine(ImVec2(min.x, max.y - 1.0f), ImVec2(max.x, max.y - 1.0f), ToU32(p.accent, 0.35f));
    DrawIcon(draw, Icon::User, ImVec2(min.x + 30.0f * s, min.y + height * 0.5f), 18.0f * s, ToU32(p.accent));
    MarkRect("viewas.banner", min, ImVec2(max.x - min.x, height));
    const char* back = Tr("viewas.return");
    const float button_w = ImGui::CalcTextSize(back).x + 28.0f * s;
    const float button_x = max.x - 20.0f * s - button_w;
    // The text stops short of the button: a long name is cut with "..." and the whole text is the tooltip.
    const ImVec2 text_pos(min.x + 48.0f * s, min.y + (height - ImGui::GetTextLineHeight()) * 0.5f);
    const std::string shown = Ellipsize(text, std::max(0.0f, button_x - 12.0f * s - text_pos.x));
    draw->AddText(text_pos, ToU32(p.text), shown.c_str());
    const ImVec2 shown_size = ImGui::CalcTextSize(shown.c_str());
    MarkRect("viewas.text", text_pos, shown_size);
    if (shown != text &&
        ImGui::IsMouseHoveringRect(text_pos, ImVec2(text_pos.x + shown_size.x, text_pos.y + shown_size.y))) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
        ImGui::TextUnformatted(text.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    ImGui::SetCursorScreenPos(ImVec2(button_x, min.y + 8.0f * s));
    // The frame that returns to the administrator no longer publishes the button (the banner is gone).
    if (PrimaryButton((std::string(back) + "###viewas.return").c_str(), true, ImVec2(button_w, 0.0f))) {
        ViewAs(workspace_, ConsoleUser());
    } else {
        MarkItem("viewas.return");
    }
    hooks_.state()["viewas_banner"] = text;
    hooks_.state()["viewas_banner_shown"] = shown;
    return height;
}

// [SECTION] Sidebar

void Console::DrawSidebar(const PageContext& ctx, float top, float width) {
    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const ImVec2 min(viewport->Pos.x, viewport->Pos.y + top);
    const ImVec2 max(min.x + width, viewport->Pos.y + viewport->Size.y);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(min, max, ToU32(p.surface));
    draw->AddLine(ImVec2(max.x - 1.0f, min.y), ImVec2(max.x - 1.0f, max.y), ToU32(p.border));

    const float margin = 12.0f * s;
    float y = min.y + 20.0f * s;
    ImGui::PushFont(ctx.small_font);
    draw->AddText(ImVec2(min.x + margin + 10.0f * s, y), ToU32(p.text_muted), Tr("nav.section"));
    y += ImGui::GetTextLineHeight() + 10.0f * s;
    ImGui::PopFont();

    const float item_h = 38.0f * s;
    const float icon = 18.0f * s;
    for (const AreaSpec& area : Areas().areas()) {
        const ImVec2 item_min(min.x + margin, y);
        const ImVec2 item_max(max.x - margin, y + item_h);
        ImGui::SetCursorScreenPos(item_min);
        const std::string id = "nav." + area.slug;
        const bool clicked = ImGui::InvisibleButton(id.c_str(), ImVec2(item_max.x - item_min.x, item_h));
        const bool hovered = ImGui::IsItemHovered();
        MarkItem(id);
        const bool current = area.slug == page_;
        if (current) {
            draw->AddRectFilled(item_min, item_max, ToU32(p.accent_soft), 8.0f * s);
            draw->AddRectFilled(ImVec2(item_min.x, item_min.y + 8.0f * s),
                                ImVec2(item_min.x + 3.0f * s, item_max.y - 8.0f * s), ToU32(p.accent),
                                2.0f * s);
        } else if (hovered) {
            draw->AddRectFilled(item_min, item_max, ToU32(p.surface_hover), 8.0f * s);
        }
        const ImU32 color = ToU32(current ? p.accent : p.text);
        DrawIcon(draw, area.icon, ImVec2(item_min.x + 14.0f * s + icon * 0.5f, y + item_h * 0.5f), icon,
                 ToU32(current ? p.accent : p.text_muted));
        const float text_y = y + (item_h - ImGui::GetTextLineHeight()) * 0.5f;
        draw->AddText(ImVec2(item_min.x + 24.0f * s + icon, text_y), color, Tr(id));
        if (!area.built) {
            ImGui::PushFont(ctx.small_font);
            const char* soon = Tr("nav.soon");
            const ImVec2 soon_size = ImGui::CalcTextSize(soon);
            const ImVec2 badge_min(item_max.x - soon_size.x - 22.0f * s,
                                   y + (item_h - soon_size.y - 6.0f * s) * 0.5f);
            const ImVec2 badge_max(item_max.x - 8.0f * s, badge_min.y + soon_size.y + 6.0f * s);
            draw->AddRectFilled(badge_min, badge_max, ToU32(p.surface_hover),
                                (badge_max.y - badge_min.y) * 0.5f);
            draw->AddRect(badge_min, badge_max, ToU32(p.border), (badge_max.y - badge_min.y) * 0.5f);
            draw->AddText(ImVec2(badge_min.x + 7.0f * s, badge_min.y + 3.0f * s), ToU32(p.text_muted), soon);
            ImGui::PopFont();
        }
        if (clicked) RequestNavigate(area.slug);
        y += item_h + 2.0f * s;
    }

    // The footer: versions.
    ImGui::PushFont(ctx.small_font);
    const WorkspaceInfo info = workspace_.Info();
    const std::string footer = TrFormat("sidebar.footer", {info.app_version, info.sqlite_version});
    const float footer_y = max.y - ImGui::GetTextLineHeight() - 16.0f * s;
    if (footer_y > y + 8.0f * s) {
        draw->AddText(ImVec2(min.x + margin + 10.0f * s, footer_y), ToU32(p.text_muted),
                      Ellipsize(footer, width - 2.0f * margin - 10.0f * s).c_str());
    }
    ImGui::PopFont();
}

// [SECTION] Content

void Console::DrawContent(const PageContext& ctx, ImVec2 pos, ImVec2 size) {
    const float s = ctx.scale;
    ImGui::SetCursorScreenPos(pos);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    // The content area scrolls, both ways, when a page is taller or wider than the window (at
    // 1024x640 every control stays in reach); a page's own lists scroll inside it.
    ImGui::BeginChild("##content", size, false, ImGuiWindowFlags_HorizontalScrollbar);
    ImGui::PopStyleVar();

    // The page header: title and one line on what the page is for.
    const std::string slug = page_;
    ImGui::SetCursorPos(ImVec2(28.0f * s, 22.0f * s));
    ImGui::BeginGroup();
    ImGui::PushFont(ctx.title_font);
    ImGui::TextUnformatted(Tr("page." + slug + ".title"));
    ImGui::PopFont();
    TextMuted(Tr("page." + slug + ".desc"), false);
    ImGui::EndGroup();
    ImGui::Dummy(ImVec2(0.0f, 8.0f * s));

    if (Page* page = PageOf(page_)) page->Draw(ctx);
    ImGui::EndChild();
}

// [SECTION] The test snapshot

void Console::PublishState() {
    nlohmann::json& state = hooks_.state();
    const PersistStatus status = platform_.persist_status();
    state["ready"] = true;
    state["lang"] = LanguageCode(CurrentLanguage());
    state["theme"] = ThemeName(theme_);
    state["page"] = page_;
    state["save"] = SaveStateName(status.state);
    state["save_reason"] = status.reason;
    state["save_text"] = SaveText(status);
    state["save_unsaved"] = status.unsaved_commits;
    state["save_unsaved_kb"] = status.unsaved_kb;
    state["save_unsaved_text"] = status.state == SaveState::Failed && status.unsaved_commits > 0
                                     ? UnsavedDetail(status)
                                     : std::string();
    state["save_note"] = status.note_id.empty() ? std::string() : std::string(Tr(status.note_id.c_str()));
    const bool banner = notice_.kind != StartupNotice::Kind::None && !banner_dismissed_;
    state["banner"] = banner ? notice_.Text() : std::string();
    state["banner_kind"] = banner ? notice_.KindName() : "";
    state["modal"] = guard_.showing() ? "unsaved_changes" : "";
    state["unsaved_what"] = guard_.summary();
    state["busy"] = ProgressWhat();
    state["busy_last"] = LastProgressShown();
    state["busy_progress"] = ProgressDetail();
    const Editable* edits = PageEdits();
    state["dirty"] = edits != nullptr && edits->dirty();
    state["audit_total"] = audit_total_;
    state["company_name"] = CompanyName();
    state["quickfind"] = quick_find_.State();
    bell_.Publish(state);                                                   // "unread", "toast", "toasts"
    for (const std::unique_ptr<Page>& page : pages_) page->Publish(state);  // "highlight", "objects", "perm"
    state["undo"] = undo_.Publish(ImGui::GetTime());
    state["acting_user"] = ActingUser();
    if (ActingUser() == ConsoleUser()) state["viewas_banner"] = "";
    state["ui_scale"] = ui_scale_;
    state["dpi_scale"] = platform_.DpiScale();
    state["glyphs"] = {{"fallback", glyphs_.fallback},
                       {"pending", glyphs_.pending},
                       {"atlas_ms", std::round(glyphs_.atlas_ms)},
                       {"placeholder", glyphs_.placeholder},
                       {"han", glyphs_.han},
                       {"first_lean", glyphs_.first_lean}};
    PublishSignInGate(state, workspace_);  // "auth"
    if (!text_log_.is_null()) state["text_log"] = text_log_;
}

}  // namespace crm::ui
