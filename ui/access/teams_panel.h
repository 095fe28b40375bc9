// Users & Permissions, the Teams tab: the teams on the left; the chosen team's members (add,
// remove) and permission sets on the right; create and delete a team.
#pragma once
#include <string>

#include "ui/shell/page.h"
#include "workspace.h"
#include "ui/kit/note.h"

namespace crm::ui {

/// Teams and their members.
class TeamsPanel {
public:
    explicit TeamsPanel(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx);

private:
    Workspace& workspace_;
    std::string selected_;
    std::string add_user_;
    std::string add_set_;
    std::string new_name_;
    Note message_;
    std::string error_;
};

}  // namespace crm::ui
