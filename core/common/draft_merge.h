// A draft carried over a change made elsewhere (another tab's commit, window.crm): the merge an editor
// uses to show its unsaved edits over what is stored now, field by field (ui/shell/page.h draws it).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace crm {

/// The draft started from `base`; the store now holds `stored`. Each value (nested objects walked) the
/// user left as in `base` takes the stored one; each the user edited keeps the draft's. A list (an
/// array) is one value: a layout's sections, a rule's actions, a report's filters are each taken whole
/// from one side. So neither side's change is silently dropped: saving writes the user's edits over
/// the other change, field by field.
struct DraftMerge {
    nlohmann::json merged;               ///< what the editor shows now
    bool changed = false;                ///< `stored` differs from `base`
    std::vector<std::string> conflicts;  ///< keys ("a.b") both sides changed, to different values
};
DraftMerge MergeDraft(const nlohmann::json& base, const nlohmann::json& draft, const nlohmann::json& stored);

/// The draft of one stored item (a rule, a layout, a report) as an editor keeps it across another tab's
/// commit: {"base": the item as the editor opened it, "draft": as edited, "is_new": not stored yet},
/// with the editor's own `extra` keys (where it was: object, tab) beside.
nlohmann::json KeepItemDraft(const nlohmann::json& base, const nlohmann::json& draft, bool is_new,
                             nlohmann::json extra = nlohmann::json::object());

/// A kept item draft (KeepItemDraft) over the item as stored now.
struct RestoredItem {
    nlohmann::json saved;  ///< what the editor compares with: `stored`, or the kept base when gone or new
    nlohmann::json draft;  ///< what it shows: the merge's, or the kept draft when gone or new
    bool is_new = false;   ///< kept as new (never stored): nothing to merge with
    bool gone = false;     ///< it was stored, and is no more (deleted meanwhile): the edits are kept
    DraftMerge merge;      ///< changed / conflicts (empty when gone or new)
};
/// `stored` (looked up by the editor from kept["base"]: its id or name) is null when the item is gone.
RestoredItem RestoreItemDraft(const nlohmann::json& kept, const nlohmann::json& stored);

}  // namespace crm
