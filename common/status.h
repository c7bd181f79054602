// Status: the result of an operation that can fail, returned across module
// boundaries instead of throwing. A Status is a small value type; copying is
// cheap and it is safe to use from any thread (it has no shared state).
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace gleaner {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,
    kInvalidArgument,     // bad input from the user: a file, a flag, a value
    kFailedPrecondition,  // the world is not in the state the call needs
    kCorruption,
    kIOError,
    kUnavailable,  // transient: a server or a resource is away
    kAborted,
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status FailedPrecondition(std::string msg) {
    return Status(Code::kFailedPrecondition, std::move(msg));
  }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Aborted(std::string msg) { return Status(Code::kAborted, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }

  // True when the failure is the caller's input (exit code 2), not the run.
  bool IsBadInput() const {
    return code_ == Code::kInvalidArgument || code_ == Code::kNotFound ||
           code_ == Code::kFailedPrecondition;
  }

  // Prefixes the message with context, keeping the code: "opening x: <msg>".
  Status Annotate(std::string_view context) const {
    if (ok()) return *this;
    return Status(code_, std::string(context) + ": " + message_);
  }

  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Process exit code for a final status: 0 ok, 2 bad input, 1 anything else.
int ExitCodeFor(const Status& s);

}  // namespace gleaner

#define GLEANER_RETURN_IF_ERROR(expr)        \
  do {                                       \
    ::gleaner::Status _gleaner_s = (expr);   \
    if (!_gleaner_s.ok()) return _gleaner_s; \
  } while (0)
