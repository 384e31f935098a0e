#include "sim/sink.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ncert::sim {
namespace {

class PosixFileSink final : public FileSink {
 public:
  PosixFileSink(std::string path, int fd) : path_(std::move(path)), fd_(fd) {
    buf_.reserve(kBufferBytes);
  }
  ~PosixFileSink() override { (void)Close(); }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::FailedPrecondition(path_ + " is closed");
    bytes_ += data.size();
    if (buf_.size() + data.size() > kBufferBytes) {
      RETURN_IF_ERROR(Flush());
      if (data.size() >= kBufferBytes) return WriteAll(data);
    }
    buf_.append(data);
    return Status::Ok();
  }
  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    Status s = Flush();
    if (::close(fd_) != 0 && s.ok()) {
      s = Status::IoError(
          fmt::format("cannot close {}: {}", path_, std::strerror(errno)));
    }
    fd_ = -1;
    return s;
  }
  uint64_t bytes() const override { return bytes_; }

 private:
  static constexpr size_t kBufferBytes = 1 << 20;
  Status Flush() {
    Status s = WriteAll(buf_);
    buf_.clear();
    return s;
  }
  Status WriteAll(std::string_view data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t w = ::write(fd_, data.data() + done, data.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        return Status::IoError(
            fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
      }
      done += static_cast<size_t>(w);
    }
    return Status::Ok();
  }

  std::string path_;
  int fd_;
  std::string buf_;
  uint64_t bytes_ = 0;
};

class PosixOutputDir final : public OutputDir {
 public:
  explicit PosixOutputDir(std::string root) : root_(std::move(root)) {}
  Result<std::unique_ptr<FileSink>> Create(
      const std::string& relative_path) override {
    std::string path = PathOf(relative_path);
    std::error_code ec;
    std::filesystem::create_directories(
        std::filesystem::path(path).parent_path(), ec);
    if (ec) {
      return Status::IoError(fmt::format("cannot create the folder of {}: {}",
                                         path, ec.message()));
    }
    int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      return Status::IoError(
          fmt::format("cannot create {}: {}", path, std::strerror(errno)));
    }
    return std::unique_ptr<FileSink>(std::make_unique<PosixFileSink>(path, fd));
  }
  std::string PathOf(const std::string& relative_path) const override {
    return root_.empty() ? relative_path : root_ + "/" + relative_path;
  }

 private:
  std::string root_;
};

class MemFileSink final : public FileSink {
 public:
  explicit MemFileSink(std::string* target) : target_(target) {}
  Status Append(std::string_view data) override {
    if (target_ == nullptr) return Status::FailedPrecondition("closed");
    target_->append(data);
    bytes_ += data.size();
    return Status::Ok();
  }
  Status Close() override {
    target_ = nullptr;
    return Status::Ok();
  }
  uint64_t bytes() const override { return bytes_; }

 private:
  std::string* target_;
  uint64_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<OutputDir> NewPosixOutputDir(std::string root) {
  return std::make_unique<PosixOutputDir>(std::move(root));
}

Result<std::unique_ptr<FileSink>> MemOutputDir::Create(
    const std::string& relative_path) {
  std::string& target = files_[relative_path];
  target.clear();
  return std::unique_ptr<FileSink>(std::make_unique<MemFileSink>(&target));
}

}  // namespace ncert::sim
