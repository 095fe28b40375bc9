// The Security page under Users & Permissions (issue 16): require sign-in, the password policy, session
// settings, login hours per profile, locked users and the login history; and the "Reset password" /
// "Unlock" actions of a user's page. Everything goes through AuthService as the acting user.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/auth.h"
#include "ui/shell/page.h"

namespace crm {
class Workspace;
}

namespace crm::ui {

class SecurityPage : public Page, public Editable {
public:
    explicit SecurityPage(Workspace& workspace) : workspace_(workspace) {}
    void Draw(const PageContext& ctx) override;
    void Refresh() override;
    void Publish(nlohmann::json& state) const override;
    Editable* edits() override { return this; }

    // Editable: the security settings form (the policy draft).
    bool dirty() const override;
    bool Save() override;
    void Discard() override {
        draft_ = saved_;
        draft_notice_.clear();
    }
    std::string UnsavedSummary() const override;
    /// The policy as opened and as edited (another tab committed: the console is rebuilt).
    nlohmann::json KeepDraft() const override;
    /// The kept policy draft over the policy as stored now (RestoreEdit), with the editor's notice.
    void RestoreDraft(const nlohmann::json& kept) override;

private:
    void DrawPolicy(const PageContext& ctx);
    void DrawLoginHours(const PageContext& ctx);
    void DrawLocked(const PageContext& ctx);
    void DrawHistory(const PageContext& ctx);

    Workspace& workspace_;
    uint64_t seen_change_ = UINT64_MAX;
    SecurityPolicy saved_, draft_;
    std::vector<LoginHours> hours_;
    std::vector<std::string> locked_;
    std::vector<LoginEvent> history_;
    std::string history_user_;
    std::string message_, error_;
    std::string draft_notice_;  ///< changed in another tab, until saved or discarded
    // The login-hours editor.
    int hours_profile_ = 0;
    int hours_days_ = 0x1F;
    std::string hours_start_ = "08:00", hours_end_ = "18:00";
};

/// "Reset password" and "Unlock" on a user's page (users_panel.cpp's editor).
void DrawUserSecurityActions(Workspace& workspace, const std::string& username, const PageContext& ctx);

}  // namespace crm::ui
