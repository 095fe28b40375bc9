#include "ui/shell/page.h"

namespace crm::ui {

namespace {
std::string& ActingUserSlot() {
    static std::string user = kAdminUser;
    return user;
}
}  // namespace

const std::string& ActingUser() { return ActingUserSlot(); }
void SetActingUser(const std::string& username) { ActingUserSlot() = username; }

}  // namespace crm::ui
