# Networks (core/network): IPAM, network and endpoint records, the network
# service, the container-facing glue and the /networks API. Paths relative
# to core/. The embedded DNS server (network/dns/) lists its own sources in
# network/dns/sources.cmake; its owner adds them to berth_core.
set(BERTH_NETWORK_SOURCES
  network/ipam/ipv4.cpp
  network/ipam/address_pools.cpp
  network/ipam/address_space.cpp
  network/ipam/host_routes.cpp
  network/network.cpp
  network/network_json.cpp
  network/network_record.cpp
  network/record_store.cpp
  network/driver_client.cpp
  network/network_service.cpp
  network/network_events.cpp
  network/port_plan.cpp
  network/name_resolution.cpp
  network/network_settings.cpp
  network/container_networking.cpp
  network/host_nameservers.cpp
  api/network_routes.cpp
)
