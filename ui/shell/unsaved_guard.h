// The unsaved-changes guard: one question, Save / Discard / Stay, before anything that would drop
// edits not saved yet: leaving a page through the sidebar or quick find, leaving an object for the
// object list, closing a record form, picking another layout. Whatever holds edits implements
// Editable (ui/shell/page.h); the console owns the one guard, hands it to the pages that need it, and
// draws its dialog once per frame.
#pragma once
#include <functional>
#include <string>

#include "ui/shell/page.h"

namespace crm::ui {

/// Asks before edits are dropped, then carries on (or not).
class UnsavedGuard {
public:
    /// Runs `proceed` now when `edits` is null or clean. Otherwise opens the dialog and runs it after
    /// a Save that succeeded or after Discard; Stay (or Escape) runs nothing and keeps the edits.
    /// A request made while the dialog is up is dropped (the dialog blocks the page anyway).
    void Leave(Editable* edits, std::function<void()> proceed);
    /// Draws the dialog when asked; call once per frame from the console's root window.
    void Draw(const PageContext& ctx);
    /// Whether the dialog is showing (the "modal" test hook).
    bool showing() const { return showing_; }
    /// What the dialog names (empty when it is not showing).
    std::string summary() const;

private:
    void Finish();

    Editable* edits_ = nullptr;
    std::function<void()> proceed_;
    bool open_request_ = false;
    bool showing_ = false;
};

}  // namespace crm::ui
