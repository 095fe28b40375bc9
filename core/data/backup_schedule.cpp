// Scheduled backups (backup.h states the rules): the schedule in data_settings, its next run queued in the
// workflow scheduler as kind "backup", and the run that writes, prunes and queues the next.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "audit/change.h"
#include "common/clock.h"
#include "common/messages.h"
#include "data/backup.h"
#include "storage/database.h"
#include "workflow/company_time.h"
#include "workflow/scheduler.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"data.backup_schedule", "A backup schedule needs {what}.", "备份计划需要{what}。"},
    {"data.backup_folder", "Automatic backups need a folder: {folder} cannot be created.",
     "自动备份需要一个文件夹：无法创建 {folder}。"},
};
CRM_REGISTER_MESSAGES(kMessages);

constexpr const char* kKind = "backup";  // rule id 1: the one schedule
constexpr const char* kPrefix = "crm-auto-";
constexpr const char* kSuffix = ".crmbackup";
constexpr int64_t kDayMs = 86'400'000;

std::string FolderOf(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

nlohmann::json ToJson(const BackupSchedule& s) {
    const int minute = std::clamp(s.minute, 0, 1439);
    char time[16];
    std::snprintf(time, sizeof time, "%02d:%02d", minute / 60, minute % 60);
    return {{"enabled", s.enabled}, {"frequency", s.frequency}, {"weekday", s.weekday},
            {"time", time},         {"keep", s.keep},           {"folder", s.folder}};
}

Result<BackupSchedule> BackupScheduleFromJson(const nlohmann::json& j, BackupSchedule s) {
    auto bad = [](const char* what, const char* field) {
        return MessageError("data.invalid", "data.backup_schedule", {{"what", what}}, field);
    };
    if (!j.is_object()) return bad("a JSON object", "schedule");
    if (j.contains("enabled")) {
        if (!j["enabled"].is_boolean()) return bad("enabled true or false", "enabled");
        s.enabled = j["enabled"].get<bool>();
    }
    if (j.contains("frequency")) {
        s.frequency = j["frequency"].is_string() ? j["frequency"].get<std::string>() : "";
        if (s.frequency != "daily" && s.frequency != "weekly")
            return bad("a frequency daily or weekly", "frequency");
    }
    if (j.contains("weekday")) {
        if (!j["weekday"].is_number_integer() || j["weekday"].get<int>() < 0 || j["weekday"].get<int>() > 6)
            return bad("a weekday from 0 (Monday) to 6 (Sunday)", "weekday");
        s.weekday = j["weekday"].get<int>();
    }
    if (j.contains("time")) {
        const std::string t = j["time"].is_string() ? j["time"].get<std::string>() : "";
        int h = -1, m = -1;
        if (t.size() != 5 || t[2] != ':' || std::sscanf(t.c_str(), "%2d:%2d", &h, &m) != 2 || h < 0 ||
            h > 23 || m < 0 || m > 59)
            return bad("a time written HH:MM (00:00 to 23:59)", "time");
        s.minute = h * 60 + m;
    }
    if (j.contains("keep")) {
        if (!j["keep"].is_number_integer() || j["keep"].get<int>() < 1 || j["keep"].get<int>() > 365)
            return bad("to keep between 1 and 365 backups", "keep");
        s.keep = j["keep"].get<int>();
    }
    if (j.contains("folder")) {
        if (!j["folder"].is_string()) return bad("a folder as text", "folder");
        s.folder = j["folder"].get<std::string>();
    }
    return s;
}

int64_t NextBackupTime(const BackupSchedule& s, int64_t now_ms,
                       const std::function<int64_t(int64_t days, int64_t ms)>& to_utc,
                       const std::function<void(int64_t utc, int64_t& days, int& weekday)>& local) {
    int64_t days = 0;
    int weekday = 0;
    local(now_ms, days, weekday);
    for (int d = 0; d <= 8; ++d) {
        if (s.frequency == "weekly" && (weekday + d) % 7 != s.weekday) continue;
        const int64_t at = to_utc(days + d, static_cast<int64_t>(s.minute) * 60'000);
        if (at > now_ms) return at;
    }
    return now_ms + kDayMs;  // not reached: some day within 8 fits
}

void BackupService::AttachScheduler(SchedulerService& scheduler, std::function<CompanyTime()> time) {
    scheduler_ = &scheduler;
    time_ = std::move(time);
    scheduler.SetHandler(
        kKind, [this](ChangeScope& scope, const ScheduledItem& item) { return RunScheduled(scope, item); });
}

BackupSchedule BackupService::Schedule() {
    Statement st = changes_.db().Prepare("SELECT value FROM data_settings WHERE key = 'backup_schedule'");
    if (!st.Step()) return {};
    Result<BackupSchedule> s = BackupScheduleFromJson(nlohmann::json::parse(st.Text(0), nullptr, false));
    return s.ok() ? *s : BackupSchedule{};
}

std::string BackupService::ScheduleFolder(const BackupSchedule& s) const {
    if (!s.folder.empty()) return s.folder;
    const std::string& path = changes_.db().path();
    if (path.empty() || path == ":memory:") return "";
    return FolderOf(path) + "/backups";
}

int64_t BackupService::NextRun(const BackupSchedule& s, int64_t now_ms) const {
    const CompanyTime time = time_ ? time_() : CompanyTime();
    return NextBackupTime(
        s, now_ms, [&](int64_t days, int64_t ms) { return time.ToUtc(days, ms); },
        [&](int64_t utc, int64_t& days, int& weekday) {
            const LocalTime l = time.ToLocal(utc);
            days = l.days;
            weekday = l.weekday;
        });
}

Result<BackupSchedule> BackupService::SetSchedule(const std::string& actor, const BackupSchedule& s) {
    if (authorize_) {
        if (Status st = authorize_(actor, SystemPermission::BackupAndRestore); !st.ok()) return st.error();
    }
    if (s.enabled && ScheduleFolder(s).empty())
        return MessageError("data.invalid", "data.backup_schedule",
                            {{"what", "a folder (the workspace is in memory)"}}, "folder");
    const BackupSchedule old = Schedule();
    ChangeScope change(changes_, actor);
    if (!change.begin_status().ok()) return change.begin_status().error();
    Statement st = changes_.db().Prepare(
        "INSERT INTO data_settings(key, value) VALUES ('backup_schedule', ?1) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    st.Bind(1, ToJson(s).dump());
    if (Status r = st.Run(); !r.ok()) return r.error();
    if (scheduler_) {
        if (Status r = scheduler_->CancelRule(change, kKind, 1); !r.ok()) return r.error();
        if (s.enabled) {
            if (Status r = QueueNext(change, s); !r.ok()) return r.error();
        }
    }
    if (Status r = change.Audit("data", "update", "data.backup_schedule", ToJson(old), ToJson(s)); !r.ok())
        return r.error();
    change.Record("data", "", ChangeAction::Config, 0, {"backup_schedule"});
    if (Status r = change.Commit(); !r.ok()) return r.error();
    return s;
}

int64_t BackupService::NextScheduledMs() {
    if (!scheduler_) return 0;
    for (const ScheduledItem& item : scheduler_->List("pending", 1000))
        if (item.kind == kKind) return item.due_ms;
    return 0;
}

std::vector<std::string> BackupService::AutomaticBackups() {
    std::vector<std::string> out;
    const std::string folder = ScheduleFolder(Schedule());
    if (folder.empty()) return out;
    if (DIR* dir = opendir(folder.c_str())) {
        while (dirent* e = readdir(dir)) {
            const std::string name = e->d_name;
            if (name.rfind(kPrefix, 0) == 0 && name.size() > std::string(kSuffix).size() &&
                name.compare(name.size() - std::string(kSuffix).size(), std::string::npos, kSuffix) == 0)
                out.push_back(folder + "/" + name);
        }
        closedir(dir);
    }
    std::sort(out.rbegin(), out.rend());  // the names sort by time
    return out;
}

Status BackupService::RunScheduled(ChangeScope& scope, const ScheduledItem&) {
    const BackupSchedule s = Schedule();
    if (!s.enabled) return Status::Ok();
    const std::string folder = ScheduleFolder(s);
    std::string stamp = FormatUtcIso8601(scope.now_ms());  // 2026-11-26T17:00:00Z
    std::string compact;
    for (char c : stamp.substr(0, 19))
        if (c != '-' && c != ':') compact += c == 'T' ? '-' : c;
    const std::string path = folder + "/" + kPrefix + compact + kSuffix;
    const int keep = s.keep;
    // SQLite's backup cannot read the database while this connection holds the scheduler's write
    // transaction, so the file is written once the item's change has closed; a failure then is audited
    // ("backup_failed") instead of failing the item.
    changes_.RunWhenClosed([this, folder, path, keep] {
        struct stat info;
        Status done = Status::Ok();
        if (stat(folder.c_str(), &info) != 0 && mkdir(folder.c_str(), 0755) != 0) {
            done = MessageError("data.backup_folder", "data.backup_folder", {{"folder", folder}}, "folder");
        } else if (Result<BackupManifest> m = Create(std::string(kSystemActor), path); !m.ok()) {
            done = m.error();
        }
        if (!done.ok()) {
            ChangeScope failed(changes_, kSystemActor);
            if (failed.begin_status().ok() &&
                failed.Audit("data", "backup_failed", path, nullptr, done.error().message).ok())
                (void)failed.Commit();
            return;
        }
        std::vector<std::string> kept = AutomaticBackups();
        for (size_t i = static_cast<size_t>(keep); i < kept.size(); ++i) std::remove(kept[i].c_str());
    });
    return QueueNext(scope, s);
}

Status BackupService::QueueNext(ChangeScope& scope, const BackupSchedule& s) {
    // One item per run (its minute as the record id): the item running now is marked done after its
    // handler, so the next run must be an item of its own.
    const int64_t due = NextRun(s, scope.now_ms());
    return scheduler_->Schedule(scope, kKind, "", due / 60'000, 1, due);
}

}  // namespace crm
