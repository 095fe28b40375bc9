#include "ui/kit/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "company/display_format.h"
#include "ui/kit/widgets.h"
#include "ui/shell/test_hooks.h"
#include "ui/shell/theme.h"

namespace crm::ui {

namespace {

const char* const kKindNames[] = {"bar", "hbar",  "stacked_bar", "grouped_bar", "line",
                                  "pie", "donut", "funnel",      "metric"};
constexpr float kPi = 3.14159265f;

/// Mid-tone series colours, readable on the light and the dark surface alike.
const ImVec4 kSeriesColors[] = {
    {0.26f, 0.52f, 0.96f, 1.0f}, {0.20f, 0.70f, 0.50f, 1.0f}, {0.96f, 0.62f, 0.18f, 1.0f},
    {0.85f, 0.33f, 0.40f, 1.0f}, {0.56f, 0.42f, 0.86f, 1.0f}, {0.15f, 0.68f, 0.78f, 1.0f},
    {0.80f, 0.52f, 0.30f, 1.0f}, {0.55f, 0.60f, 0.66f, 1.0f},
};

ImU32 SeriesColor(int i, float alpha = 1.0f) {
    ImVec4 c = kSeriesColors[static_cast<size_t>(i) % (sizeof(kSeriesColors) / sizeof(kSeriesColors[0]))];
    c.w *= alpha;
    return ImGui::ColorConvertFloat4ToU32(c);
}

std::string Trimmed(double value, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    std::string s = buf;
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
}

/// A "nice" step for an axis from 0 to `max` with about `ticks` ticks.
double NiceStep(double max, int ticks) {
    if (max <= 0) return 1;
    const double raw = max / ticks;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

struct Tip {
    int category = -1, series = -1;
};

std::string TipText(const ChartData& d, int c, int s) {
    std::string text = d.categories[static_cast<size_t>(c)];
    if (d.series.size() > 1 && s >= 0) text += " · " + d.series[static_cast<size_t>(s)].name;
    const auto& v = d.series[static_cast<size_t>(std::max(s, 0))].values;
    const size_t at = static_cast<size_t>(c);
    const double* value = at < v.size() && v[at] ? &*v[at] : nullptr;  // none: a blank value
    text += "\n" + (d.value_label.empty() ? std::string(Tr("chart.value")) : d.value_label) + ": " +
            (value ? FormatNumber(*value, d.format) : std::string(Tr("chart.blank")));
    if (d.kind == ChartKind::Pie || d.kind == ChartKind::Donut || d.kind == ChartKind::Funnel) {
        double total = 0;
        for (const auto& x : v) total += x ? std::max(*x, 0.0) : 0.0;
        if (total > 0 && value) text += " (" + Trimmed(*value / total * 100.0, 1) + "%)";
    }
    return text;
}

double Value(const ChartData& d, size_t s, size_t c) {
    const auto& v = d.series[s].values;
    return c < v.size() && v[c] ? *v[c] : 0.0;
}

void DrawLegend(ImDrawList* draw, const ChartData& d, ImVec2 at, float width, float scale, bool by_category) {
    const Palette& p = CurrentPalette();
    const size_t n = by_category ? d.categories.size() : d.series.size();
    float x = at.x, y = at.y;
    const float line = ImGui::GetTextLineHeight();
    for (size_t i = 0; i < n && i < 24; ++i) {
        const std::string& name = by_category ? d.categories[i] : d.series[i].name;
        const float w = 14.0f * scale + ImGui::CalcTextSize(name.c_str()).x + 12.0f * scale;
        if (x + w > at.x + width && x > at.x) {
            x = at.x;
            y += line + 2.0f * scale;
        }
        draw->AddRectFilled(ImVec2(x, y + line * 0.25f),
                            ImVec2(x + 9.0f * scale, y + line * 0.25f + 9.0f * scale),
                            SeriesColor(static_cast<int>(i)), 2.0f * scale);
        draw->AddText(ImVec2(x + 13.0f * scale, y), ToU32(p.text_muted), name.c_str());
        x += w;
    }
}

}  // namespace

const char* ChartKindName(ChartKind kind) { return kKindNames[static_cast<int>(kind)]; }

ChartKind ChartKindFromName(std::string_view name) {
    for (int i = 0; i < static_cast<int>(sizeof(kKindNames) / sizeof(kKindNames[0])); ++i)
        if (name == kKindNames[i]) return static_cast<ChartKind>(i);
    return ChartKind::Bar;
}

const std::vector<std::string>& ChartKindNames() {
    static const std::vector<std::string> names(std::begin(kKindNames), std::end(kKindNames));
    return names;
}

std::string ChartKindLabel(std::string_view name) {
    const std::string id = "chart.kind." + std::string(name);
    return HasText(id) ? Tr(id) : std::string(name);
}

std::string FormatNumber(double value, const NumberFormat& format) {
    return FormatMoney(value, format.currency, format.decimals);  // core/company/display_format.h
}

std::string FormatCompact(double value, const NumberFormat& format) {
    const double a = std::fabs(value);
    std::string text;
    if (CurrentLanguage() == Language::ChineseSimplified) {
        if (a >= 1e8)
            text = Trimmed(a / 1e8, 1) + "亿";
        else if (a >= 1e4)
            text = Trimmed(a / 1e4, 1) + "万";
        else
            text = Trimmed(a, a < 10 ? 2 : 0);
    } else {
        if (a >= 1e9)
            text = Trimmed(a / 1e9, 1) + "B";
        else if (a >= 1e6)
            text = Trimmed(a / 1e6, 1) + "M";
        else if (a >= 1e3)
            text = Trimmed(a / 1e3, 1) + "K";
        else
            text = Trimmed(a, a < 10 ? 2 : 0);
    }
    return (value < 0 ? "-" : "") + CurrencyPrefix(format.currency) + text;
}

ChartHit DrawChart(const std::string& hook, const ChartData& d, ImVec2 size, float s) {
    ChartHit hit;
    const Palette& p = CurrentPalette();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(hook.c_str(), size);
    MarkItem(hook);
    const bool hovered_area = ImGui::IsItemHovered();
    const bool clicked_area = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float line = ImGui::GetTextLineHeight();
    const size_t nc = d.categories.size(), ns = d.series.size();

    nlohmann::json series = nlohmann::json::array();
    for (const ChartSeries& se : d.series) {
        nlohmann::json values = nlohmann::json::array();
        for (const auto& v : se.values) values.push_back(v ? nlohmann::json(*v) : nlohmann::json());
        series.push_back({{"name", se.name}, {"values", values}});
    }
    nlohmann::json state = {
        {"kind", ChartKindName(d.kind)}, {"categories", d.categories}, {"series", series}};

    bool any = false;
    for (size_t si = 0; si < ns; ++si)
        for (const auto& v : d.series[si].values) any = any || (v && *v != 0.0);
    if (nc == 0 || ns == 0 || (!any && d.kind != ChartKind::Metric)) {
        const char* note = Tr("chart.empty");
        const ImVec2 ts = ImGui::CalcTextSize(note);
        draw->AddRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), ToU32(p.border), 6.0f * s);
        draw->AddText(ImVec2(origin.x + (size.x - ts.x) * 0.5f, origin.y + (size.y - ts.y) * 0.5f),
                      ToU32(p.text_muted), note);
        state["empty"] = true;
        state["hovered"] = -1;
        PublishForm(hook, std::move(state));
        return hit;
    }
    state["empty"] = false;

