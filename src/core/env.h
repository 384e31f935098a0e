// The file-system seam (after LevelDB's Env): engine code reads and writes
// files only through an Env, so tests can use NewMemEnv() and fault injection.
// SQLite does its own file I/O through its VFS and is not routed here.
//
// Thread safety: the posix Env is thread-safe. The in-memory Env is
// thread-safe too (one mutex). A SequentialFile is used by one thread.
#ifndef NCERT_CORE_ENV_H_
#define NCERT_CORE_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace ncert {

class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes; returns 0 at end of file.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

struct FileInfo {
  bool is_directory = false;
  uint64_t size = 0;
};

class Env {
 public:
  virtual ~Env() = default;
  virtual Result<std::unique_ptr<SequentialFile>> OpenSequential(
      const std::string& path) = 0;
  virtual Status WriteFile(const std::string& path, std::string_view data) = 0;
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;

  // Reads a whole file, refusing files over `max_bytes`.
  Result<std::string> ReadFile(const std::string& path,
                               uint64_t max_bytes = UINT64_MAX);
};

std::unique_ptr<Env> NewPosixEnv();
// An empty in-memory file system; directories exist implicitly as prefixes.
std::unique_ptr<Env> NewMemEnv();

// Expands files and directories into a sorted list of files. Directories are
// walked recursively and only files whose name ends in one of `extensions`
// (".json", ...) are kept; files named directly are always kept.
Result<std::vector<std::string>> ExpandPaths(
    Env& env, const std::vector<std::string>& paths,
    const std::vector<std::string>& extensions);

}  // namespace ncert

#endif  // NCERT_CORE_ENV_H_
