# Events (core/events): the in-memory event log, Docker's event filters and
# GET /events. Paths relative to core/.
set(BERTH_EVENTS_SOURCES
  events/event_json.cpp
  events/event_filter.cpp
  events/event_log.cpp
  api/event_routes.cpp
)
