// The labels of objects, fields and picklist values as the console shows them: in Chinese, the Chinese
// label (label_zh) when the schema has one, else the English label. Editors keep editing `label`.
#pragma once
#include <string>

#include "schema/schema.h"

namespace crm::ui {

const std::string& ShownLabel(const ObjectDef& object);
/// Chinese has no plural: the Chinese label.
const std::string& ShownPluralLabel(const ObjectDef& object);
const std::string& ShownLabel(const FieldDef& field);
const std::string& ShownLabel(const PicklistValue& value);

}  // namespace crm::ui