    Tip tip;
    auto item = [&](size_t c, ImVec2 a, ImVec2 b, int si) {
        const ImVec2 lo(std::min(a.x, b.x), std::min(a.y, b.y)), hi(std::max(a.x, b.x), std::max(a.y, b.y));
        if (si <= 0)
            MarkClickable(hook + ".item." + std::to_string(c), lo, ImVec2(hi.x - lo.x + 1, hi.y - lo.y + 1));
        if (hovered_area && mouse.x >= lo.x && mouse.x <= hi.x && mouse.y >= lo.y && mouse.y <= hi.y)
            tip = {static_cast<int>(c), std::max(si, 0)};
    };

    const bool by_category =
        d.kind == ChartKind::Pie || d.kind == ChartKind::Donut || d.kind == ChartKind::Funnel;
    const bool legend = by_category || ns > 1;
    const float legend_h = legend ? line * (by_category && nc > 6 ? 2.4f : 1.3f) + 6.0f * s : 0.0f;
    const ImVec2 lo(origin.x + 4.0f * s, origin.y + 4.0f * s);
    const ImVec2 hi(origin.x + size.x - 4.0f * s, origin.y + size.y - legend_h - 4.0f * s);

    if (d.kind == ChartKind::Metric) {
        const double v = Value(d, 0, 0);
        std::string big = FormatNumber(v, d.format);
        ImFont* font = ImGui::GetFont();
        const float fs = ImGui::GetFontSize() * 2.4f;
        const ImVec2 ts = font->CalcTextSizeA(fs, FLT_MAX, 0.0f, big.c_str());
        const ImVec2 at(origin.x + (size.x - ts.x) * 0.5f, origin.y + size.y * 0.35f - ts.y * 0.5f);
        draw->AddText(font, fs, at, ToU32(p.text), big.c_str());
        item(0, at, ImVec2(at.x + ts.x, at.y + ts.y), 0);
        if (d.target && *d.target > 0) {
            const float w = size.x * 0.7f, x0 = origin.x + (size.x - w) * 0.5f, y0 = at.y + ts.y + 14.0f * s;
            const float frac = static_cast<float>(std::clamp(v / *d.target, 0.0, 1.0));
            draw->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + w, y0 + 10.0f * s), ToU32(p.border), 5.0f * s);
            draw->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + w * frac, y0 + 10.0f * s),
                                ToU32(v >= *d.target ? p.success : p.accent), 5.0f * s);
            const std::string goal = Tr("chart.target", {{"value", FormatNumber(*d.target, d.format)},
                                                         {"percent", Trimmed(v / *d.target * 100.0, 0)}});
            const ImVec2 gs = ImGui::CalcTextSize(goal.c_str());
            draw->AddText(ImVec2(origin.x + (size.x - gs.x) * 0.5f, y0 + 16.0f * s), ToU32(p.text_muted),
                          goal.c_str());
            state["target"] = *d.target;
        }
    } else if (by_category) {
        std::vector<double> v(nc);
        double total = 0;
        for (size_t c = 0; c < nc; ++c) total += (v[c] = std::max(Value(d, 0, c), 0.0));
        if (d.kind == ChartKind::Funnel) {
            double max = *std::max_element(v.begin(), v.end());
            const float row = (hi.y - lo.y) / static_cast<float>(nc);
            const float cx = (lo.x + hi.x) * 0.5f, maxw = (hi.x - lo.x) * 0.62f;
            for (size_t c = 0; c < nc; ++c) {
                const float w = max > 0 ? static_cast<float>(v[c] / max) * maxw : 0.0f;
                const ImVec2 a(cx - std::max(w, 2.0f * s) * 0.5f, lo.y + row * c + 1.0f * s);
                const ImVec2 b(cx + std::max(w, 2.0f * s) * 0.5f, lo.y + row * (c + 1) - 1.0f * s);
                draw->AddRectFilled(
                    a, b,
                    SeriesColor(static_cast<int>(c), tip.category == static_cast<int>(c) ? 1.0f : 0.85f),
                    3.0f * s);
                const std::string label = d.categories[c] + "  " + FormatCompact(v[c], d.format);
                draw->AddText(ImVec2(lo.x, a.y + (row - line) * 0.5f - 1.0f * s), ToU32(p.text),
                              label.c_str());
                item(c, ImVec2(lo.x, a.y), ImVec2(hi.x, b.y), 0);
            }
        } else {
            const ImVec2 center((lo.x + hi.x) * 0.5f, (lo.y + hi.y) * 0.5f);
            const float r = std::max(10.0f * s, std::min(hi.x - lo.x, hi.y - lo.y) * 0.5f - 2.0f * s);
            const float inner = d.kind == ChartKind::Donut ? r * 0.55f : 0.0f;
            float a0 = -kPi * 0.5f;
            const float mdx = mouse.x - center.x, mdy = mouse.y - center.y;
            const float md = std::sqrt(mdx * mdx + mdy * mdy);
            float ma = std::atan2(mdy, mdx);
            if (ma < -kPi * 0.5f) ma += 2 * kPi;
            for (size_t c = 0; c < nc && total > 0; ++c) {
                const float a1 = a0 + static_cast<float>(v[c] / total) * 2 * kPi;
                const bool over = hovered_area && md <= r && md >= inner && ma >= a0 && ma < a1;
                if (over) tip = {static_cast<int>(c), 0};
                const float rr = over ? r + 3.0f * s : r;
                // Small convex pieces (a quad or a triangle every few degrees): a slice over half the
                // circle, or a donut's ring, is not convex.
                const int segs = std::max(1, static_cast<int>((a1 - a0) / (2 * kPi) * 72));
                const ImU32 color = SeriesColor(static_cast<int>(c));
                for (int k = 0; k < segs; ++k) {
                    const float t0 = a0 + (a1 - a0) * k / segs, t1 = a0 + (a1 - a0) * (k + 1) / segs;
                    const ImVec2 o0(center.x + std::cos(t0) * rr, center.y + std::sin(t0) * rr);
                    const ImVec2 o1(center.x + std::cos(t1) * rr, center.y + std::sin(t1) * rr);
                    if (inner > 0)
                        draw->AddQuadFilled(
                            ImVec2(center.x + std::cos(t0) * inner, center.y + std::sin(t0) * inner), o0, o1,
                            ImVec2(center.x + std::cos(t1) * inner, center.y + std::sin(t1) * inner), color);
                    else
                        draw->AddTriangleFilled(center, o0, o1, color);
                }
                const float mid = (a0 + a1) * 0.5f;
                const ImVec2 at(center.x + std::cos(mid) * (r + inner) * 0.5f,
                                center.y + std::sin(mid) * (r + inner) * 0.5f);
                MarkClickable(hook + ".item." + std::to_string(c), ImVec2(at.x - 3.0f * s, at.y - 3.0f * s),
                              ImVec2(6.0f * s, 6.0f * s));
                a0 = a1;
            }
            if (inner > 0) {
                const std::string t = FormatCompact(total, d.format);
                const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
                draw->AddText(ImVec2(center.x - ts.x * 0.5f, center.y - ts.y * 0.5f), ToU32(p.text),
                              t.c_str());
            }
        }
    } else {
        // Axes: the value range (stacked: the largest stack), nice ticks, labels in the compact format.
        const bool stacked = d.kind == ChartKind::StackedBar;
        const bool horizontal = d.kind == ChartKind::HBar;
        double max = 0, min = 0;
        for (size_t c = 0; c < nc; ++c) {
            double pos = 0, neg = 0;
            for (size_t si = 0; si < ns; ++si) {
                const double v = Value(d, si, c);
                if (stacked) {
                    (v >= 0 ? pos : neg) += v;
                } else {
                    max = std::max(max, v);
                    min = std::min(min, v);
                }
            }
            if (stacked) {
                max = std::max(max, pos);
                min = std::min(min, neg);
            }
        }
        const double step = NiceStep(std::max(max - min, 1e-9), 4);
        const double top = std::ceil(max / step) * step, bottom = std::floor(min / step) * step;
        const double span = top - bottom > 0 ? top - bottom : 1;
        float label_w = 0;
        for (double t = bottom; t <= top + step * 0.5; t += step)
            label_w = std::max(label_w, ImGui::CalcTextSize(FormatCompact(t, d.format).c_str()).x);
        float cat_w = 0;
        for (const std::string& c : d.categories) cat_w = std::max(cat_w, ImGui::CalcTextSize(c.c_str()).x);
        const float left = horizontal ? std::min(cat_w, (hi.x - lo.x) * 0.3f) + 8.0f * s : label_w + 8.0f * s;
        const ImVec2 plo(lo.x + left, lo.y + line * 0.5f);
        const ImVec2 phi(hi.x - 4.0f * s, hi.y - line - 6.0f * s);
        auto vpos = [&](double v) {  // a value's coordinate along the value axis
            const float f = static_cast<float>((v - bottom) / span);
            return horizontal ? plo.x + f * (phi.x - plo.x) : phi.y - f * (phi.y - plo.y);
        };
        for (double t = bottom; t <= top + step * 0.5; t += step) {
            const std::string label = FormatCompact(t, d.format);
            const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
            const float at = vpos(t);
            if (horizontal) {
                draw->AddLine(ImVec2(at, plo.y), ImVec2(at, phi.y), ToU32(p.border, 0.7f));
                draw->AddText(ImVec2(at - ts.x * 0.5f, phi.y + 3.0f * s), ToU32(p.text_muted), label.c_str());
            } else {
                draw->AddLine(ImVec2(plo.x, at), ImVec2(phi.x, at), ToU32(p.border, 0.7f));
                draw->AddText(ImVec2(plo.x - ts.x - 6.0f * s, at - ts.y * 0.5f), ToU32(p.text_muted),
                              label.c_str());
            }
        }
        const float band = (horizontal ? phi.y - plo.y : phi.x - plo.x) / static_cast<float>(nc);
        const int every = std::max(1, static_cast<int>(std::ceil(cat_w / std::max(band, 1.0f) * 0.9f)));
        std::vector<ImVec2> points(nc);
        for (size_t c = 0; c < nc; ++c) {
            const float b0 = (horizontal ? plo.y : plo.x) + band * c;
            std::string label = d.categories[c];
            if (horizontal) {
                label = Ellipsize(label, left - 8.0f * s);
                draw->AddText(ImVec2(lo.x, b0 + (band - line) * 0.5f), ToU32(p.text_muted), label.c_str());
            } else if (c % static_cast<size_t>(every) == 0) {
                label = Ellipsize(label, band * every - 4.0f * s);
                const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
                draw->AddText(ImVec2(b0 + (band - ts.x) * 0.5f, phi.y + 3.0f * s), ToU32(p.text_muted),
                              label.c_str());
            }
            const float pad = std::min(band * 0.18f, 18.0f * s);
            double pos = 0, neg = 0;
            for (size_t si = 0; si < ns; ++si) {
                const double v = Value(d, si, c);
                const int sidx = static_cast<int>(si);
                if (d.kind == ChartKind::Line) {
                    points[c] = ImVec2(b0 + band * 0.5f, vpos(v));
                    if (si == 0) item(c, ImVec2(b0, plo.y), ImVec2(b0 + band, phi.y), 0);
                    continue;
                }
                float f0, f1, w0, w1;
                if (stacked) {
                    const double from = v >= 0 ? pos : neg;
                    (v >= 0 ? pos : neg) += v;
                    f0 = vpos(from);
                    f1 = vpos(from + v);
                    w0 = b0 + pad;
                    w1 = b0 + band - pad;
                } else {
                    const float slot = (band - 2 * pad) /
                                       static_cast<float>(d.kind == ChartKind::GroupedBar || ns > 1 ? ns : 1);
                    w0 = b0 + pad + slot * (ns > 1 ? si : 0);
                    w1 = w0 + slot - (ns > 1 ? 1.0f * s : 0.0f);
                    f0 = vpos(0.0 < bottom ? bottom : 0.0);
                    f1 = vpos(v);
                }
                const ImVec2 a = horizontal ? ImVec2(f0, w0) : ImVec2(w0, f0);
                const ImVec2 b = horizontal ? ImVec2(f1, w1) : ImVec2(w1, f1);
                const bool lit = tip.category == static_cast<int>(c) && tip.series == sidx;
                draw->AddRectFilled(ImVec2(std::min(a.x, b.x), std::min(a.y, b.y)),
                                    ImVec2(std::max(a.x, b.x), std::max(a.y, b.y)),
                                    SeriesColor(sidx, lit ? 1.0f : 0.88f), 2.0f * s);
                item(c, a, b, sidx);
            }
        }
        if (d.kind == ChartKind::Line) {
            for (size_t si = 0; si < ns; ++si) {
                std::vector<ImVec2> pts(nc);
                for (size_t c = 0; c < nc; ++c) pts[c] = ImVec2(points[c].x, vpos(Value(d, si, c)));
                draw->AddPolyline(pts.data(), static_cast<int>(nc), SeriesColor(static_cast<int>(si)), 0,
                                  2.0f * s);
                for (size_t c = 0; c < nc; ++c)
                    draw->AddCircleFilled(pts[c], (tip.category == static_cast<int>(c) ? 4.5f : 3.0f) * s,
                                          SeriesColor(static_cast<int>(si)));
            }
        }
        draw->AddLine(horizontal ? ImVec2(plo.x, plo.y) : ImVec2(plo.x, phi.y),
                      ImVec2(horizontal ? plo.x : phi.x, phi.y), ToU32(p.text_muted, 0.6f));
    }
    if (legend)
        DrawLegend(draw, d, ImVec2(origin.x + 8.0f * s, origin.y + size.y - legend_h + 2.0f * s),
                   size.x - 16.0f * s, s, by_category);

    std::string tooltip;
    if (tip.category >= 0 && static_cast<size_t>(tip.category) < nc) {
        tooltip = TipText(d, tip.category, tip.series);
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(tooltip.c_str());
        ImGui::EndTooltip();
        hit.hovered = tip.category;
        hit.hovered_series = tip.series;
        if (clicked_area) {
            hit.clicked = tip.category;
            hit.clicked_series = tip.series;
        }
    }
    state["hovered"] = hit.hovered;
    state["tooltip"] = tooltip;
    PublishForm(hook, std::move(state));
    return hit;
}

namespace {

const CatalogRow kChart[] = {
    {"chart.empty", "No data to chart: no records match.", "没有可绘制的数据：没有匹配的记录。"},
    {"chart.value", "Value", "值"},
    {"chart.blank", "(blank)", "（空白）"},
    {"chart.target", "Target {value} · {percent}% reached", "目标 {value} · 已完成 {percent}%"},
    {"chart.kind.bar", "Vertical bar", "柱形图"},
    {"chart.kind.hbar", "Horizontal bar", "条形图"},
    {"chart.kind.stacked_bar", "Stacked bar", "堆积柱形图"},
    {"chart.kind.grouped_bar", "Grouped bar", "簇状柱形图"},
    {"chart.kind.line", "Line", "折线图"},
    {"chart.kind.pie", "Pie", "饼图"},
    {"chart.kind.donut", "Donut", "环形图"},
    {"chart.kind.funnel", "Funnel", "漏斗图"},
    {"chart.kind.metric", "Metric", "指标"},
};

}  // namespace

Catalog ChartCatalog() { return Catalog(kChart); }

}  // namespace crm::ui
