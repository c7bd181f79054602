// Ports of 127.0.0.1 for tests that start a third-party server (nghttpd,
// redis-server) which cannot report the port it bound. Plain functions;
// thread-safe. A free port can be taken by someone else before the server
// binds it; on a test machine that race is rare and shows as a failed start.
#pragma once

#include <netinet/in.h>

namespace gleaner::testing {

sockaddr_in LoopbackAddress(int port);

// A loopback TCP port nothing listens on right now.
int FreePort();

// True when something accepts TCP connections on 127.0.0.1:port.
bool AcceptsConnections(int port);

}  // namespace gleaner::testing
