// Where the simulator's writers put their bytes: an OutputDir makes files by
// relative path ("sensors/darknet.pcap") and each FileSink takes appends, so
// no writer ever holds its whole output. The posix OutputDir writes through a
// 1 MiB buffer with write(2) and creates parent directories; MemOutputDir
// keeps files in memory for tests.
//
// Thread safety: an OutputDir and its sinks are used by one thread.
#ifndef NCERT_SIM_SINK_H_
#define NCERT_SIM_SINK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace ncert::sim {

class FileSink {
 public:
  virtual ~FileSink() = default;
  virtual Status Append(std::string_view data) = 0;
  // Flushes and closes; the destructor closes too, without reporting errors.
  virtual Status Close() = 0;
  virtual uint64_t bytes() const = 0;
};

class OutputDir {
 public:
  virtual ~OutputDir() = default;
  // Creates (or truncates) the file at `relative_path`.
  virtual Result<std::unique_ptr<FileSink>> Create(
      const std::string& relative_path) = 0;
  // The path to show people: root + "/" + relative_path.
  virtual std::string PathOf(const std::string& relative_path) const = 0;
};

// Files under `root` (created if missing).
std::unique_ptr<OutputDir> NewPosixOutputDir(std::string root);

class MemOutputDir final : public OutputDir {
 public:
  Result<std::unique_ptr<FileSink>> Create(
      const std::string& relative_path) override;
  std::string PathOf(const std::string& relative_path) const override {
    return "mem:/" + relative_path;
  }
  // Contents of every file created so far (complete once its sink closed).
  const std::map<std::string, std::string>& files() const { return files_; }

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace ncert::sim

#endif  // NCERT_SIM_SINK_H_
