// The settings areas of the console, as their folders register them: each area brings its page
// type, its sidebar entry, its quick-find entries and its catalog rows. The sidebar, quick find and
// the console read this registry; nothing else lists the areas.
//
// How an area attaches: its folder (ui/<area>/) holds its page, its catalog.cpp and an area.cpp
// that defines Register<Name>Area(AreaRegistry&); ui/shell/pages.cpp names it on one line of the
// list of areas, in sidebar order. (An explicit list, not self-registering statics: the linker drops
// an object file of a static library that nothing references, and a static registrar with it.)
// An area registered before it is built (AreaSpec::built false) shows a PlaceholderPage.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

class Platform;
class UnsavedGuard;

/// What a page is built with.
struct PageServices {
    Workspace& workspace;
    Platform& platform;
    UnsavedGuard& guard;  ///< the console's one unsaved-changes question
};

/// A setting of an area that quick find can jump to.
struct SettingSpec {
    std::string id;        ///< "company.currency": handed to Page::Open, and the item highlighted
    std::string text_id;   ///< catalog id of its label
    std::string keywords;  ///< extra words, English and Chinese, space-separated
};

/// A page or a setting quick find can jump to.
struct SettingEntry {
    std::string id;        ///< "page.company", "company.currency", ... (the item to highlight)
    std::string page;      ///< the slug of the area it lives in
    std::string text_id;   ///< catalog id of its label
    std::string keywords;  ///< extra words, English and Chinese, space-separated
    std::string text;      ///< a named entry's name, shown as it is (then text_id is empty)
    std::string where;     ///< a named entry's kind and place, shown on the right ("Field · Account")
    bool is_page() const { return id.rfind("page.", 0) == 0; }
    /// The label quick find shows, in the current language.
    std::string Shown() const { return text.empty() ? std::string(Tr(text_id)) : text; }
};

/// The things of the workspace an area lets quick find offer by name (users, objects, fields), as
/// `actor` may see them, each as a SettingEntry whose `text` is the name and whose id is the setting
/// that opens it on the area's page.
using NamedEntries = std::function<std::vector<SettingEntry>(Workspace& workspace, const std::string& actor)>;

/// One settings area: its sidebar entry, its page, its quick-find entries, its catalog.
struct AreaSpec {
    /// "company": the id tests see (window.__crm_ui.page), the sidebar item "nav.<slug>" and its
    /// label's catalog id, the page's title and description "page.<slug>.title" / ".desc".
    std::string slug;
    Icon icon = Icon::Company;
    bool built = true;     ///< false: the sidebar shows a "Soon" badge
    std::string keywords;  ///< quick-find words for the page itself (English and Chinese)
    std::vector<SettingSpec> settings;
    Catalog catalog;
    std::function<std::unique_ptr<Page>(const PageServices&)> make;
    NamedEntries names;  ///< empty: the area offers nothing by name
};

/// What areas register into; filled once, by ui/shell/pages.cpp, before anything reads it.
class AreaRegistry {
public:
    /// Adds an area; the sidebar lists areas in the order they are added.
    void Add(AreaSpec area);
    /// Adds a catalog that belongs to no area (the shell's).
    void AddCatalog(Catalog catalog) { catalogs_.push_back(catalog); }

    const std::vector<AreaSpec>& areas() const { return areas_; }
    /// The area of a slug, or nullptr.
    const AreaSpec* Find(const std::string& slug) const;
    /// Every quick-find entry: each area's page in sidebar order, then each area's settings.
    const std::vector<SettingEntry>& settings() const { return settings_; }
    /// The kit's catalog, the shell's, then each area's.
    const std::vector<Catalog>& catalogs() const { return catalogs_; }

private:
    friend const AreaRegistry& Areas();
    void BuildIndex();

    std::vector<AreaSpec> areas_;
    std::vector<SettingEntry> settings_;
    std::vector<Catalog> catalogs_;
};

/// The registry with every area of the console (ui/shell/pages.cpp).
const AreaRegistry& Areas();

}  // namespace crm::ui
