// How files reach the user and come from the user, the one thing the Data pages do differently on the two
// targets: in the browser a written file is handed over as a download and a file to read is picked with the
// browser's file picker (web/file_transfer.cpp; the picked file is copied into the module's in-memory file
// system, where the core reads it by path); on the desktop the user types a path and the core reads and
// writes it directly (native/platform_files.cpp: the functions below do nothing).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace crm::ui {

/// Whether files go through the browser (a download, the file picker) instead of a path the user types.
bool FilesThroughBrowser();
/// A folder for files on their way to or from the browser (web: in memory); "" on the desktop.
std::string TransferDir();
/// Hands the file at `path` to the user as a download named `name` (web); the desktop wrote it in place.
void OfferDownload(const std::string& path, const std::string& name, const std::string& mime);
/// Opens the browser's file picker for `accept` (".csv,.txt"); the file chosen is copied into
/// TransferDir() and reported by TakePickedFile() a few frames later. Nothing on the desktop.
void PickFile(const std::string& accept);

/// From now on a file dropped on the page is reported by TakePickedFile() as a picked one (web). Nothing
/// on the desktop.
void AcceptDroppedFiles();

/// A file the user picked, copied where the core can read it.
struct PickedFile {
    std::string path;  ///< where it was copied
    std::string name;  ///< its name on the user's machine
    int64_t bytes = 0;
    std::string error;  ///< why it could not be read ("" when it was)
};
/// The file picked since the last call, if any.
std::optional<PickedFile> TakePickedFile();

}  // namespace crm::ui
