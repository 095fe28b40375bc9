#include "data/csv.h"

#include <algorithm>
#include <cstring>
#include <memory>
#ifndef __EMSCRIPTEN__
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

#include "common/messages.h"

namespace crm {

namespace {

const MessageDef kMessages[] = {
    {"data.csv_unclosed_quote", "Line {line}: a quoted field opened here is never closed.",
     "第 {line} 行：此处开始的带引号字段没有结束引号。"},
};
CRM_REGISTER_MESSAGES(kMessages);

constexpr size_t kChunk = 64 * 1024;

}  // namespace

void AppendCsvField(std::string& out, std::string_view field, bool neutralise, char delimiter) {
    const bool risky = neutralise && !field.empty() &&
                       (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@' ||
                        field[0] == '\t' || field[0] == '\r');
    const bool quote =
        risky || field.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string_view::npos ||
        (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!quote) {
        out.append(field);
        return;
    }
    out += '"';
    if (risky) out += '\'';
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

void AppendCsvRow(std::string& out, const std::vector<std::string>& fields, bool neutralise, char delimiter) {
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += delimiter;
        AppendCsvField(out, fields[i], neutralise, delimiter);
    }
    out += "\r\n";
}

CsvReader::CsvReader(Source read, char delimiter)
    : read_(std::move(read)), delimiter_(delimiter), buffer_(kChunk) {}

int CsvReader::Peek() {
    if (pos_ == end_) {
        if (eof_) return -1;
        end_ = read_(buffer_.data(), buffer_.size());
        pos_ = 0;
        if (end_ == 0) {
            eof_ = true;
            return -1;
        }
    }
    return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvReader::Get() {
    const int c = Peek();
    if (c >= 0) ++pos_;
    return c;
}

void CsvReader::TakeRun(std::string& field, char a, char b, char c) {
    const char* begin = buffer_.data() + pos_;
    const char* end = buffer_.data() + end_;
    const char* at = begin;
    while (at != end && *at != a && *at != b && *at != c) ++at;
    field.append(begin, at);
    pos_ += static_cast<size_t>(at - begin);
}

bool CsvReader::Next(CsvRow& row) {
    if (!status_.ok()) return false;
    if (!started_) {
        started_ = true;
        // A UTF-8 BOM: EF BB BF.
        if (Peek() == 0xEF) {
            ++pos_;
            if (Peek() == 0xBB) {
                ++pos_;
                if (Peek() == 0xBF) {
                    ++pos_;
                    had_bom_ = true;
                } else {
                    pos_ -= 2;  // not a BOM after all: the buffer still holds the bytes (first chunk)
                }
            } else {
                --pos_;
            }
        }
    }
    for (;;) {
        row.line = line_;
        if (Peek() < 0) {
            row.fields.clear();
            return false;
        }
        // The row's strings are those of the row read before into `row`, cleared: their capacity stays.
        size_t n = 0;
        auto open = [&]() -> std::string& {
            if (n == row.fields.size()) row.fields.emplace_back();
            std::string& f = row.fields[n];
            f.clear();
            return f;
        };
        std::string* field = &open();
        bool any = false;  // the row has content (a blank line has none)
        for (;;) {
            int c = Get();
            if (c < 0) {
                row.fields.resize(++n);
                break;
            }
            if (c == '"' && field->empty()) {
                any = true;
                const int opened = line_;
                for (;;) {
                    c = Get();
                    if (c < 0) {
                        status_ = MessageError("data.csv_unclosed_quote", "data.csv_unclosed_quote",
                                               {{"line", std::to_string(opened)}});
                        status_ = Error{status_.error().code, status_.error().message, "", opened, 0};
                        return false;
                    }
                    if (c == '"') {
                        if (Peek() == '"') {
                            Get();
                            *field += '"';
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') ++line_;
                    *field += static_cast<char>(c);
                    TakeRun(*field, '"', '\n', '"');
                }
                continue;
            }
            if (c == delimiter_) {
                any = true;
                ++n;
                field = &open();
                continue;
            }
            if (c == '\r' || c == '\n') {
                if (c == '\r' && Peek() == '\n') Get();
                ++line_;
                row.fields.resize(++n);
                break;
            }
            any = true;
            *field += static_cast<char>(c);
            TakeRun(*field, delimiter_, '\r', '\n');
        }
        if (any) return true;
        // A blank line: read on.
    }
}

// [SECTION] Batches read ahead

#ifndef __EMSCRIPTEN__
struct CsvBatches::Worker {
    std::mutex mutex;
    std::condition_variable changed;
    bool want = true;    // the thread is to read the next batch into ahead_
    bool ready = false;  // ahead_ holds a batch read, for Next
    bool stop = false;   // the batches' owner is going away
    std::thread thread;
};
#endif

CsvBatches::CsvBatches(CsvReader& reader, size_t batch_size)
    : reader_(reader), batch_size_(std::max<size_t>(batch_size, 1)) {}

CsvBatches::~CsvBatches() {
#ifndef __EMSCRIPTEN__
    if (!worker_) return;
    {
        std::lock_guard<std::mutex> lock(worker_->mutex);
        worker_->stop = true;
    }
    worker_->changed.notify_all();
    worker_->thread.join();
#endif
}

Status CsvBatches::Fill(std::vector<CsvRow>& into) {
    size_t n = 0;
    for (; n < batch_size_; ++n) {
        if (n == into.size()) into.emplace_back();
        if (!reader_.Next(into[n])) break;
    }
    into.resize(n);
    return reader_.status();
}

Status CsvBatches::Next(std::vector<CsvRow>& rows) {
    if (ended_) {
        rows.clear();
        return ahead_status_;
    }
#ifdef __EMSCRIPTEN__
    ahead_status_ = Fill(rows);
    ended_ = rows.empty() || !ahead_status_.ok();
    return ahead_status_;
#else
    if (!worker_) {
        worker_ = std::make_unique<Worker>();
        worker_->thread = std::thread([this] {
            Worker& w = *worker_;
            for (;;) {
                {
                    std::unique_lock<std::mutex> lock(w.mutex);
                    w.changed.wait(lock, [&] { return w.want || w.stop; });
                    if (w.stop) return;
                    w.want = false;
                }
                // ahead_ is the thread's alone until it says ready.
                Status status = Fill(ahead_);
                const bool last = ahead_.empty() || !status.ok();
                {
                    std::lock_guard<std::mutex> lock(w.mutex);
                    ahead_status_ = std::move(status);
                    w.ready = true;
                }
                w.changed.notify_all();
                if (last) return;
            }
        });
    }
    Worker& w = *worker_;
    Status status;
    {
        std::unique_lock<std::mutex> lock(w.mutex);
        w.changed.wait(lock, [&] { return w.ready; });
        w.ready = false;
        rows.swap(ahead_);
        status = ahead_status_;
        ended_ = rows.empty() || !status.ok();
        w.want = !ended_;
    }
    w.changed.notify_all();
    return status;
#endif
}

CsvReader::Source CsvFromString(std::string_view text) {
    auto pos = std::make_shared<size_t>(0);
    return [text, pos](char* buffer, size_t size) {
        const size_t n = std::min(size, text.size() - *pos);
        std::memcpy(buffer, text.data() + *pos, n);
        *pos += n;
        return n;
    };
}

char GuessCsvDelimiter(std::string_view sample) {
    const char candidates[] = {',', ';', '\t', '|'};
    int counts[4] = {0, 0, 0, 0};
    bool quoted = false;
    for (char c : sample) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == '\n') break;
        for (int i = 0; i < 4; ++i)
            if (c == candidates[i]) ++counts[i];
    }
    int best = 0;
    for (int i = 1; i < 4; ++i)
        if (counts[i] > counts[best]) best = i;
    return candidates[best];
}

}  // namespace crm
