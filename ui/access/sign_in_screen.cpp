#include "ui/access/sign_in_screen.h"

#include <imgui.h>

#include "access/access.h"
#include "auth/auth.h"
#include "ui/kit/error_text.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"
#include "workspace.h"

namespace crm::ui {

namespace {

struct GateState {
    std::string user;   ///< signed in ("" = nobody)
    std::string token;  ///< the session
    bool locked = false;
    int64_t last_input_ms = 0;
    std::string username, password, new_password;
    bool need_new = false;
    std::string error;
    std::string screen;  ///< what was drawn last: "sign_in", "lock" or ""
    int attempts = 0;    ///< sign-ins tried from this screen (tests wait for the next one)
};

GateState& Gate() {
    static GateState gate;
    return gate;
}

bool AnyInput() {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f || io.MouseWheel != 0.0f) return true;
    for (int b = 0; b < 3; ++b)
        if (ImGui::IsMouseClicked(b)) return true;
    if (!io.InputQueueCharacters.empty()) return true;
    for (int k = 0; k < IM_ARRAYSIZE(io.KeysDown); ++k)
        if (io.KeysDownDuration[k] == 0.0f) return true;  // pressed this frame (ImGui 1.86)
    return false;
}

void TrySignIn(Workspace& ws) {
    GateState& g = Gate();
    SignInRequest req;
    req.username = g.locked ? g.user : g.username;
#ifdef __EMSCRIPTEN__
    req.source = "browser";
#else
    req.source = "desktop";
#endif
    req.password = g.password;
    req.new_password = g.need_new ? g.new_password : std::string();
    Result<SignInResult> r = AuthOf(ws).SignIn(req);
    ++g.attempts;
    g.password.clear();
    g.new_password.clear();
    if (!r.ok()) {
        g.need_new = g.need_new || r.error().code == "auth.password_change_required";
        g.error = ErrorText(r.error());
        return;
    }
    g.user = r->username;
    g.token = r->token;
    g.locked = false;
    g.need_new = false;
    g.error.clear();
    g.last_input_ms = ws.clock().NowMs();
    SetActingUser(g.user);
}

}  // namespace

const std::string& SignedInUser() { return Gate().user; }

const std::string& ConsoleUser() {
    static const std::string admin = kAdminUser;
    return Gate().user.empty() ? admin : Gate().user;
}

bool CanViewAs(Workspace& ws) {
    return ws.access().HasSystemPermission(ConsoleUser(), SystemPermission::LogInAs);
}

std::string ViewAs(Workspace& ws, const std::string& username) {
    if (Status s = AuthOf(ws).ViewAs(ConsoleUser(), username); !s.ok()) return ErrorText(s.error());
    SetActingUser(username);
    return {};
}

bool DrawSignInGate(const PageContext& ctx, Workspace& ws) {
    GateState& g = Gate();
    const SecurityPolicy policy = AuthOf(ws).Policy();
    if (!policy.require_sign_in) {
        g.screen.clear();
        return false;
    }
    const int64_t now = ws.clock().NowMs();
    if (!g.user.empty() && !g.locked) {
        if (AnyInput() || g.last_input_ms == 0) g.last_input_ms = now;
        // A clock moved backwards re-anchors the idle time (never negative).
        if (now < g.last_input_ms) g.last_input_ms = now;
        if (policy.idle_minutes > 0 && now - g.last_input_ms > int64_t(policy.idle_minutes) * 60'000) {
            g.locked = true;
            (void)AuthOf(ws).SignOut(g.token);
            g.token.clear();
        }
    }
    if (!g.user.empty() && !g.locked) {
        g.screen.clear();
        return false;
    }
    g.screen = g.user.empty() ? "sign_in" : "lock";

    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float card_w = std::min(420.0f * s, vp->Size.x - 32.0f * s);
    ImGui::SetCursorScreenPos(
        ImVec2(vp->Pos.x + (vp->Size.x - card_w) * 0.5f, vp->Pos.y + vp->Size.y * 0.18f));
    BeginCard(card_w);
    if (ctx.title_font) ImGui::PushFont(ctx.title_font);
    ImGui::TextUnformatted(Tr(g.user.empty() ? "signin.title" : "signin.lock_title"));
    if (ctx.title_font) ImGui::PopFont();
    if (g.user.empty()) {
        TextMuted(Tr("signin.desc"));
    } else {
        TextMuted(Tr("signin.lock_desc", {{"user", g.user}}));
    }
    ImGui::Spacing();
    const float w = CardInnerWidth();
    ImGui::PushItemWidth(w);
    bool submit = false;
    if (g.user.empty()) {
        ImGui::TextUnformatted(Tr("signin.username"));
        InputString("##signin.username", &g.username);
        MarkItem("signin.username");
        PublishForm("signin.username", g.username);
    }
    ImGui::TextUnformatted(Tr("signin.password"));
    submit |= InputString("##signin.password", &g.password,
                          ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    MarkItem("signin.password");
    if (g.need_new) {
        ImGui::TextUnformatted(Tr("signin.new_password"));
        submit |= InputString("##signin.new_password", &g.new_password,
                              ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
        MarkItem("signin.new_password");
    }
    ImGui::PopItemWidth();
    if (!g.error.empty()) {
        TextColored(p.danger, g.error);
        PublishError("signin", g.error);
    }
    ImGui::Spacing();
    if (PrimaryButton(Tr(g.user.empty() ? "signin.submit" : "signin.unlock"), true, ImVec2(w, 0)))
        submit = true;
    MarkItem("signin.submit");
    if (submit) TrySignIn(ws);
    if (!g.user.empty()) {
        if (SecondaryButton(Tr("signin.switch_user"), true, ImVec2(w, 0))) {
            // Another person signs in: the previous user's unsaved edits stay behind this screen until
            // they come back, but are never shown to someone else (the pages draw only once unlocked).
            g.user.clear();
            g.locked = false;
            g.error.clear();
        }
        MarkItem("signin.switch_user");
    }
    // The language switch.
    ImGui::Spacing();
    const bool zh = CurrentLanguage() == Language::ChineseSimplified;
    if (ImGui::SmallButton(zh ? "English" : "中文"))
        SetLanguage(zh ? Language::English : Language::ChineseSimplified);
    MarkItem("signin.language");
    EndCard();
    return true;
}

void PublishSignInGate(nlohmann::json& state, Workspace& ws) {
    const GateState& g = Gate();
    state["auth"] = {{"screen", g.screen},     {"user", g.user},
                     {"error", g.error},       {"need_new_password", g.need_new},
                     {"attempts", g.attempts}, {"required", AuthOf(ws).Policy().require_sign_in}};
}

std::string BridgeCheck(Workspace& ws, nlohmann::json& request) {
    if (!request.is_object() || !AuthOf(ws).Policy().require_sign_in) return {};
    const GateState& g = Gate();
    auto refuse = [](const std::string& message) {
        return nlohmann::json{{"ok", false},
                              {"error", {{"code", "access.denied"}, {"message", message}, {"field", "as"}}}}
            .dump();
    };
    if (g.user.empty() || g.locked) return refuse("Sign in first: the console requires sign-in.");
    auto as = request.find("as");
    if (as != request.end() && !as->is_null()) {
        if (!as->is_string() || LowerAscii(as->get<std::string>()) != LowerAscii(g.user))
            return refuse("The console is signed in as " + g.user + "; it acts only as that user.");
    }
    request["as"] = g.user;
    return {};
}

}  // namespace crm::ui
