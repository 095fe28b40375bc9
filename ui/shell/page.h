// What every settings page shares: the acting user, the per-frame context a page draws with, the
// edits it may hold, and the Page interface the console drives (pages register in ui/shell/areas.h).
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/draft_merge.h"
#include "common/result.h"

struct ImFont;

namespace crm::ui {

/// The built-in administrator (the acting user unless "View as" picked another).
constexpr const char* kAdminUser = "admin";
/// The user every change is made as and every list is read as: the console holds it ("View as").
const std::string& ActingUser();
void SetActingUser(const std::string& username);

/// Edits a page or panel holds until they are saved (the company form, a record form, a layout
/// draft). Whatever would drop them asks first through the UnsavedGuard (ui/shell/unsaved_guard.h).
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
    /// What holds the edits, in the current language, to complete "Changes to {what} are not saved".
    virtual std::string UnsavedSummary() const = 0;
    /// Another tab committed: the console is rebuilt over the reopened workspace. The draft, to hand
    /// to the same editor of the new console (null, the default: nothing kept, and the host reopens
    /// only once these edits are saved or discarded).
    virtual nlohmann::json KeepDraft() const { return nullptr; }
    /// Takes a draft its predecessor kept (KeepDraft): shows it, still unsaved, over what is stored
    /// now (MergeDraft), and says on the editor when what it edits changed or vanished meanwhile.
    virtual void RestoreDraft(const nlohmann::json& draft) { (void)draft; }
};

/// The editor's notice for a merge (MergeDraft, common/draft_merge.h), in the current language (""
/// when nothing changed elsewhere).
std::string DraftNotice(const DraftMerge& merge);
/// ... for a kept item draft restored (RestoreItemDraft): also "draft.gone" for one deleted meanwhile.
std::string DraftNotice(const RestoredItem& restored);
/// RestoreItemDraft read back into the editor's type.
template <typename Item>
struct RestoredEdit {
    Item saved;         ///< what the editor compares with: the item as stored now, or as kept (gone, new)
    Item draft;         ///< what it shows
    RestoredItem json;  ///< the same as JSON, with is_new, gone and the merge (DraftNotice)
};
/// Reopens a kept item draft over `stored`, the item as stored now (none: deleted meanwhile, or new):
/// `read(json, base)` reads an item's JSON over a base (RuleFromJson, LayoutFromJson...). The stored
/// item is the base, so what its JSON leaves out (ids, assignments) comes from the store. None when
/// the kept JSON does not read.
template <typename Item, typename Read>
std::optional<RestoredEdit<Item>> RestoreEdit(const nlohmann::json& kept, const std::optional<Item>& stored,
                                              Read read) {
    RestoredEdit<Item> out;
    out.json = RestoreItemDraft(kept, stored ? ToJson(*stored) : nlohmann::json());
    if (stored) {
        out.saved = *stored;
    } else {
        Result<Item> base = read(out.json.saved, Item{});
        if (!base.ok()) return std::nullopt;
        out.saved = std::move(base.value());
    }
    Result<Item> draft = read(out.json.draft, out.saved);
    if (!draft.ok()) return std::nullopt;
    out.draft = std::move(draft.value());
    return out;
}
/// The item a Result holds, or none (a lookup for RestoreEdit).
template <typename Item>
std::optional<Item> Found(Result<Item> result) {
    return result.ok() ? std::optional<Item>(std::move(result.value())) : std::nullopt;
}
/// Draws an editor's notice (DraftNotice, "draft.gone"; nothing when empty), wrapped, in the warning
/// colour, and publishes it as the form value `hook` for the tests.
void DrawDraftNotice(const std::string& notice, const std::string& hook);

/// What a page needs to draw one frame.
struct PageContext {
    float scale = 1.0f;  ///< DPI scale x UI scale: multiply every size by it
    ImFont* title_font = nullptr;
    ImFont* heading_font = nullptr;
    ImFont* small_font = nullptr;
    double time = 0.0;  ///< ImGui time in seconds (animations)
    /// Goes to another area's page by its slug ("audit"), asking first when edits would be lost.
    std::function<void(const std::string& slug)> navigate;
    /// Goes to another area's page at one of its settings (a record: "objects.record.<Object>.<id>",
    /// RecordSetting in ui/shell/page.h), asking first when edits would be lost.
    std::function<void(const std::string& slug, const std::string& setting)> open;
};

/// The objects area's setting that opens one record's form: "objects.record.<Object>.<id>".
inline std::string RecordSetting(const std::string& object, int64_t id) {
    return "objects.record." + object + "." + std::to_string(id);
}

/// The page of one settings area, as the console drives it. An area registers a factory for it
/// (ui/shell/areas.h); the console makes one of each at start and keeps them while it runs.
class Page {
public:
    virtual ~Page() = default;
    /// Draws the page below the console's title and description, into the available region.
    virtual void Draw(const PageContext& ctx) = 0;
    /// Arriving at the page: `setting` is the quick-find entry chosen ("page.<slug>" or one of the
    /// area's settings), empty from the sidebar; `now` is the ImGui time (highlights fade from it).
    virtual void Open(const std::string& setting, double now) {
        (void)setting;
        (void)now;
    }
    /// Called every frame before drawing, shown or not (a page re-reads what changed).
    virtual void Refresh() {}
    /// The edits the page holds, for the unsaved-changes question (nullptr: none).
    virtual Editable* edits() { return nullptr; }
    /// Another tab committed: the page's unsaved draft for the rebuilt console (null: none kept).
    /// The default is edits()'s KeepDraft; a page whose edits() changes with what it shows (a tab)
    /// wraps it with where to restore it.
    virtual nlohmann::json KeepPageDraft() {
        Editable* e = edits();
        return e != nullptr && e->dirty() ? e->KeepDraft() : nullptr;
    }
    /// Takes the draft this page's predecessor kept (KeepPageDraft); the default hands it to edits().
    virtual void RestorePageDraft(const nlohmann::json& draft) {
        if (Editable* e = edits()) e->RestoreDraft(draft);
    }
    /// Adds the page's part to the test snapshot (window.__crm_ui), every frame.
    virtual void Publish(nlohmann::json& state) const { (void)state; }
};

}  // namespace crm::ui
