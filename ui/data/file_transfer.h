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

// [SECTION] Files the console writes for the user (the same on both targets, on top of the above)

/// `name` made safe as a file name on every system (separators, reserved and control characters become
/// "_"; letters of any language stay).
std::string SafeFileName(std::string name);
/// `name` in the user's home folder (the desktop's first suggestion for a file to write).
std::string HomePath(const std::string& name);
/// Where to write a file the user will get: in the browser TransferDir()/`name` (the folder made if
/// missing), on the desktop the path the user typed.
std::string OutgoingPath(const std::string& name, const std::string& typed_path);
/// Hands a file written at OutgoingPath() to the user: in the browser as a download named `name` (the
/// in-memory copy is then removed); nothing on the desktop, where it is already in place.
void FinishOutgoing(const std::string& path, const std::string& name, const std::string& mime);
/// Writes `content` as a file the user gets (both steps above). Answers "" when done, else why not (in
/// the console's language).
std::string SaveTextFile(const std::string& content, const std::string& name, const std::string& typed_path,
                         const std::string& mime);

}  // namespace crm::ui
