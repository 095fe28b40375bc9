#include "ui/kit/labels.h"

#include "ui/kit/i18n.h"

namespace crm::ui {

namespace {

const std::string& Pick(const std::string& english, const std::string& chinese) {
    return CurrentLanguage() == Language::ChineseSimplified && !chinese.empty() ? chinese : english;
}

}  // namespace

const std::string& ShownLabel(const ObjectDef& object) { return Pick(object.label, object.label_zh); }
const std::string& ShownPluralLabel(const ObjectDef& object) {
    return Pick(object.plural_label, object.label_zh);
}
const std::string& ShownLabel(const FieldDef& field) { return Pick(field.label, field.label_zh); }
const std::string& ShownLabel(const PicklistValue& value) { return Pick(value.label, value.label_zh); }

}  // namespace crm::ui
