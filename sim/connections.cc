#include "sim/connections.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <functional>

namespace jb::sim {
namespace {

// Numeric host and port of a socket address, as httplib formats them (getnameinfo).
bool HostPort(const sockaddr_storage& addr, socklen_t len, std::string* host, int* port) {
  char name[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, name, sizeof(name), service,
                  sizeof(service), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return false;
  }
  *host = name;
  *port = std::atoi(service);
  return true;
}

// Calls `visit(fd, peer_host, peer_port)` for each connected socket whose local port is
// `local_port`; stops when it returns false.
void ForEachConnection(int local_port,
                       const std::function<bool(int, const std::string&, int)>& visit) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    const int fd = std::atoi(entry.path().filename().c_str());
    sockaddr_storage local{}, peer{};
    socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
    std::string host;
    int port = 0;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    if (!HostPort(local, local_len, &host, &port) || port != local_port) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
    if (!HostPort(peer, peer_len, &host, &port)) continue;
    if (!visit(fd, host, port)) return;
  }
}

}  // namespace

bool ShutdownConnection(int local_port, const std::string& remote_addr, int remote_port) {
  bool found = false;
  ForEachConnection(local_port, [&](int fd, const std::string& host, int port) {
    if (host != remote_addr || port != remote_port) return true;
    found = shutdown(fd, SHUT_RDWR) == 0;
    return false;
  });
  return found;
}

int ShutdownConnections(int local_port) {
  int count = 0;
  ForEachConnection(local_port, [&](int fd, const std::string&, int) {
    count += shutdown(fd, SHUT_RDWR) == 0;
    return true;
  });
  return count;
}

}  // namespace jb::sim
