// What every settings page shares: the page ids of the sidebar, the acting user, and the
// per-frame context a page draws with.
#pragma once
#include <optional>
#include <string>
#include <string_view>

struct ImFont;

namespace crm::ui {

/// The settings areas, in sidebar order.
enum class PageId { Company, Users, Objects, Workflow, Notifications, Reports, Data, Integrations, Audit };

/// Every page, in sidebar order.
constexpr PageId kAllPages[] = {PageId::Company,  PageId::Users,         PageId::Objects,
                                PageId::Workflow, PageId::Notifications, PageId::Reports,
                                PageId::Data,     PageId::Integrations,  PageId::Audit};

/// "company", "users", ... (the page id published for tests and used in catalog ids).
const char* PageSlug(PageId page);
/// The page of a slug, if any.
std::optional<PageId> PageFromSlug(std::string_view slug);
/// Whether the page is built (the others show what they will hold).
bool PageIsBuilt(PageId page);
/// Catalog id of the page's sidebar label ("nav.company").
std::string NavTextId(PageId page);

/// The built-in administrator (the acting user unless "View as" picked another).
constexpr const char* kAdminUser = "admin";
/// The user every change is made as and every list is read as: the console holds it ("View as").
const std::string& ActingUser();
void SetActingUser(const std::string& username);

/// Edits a page or panel holds until they are saved (the company form, a record form, a layout
/// draft). Whatever would drop them asks first through the UnsavedGuard (ui/unsaved_guard.h).
class Editable {
public:
    virtual ~Editable() = default;
    /// Whether there is anything not saved yet.
    virtual bool dirty() const = 0;
    /// Whether a save can succeed as things stand (false: the question says to fix or discard).
    virtual bool CanSave() { return true; }
    /// Saves as the acting user; false when refused (the page shows why, and stays).
    virtual bool Save() = 0;
    /// Drops the edits: the saved state is shown again.
    virtual void Discard() = 0;
    /// What holds the edits, in the current language, to complete "Changes to {0} are not saved".
    virtual std::string UnsavedSummary() const = 0;
};

/// What a page needs to draw one frame.
struct PageContext {
    float scale = 1.0f;  ///< DPI scale x UI scale: multiply every size by it
    ImFont* title_font = nullptr;
    ImFont* heading_font = nullptr;
    ImFont* small_font = nullptr;
    double time = 0.0;  ///< ImGui time in seconds (animations)
};

}  // namespace crm::ui
