// node-scsi-passthrough-shim: Linux SCSI generic (sg) v3 interface through SG_IO.
// Every blocking system call (open, ioctl, close) runs on a libuv worker thread via
// Napi::AsyncWorker so the event loop never blocks. Errors carry errno and the failing syscall;
// the JavaScript wrapper turns them into typed SgError objects.
#include <napi.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#ifdef __linux__
#include <fcntl.h>
#include <scsi/sg.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#define SG_SUPPORTED 1
#else
#define SG_SUPPORTED 0
#endif

namespace {

// sg v3 requires driver version >= 3.0.0 (30000) for SG_IO.
constexpr int kMinSgVersion = 30000;

Napi::Error ErrnoError(Napi::Env env, int err, const std::string& syscall, const std::string& path) {
  std::string msg = syscall + " " + path + ": " + std::strerror(err);
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.Set("path", Napi::String::New(env, path));
  return e;
}

#if SG_SUPPORTED
double MonotonicMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

// Returns 0 and the sg driver version, or an errno. ENOTTY means "not an sg device".
int SgVersion(int fd, int* version) {
  if (ioctl(fd, SG_GET_VERSION_NUM, version) < 0) {
    int err = errno;
    // Some drivers answer EINVAL to an unknown ioctl; both mean "not SCSI generic".
    return (err == EINVAL) ? ENOTTY : err;
  }
  if (*version < kMinSgVersion) return ENOTTY;
  return 0;
}
#endif

// ---------------------------------------------------------------------------------------------
class OpenWorker : public Napi::AsyncWorker {
 public:
  OpenWorker(Napi::Env env, std::string path, bool readOnly)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), path_(std::move(path)),
        readOnly_(readOnly) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
#if SG_SUPPORTED
    fd_ = open(path_.c_str(), (readOnly_ ? O_RDONLY : O_RDWR) | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
      err_ = errno;
      syscall_ = "open";
      return;
    }
    int e = SgVersion(fd_, &version_);
    if (e != 0) {
      err_ = e;
      syscall_ = "ioctl(SG_GET_VERSION_NUM)";
      close(fd_);
      fd_ = -1;
    }
#else
    err_ = ENOSYS;
    syscall_ = "open";
#endif
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (err_ != 0) {
      deferred_.Reject(ErrnoError(env, err_, syscall_, path_).Value());
      return;
    }
    Napi::Object r = Napi::Object::New(env);
    r.Set("fd", fd_);
    r.Set("version", version_);
    deferred_.Resolve(r);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_;
  bool readOnly_;
  int fd_ = -1;
  int version_ = 0;
  int err_ = 0;
  std::string syscall_;
};

// ---------------------------------------------------------------------------------------------
class ExecuteWorker : public Napi::AsyncWorker {
 public:
  // direction: 0 none, 1 to device (data-out), 2 from device (data-in)
  ExecuteWorker(Napi::Env env, int fd, std::vector<uint8_t> cdb, int direction, std::vector<uint8_t> data,
                uint32_t timeoutMs, uint32_t senseLength)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), fd_(fd), cdb_(std::move(cdb)),
        direction_(direction), data_(std::move(data)), timeoutMs_(timeoutMs), sense_(senseLength) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
#if SG_SUPPORTED
    sg_io_hdr_t h;
    std::memset(&h, 0, sizeof(h));
    h.interface_id = 'S';
    h.dxfer_direction = direction_ == 1 ? SG_DXFER_TO_DEV : direction_ == 2 ? SG_DXFER_FROM_DEV : SG_DXFER_NONE;
    h.cmd_len = static_cast<unsigned char>(cdb_.size());
    h.cmdp = cdb_.data();
    h.mx_sb_len = static_cast<unsigned char>(sense_.size());
    h.sbp = sense_.empty() ? nullptr : sense_.data();
    h.dxfer_len = static_cast<unsigned int>(data_.size());
    h.dxferp = data_.empty() ? nullptr : data_.data();
    h.timeout = timeoutMs_;
    double start = MonotonicMs();
    if (ioctl(fd_, SG_IO, &h) < 0) {
      err_ = errno;
      return;
    }
    elapsedMs_ = MonotonicMs() - start;
    status_ = h.status;
    maskedStatus_ = h.masked_status;
    hostStatus_ = h.host_status;
    driverStatus_ = h.driver_status;
    senseWritten_ = h.sb_len_wr;
    resid_ = h.resid;
    duration_ = h.duration;
    info_ = h.info;
#else
    err_ = ENOSYS;
