#include "ui/shell/busy.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <utility>

#include "imgui.h"
#include "ui/kit/i18n.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

struct Pending {
    std::string what;
    std::function<void()> work;
    bool shown = false;  ///< a frame with its overlay has been drawn
    SlicedWork sliced;   ///< sliced work (when its step is set): one slice per frame
    int64_t budget = 20'000;
};

constexpr const char* kSlicedPopup = "##busy.sliced";

/// Runs one slice of the front item, adapting its budget to the time it took; true when finished.
bool StepSliced(Pending& item) {
    const auto start = std::chrono::steady_clock::now();
    const bool finished = item.sliced.step(item.budget);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (ms < kSliceMs * 0.5) item.budget = std::min<int64_t>(item.budget * 2, int64_t{1} << 24);
    if (ms > kSliceMs * 1.5) item.budget = std::max<int64_t>(item.budget / 2, 1000);
    return finished;
}

/// The modal overlay of sliced work: what, a progress bar and line, Cancel.
void DrawSlicedOverlay(const PageContext& ctx, Pending& item) {
    const float s = ctx.scale;
    if (!ImGui::IsPopupOpen(kSlicedPopup)) ImGui::OpenPopup(kSlicedPopup);
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(
        ImVec2(viewport->Pos.x + viewport->Size.x * 0.5f, viewport->Pos.y + viewport->Size.y * 0.5f),
        ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(460.0f * s, 0.0f));
    if (!ImGui::BeginPopupModal(kSlicedPopup, nullptr,
                                ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_AlwaysAutoResize))
        return;
    const SliceProgress progress = item.sliced.progress ? item.sliced.progress() : SliceProgress{};
    ImGui::TextUnformatted(TrFormat("busy.working", {item.what}).c_str());
    ImGui::ProgressBar(std::clamp(progress.fraction, 0.0f, 1.0f), ImVec2(-1.0f, 0.0f));
    TextMuted(progress.text, false);
    if (SecondaryButton(Tr("busy.cancel")) && item.sliced.cancel) item.sliced.cancel();
    MarkItem("busy.cancel");
    ImGui::EndPopup();
}

std::deque<Pending>& Queue() {
    static std::deque<Pending> queue;
    return queue;
}

std::string& LastShown() {
    static std::string last;
    return last;
}

}  // namespace

void RunShowingProgress(bool slow, std::string what, std::function<void()> work) {
    if (!slow && Queue().empty()) {
        work();
        return;
    }
    Pending item;
    item.what = std::move(what);
    item.work = std::move(work);
    Queue().push_back(std::move(item));
}

bool ManyRecords(Workspace& workspace, const std::string& object) {
    ListQuery probe;
    probe.columns = {"Id"};
    probe.limit = 1;
    Result<ListPage> page = workspace.records().List(ActingUser(), object, probe);
    return page.ok() && page->total_capped;
}

void RunInSlices(SlicedWork work) {
    Pending item;
    item.what = work.what;
    item.sliced = std::move(work);
    Queue().push_back(std::move(item));
}

std::string ProgressDetail() {
    if (Queue().empty() || !Queue().front().sliced.step || !Queue().front().sliced.progress) return "";
    return Queue().front().sliced.progress().text;
}

const std::string& ProgressWhat() {
    static const std::string none;
    return Queue().empty() ? none : Queue().front().what;
}

const std::string& LastProgressShown() { return LastShown(); }

void DrawProgressOverlay(const PageContext& ctx) {
    std::deque<Pending>& queue = Queue();
    // The overlay of the front item was presented last frame: run it now (the work may queue more).
    // Sliced work runs one slice and stays in front until it says it is finished.
    if (!queue.empty() && queue.front().shown) {
        if (queue.front().sliced.step) {
            if (StepSliced(queue.front())) queue.pop_front();
        } else {
            Pending done = std::move(queue.front());
            queue.pop_front();
            done.work();
        }
    }
    if (queue.empty() || !queue.front().sliced.step) {
        if (ImGui::IsPopupOpen(kSlicedPopup)) {  // close the sliced overlay of work just finished
            if (ImGui::BeginPopupModal(kSlicedPopup, nullptr, ImGuiWindowFlags_NoTitleBar)) {
                ImGui::CloseCurrentPopup();
                ImGui::EndPopup();
            }
        }
    }
    if (queue.empty()) return;
    queue.front().shown = true;
    LastShown() = queue.front().what;
    if (queue.front().sliced.step) {
        DrawSlicedOverlay(ctx, queue.front());
        return;
    }

    const float s = ctx.scale;
    const Palette& p = CurrentPalette();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImDrawList* draw = ImGui::GetForegroundDrawList();
    draw->AddRectFilled(viewport->Pos,
                        ImVec2(viewport->Pos.x + viewport->Size.x, viewport->Pos.y + viewport->Size.y),
                        ImGui::GetColorU32(ImVec4(0.0f, 0.0f, 0.0f, 0.35f)));
    const std::string title = TrFormat("busy.working", {queue.front().what});
    const char* note = Tr("busy.note");
    ImFont* font = ImGui::GetFont();
    const float size = ImGui::GetFontSize();
    const ImVec2 title_size = font->CalcTextSizeA(size, 1e9f, 0.0f, title.c_str());
    const ImVec2 note_size = font->CalcTextSizeA(size, 1e9f, 0.0f, note);
    const float w = std::max(title_size.x, note_size.x) + 96.0f * s;
    const float h = title_size.y + note_size.y + 48.0f * s;
    const ImVec2 center(viewport->Pos.x + viewport->Size.x * 0.5f, viewport->Pos.y + viewport->Size.y * 0.5f);
    const ImVec2 a(center.x - w * 0.5f, center.y - h * 0.5f), b(center.x + w * 0.5f, center.y + h * 0.5f);
    draw->AddRectFilled(a, b, ImGui::GetColorU32(p.surface), 10.0f * s);
    draw->AddRect(a, b, ImGui::GetColorU32(p.border), 10.0f * s);
    // A spinner: a ring with one bright arc (the next frames it turns, once the work is done).
    const ImVec2 spin(a.x + 32.0f * s, center.y);
    const float r = 11.0f * s;
    draw->AddCircle(spin, r, ImGui::GetColorU32(p.border), 24, 3.0f * s);
    const float start = static_cast<float>(ctx.time * 6.0);
    draw->PathArcTo(spin, r, start, start + 1.8f, 12);
    draw->PathStroke(ImGui::GetColorU32(p.accent), 0, 3.0f * s);
    const float text_x = a.x + 60.0f * s;
    draw->AddText(font, size, ImVec2(text_x, a.y + 16.0f * s), ImGui::GetColorU32(p.text), title.c_str());
    draw->AddText(font, size, ImVec2(text_x, a.y + 24.0f * s + title_size.y),
                  ImGui::GetColorU32(p.text_muted), note);
}

}  // namespace crm::ui
