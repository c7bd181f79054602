// ReceiveWithTimestamp: recvmsg() on a socket with SO_TIMESTAMPNS set, and
// when the kernel received the bytes it read. A time no lag of the reading
// thread can move, which is why the fixture's request log and test servers
// stamp requests with it. Thread-safe as recvmsg is.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>

namespace gleaner {

// Reads up to `size` bytes of `fd` into `buf` as recvmsg(2) with `flags`
// (MSG_PEEK leaves them for the next read) and returns what it returns.
// `*received` is the stamp (wall-clock time), or nullopt when nothing was read
// or the kernel gave none.
ssize_t ReceiveWithTimestamp(int fd, void* buf, size_t size, int flags,
                             std::optional<std::chrono::system_clock::time_point>* received);

}  // namespace gleaner
