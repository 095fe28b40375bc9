#include "ui/page.h"

namespace crm::ui {

const char* PageSlug(PageId page) {
    switch (page) {
        case PageId::Company:
            return "company";
        case PageId::Users:
            return "users";
        case PageId::Objects:
            return "objects";
        case PageId::Workflow:
            return "workflow";
        case PageId::Notifications:
            return "notifications";
        case PageId::Reports:
            return "reports";
        case PageId::Data:
            return "data";
        case PageId::Integrations:
            return "integrations";
        case PageId::Audit:
            return "audit";
    }
    return "company";
}

std::optional<PageId> PageFromSlug(std::string_view slug) {
    for (PageId page : kAllPages) {
        if (slug == PageSlug(page)) return page;
    }
    return std::nullopt;
}

bool PageIsBuilt(PageId page) {
    return page == PageId::Company || page == PageId::Users || page == PageId::Objects ||
           page == PageId::Audit;
}

namespace {
std::string& ActingUserSlot() {
    static std::string user = kAdminUser;
    return user;
}
}  // namespace

const std::string& ActingUser() { return ActingUserSlot(); }
void SetActingUser(const std::string& username) { ActingUserSlot() = username; }

std::string NavTextId(PageId page) { return std::string("nav.") + PageSlug(page); }

}  // namespace crm::ui
