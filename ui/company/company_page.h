// The company profile page: a form over crm::CompanyProfile with live validation beside each
// field, Save / Cancel, and the draft kept until saved or discarded.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "ui/kit/i18n.h"
#include "ui/kit/permission_guard.h"
#include "ui/shell/page.h"
#include "workspace.h"

namespace crm::ui {

class Platform;

/// The company profile form.
class CompanyPage : public Page, public Editable {
public:
    CompanyPage(Workspace& workspace, Platform& platform);

    /// Draws the form and its action bar into the available region.
    void Draw(const PageContext& ctx) override;
    /// A setting from quick find is scrolled to and highlighted; otherwise the form shows from its top.
    void Open(const std::string& setting, double now) override;
    Editable* edits() override { return this; }
    /// Publishes "highlight" (the setting being highlighted).
    void Publish(nlohmann::json& state) const override { state["highlight"] = focus_id_; }
    /// Whether the draft differs from the saved profile.
    bool dirty() const override;
    /// Whether the draft passes validation (HH:MM texts and crm::ValidateCompanyProfile).
    bool valid();
    /// Saves the draft as the acting user; false (the error shown in the action bar) when it
    /// is invalid or the core refuses it.
    bool Save() override;
    /// Drops the draft and shows the saved profile again.
    void Discard() override;
    bool CanSave() override { return valid(); }
    std::string UnsavedSummary() const override;
    /// The draft, its base and the hours as typed (another tab committed: the console is rebuilt).
    nlohmann::json KeepDraft() const override;
    void RestoreDraft(const nlohmann::json& draft) override;
    /// Scrolls to a setting ("company.currency", ...), focuses it if it is a text field and
    /// highlights it for a moment.
    void FocusSetting(std::string_view setting_id, double now);
    /// Shows the form from its top on the next frame (arriving from the sidebar).
    void ScrollToTop() { scroll_to_top_ = true; }
    /// The setting being highlighted (empty when none).
    const std::string& highlight() const { return focus_id_; }
    /// The profile as last read from the core.
    const CompanyProfile& saved() const { return saved_; }
    /// Re-reads the profile when the workspace changed since the last read.
    void Refresh() override;

private:
    using FieldFn = void (CompanyPage::*)(const PageContext&, float width);
    void ResetDraft();
    /// The profile stored now is not the draft's base: fields not edited take the stored values
    /// (MergeDraft) and the action bar says that it changed elsewhere.
    void Rebase();
    CompanyProfile DraftProfile() const;
    void Validate();
    void DrawRow(const PageContext& ctx, const char* id, FieldFn field, bool text_field);
    void DrawActionBar(const PageContext& ctx, const PermissionGuard& guard);
    void DrawName(const PageContext& ctx, float width);
    void DrawLanguage(const PageContext& ctx, float width);
    void DrawCurrency(const PageContext& ctx, float width);
    void DrawTimeZone(const PageContext& ctx, float width);
    void DrawDateFormat(const PageContext& ctx, float width);
    void DrawFiscalMonth(const PageContext& ctx, float width);
    void DrawStart(const PageContext& ctx, float width);
    void DrawEnd(const PageContext& ctx, float width);
    void DrawWeekdays(const PageContext& ctx, float width);
    void PublishForm() const;

    Workspace& workspace_;
    Platform& platform_;
    uint64_t seen_change_count_ = UINT64_MAX;
    CompanyProfile saved_;
    bool loaded_ = false;
    std::string load_error_;

    CompanyProfile base_;       ///< the saved profile the draft started from
    std::string draft_notice_;  ///< "changed in another tab" (DraftNotice), until saved or discarded
    CompanyProfile draft_;      ///< business hours minutes come from the two texts below
    std::string start_text_;
    std::string end_text_;

    std::map<std::string, std::string> errors_;  ///< field id -> message in the current language
    bool valid_ = true;
    bool validated_ = false;
    CompanyProfile validated_profile_;
    std::string validated_start_, validated_end_;
    Language validated_language_ = Language::English;

    std::string currency_filter_;
    std::string zone_filter_;
    std::string save_error_;
    double just_saved_at_ = -100.0;

    std::string focus_id_;
    bool scroll_to_top_ = false;
    int focus_stage_ = 0;  ///< 2: scroll to the setting, 1: focus it, 0: done
    double focus_time_ = -100.0;
    const PermissionGuard* guard_ =
        nullptr;  ///< while the form draws: Customize Schema (the reason on hover)
    std::map<std::string, float> row_heights_;  ///< last frame's height of each row (highlight)
};

}  // namespace crm::ui
