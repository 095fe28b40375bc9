#include "ui/access/access_ui.h"

#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"

namespace crm::ui {

bool NameCombo(const std::string& hook, const std::vector<std::string>& names, std::string* value,
               const char* any_id) {
    const int offset = any_id ? 1 : 0;
    int selected = -1;
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == *value) selected = static_cast<int>(i) + offset;
    }
    if (any_id && value->empty()) selected = 0;
    const std::string preview = selected < 0 ? *value : selected < offset ? std::string(Tr(any_id)) : *value;
    if (!ListCombo(
            ("##" + hook).c_str(), preview, static_cast<int>(names.size()) + offset,
            [&](int i) {
                return i < offset ? std::string(Tr(any_id)) : names[static_cast<size_t>(i - offset)];
            },
            [&](int i) { return i < offset ? std::string("any") : names[static_cast<size_t>(i - offset)]; },
            &selected, hook)) {
        return false;
    }
    *value = selected < offset ? std::string() : names[static_cast<size_t>(selected - offset)];
    return true;
}

const std::vector<std::string>& ObjectPermKeys() {
    static const std::vector<std::string> keys = {"read",   "create",   "edit",
                                                  "delete", "view_all", "modify_all"};
    return keys;
}

std::string ObjectPermLabel(const std::string& key) { return Tr("perm.bit." + key); }

}  // namespace crm::ui
