// The settings console: a full-window layout with a top bar (workspace, acting user, save
// state, language, theme, size, quick find), a sidebar of the registered settings areas
// (ui/shell/areas.h), a banner for startup problems and the current area's page. It redraws from
// the core each frame and keeps only view state.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ui/kit/i18n.h"
#include "ui/kit/undo_notice.h"
#include "ui/shell/areas.h"
#include "ui/shell/page.h"
#include "ui/shell/quick_find.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "ui/shell/unsaved_guard.h"
#include "ui/shell/workspace_loader.h"
#include "ui/workflow/notification_bell.h"
#include "workspace.h"

namespace crm::ui {

class Appearance;
class Platform;

/// How the console starts.
struct ConsoleOptions {
    StartupNotice notice;              ///< shown as a banner until dismissed
    std::optional<Language> language;  ///< overrides the saved preference (--lang)
    std::string page;                  ///< the area shown first ("" = the first registered)
    /// Drafts a console over the same workspace, reopened, kept (Console::KeepDrafts): each area's
    /// editor gets its own back (Page::RestorePageDraft, Editable::RestoreDraft).
    nlohmann::json drafts;
};

/// The font as the host saw it in the last frame (ConsoleHost::Frame).
struct GlyphState {
    int fallback = 0;          ///< characters drawn as the placeholder box (no glyph)
    size_t pending = 0;        ///< code points waiting for a font (Appearance::pending_glyphs)
    double atlas_ms = 0.0;     ///< the last atlas build's milliseconds
    unsigned placeholder = 0;  ///< the code point the placeholder stands for (U+FFFD, a box)
    bool han = false;          ///< the atlas holds the UI font's CJK characters
    bool first_lean = false;   ///< the first atlas with the UI font held none beyond the English catalog's
};

/// The console over one open workspace.
class Console {
public:
    Console(Workspace& workspace, Platform& platform, ConsoleOptions options = {});

    /// Draws one frame (between ImGui::NewFrame and ImGui::Render) and publishes the test snapshot.
    void Draw(const Appearance& appearance);

    /// The theme and UI size the host applies before the next frame.
    Theme theme() const { return theme_; }
    float ui_scale() const { return ui_scale_; }
    /// The slug of the area shown ("company", ...).
    const std::string& page() const { return page_; }
    /// "<company> — CRM System Settings", for the window or tab title.
    std::string WindowTitle() const;
    /// Another tab committed and the console is rebuilt over the reopened workspace: each area's
    /// unsaved draft, by slug (Page::KeepPageDraft), for ConsoleOptions::drafts.
    nlohmann::json KeepDrafts();
    /// Whether an editor holds unsaved edits it cannot hand over (KeepDraft answers null): the host
    /// then reopens only once they are saved or discarded.
    bool HoldsUnkeptEdits();
    /// Says (a banner) that another tab's commit shows once the edits here are saved or discarded.
    void SetStoreBehind(bool behind) { store_behind_ = behind; }

    /// What the host saw of the font in the last frame (published as state.glyphs).
    void SetGlyphState(const GlyphState& glyphs) { glyphs_ = glyphs; }

    /// The language sweep's answer for the last checked frame (ui/shell/text_log.h), published as
    /// state.text_log.
    void SetTextLog(nlohmann::json answer) { text_log_ = std::move(answer); }

private:
    void DrawTopBar(const PageContext& ctx, float height);
    float DrawBanner(const PageContext& ctx, float top);
    float DrawViewAsBanner(const PageContext& ctx, float top);
    float DrawStoreBehindBanner(const PageContext& ctx, float top);
    void DrawUserMenu();
    void DrawSidebar(const PageContext& ctx, float top, float width);
    void DrawContent(const PageContext& ctx, ImVec2 pos, ImVec2 size);
    void HandleShortcuts();
    /// Ctrl+Z undoes the change the undo notice offers (not while a text field has the keyboard: there
    /// it is the field's own undo), then draws the notice.
    void DrawUndoNotice(const PageContext& ctx);

    /// Goes to a page (and a setting on it); leaving the page asks first when it holds edits.
    void RequestNavigate(const std::string& page, const std::string& setting = {});
    void NavigateNow(const std::string& page, const std::string& setting);
    /// The page of an area (nullptr for an unknown slug).
    Page* PageOf(const std::string& slug);
    /// The edits the page shown holds (nullptr for pages without a draft).
    Editable* PageEdits();
    void SetLanguage(Language language);
    void SetTheme(Theme theme);
    void SetUiScale(float scale);
    void RefreshCounts();
    /// The company's name, re-read when the workspace changed (the top bar, the window title).
    const std::string& CompanyName() const;
    void PublishState();

    Workspace& workspace_;
    Platform& platform_;
    StartupNotice notice_;
    bool banner_dismissed_ = false;
    bool store_behind_ = false;  ///< another tab committed; the reopen waits for edits not kept
    TestHooks hooks_;
    uint64_t frame_ = 0;

    Theme theme_ = Theme::Light;
    float ui_scale_ = 1.0f;
    GlyphState glyphs_;
    nlohmann::json text_log_;
    std::string page_;  ///< the area shown: the first registered until the user goes elsewhere

    UnsavedGuard guard_;  ///< the one unsaved-changes question; pages hold a reference to it
    std::vector<std::unique_ptr<Page>> pages_;  ///< one per registered area, in the same order
    std::string view_as_filter_;
    std::string view_as_error_;  ///< why the last pick was refused
    QuickFind quick_find_;
    NotificationBell bell_;  ///< the top bar's unread count and the toast (ui/workflow)
    UndoNotice undo_;        ///< the one undo notice (ui/kit/undo_notice.h); goes with the console

    uint64_t counted_change_ = UINT64_MAX;
    int64_t audit_total_ = 0;
    mutable uint64_t named_change_ = UINT64_MAX;
    mutable std::string company_name_;
};

}  // namespace crm::ui
