// Private to telemetry/: what the two forms of Zeek logs share — the field
// names ncert reads and their slots, the log name (kind, source) and the URL
// composed from host + uri — and the TSV form itself (Zeek's default ASCII
// writer: '#' header directives, then one record a line). The JSON form is
// ZeekFormat in json_format.cc; both read through this table, so a Zeek
// record gives the same Event whichever way it was written.
//
// Thread safety: the table is immutable; a ZeekTsvFormat is used by one
// reader thread (it holds the current file's header).
#ifndef NCERT_TELEMETRY_ZEEK_FORMAT_H_
#define NCERT_TELEMETRY_ZEEK_FORMAT_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/formats_internal.h"

namespace ncert::telemetry::internal {

// A Zeek field ncert reads.
struct ZeekField {
  std::string_view name;  // "id.orig_h"
  Slot slot;
  bool array_ok;  // a set or vector here gives its first element
};

// Every Zeek field ncert reads (both forms).
std::span<const ZeekField> ZeekFields();

// The log a file holds by its name: "dns.04:00:00-05:00:00.log.gz" -> "dns".
std::string ZeekLogFromFileName(std::string_view file_name);

// Completes an event whose fields are read: kind and source from `log`
// (zeek.conn, zeek.dns, ...; other logs are kept and flag *unknown_kind),
// url and domain from the scratch's host and uri. `log` must live in
// `batch` unless `intern_log`. False (reported) when there is no log name.
bool FinishZeekEvent(std::string_view log, bool intern_log, const Scratch& sc,
                     Event* e, EventBatch* batch, LineSink* sink,
                     bool* unknown_kind);

// Zeek's TSV logs, one file at a time. Header directives (#separator,
// #set_separator, #empty_field, #unset_field, #path, #open, #fields, #types,
// #close) set the state that the data lines after them are read with; a
// new #separator (logs concatenated) starts over.
class ZeekTsvFormat {
 public:
  explicit ZeekTsvFormat(std::string_view file_name);

  // True when a Zeek file whose first bytes are `head` is TSV, not JSON
  // lines: its first non-blank line does not start with '{'.
  static bool LooksLikeTsv(std::string_view head);

  // Reads one non-blank line (a data line in the batch's arena: the event's
  // values point into it). A header line (starting with '#') updates
  // the state, gives no event and returns false with *header true. A data
  // line fills `e` and returns true, or false (reported) when it is skipped.
  bool Parse(std::string_view line, Event* e, EventBatch* batch, LineSink* sink,
             bool* header, bool* unknown_kind);

 private:
  struct Column {
    size_t index;
    const ZeekField* field;
    bool container;  // #types says set[...], vector[...] or table[...]
  };

  void Directive(std::string_view line, LineSink* sink);
  void StartBlock();
  // Splits `s` on the separator into cells_.
  void Split(std::string_view s);
  // `s` with \xNN decoded (in the arena when it had escapes); false on a
  // bad escape.
  bool Unescape(std::string_view s, EventBatch* batch, std::string_view* out);
  void SetColumn(const Column& c, std::string_view cell, Event* e,
                 EventBatch* batch, LineSink* sink);

  std::string file_log_;  // the log named by the file
  std::string separator_ = "\t", set_separator_ = ",", empty_field_ = "(empty)",
              unset_field_ = "-", path_;
  bool have_fields_ = false;
  size_t columns_ = 0;
  std::vector<std::string> names_;  // the columns of #fields
  std::vector<Column> mapped_;      // the columns ncert reads
  std::vector<std::string_view> cells_;
  std::string tmp_;
  Scratch scratch_;
};

}  // namespace ncert::telemetry::internal

#endif  // NCERT_TELEMETRY_ZEEK_FORMAT_H_
