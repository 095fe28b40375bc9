// The desktop side of ui/data/file_transfer.h: the user types paths, the core reads and writes them, so
// there is nothing to hand over.
#include "ui/data/file_transfer.h"

namespace crm::ui {

bool FilesThroughBrowser() { return false; }
std::string TransferDir() { return {}; }
void OfferDownload(const std::string&, const std::string&, const std::string&) {}
void PickFile(const std::string&) {}
void AcceptDroppedFiles() {}
std::optional<PickedFile> TakePickedFile() { return std::nullopt; }

}  // namespace crm::ui
