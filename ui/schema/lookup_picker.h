// A lookup field's editor in the record form: it shows the related record's name, and as the user
// types, the related object's records whose name contains the text (read as the acting user: records
// they may not read are not offered), to pick one. The value stays the related record's id.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

/// The picker of one lookup field of an open form.
class LookupPicker {
public:
    /// Draws the picker for `field` (a Lookup) over `*value` (the related id as text, "" = none),
    /// `width` wide. Publishes "<hook>" (its box), "<hook>.shown" (the name shown) and each offered
    /// record as "<hook>.option.<id>" ("<hook>.option.none" clears). True when the value changed.
    bool Draw(const PageContext& ctx, Workspace& workspace, const FieldDef& field, std::string* value,
              float width, const std::string& hook);

private:
    /// The name of the related record `id` as the acting user reads it ("#<id>" when they may not).
    std::string NameOf(Workspace& workspace, const ObjectDef& target, const std::string& id) const;
    void Search(Workspace& workspace, const ObjectDef& target);

    std::string query_;        ///< the text in the box
    bool editing_ = false;     ///< the user is searching (else the box shows the current record's name)
    std::string shown_;        ///< the current record's name
    std::string shown_key_;    ///< the value, change count and acting user shown_ was read for
    std::string results_key_;  ///< the query, change count and acting user results_ were read for
    std::vector<std::pair<int64_t, std::string>> results_;
    std::string error_;  ///< why nothing can be offered (no Read on the related object)
    bool list_hovered_ = false;
};

}  // namespace crm::ui
