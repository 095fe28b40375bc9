#include "ui/access/access_ui.h"

#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"

namespace crm::ui {

bool NameCombo(const std::string& hook, const std::vector<std::string>& names, std::string* value,
               const char* any_id, const std::function<std::string(const std::string&)>& shown) {
    auto show = [&](const std::string& name) { return shown && !name.empty() ? shown(name) : name; };
    const int offset = any_id ? 1 : 0;
    int selected = -1;
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == *value) selected = static_cast<int>(i) + offset;
    }
    if (any_id && value->empty()) selected = 0;
    const std::string preview = selected < 0        ? show(*value)
                                : selected < offset ? std::string(Tr(any_id))
                                                    : show(*value);
    if (!ListCombo(
            ("##" + hook).c_str(), preview, static_cast<int>(names.size()) + offset,
            [&](int i) {
                return i < offset ? std::string(Tr(any_id)) : show(names[static_cast<size_t>(i - offset)]);
            },
            [&](int i) { return i < offset ? std::string("any") : names[static_cast<size_t>(i - offset)]; },
            &selected, hook)) {
        return false;
    }
    *value = selected < offset ? std::string() : names[static_cast<size_t>(selected - offset)];
    return true;
}

std::string UserShownName(const User& user) {
    return user.full_name.empty() ? user.username : user.full_name + " (" + user.username + ")";
}

std::string UserShownName(const std::vector<User>& users, const std::string& username) {
    for (const User& u : users) {
        if (u.username == username) return UserShownName(u);
    }
    return username;
}

const std::vector<std::string>& ObjectPermKeys() {
    static const std::vector<std::string> keys = {"read",   "create",   "edit",
                                                  "delete", "view_all", "modify_all"};
    return keys;
}

std::string ObjectPermLabel(const std::string& key) { return Tr("perm.bit." + key); }

}  // namespace crm::ui
