#include "ui/access/rename_note.h"

#include "ui/kit/i18n.h"

namespace crm::ui {

std::string FollowedNote(const std::vector<FollowedRename>& renamed, const std::string& new_name) {
    if (renamed.empty()) return "";
    std::string list;
    for (const FollowedRename& f : renamed) {
        if (!list.empty()) list += Tr("rename.followed.separator");
        list += Tr("rename.setting", {{"kind", Tr("rename.kind." + f.kind)},
                                      {"name", f.object.empty() ? f.name : f.object + "." + f.name}});
    }
    return " " + Tr("rename.followed",
                    {{"count", std::to_string(renamed.size())}, {"name", new_name}, {"list", list}});
}

}  // namespace crm::ui
