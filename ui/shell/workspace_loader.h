// Opening the workspace at startup, the same way on both targets: a damaged or foreign file is
// set aside (never overwritten) and a new workspace created; a file from a newer version is kept
// untouched and the console runs on a temporary in-memory workspace; a new workspace gets the
// demo company.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "workspace.h"

namespace crm::ui {

/// Something the user must be told about when the console starts (shown as a banner).
struct StartupNotice {
    enum class Kind {
        None,
        Damaged,
        Foreign,
        NewerVersion,
        OpenFailed,
        SetAsideFailed,
        StorageUnavailable,
        StoreLost,
        DemoFailed
    };
    Kind kind = Kind::None;
    std::string file;    ///< the original file (Foreign)
    std::string aside;   ///< where the damaged file was moved
    std::string detail;  ///< the underlying error message (English; Text() shows it translated)

    /// The banner text in the current language ("" for None).
    std::string Text() const;
    /// "damaged", "foreign", ... ("" for None), published for tests.
    const char* KindName() const;
};

/// The outcome of OpenOrCreateWorkspace: always a usable workspace.
struct LoadedWorkspace {
    std::unique_ptr<Workspace> workspace;
    StartupNotice notice;
    bool memory_only = false;   ///< the workspace is a temporary one in memory
    std::string memory_reason;  ///< why, in English catalog words (the console translates it)
};

/// Opens `path`; on a damaged, foreign, newer or unopenable file follows the rules above.
/// `now_ms` names the set-aside file.
LoadedWorkspace OpenOrCreateWorkspace(const std::string& path, const WorkspaceOptions& options,
                                      int64_t now_ms);

}  // namespace crm::ui
