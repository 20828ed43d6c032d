// Cutting server-side TCP connections that cpp-httplib owns. httplib (0.11) gives a handler no
// access to its socket, so these find the socket among the process's open file descriptors by
// its addresses and shut it down (shutdown(2), not close: httplib still owns and closes the
// descriptor; its next read or write fails and it drops the connection).
//
// Used for the injected "disconnect" of a non-streaming request (the client gets no response at
// all) and, on Stop, for connections idling in httplib's keep-alive wait, which does not look
// at the server's state and would otherwise hold Stop for up to the keep-alive timeout.
// Linux only (/proc/self/fd). Thread-safety: free functions, safe from any thread.
#pragma once

#include <string>

namespace jb::sim {

// Shuts down the connection accepted on `local_port` from remote_addr:remote_port (as httplib
// fills httplib::Request). False when no such socket is open.
bool ShutdownConnection(int local_port, const std::string& remote_addr, int remote_port);

// Shuts down every connection accepted on `local_port` (not the listening socket). Returns how
// many.
int ShutdownConnections(int local_port);

}  // namespace jb::sim
