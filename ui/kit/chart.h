// Charts drawn with ImGui's draw list: vertical and horizontal bars, stacked and grouped bars, line, pie,
// donut, funnel, and a single metric with its target. Axis labels and tooltips use the company's number
// format (grouping, decimals, currency); the legend and the empty-chart note are in the current language.
// Sizes follow the UI scale passed in (the console's scale already holds the device pixel ratio).
//
// Reports draw them above a result and dashboards in their widgets; a chart publishes for tests:
//   items  "<hook>" (the plot) and "<hook>.item.<i>" (the bar, point or slice of category i)
//   form   "<hook>" = {kind, categories, series: [{name, values}], hovered: i or -1, tooltip: "..."}
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imgui.h"
#include "ui/kit/i18n.h"

namespace crm::ui {

enum class ChartKind { Bar, HBar, StackedBar, GroupedBar, Line, Pie, Donut, Funnel, Metric };

/// "bar", "hbar", "stacked_bar", "grouped_bar", "line", "pie", "donut", "funnel", "metric".
const char* ChartKindName(ChartKind kind);
/// The kind of a name; Bar for an unknown one.
ChartKind ChartKindFromName(std::string_view name);
/// Every kind's name, in menu order.
const std::vector<std::string>& ChartKindNames();
/// The kind's label in the current language ("Stacked bar", "堆积柱形图").
std::string ChartKindLabel(std::string_view name);

/// How numbers read: decimals, grouping separators, and a currency (ISO code, "" = none).
struct NumberFormat {
    int decimals = 0;
    std::string currency;
};
/// "1,234,567.89", "$1,234.50", "¥1,234", "CHF 12.00"; negative numbers with a leading minus.
std::string FormatNumber(double value, const NumberFormat& format);
/// Short axis labels: "950", "12.5K", "3.4M", "1.2B" in English; "950", "1.3万", "3.4亿" in Chinese.
std::string FormatCompact(double value, const NumberFormat& format);

/// One series: a name (the legend) and one value per category (nullopt = blank).
struct ChartSeries {
    std::string name;
    std::vector<std::optional<double>> values;
};

struct ChartData {
    ChartKind kind = ChartKind::Bar;
    std::vector<std::string> categories;
    std::vector<ChartSeries> series;  ///< one for plain charts; several for stacked and grouped ones
    std::string value_label;          ///< what the values are ("Sum of Amount"): the value axis title
    NumberFormat format;
    std::optional<double> target;  ///< Metric: the goal the value is measured against
};

/// What the mouse did on a chart this frame: the category (and series) hovered or clicked, or -1.
struct ChartHit {
    int hovered = -1, hovered_series = -1;
    int clicked = -1, clicked_series = -1;
};

/// Draws `data` into a region of `size` at the cursor (advancing it). See the header for the hooks.
ChartHit DrawChart(const std::string& hook, const ChartData& data, ImVec2 size, float scale);

/// The chart's strings (legend, notes, kinds) in both languages; the area that draws charts adds it.
Catalog ChartCatalog();

}  // namespace crm::ui
