// Pieces the Data pages share: the one way they call the core (the JSON commands, as the acting user), the
// error of an answer in the current language, a labelled row, and the panel interface each tab implements.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ui/kit/error_text.h"
#include "ui/shell/page.h"
#include "ui/shell/tabbed_page.h"

namespace crm {
class Workspace;
}

namespace crm::ui {

class Platform;
class UnsavedGuard;

/// Runs the command `cmd` with `args` as the acting user: the answer {"ok", "result" | "error"}.
nlohmann::json RunCommand(Workspace& workspace, const std::string& cmd, nlohmann::json args);
/// "a, b, c" of a JSON list of names (a command's list argument, edited in one text box).
std::string JoinNames(const nlohmann::json& names);
/// The names of "a, b ,c" (blanks dropped) as a JSON list, for a command's argument.
nlohmann::json SplitNames(const std::string& text);

/// An object's or a field's label in both languages; label() is the one the console speaks now (the
/// Chinese one when the schema has it), so a list loaded before a language switch follows it.
struct ChoiceLabel {
    std::string label_en;
    std::string label_zh;
    const std::string& label() const;
};
/// An object the acting user may read, for the object pickers.
struct ObjectChoice : ChoiceLabel {
    std::string api_name;
};
/// A field of an object, for the field pickers.
struct FieldChoice : ChoiceLabel {
    std::string api_name;
    std::string type;
};
/// The objects the acting user may read, by label (in the language spoken when read).
std::vector<ObjectChoice> ReadableObjects(Workspace& workspace);
/// The fields of `object` the acting user may read.
std::vector<FieldChoice> ReadableFields(Workspace& workspace, const std::string& object);
/// A combo over `objects`, published as "<hook>" and "<hook>.option.<api name>"; true when it changed.
bool ObjectCombo(const char* label, const std::vector<ObjectChoice>& objects, std::string* object,
                 const std::string& hook);
/// BeginCard / EndCard with the text inside wrapped at the card's inner width.
void DataCardBegin(float width);
void DataCardEnd();
/// A short notice line: green for done, red for an error (published under "<hook>").
void NoticeLine(const std::string& hook, const std::string& text, bool error);

/// One tab of the Data page, and what it is made with (ui/shell/tabbed_page.h).
using DataPanel = TabPanel;
using DataServices = PanelServices;

std::unique_ptr<DataPanel> MakeRecyclePanel(const DataServices& services);
std::unique_ptr<DataPanel> MakeBackupPanel(const DataServices& services);
std::unique_ptr<DataPanel> MakeExportPanel(const DataServices& services);
std::unique_ptr<DataPanel> MakeImportPanel(const DataServices& services);
std::unique_ptr<DataPanel> MakeMassPanel(const DataServices& services);
std::unique_ptr<DataPanel> MakeDedupPanel(const DataServices& services);

}  // namespace crm::ui