#endif
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (err_ != 0) {
      deferred_.Reject(ErrnoError(env, err_, "ioctl(SG_IO)", "fd " + std::to_string(fd_)).Value());
      return;
    }
    Napi::Object r = Napi::Object::New(env);
    r.Set("status", status_);
    r.Set("maskedStatus", maskedStatus_);
    r.Set("hostStatus", hostStatus_);
    r.Set("driverStatus", driverStatus_);
    r.Set("info", info_);
    r.Set("resid", resid_);
    r.Set("duration", duration_);
    r.Set("elapsedMs", elapsedMs_);
    size_t sb = senseWritten_ < 0 ? 0 : static_cast<size_t>(senseWritten_);
    if (sb > sense_.size()) sb = sense_.size();
    r.Set("sense", Napi::Buffer<uint8_t>::Copy(env, sense_.data(), sb));
    if (direction_ == 2) {
      r.Set("data", Napi::Buffer<uint8_t>::Copy(env, data_.data(), data_.size()));
    }
    deferred_.Resolve(r);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  int fd_;
  std::vector<uint8_t> cdb_;
  int direction_;
  std::vector<uint8_t> data_;
  uint32_t timeoutMs_;
  std::vector<uint8_t> sense_;
  int err_ = 0;
  int status_ = 0, maskedStatus_ = 0, hostStatus_ = 0, driverStatus_ = 0, senseWritten_ = 0, resid_ = 0;
  unsigned int duration_ = 0, info_ = 0;
  double elapsedMs_ = 0;
};

// ---------------------------------------------------------------------------------------------
class CloseWorker : public Napi::AsyncWorker {
 public:
  CloseWorker(Napi::Env env, int fd) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), fd_(fd) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
#if SG_SUPPORTED
    if (close(fd_) < 0) err_ = errno;
#else
    err_ = ENOSYS;
#endif
  }
  void OnOK() override {
    if (err_ != 0) {
      deferred_.Reject(ErrnoError(Env(), err_, "close", "fd " + std::to_string(fd_)).Value());
      return;
    }
    deferred_.Resolve(Env().Undefined());
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  int fd_;
  int err_ = 0;
};

// ---------------------------------------------------------------------------------------------
std::vector<uint8_t> BytesArg(const Napi::Value& v, const char* name) {
  if (!v.IsBuffer()) throw Napi::TypeError::New(v.Env(), std::string(name) + " must be a Buffer");
  Napi::Buffer<uint8_t> b = v.As<Napi::Buffer<uint8_t>>();
  return std::vector<uint8_t>(b.Data(), b.Data() + b.Length());
}

uint32_t UintArg(const Napi::Value& v, const char* name, uint32_t max) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), std::string(name) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= max) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    throw Napi::RangeError::New(v.Env(), std::string(name) + " out of range");
  }
  return static_cast<uint32_t>(d);
}

// open(path: string, readOnly: boolean): Promise<{fd, version}>
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsBoolean()) {
    throw Napi::TypeError::New(env, "open(path: string, readOnly: boolean)");
  }
  auto* w = new OpenWorker(env, info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::Boolean>().Value());
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// execute(fd, cdb: Buffer, direction 0|1|2, dataOut: Buffer, dataInLength, timeoutMs, senseLength)
Napi::Value Execute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7) throw Napi::TypeError::New(env, "execute: 7 arguments expected");
  int fd = static_cast<int>(UintArg(info[0], "fd", 0x7fffffff));
  std::vector<uint8_t> cdb = BytesArg(info[1], "cdb");
  if (cdb.empty() || cdb.size() > 255) throw Napi::RangeError::New(env, "cdb length must be 1..255");
  uint32_t direction = UintArg(info[2], "direction", 2);
  std::vector<uint8_t> data;
  if (direction == 1) data = BytesArg(info[3], "dataOut");
  uint32_t dataInLength = UintArg(info[4], "dataInLength", 0x7fffffff);
  if (direction == 2) data.assign(dataInLength, 0);
  uint32_t timeoutMs = UintArg(info[5], "timeoutMs", 0xffffffffu);
  uint32_t senseLength = UintArg(info[6], "senseLength", 255);
  auto* w = new ExecuteWorker(env, fd, std::move(cdb), static_cast<int>(direction), std::move(data), timeoutMs,
                              senseLength);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = static_cast<int>(UintArg(info[0], "fd", 0x7fffffff));
  auto* w = new CloseWorker(env, fd);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("supported", Napi::Boolean::New(env, SG_SUPPORTED == 1));
  exports.Set("open", Napi::Function::New(env, Open));
  exports.Set("execute", Napi::Function::New(env, Execute));
  exports.Set("close", Napi::Function::New(env, Close));
  return exports;
}

}  // namespace

NODE_API_MODULE(sg_passthrough, Init)
