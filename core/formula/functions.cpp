// The function table: names and arities for the checker, and the editor's function list.
#include <algorithm>

#include "formula/internal.h"

namespace crm::formula::detail {

const std::vector<FunctionSpec>& FunctionSpecs() {
    static const std::vector<FunctionSpec> kSpecs = {
        // Logical
        {"AND", 1, -1, "Logical", "AND(condition1, condition2, ...)",
         "TRUE when every condition is TRUE (same as &&).", "所有条件都为 TRUE 时返回 TRUE（同 &&）。"},
        {"OR", 1, -1, "Logical", "OR(condition1, condition2, ...)",
         "TRUE when at least one condition is TRUE (same as ||).", "任一条件为 TRUE 时返回 TRUE（同 ||）。"},
        {"NOT", 1, 1, "Logical", "NOT(condition)", "TRUE when the condition is FALSE (same as !).",
         "条件为 FALSE 时返回 TRUE（同 !）。"},
        {"IF", 3, 3, "Logical", "IF(condition, value_if_true, value_if_false)",
         "One of two values, depending on a condition.", "根据条件返回两个值之一。"},
        {"CASE", 4, -1, "Logical", "CASE(expression, value1, result1, ..., else_result)",
         "The result paired with the first value equal to the expression, else the last argument.",
         "返回与表达式相等的第一个值对应的结果，都不相等时返回最后一个参数。"},
        {"ISBLANK", 1, 1, "Logical", "ISBLANK(expression)",
         "TRUE when the value is blank (empty text counts as blank).", "值为空时返回 TRUE（空文本视为空）。"},
        {"BLANKVALUE", 2, 2, "Logical", "BLANKVALUE(expression, substitute)",
         "The expression, or the substitute when the expression is blank.",
         "表达式为空时返回替代值，否则返回表达式。"},
        {"ISNEW", 0, 0, "Logical", "ISNEW()",
         "TRUE when the record is being created (validation rules and workflow only).",
         "记录正在新建时返回 TRUE（仅限验证规则和工作流）。"},
        {"ISCHANGED", 1, 1, "Logical", "ISCHANGED(field)",
         "TRUE when the save changes the field; FALSE for a new record (validation rules and workflow only).",
         "本次保存修改了该字段时返回 TRUE；新记录返回 FALSE（仅限验证规则和工作流）。"},
        {"PRIORVALUE", 1, 1, "Logical", "PRIORVALUE(field)",
         "The field's value before the save; the current value for a new record (validation rules and "
         "workflow only).",
         "字段保存前的值；新记录返回当前值（仅限验证规则和工作流）。"},
        {"NULLVALUE", 2, 2, "Logical", "NULLVALUE(expression, substitute)",
         "The expression, or the substitute when the expression is blank (same as BLANKVALUE).",
         "表达式为空时返回替代值，否则返回表达式（同 BLANKVALUE）。"},
        // Text
        {"ISPICKVAL", 2, 2, "Text", "ISPICKVAL(picklist_field, \"value\")",
         "TRUE when the picklist field has the given value.", "选项列表字段等于给定值时返回 TRUE。"},
        {"INCLUDES", 2, 2, "Text", "INCLUDES(multiselect_field, \"value\")",
         "TRUE when the multi-select picklist includes the given value.",
         "多选选项列表包含给定值时返回 TRUE。"},
        {"CONTAINS", 2, 2, "Text", "CONTAINS(text, compare_text)",
         "TRUE when the text contains compare_text (case-sensitive).",
         "文本包含 compare_text 时返回 TRUE（区分大小写）。"},
        {"BEGINS", 2, 2, "Text", "BEGINS(text, prefix)",
         "TRUE when the text starts with the prefix (case-sensitive).",
         "文本以指定前缀开头时返回 TRUE（区分大小写）。"},
        {"LEFT", 2, 2, "Text", "LEFT(text, count)", "The first count characters of the text.",
         "返回文本开头的 count 个字符。"},
        {"RIGHT", 2, 2, "Text", "RIGHT(text, count)", "The last count characters of the text.",
         "返回文本末尾的 count 个字符。"},
        {"MID", 3, 3, "Text", "MID(text, start, count)",
         "count characters of the text from position start (1 is the first character).",
         "从第 start 个字符（从 1 开始）起返回 count 个字符。"},
        {"LEN", 1, 1, "Text", "LEN(text)", "The number of characters of the text.", "返回文本的字符数。"},
        {"LOWER", 1, 1, "Text", "LOWER(text)", "The text with letters A-Z in lower case.",
         "将文本中的英文字母 A-Z 转为小写。"},
        {"UPPER", 1, 1, "Text", "UPPER(text)", "The text with letters a-z in upper case.",
         "将文本中的英文字母 a-z 转为大写。"},
        {"TRIM", 1, 1, "Text", "TRIM(text)", "The text without leading and trailing spaces.",
         "去掉文本首尾的空格。"},
        {"TEXT", 1, 1, "Text", "TEXT(value)", "A number, date, date/time or picklist value as text.",
         "将数字、日期、日期时间或选项列表值转为文本。"},
        {"VALUE", 1, 1, "Text", "VALUE(text)",
         "The number written in the text; an error if it is not a number.",
         "将文本转为数字；文本不是数字时报错。"},
        {"SUBSTITUTE", 3, 3, "Text", "SUBSTITUTE(text, old_text, new_text)",
         "The text with every occurrence of old_text replaced by new_text (case-sensitive).",
         "将文本中所有的 old_text 替换为 new_text（区分大小写）。"},
        {"FIND", 2, 3, "Text", "FIND(search_text, text, start)",
         "The position (from 1) of search_text in the text, looking from start; 0 when not found.",
         "search_text 在文本中（从第 start 个字符起）首次出现的位置（从 1 开始）；找不到时返回 0。"},
        {"LPAD", 2, 3, "Text", "LPAD(text, length, pad_text)",
         "The text padded on the left with pad_text (spaces by default) to length characters, or cut to "
         "length.",
         "在文本左侧用 pad_text（默认为空格）补足到 length 个字符；文本过长时截取前 length 个字符。"},
        {"RPAD", 2, 3, "Text", "RPAD(text, length, pad_text)",
         "The text padded on the right with pad_text (spaces by default) to length characters, or cut to "
         "length.",
         "在文本右侧用 pad_text（默认为空格）补足到 length 个字符；文本过长时截取前 length 个字符。"},
        {"ISNUMBER", 1, 1, "Text", "ISNUMBER(text)", "TRUE when VALUE can read the text as a number.",
         "文本可以由 VALUE 转为数字时返回 TRUE。"},
        {"REGEX", 2, 2, "Text", "REGEX(text, pattern)",
         "TRUE when the whole text matches the regular expression (ECMAScript syntax).",
         "整个文本匹配正则表达式（ECMAScript 语法）时返回 TRUE。"},
        // Date
        {"DATE", 3, 3, "Date", "DATE(year, month, day)", "The date of the given year, month and day.",
         "由年、月、日构成的日期。"},
        {"DATEVALUE", 1, 1, "Date", "DATEVALUE(text_or_datetime)",
         "The date of a \"YYYY-MM-DD\" text, or the (UTC) date of a date/time.",
         "将 \"YYYY-MM-DD\" 文本或日期时间（按 UTC）转为日期。"},
        {"DATETIMEVALUE", 1, 1, "Date", "DATETIMEVALUE(text_or_date)",
         "The date/time of a \"YYYY-MM-DD HH:MM:SS\" or \"YYYY-MM-DD\" text (UTC), or midnight UTC of a "
         "date.",
         "将 \"YYYY-MM-DD HH:MM:SS\" 或 \"YYYY-MM-DD\" 文本（UTC）转为日期时间；日期取其 UTC 零点。"},
        {"TODAY", 0, 0, "Date", "TODAY()", "The current date in the user's time zone.",
         "用户时区中的当前日期。"},
        {"NOW", 0, 0, "Date", "NOW()", "The current date and time.", "当前的日期和时间。"},
        {"DAY", 1, 1, "Date", "DAY(date)", "The day of the month, 1 to 31.", "日期中的日（1 到 31）。"},
        {"MONTH", 1, 1, "Date", "MONTH(date)", "The month, 1 (January) to 12 (December).",
         "日期中的月（1 月到 12 月）。"},
        {"YEAR", 1, 1, "Date", "YEAR(date)", "The year of the date.", "日期中的年份。"},
        {"WEEKDAY", 1, 1, "Date", "WEEKDAY(date)", "The day of the week, 1 (Sunday) to 7 (Saturday).",
         "星期几，1 表示星期日，7 表示星期六。"},
        {"ADDMONTHS", 2, 2, "Date", "ADDMONTHS(date, months)",
         "The date some months later; a month end stays a month end (Jan 31 + 1 = Feb 28 or 29).",
         "若干个月后的日期；月末仍落在月末（1 月 31 日加 1 个月为 2 月 28 或 29 日）。"},
        // Math
        {"ABS", 1, 1, "Math", "ABS(number)", "The number without its sign.", "数字的绝对值。"},
        {"ROUND", 1, 2, "Math", "ROUND(number, digits)",
         "The number rounded to digits decimals, halves away from zero (ROUND(1.005, 2) = 1.01).",
         "按指定小数位数四舍五入（0.5 远离零进位）。"},
        {"FLOOR", 1, 1, "Math", "FLOOR(number)",
         "The number rounded down, toward zero for negatives (-2.5 -> -2).",
         "向下取整，负数向零取整（-2.5 得 -2）。"},
        {"CEILING", 1, 1, "Math", "CEILING(number)",
         "The number rounded up, away from zero for negatives (-2.5 -> -3).",
         "向上取整，负数远离零取整（-2.5 得 -3）。"},
        {"MOD", 2, 2, "Math", "MOD(number, divisor)",
         "The remainder of the division, with the sign of number.", "除法的余数，符号与被除数相同。"},
        {"TRUNC", 1, 2, "Math", "TRUNC(number, digits)",
         "The number cut to digits decimals (0 by default), toward zero.",
         "将数字截断到指定小数位数（默认 0），向零取整。"},
        {"SQRT", 1, 1, "Math", "SQRT(number)", "The square root; an error for a negative number.",
         "平方根；负数时报错。"},
        {"EXP", 1, 1, "Math", "EXP(number)", "e raised to the power of the number.", "e 的指定次幂。"},
        {"LN", 1, 1, "Math", "LN(number)", "The natural logarithm; an error for 0 or a negative number.",
         "自然对数；0 或负数时报错。"},
        {"LOG", 1, 1, "Math", "LOG(number)", "The base-10 logarithm; an error for 0 or a negative number.",
         "以 10 为底的对数；0 或负数时报错。"},
        {"MIN", 1, -1, "Math", "MIN(value1, value2, ...)", "The smallest of the numbers (or dates).",
         "返回最小的数字（或日期）。"},
        {"MAX", 1, -1, "Math", "MAX(value1, value2, ...)", "The largest of the numbers (or dates).",
         "返回最大的数字（或日期）。"},
    };
    return kSpecs;
}

const FunctionSpec* FindFunction(std::string_view name) {
    for (const FunctionSpec& spec : FunctionSpecs()) {
        const std::string_view candidate(spec.name);
        if (candidate.size() != name.size()) continue;
        bool same = true;
        for (size_t i = 0; i < name.size() && same; ++i) {
            char c = name[i];
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            same = c == candidate[i];
        }
        if (same) return &spec;
    }
    return nullptr;
}

}  // namespace crm::formula::detail

namespace crm::formula {

const std::vector<FunctionDoc>& Functions() {
    static const std::vector<FunctionDoc> kDocs = [] {
        std::vector<FunctionDoc> docs;
        for (const detail::FunctionSpec& spec : detail::FunctionSpecs()) {
            docs.push_back(
                {spec.name, spec.category, spec.signature, spec.description_en, spec.description_zh});
        }
        const auto rank = [](const std::string& category) {
            return category == "Logical" ? 0 : category == "Text" ? 1 : category == "Date" ? 2 : 3;
        };
        std::stable_sort(docs.begin(), docs.end(), [&](const FunctionDoc& a, const FunctionDoc& b) {
            return rank(a.category) != rank(b.category) ? rank(a.category) < rank(b.category)
                                                        : a.name < b.name;
        });
        return docs;
    }();
    return kDocs;
}

}  // namespace crm::formula
