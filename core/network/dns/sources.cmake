# Embedded DNS (core/network/dns): the 127.0.0.11 server of user-defined
# networks. Paths relative to core/. Links ldns (see core/CMakeLists.txt).
set(BERTH_NETWORK_DNS_SOURCES
  network/dns/dns_message.cpp
  network/dns/embedded_dns.cpp
  network/dns/local_answer.cpp
  network/dns/netns_listener.cpp
  network/dns/query_forwarder.cpp
  network/dns/query_service.cpp
  network/dns/sandbox_listener.cpp
  network/dns/tcp_session.cpp
  network/dns/upstream_server.cpp
)
