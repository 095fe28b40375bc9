// The undo notice: after a change that takes effect at once (a permission checkbox, a role dropped on
// another), a notice at the bottom of the console says what changed ("Read on Account granted to Sales
// Rep") with an Undo button and a countdown, for kUndoSeconds. Undo (or Ctrl+Z while it shows) runs the
// change's inverse through the same core calls as the user (core/access/access_undo.h), so the undo is
// access-checked and audited like any change; a refusal (the state changed meanwhile) is said in the
// notice and changes nothing. One notice at a time: a new change replaces the notice (the replaced
// change stays). The console owns the one notice (it goes with the console, e.g. when another tab's
// commit rebuilds it), makes it active while it draws, and draws it; panels offer changes with
// OfferUndo. Time is the console's frame time (the platform clock); an idle console's twice-a-second
// frame (ConsoleHost::WantsFrame) is enough for the countdown, so the notice asks for no extra frames.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "access/access_undo.h"

namespace crm::ui {

/// How long a notice offers its Undo (seconds), and how long the answer to an Undo then shows.
constexpr double kUndoSeconds = 8.0;
constexpr double kUndoAnswerSeconds = 5.0;

/// The one undo notice (its logic; Draw is the ImGui part).
class UndoNotice {
public:
    enum class State { None, Offered, Undone, Refused };

    /// Offers to undo a change just made: `what` says it in the current language (asked each frame, so
    /// a language switch redraws it), `undo` is its inverse. Replaces whatever notice shows.
    void Offer(std::function<std::string()> what, UndoAction undo, double now);
    /// Runs the inverse as `actor` when an Undo is on offer at `now` (once); the notice then says it
    /// was undone, or why not. False when nothing was on offer.
    bool Undo(const std::string& actor, double now);
    /// Drops the notice (its change stays).
    void Dismiss();

    /// What shows at `now`: None once the time is up.
    State state(double now) const;
    /// Whole seconds left (rounded up), 0 when nothing shows.
    int SecondsLeft(double now) const;
    /// The fraction of the time left, 1 down to 0.
    float FractionLeft(double now) const;
    /// The notice's text in the current language: the change, "Undone: ..." or "Not undone: <why>".
    std::string Text() const;
    /// {"state": "offered"|"undone"|"refused"|"", "text": ..., "seconds": N, "offers": N, "undos": N}.
    nlohmann::json Publish(double now) const;

    /// Draws the notice at the bottom centre of the viewport when something shows (scale: the
    /// console's; `actor`: who an Undo runs as).
    void Draw(float scale, double now, const std::string& actor);

private:
    std::function<std::string()> what_;
    UndoAction undo_;
    State state_ = State::None;
    Error refusal_;  ///< why the undo was refused (worded in the language shown)
    double until_ = 0.0;
    int offers_ = 0;
    int undos_ = 0;  ///< inverses run (done or refused)
};

/// Makes `notice` the one OfferUndo reaches, with the frame's time (the console, around its Draw).
void SetActiveUndoNotice(UndoNotice* notice, double now);
/// Offers an undo on the active notice (nothing without one: a panel drawn outside the console).
void OfferUndo(std::function<std::string()> what, UndoAction undo);

}  // namespace crm::ui
