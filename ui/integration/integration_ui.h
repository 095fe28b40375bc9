// Pieces the Integrations pages share: the panel interface each tab implements, what a panel is made with,
// and reading a file the user picked (browser) or named (desktop) as text. The pages call the core through
// the JSON commands as the acting user (RunCommand, ui/data/data_ui.h), like the Data pages.
#pragma once
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ui/shell/page.h"
#include "ui/shell/tabbed_page.h"

namespace crm {
class Workspace;
}

namespace crm::ui {

class Platform;

/// A message the console composes, formatted each time it is drawn (so it follows a language switch).
using LiveText = std::function<std::string()>;
/// The text of `text` now ("" when none).
inline std::string Now(const LiveText& text) { return text ? text() : std::string(); }

/// One tab of the Integrations page, and what it is made with (ui/shell/tabbed_page.h).
using IntegrationPanel = TabPanel;
using IntegrationServices = PanelServices;

std::unique_ptr<IntegrationPanel> MakeApiKeysPanel(const IntegrationServices& services);
std::unique_ptr<IntegrationPanel> MakePackagesPanel(const IntegrationServices& services);
std::unique_ptr<IntegrationPanel> MakeConfigPanel(const IntegrationServices& services);
std::unique_ptr<IntegrationPanel> MakeWebhooksPanel(const IntegrationServices& services);
std::unique_ptr<IntegrationPanel> MakeConnectorsPanel(const IntegrationServices& services);

/// The frame every Integrations tab draws in: a region of its own that scrolls inside the page's right
/// padding (named `id`), and the width of the tab's cards, at most `max_width` at scale 1. The region ends
/// with the CardPage.
class CardPage {
public:
    CardPage(const PageContext& ctx, const char* id, float max_width);
    ~CardPage();
    CardPage(const CardPage&) = delete;
    CardPage& operator=(const CardPage&) = delete;
    float width() const { return width_; }
    /// The space between two cards.
    void Gap() const;

private:
    float scale_ = 1.0f;
    float width_ = 0.0f;
};

/// The head of a log card (a connector's runs, a webhook's deliveries, the API keys' calls): starts the
/// data card `width` wide, its heading `title_id`, `subtitle` muted and beside it the Refresh button (hook
/// "<hook>_refresh"), preceded by whatever `before_refresh` draws (it ends with SameLine), and the log's
/// load error (hook "<hook>_error") under them. True the frame Refresh is pressed.
bool LogCardHeader(const PageContext& ctx, float width, const char* title_id, const std::string& subtitle,
                   const std::string& hook, const std::string& error,
                   const std::function<void()>& before_refresh = {});

/// The confirmation of a step that cannot be undone, opened when `*open` is set: the title "<hook>_title",
/// the text "<hook>_text" naming `name`, Cancel and the danger button labelled `ok_id` (hooks "<hook>.cancel"
/// and "<hook>.ok"). Answers true the frame it is confirmed; it closes then, on Cancel and on Escape.
bool ConfirmDialog(const std::string& hook, const char* ok_id, const std::string& name, bool* open,
                   const PageContext& ctx);

/// A text file the user gave: its text, or why it could not be read (in the console's language).
struct TextFile {
    std::string name;  ///< as the user knows it (the browser's file name, the desktop's path)
    std::string text;
    std::string error;
};
/// Reads the file at `path` (at most 16 MB); `name` is how the user knows it.
TextFile ReadTextFile(const std::string& path, const std::string& name);

/// The "pick a file" row of a tab: in the browser a button opening the file picker for `accept` (a file
/// dropped on the page counts too), on the desktop a path field and a button. Answers the file given this
/// frame, if any. `hook` names the button ("<hook>") and the desktop's field ("<hook>.path").
std::optional<TextFile> FileSourceRow(const std::string& hook, const char* button_id, const char* accept,
                                      std::string* typed_path, float width, float scale);

/// A change of a configuration change list ({path, action, en, zh}) as a sentence in the current language.
std::string ChangeSentence(const nlohmann::json& change);
/// The change list of config.diff / config.apply / packages.install as a table (action, path, sentence),
/// filtered by `filter` (lower-case), at most `height` pixels high (0: every row). Rows published as
/// "<hook>.row.<n>".
void ChangeTable(const std::string& hook, const nlohmann::json& changes, const std::string& filter,
                 float width, float height);

}  // namespace crm::ui
