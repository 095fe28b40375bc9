#include "ui/access/rename_note.h"

#include "ui/kit/i18n.h"

namespace crm::ui {

std::string FollowedFormulasNote(const std::vector<FormulaRename>& renamed, const std::string& new_name) {
    if (renamed.empty()) return "";
    std::string list;
    for (const FormulaRename& f : renamed) {
        if (!list.empty()) list += Tr("rename.formulas.separator");
        list +=
            Tr("rename.formula", {{"kind", Tr("rename.kind." + f.kind)}, {"name", f.object + "." + f.name}});
    }
    return " " + Tr("rename.formulas",
                    {{"count", std::to_string(renamed.size())}, {"name", new_name}, {"list", list}});
}

}  // namespace crm::ui
