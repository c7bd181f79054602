#include "common/stop_signals.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace gleaner {

namespace {

// The write end of the live StopSignals' pipe: a signal handler can reach
// nothing else.
int signal_pipe = -1;

void WriteByte(int fd, char byte) {
  while (write(fd, &byte, 1) < 0 && errno == EINTR) {
  }
}

// Async-signal-safe: one write(2), errno kept for the interrupted code.
void OnSignal(int sig) {
  const int saved_errno = errno;
  WriteByte(signal_pipe, static_cast<char>(sig));
  errno = saved_errno;
}

}  // namespace

StopSignals::StopSignals(std::function<void(const char* signal)> on_signal)
    : on_signal_(std::move(on_signal)) {
  if (pipe2(pipe_, O_CLOEXEC) != 0) {
    // Without a pipe the signals keep their default action: they end the
    // process, as before any handler was installed.
    pipe_[0] = pipe_[1] = -1;
    return;
  }
  signal_pipe = pipe_[1];
  waiter_ = std::thread([this] {
    char sig = 0;
    while (true) {
      ssize_t n = read(pipe_[0], &sig, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || sig == 0) return;
      on_signal_(sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
  });
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a syscall the signal lands in carries on
  sigaction(SIGINT, &action, &previous_int_);
  sigaction(SIGTERM, &action, &previous_term_);
}

StopSignals::~StopSignals() {
  if (pipe_[1] < 0) return;
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
  WriteByte(pipe_[1], 0);
  waiter_.join();
  signal_pipe = -1;
  close(pipe_[0]);
  close(pipe_[1]);
}

}  // namespace gleaner
