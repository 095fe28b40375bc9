// The sign-in screen and the lock screen (issue 16). When the workspace requires sign-in, the console
// draws this instead of its pages until someone signs in, and again (as a lock screen) after the
// policy's idle minutes without input; the pages are not drawn meanwhile but keep their unsaved edits,
// which come back once the password is given again. The signed-in user is who the console acts as.
// Kept outside the Console: the web build re-creates the console when another tab commits.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "ui/shell/page.h"

namespace crm {
class Workspace;
}

namespace crm::ui {

/// Draws the sign-in or lock screen over the whole window when one is due and answers true (the console
/// then draws nothing else this frame); answers false when the console may draw its pages. Also notes
/// input for the idle timeout.
bool DrawSignInGate(const PageContext& ctx, Workspace& workspace);

/// The test snapshot's "auth": {screen: "sign_in" | "lock" | "", user, error, required}.
void PublishSignInGate(nlohmann::json& state, Workspace& workspace);

/// The signed-in user ("" when none, or when sign-in is off).
const std::string& SignedInUser();

/// Who sits at the console: the signed-in user, or the administrator when sign-in is off. "View as"
/// makes the console act as someone else (ActingUser()); this one stays.
const std::string& ConsoleUser();
/// Whether the console's user may use "View as" (the Log In As permission).
bool CanViewAs(Workspace& workspace);
/// Starts acting as `username` ("View as"), or with ConsoleUser() returns to acting as oneself; audited
/// (auth.view_as). Answers "" when done, else why not (in the console's language).
std::string ViewAs(Workspace& workspace, const std::string& username);

/// For the browser bridge (window.crm): when sign-in is required, a request runs only as the signed-in
/// user (an "as" naming anyone else is refused, a missing one becomes the signed-in user) and not at all
/// before someone signed in. Answers "" when `request` (rewritten in place) may run, else the refusal as
/// a command answer.
std::string BridgeCheck(Workspace& workspace, nlohmann::json& request);

}  // namespace crm::ui
