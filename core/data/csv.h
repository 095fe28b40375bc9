// CSV per RFC 4180: a writer (quoting only when needed, CRLF line ends, formula-injection neutralised on
// request) and a streaming reader (quotes, doubled quotes, embedded delimiters and line breaks, CRLF or LF,
// a UTF-8 BOM, blank lines skipped, rows of any length, fields of any length).
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace crm {

// [SECTION] Writing

/// Appends one field to `out`, quoted when it holds the delimiter, a quote, CR or LF (or leading or trailing
/// spaces). With `neutralise`, a text starting with = + - @ (or a tab or CR) gets a leading apostrophe, so a
/// spreadsheet shows it as text instead of running it as a formula (OWASP's CSV injection advice).
void AppendCsvField(std::string& out, std::string_view field, bool neutralise, char delimiter = ',');
/// Appends a whole row (fields, then CRLF).
void AppendCsvRow(std::string& out, const std::vector<std::string>& fields, bool neutralise,
                  char delimiter = ',');

// [SECTION] Reading

/// One parsed row: its fields and the 1-based line it starts on.
struct CsvRow {
    std::vector<std::string> fields;
    int line = 0;
};

/// Reads rows from a source of bytes, a chunk at a time (never the whole file at once). A field's quotes
/// must be closed before the input ends ("data.csv_unclosed_quote", naming the line it opened on); text after
/// a closing quote is kept as written (spreadsheets write it so).
class CsvReader {
public:
    /// `read` fills up to `size` bytes and answers how many (0 = the end).
    using Source = std::function<size_t(char* buffer, size_t size)>;
    explicit CsvReader(Source read, char delimiter = ',');
    /// Reads the next non-blank row into `row`: true when one was read, false at the end or on an error.
    bool Next(CsvRow& row);
    /// The error that stopped reading, if any.
    const Status& status() const { return status_; }
    /// Whether the input began with a UTF-8 byte order mark (skipped).
    bool had_bom() const { return had_bom_; }

private:
    int Peek();
    int Get();
    /// Appends to `field` the bytes the buffer holds before the next `a`, `b` or `c` (a field's plain text,
    /// taken as one run rather than byte by byte) and moves past them.
    void TakeRun(std::string& field, char a, char b, char c);
    Source read_;
    char delimiter_;
    std::vector<char> buffer_;
    size_t pos_ = 0;
    size_t end_ = 0;
    bool eof_ = false;
    bool started_ = false;
    bool had_bom_ = false;
    int line_ = 1;
    Status status_;
};

/// Reads a CsvReader's rows in batches, the next batch read ahead: natively on a thread of its own while the
/// caller works on the batch before (the import saves it), in the browser (no threads) when asked for.
/// The reader, and so its source, is then used by that thread alone until the batches end or this is
/// destroyed (which waits for the thread); a source is called by one thread at a time, never by two at once.
class CsvBatches {
public:
    CsvBatches(CsvReader& reader, size_t batch_size);
    ~CsvBatches();
    CsvBatches(const CsvBatches&) = delete;
    CsvBatches& operator=(const CsvBatches&) = delete;
    /// The next batch into `rows` (at most batch_size rows; the strings of the rows given back are read
    /// into again), and the reader's status after it: an error stops the batches there, and the rows
    /// read before it in that batch are not to be used. An empty batch is the end.
    Status Next(std::vector<CsvRow>& rows);

private:
    /// Reads one batch into `into` and answers the reader's status after it (the read ahead's work).
    Status Fill(std::vector<CsvRow>& into);
    CsvReader& reader_;
    size_t batch_size_;
    bool ended_ = false;  // a batch that was empty or in error was handed over: no more batches
    std::vector<CsvRow> ahead_;
    Status ahead_status_;
#ifndef __EMSCRIPTEN__
    struct Worker;
    std::unique_ptr<Worker> worker_;
#endif
};

/// A Source over text held in memory (tests, previews).
CsvReader::Source CsvFromString(std::string_view text);
/// Guesses the delimiter of a sample (comma, semicolon, tab or '|'): the one most common outside quotes
/// in the first line.
char GuessCsvDelimiter(std::string_view sample);

}  // namespace crm
