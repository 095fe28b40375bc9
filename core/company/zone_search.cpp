#include "company/zone_search.h"

#include <cstdio>
#include <cstdlib>

#include "workflow/company_time.h"

namespace crm {

namespace {

// Chinese names of the cities (and countries) people look a zone up by.
struct ZoneNames {
    const char* zone;
    const char* zh;
};
constexpr ZoneNames kZoneNamesZh[] = {
    {"Asia/Shanghai", "上海 北京 中国 广州 深圳 杭州 南京 成都 武汉 西安 重庆 天津 北京时间"},
    {"Asia/Urumqi", "乌鲁木齐 新疆"},
    {"Asia/Hong_Kong", "香港"},
    {"Asia/Macau", "澳门"},
    {"Asia/Taipei", "台北 台湾"},
    {"Asia/Tokyo", "东京 日本"},
    {"Asia/Seoul", "首尔 韩国"},
    {"Asia/Singapore", "新加坡"},
    {"Asia/Kuala_Lumpur", "吉隆坡 马来西亚"},
    {"Asia/Bangkok", "曼谷 泰国"},
    {"Asia/Ho_Chi_Minh", "胡志明市 越南"},
    {"Asia/Jakarta", "雅加达 印度尼西亚"},
    {"Asia/Manila", "马尼拉 菲律宾"},
    {"Asia/Kolkata", "加尔各答 孟买 新德里 印度"},
    {"Asia/Dubai", "迪拜 阿联酋"},
    {"Europe/London", "伦敦 英国"},
    {"Europe/Paris", "巴黎 法国"},
    {"Europe/Berlin", "柏林 德国"},
    {"Europe/Madrid", "马德里 西班牙"},
    {"Europe/Rome", "罗马 意大利"},
    {"Europe/Amsterdam", "阿姆斯特丹 荷兰"},
    {"Europe/Moscow", "莫斯科 俄罗斯"},
    {"America/New_York", "纽约 美国东部"},
    {"America/Chicago", "芝加哥 美国中部"},
    {"America/Denver", "丹佛 美国山地"},
    {"America/Los_Angeles", "洛杉矶 旧金山 美国西部"},
    {"America/Toronto", "多伦多 加拿大"},
    {"America/Vancouver", "温哥华"},
    {"America/Sao_Paulo", "圣保罗 巴西"},
    {"America/Mexico_City", "墨西哥城"},
    {"Australia/Sydney", "悉尼 澳大利亚"},
    {"Australia/Melbourne", "墨尔本"},
    {"Pacific/Auckland", "奥克兰 新西兰"},
    {"Africa/Johannesburg", "约翰内斯堡 南非"},
    {"Africa/Cairo", "开罗 埃及"},
    {"UTC", "协调世界时 世界标准时间"},
};

const char* ChineseNames(std::string_view zone) {
    for (const ZoneNames& z : kZoneNamesZh) {
        if (zone == z.zone) return z.zh;
    }
    return "";
}

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace

std::optional<int> ParseUtcOffset(std::string_view typed) {
    std::string t = Lower(typed);
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (t.rfind("utc", 0) == 0 || t.rfind("gmt", 0) == 0) t = t.substr(3);
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    if (t.size() < 2) return std::nullopt;
    int sign = 0;
    size_t sign_len = 1;
    if (t[0] == '+') sign = 1;
    if (t[0] == '-') sign = -1;
    if (t.rfind("\xE2\x88\x92", 0) == 0) {  // U+2212 MINUS SIGN, as UtcOffsetText writes it
        sign = -1;
        sign_len = 3;
    }
    if (sign == 0) return std::nullopt;
    const std::string digits = t.substr(sign_len);
    int hours = 0, minutes = 0;
    size_t i = 0;
    auto digit = [&](size_t at) { return at < digits.size() && digits[at] >= '0' && digits[at] <= '9'; };
    if (!digit(0)) return std::nullopt;
    // "8", "08", "0530", "5:30", "05:30"
    size_t run = 0;
    while (digit(run)) ++run;
    if (run == 4 && run == digits.size()) {
        hours = std::atoi(digits.substr(0, 2).c_str());
        minutes = std::atoi(digits.substr(2, 2).c_str());
        i = 4;
    } else if (run <= 2) {
        hours = std::atoi(digits.substr(0, run).c_str());
        i = run;
        if (i < digits.size() && digits[i] == ':') {
            if (!digit(i + 1) || !digit(i + 2)) return std::nullopt;
            minutes = std::atoi(digits.substr(i + 1, 2).c_str());
            i += 3;
        }
    } else {
        return std::nullopt;
    }
    if (i != digits.size() || hours > 14 || minutes > 59) return std::nullopt;
    return sign * (hours * 60 + minutes);
}

std::string UtcOffsetText(int minutes) {
    const int a = std::abs(minutes);
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d", a / 60, a % 60);
    return std::string("UTC") + (minutes > 0 ? "+" : minutes < 0 ? "\xE2\x88\x92" : "\xC2\xB1") + text;
}

int ZoneOffsetMinutes(std::string_view zone, int64_t utc_ms) {
    Result<PosixTzRule> rule = TimeZoneRule(zone);
    return rule.ok() ? rule->OffsetAt(utc_ms) / 60 : 0;
}

std::string ZoneLabel(std::string_view zone, int64_t utc_ms) {
    std::string label(zone);
    label += " (" + UtcOffsetText(ZoneOffsetMinutes(zone, utc_ms)) + ")";
    const std::string zh = ChineseNames(zone);
    if (!zh.empty()) label += " " + zh.substr(0, zh.find(' '));
    return label;
}

bool ZoneMatches(std::string_view zone, std::string_view typed, int64_t utc_ms) {
    if (const std::optional<int> offset = ParseUtcOffset(typed)) {
        return ZoneOffsetMinutes(zone, utc_ms) == *offset;
    }
    std::string needle = Lower(typed);
    while (!needle.empty() && needle.front() == ' ') needle.erase(needle.begin());
    while (!needle.empty() && needle.back() == ' ') needle.pop_back();
    if (needle.empty()) return true;
    if (std::string(ChineseNames(zone)).find(needle) != std::string::npos) return true;
    for (char& c : needle) {
        if (c == ' ') c = '_';  // "new york" finds America/New_York
    }
    return Lower(zone).find(needle) != std::string::npos;
}

}  // namespace crm
