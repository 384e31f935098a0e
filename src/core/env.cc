#include "core/env.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>

namespace ncert {
namespace {

Status ErrnoStatus(const std::string& what, const std::string& path, int err) {
  std::string msg = fmt::format("{} {}: {}", what, path, std::strerror(err));
  if (err == ENOENT) return Status::NotFound(std::move(msg));
  if (err == EACCES || err == EPERM) {
    return Status::PermissionDenied(std::move(msg));
  }
  return Status::IoError(std::move(msg));
}

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd)
      : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }
  Result<size_t> Read(char* buf, size_t n) override {
    while (true) {
      ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return ErrnoStatus("cannot read", path_, errno);
    }
  }

 private:
  std::string path_;
  int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<SequentialFile>> OpenSequential(
      const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("cannot open", path, errno);
#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return std::unique_ptr<SequentialFile>(
        std::make_unique<PosixSequentialFile>(path, fd));
  }
  Status WriteFile(const std::string& path, std::string_view data) override {
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus("cannot create", tmp, errno);
    size_t done = 0;
    while (done < data.size()) {
      ssize_t w = ::write(fd, data.data() + done, data.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        Status s = ErrnoStatus("cannot write", tmp, errno);
        ::close(fd);
        return s;
      }
      done += static_cast<size_t>(w);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      return ErrnoStatus("cannot flush", tmp, errno);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      return ErrnoStatus("cannot rename to", path, errno);
    }
    return Status::Ok();
  }
  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot stat", path, errno);
    return FileInfo{S_ISDIR(st.st_mode), static_cast<uint64_t>(st.st_size)};
  }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
      names.push_back(e.path().filename().string());
    }
    if (ec) return ErrnoStatus("cannot list", path, ec.value());
    std::sort(names.begin(), names.end());
    return names;
  }
};

class MemSequentialFile final : public SequentialFile {
 public:
  explicit MemSequentialFile(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

class MemEnv final : public Env {
 public:
  Result<std::unique_ptr<SequentialFile>> OpenSequential(
      const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Status::NotFound("no such file " + path);
    return std::unique_ptr<SequentialFile>(
        std::make_unique<MemSequentialFile>(it->second));
  }
  Status WriteFile(const std::string& path, std::string_view data) override {
    std::lock_guard<std::mutex> l(mu_);
    files_[path] = std::string(data);
    return Status::Ok();
  }
  Result<FileInfo> Stat(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it != files_.end()) return FileInfo{false, it->second.size()};
    auto d = files_.lower_bound(path + "/");
    if (d != files_.end() && d->first.rfind(path + "/", 0) == 0) {
      return FileInfo{true, 0};
    }
    return Status::NotFound("no such file or directory " + path);
  }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    std::string prefix = path + "/";
    std::vector<std::string> names;
    for (auto it = files_.lower_bound(prefix);
         it != files_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
      std::string rest = it->first.substr(prefix.size());
      std::string name = rest.substr(0, rest.find('/'));
      if (names.empty() || names.back() != name) names.push_back(name);
    }
    if (names.empty()) return Status::NotFound("no such directory " + path);
    return names;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> files_;
};

bool HasExtension(const std::string& name,
                  const std::vector<std::string>& extensions) {
  for (const auto& ext : extensions) {
    if (name.size() >= ext.size() &&
        name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      return true;
    }
  }
  return false;
}

Status Walk(Env& env, const std::string& dir,
            const std::vector<std::string>& extensions,
            std::vector<std::string>* out) {
  ASSIGN_OR_RETURN(auto names, env.ListDir(dir));
  for (const auto& name : names) {
    std::string path = dir + "/" + name;
    ASSIGN_OR_RETURN(FileInfo info, env.Stat(path));
    if (info.is_directory) {
      RETURN_IF_ERROR(Walk(env, path, extensions, out));
    } else if (HasExtension(name, extensions)) {
      out->push_back(std::move(path));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> Env::ReadFile(const std::string& path, uint64_t max_bytes) {
  ASSIGN_OR_RETURN(FileInfo info, Stat(path));
  if (info.is_directory) return Status::InvalidArgument(path + " is a directory");
  if (info.size > max_bytes) {
    return Status::ResourceExhausted(fmt::format(
        "{} is {} bytes, over the limit of {}", path, info.size, max_bytes));
  }
  ASSIGN_OR_RETURN(auto file, OpenSequential(path));
  std::string data;
  data.resize(static_cast<size_t>(info.size));
  size_t got = 0;
  while (true) {
    if (got == data.size()) data.resize(data.size() + 65536);
    ASSIGN_OR_RETURN(size_t n, file->Read(data.data() + got, data.size() - got));
    if (n == 0) break;
    got += n;
    if (got > max_bytes) {
      return Status::ResourceExhausted(
          fmt::format("{} grew over the limit of {} bytes", path, max_bytes));
    }
  }
  data.resize(got);
  return data;
}

std::unique_ptr<Env> NewPosixEnv() { return std::make_unique<PosixEnv>(); }
std::unique_ptr<Env> NewMemEnv() { return std::make_unique<MemEnv>(); }

Result<std::vector<std::string>> ExpandPaths(
    Env& env, const std::vector<std::string>& paths,
    const std::vector<std::string>& extensions) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    ASSIGN_OR_RETURN(FileInfo info, env.Stat(p));
    if (info.is_directory) {
      std::string dir = p;
      while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
      RETURN_IF_ERROR(Walk(env, dir, extensions, &out));
    } else {
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace ncert
