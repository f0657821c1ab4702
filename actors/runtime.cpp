#include "actors/runtime.hpp"

#include <cstdio>
#include <filesystem>
#include <future>

#include "actors/atoms.hpp"
#include "actors/chatwoot_gateway.hpp"
#include "actors/conversation_actor.hpp"
#include "actors/drafting_actor.hpp"
#include "actors/gateway.hpp"
#include "actors/knowledge_actor.hpp"
#include "actors/llm_drafter.hpp"
#include "actors/reconciler.hpp"
#include "actors/registry_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/timer_service.hpp"
#include "config/log.hpp"
#include "domain/business_hours.hpp"
#include "domain/sla_calendar.hpp"
#include "persistence/commit_queue.hpp"
#include "persistence/read_pool.hpp"

namespace frontdesk::actors {
namespace {

/// The state machine's SLA policy: deadlines in business hours of the configured calendar
/// (P0/P1 on the wall clock, so their alerts fire after hours too).
expected<fsm::sla_policy, std::string> sla_policy_of(const config::sla_settings& s) {
  domain::sla_calendar_config cal;
  cal.time_zone = s.timezone;
  auto week = domain::parse_business_hours(s.business_hours);
  if (!week) return unexpected{"sla.business_hours: " + week.error()};
  cal.week = *week;
  for (const std::string& d : s.holidays) {
    int y = 0;
    unsigned mo = 0, day = 0;
    if (std::sscanf(d.c_str(), "%d-%u-%u", &y, &mo, &day) != 3)
      return unexpected{"sla.holidays: " + d};
    const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo),
                                          std::chrono::day(day)};
    if (!ymd.ok()) return unexpected{"sla.holidays: " + d + " is not a date"};
    cal.holidays.push_back(ymd);
  }
  auto calendar = domain::sla_calendar::create(cal);
  if (!calendar) return unexpected{"sla.timezone / sla.business_hours: " + calendar.error()};
  domain::sla_policy policy;
  policy.warning_fraction = s.warning_fraction < 1 ? s.warning_fraction : 0.99;
  return fsm::sla_policy(
      [calendar = *calendar, policy](fsm::time_point fr, fsm::time_point res, domain::priority p) {
        using std::chrono::floor;
        using std::chrono::seconds;
        const auto a = domain::compute_sla_deadlines(p, floor<seconds>(fr), calendar, policy);
        const auto b = domain::compute_sla_deadlines(p, floor<seconds>(res), calendar, policy);
        return fsm::sla_deadlines{a.first_response_warning, a.first_response_due,
                                  b.resolution_warning, b.resolution_due};
      });
}

fsm::machine_config machine_config_of(const config::settings& s) {
  fsm::machine_config m;
  m.confidence_threshold = s.workflow.confidence_threshold;
  m.draft_timeout = std::chrono::seconds(s.workflow.draft_timeout_s);
  m.approval_notify_after = std::chrono::minutes(s.workflow.approval_notify_after_min);
  m.approval_manager_after = std::chrono::minutes(s.workflow.approval_manager_after_min);
  return m;
}

}  // namespace

struct runtime::impl {
  std::shared_ptr<persistence::store> db;
  std::shared_ptr<persistence::commit_queue> commits;
  std::shared_ptr<persistence::read_pool> reads;
  std::unique_ptr<caf::actor_system_config> cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor store_actor, timers, bus, outbox, drafter, knowledge, registry, reconciler;
  std::vector<caf::actor> gateways;            ///< answer (stats_atom) with gateway_stats
  std::unique_ptr<chatwoot_gateway> chatwoot;  ///< null in local inbox mode
  bool stopped = false;
};

runtime::runtime() : impl_(std::make_unique<impl>()) {}

runtime::~runtime() {
  stop();
}

expected<std::unique_ptr<runtime>, std::string> runtime::start(const config::settings& s,
                                                               runtime_hooks hooks) {
  auto sla = sla_policy_of(s.sla);  // a bad calendar stops start-up before anything runs
  if (!sla) return unexpected{sla.error()};
  std::unique_ptr<runtime> rt(new runtime());
  impl& m = *rt->impl_;
  if (s.store.db.rfind("sqlite:", 0) == 0 && s.store.db != "sqlite::memory:") {
    const std::filesystem::path file(s.store.db.substr(7));
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  }
  auto opened = persistence::open_store(s.store.db);
  if (!opened) return unexpected{"store " + s.store.db + ": " + opened.error().message};
  m.db = std::shared_ptr<persistence::store>(std::move(*opened));
  if (auto r = m.db->migrate(); !r) return unexpected{"store migration: " + r.error().message};

  persistence::commit_queue_options qo;
  qo.max_batch = static_cast<std::size_t>(s.store.batch_max);
  qo.max_delay = std::chrono::microseconds(s.store.batch_delay_us);
  qo.delay_only_when_busy = true;
  m.commits = std::make_shared<persistence::commit_queue>(m.db, qo);
  m.reads = std::make_shared<persistence::read_pool>(m.db, 2);

  m.cfg = std::make_unique<caf::actor_system_config>();
  m.cfg->set("scheduler.max-threads", static_cast<std::size_t>(s.actors.workers));
  m.cfg->set("scheduler.max-throughput", static_cast<std::size_t>(s.actors.max_throughput));
  m.sys = std::make_unique<caf::actor_system>(*m.cfg);
  auto& sys = *m.sys;

  m.store_actor = spawn_store_actor(sys, m.commits);
  timer_service_options to;
  to.horizon = std::chrono::seconds(s.actors.timer_horizon_s);
  to.reload_every = to.horizon / 4;
  m.timers = spawn_timer_service(sys, m.reads, to);
  m.bus = spawn_event_bus(sys);
  delivery_fn delivery = hooks.delivery;
  if (!delivery && !s.chatwoot.base_url.empty()) {
    chatwoot_gateway_options o;
    o.base_url = s.chatwoot.base_url;
    o.api_token = s.chatwoot.api_token;
    o.account_id = s.chatwoot.account_id;
    o.low_confidence_below = s.workflow.confidence_threshold;
    o.max_in_flight = static_cast<std::size_t>(s.chatwoot.max_in_flight);
    o.max_connections = o.max_in_flight;
    auto gw = chatwoot_gateway::start(sys, o);
    if (!gw) return unexpected{"chatwoot gateway: " + gw.error()};
    m.chatwoot = std::move(*gw);
    m.gateways.push_back(m.chatwoot->supervisor());
    delivery = m.chatwoot->delivery();
  }
  m.outbox = spawn_outbox(sys, m.reads, delivery ? delivery : local_inbox_delivery(), 8, m.bus);
  if (hooks.drafter) {
    m.drafter = hooks.drafter(sys);
  } else {
    // Knowledge: the embedded index over kb_dir, or the RAG service when one is configured.
    knowledge_options k;
    k.kb_dir = s.knowledge.kb_dir;
    k.rag_url = s.knowledge.rag_service_url;
    m.knowledge = spawn_knowledge(sys, k);
    if (!k.rag_url.empty()) m.gateways.push_back(m.knowledge);
    if (!s.llm.base_url.empty()) {
      llm_drafter_options o;
      o.base_url = s.llm.base_url;
      o.api_key = s.llm.api_key;
      o.model = s.llm.model;
      o.timeout = std::chrono::milliseconds(s.llm.timeout_ms);
      // The whole draft (every attempt) ends before the conversation stops waiting for it.
      o.deadline = std::chrono::seconds(s.workflow.draft_timeout_s);
      o.top_k = s.knowledge.top_k;
      o.min_relevance = s.knowledge.min_relevance;
      o.knowledge = m.knowledge;
      m.drafter = spawn_llm_drafter(sys, o);
      m.gateways.push_back(m.drafter);
    } else {
      builtin_drafter_options d;
      d.top_k = s.knowledge.top_k;
      d.min_relevance = s.knowledge.min_relevance;
      m.drafter = spawn_builtin_drafter(sys, d, m.knowledge);
    }
  }

  auto svc = std::make_shared<conversation_services>();
  svc->store = m.store_actor;
  svc->drafter = m.drafter;
  svc->timers = m.timers;
  svc->bus = m.bus;
  svc->outbox = m.outbox;
  svc->reads = m.reads;
  svc->machine = machine_config_of(s);
  svc->machine.sla = std::move(*sla);
  svc->ai_drafts_enabled = s.workflow.ai_drafts_enabled;
  svc->passivate_after = std::chrono::seconds(s.actors.passivate_after_s);
  m.registry = spawn_registry(sys, svc);
  svc->registry = m.registry;  // before any message reaches the registry
  caf::anon_send(m.timers, route_atom::value, m.registry);

  // Recovery: the timer service loads the unfired timers within its horizon as it learns the
  // registry (above; past ones fire at once); conversations with work in flight come back now.
  caf::scoped_actor self{sys};
  std::optional<std::string> failed;
  self->request(m.registry, std::chrono::seconds(60), recover_atom::value)
      .receive(
          [&](std::uint64_t n) {
            log::info("runtime_started", {{"activated", n}});
          },
          [&](const caf::error& e) { failed = caf::to_string(e); });
  if (failed) return unexpected{"recovery: " + *failed};
  if (m.chatwoot) {
    // Chatwoot never retries an account webhook: what was lost is found by polling.
    reconciler_options ro;
    ro.interval = std::chrono::seconds(s.chatwoot.reconcile_interval_s);
    caf::actor registry = m.registry;
    m.reconciler = spawn_reconciler(
        sys, m.chatwoot->reader(),
        [registry](conversation_command c) {
          caf::anon_send(registry, route_atom::value,
                         std::make_shared<conversation_command>(std::move(c)));
        },
        m.reads, ro);
  }
  return rt;
}

void runtime::submit(conversation_command cmd) {
  caf::anon_send(impl_->registry, route_atom::value,
                 std::make_shared<conversation_command>(std::move(cmd)));
}

void runtime::subscribe(event_sink sink) {
  caf::anon_send(impl_->bus, subscribe_atom::value, std::make_shared<event_sink>(std::move(sink)));
}

namespace {

/// Asks the registry, the timer service and every gateway at once; answers when all have.
void collect_counts(caf::event_based_actor* self, caf::actor registry, caf::actor timers,
                    std::vector<caf::actor> gateways, std::function<void(runtime_counts)> done) {
  struct pending {
    runtime_counts out;
    std::size_t left = 0;
    std::function<void(runtime_counts)> done;
    void one_done() {
      if (--left == 0) done(std::move(out));
    }
  };
  auto p = std::make_shared<pending>();
  p->done = std::move(done);
  p->left = 2 + gateways.size();
  p->out.gateways.resize(gateways.size());
  const auto limit = std::chrono::seconds(5);
  self->request(registry, limit, stats_atom::value)
      .then(
          [p](const registry_stats& r) {
            p->out.live = r.live;
            p->out.passivations = r.passivated;
            p->out.activations = r.activations;
            p->out.routed = r.routed;
            p->one_done();
          },
          [p](const caf::error&) { p->one_done(); });
  self->request(timers, limit, stats_atom::value)
      .then(
          [p](std::uint64_t t) {
            p->out.timers = t;
            p->one_done();
          },
          [p](const caf::error&) { p->one_done(); });
  for (std::size_t i = 0; i < gateways.size(); ++i) {
    self->request(gateways[i], limit, gateway_stats_atom::value)
        .then(
            [p, i](const gateway_stats& g) {
              p->out.gateways[i] = g;
              p->one_done();
            },
            [p, i](const caf::error& e) {
              p->out.gateways[i].last_error = "no answer: " + caf::to_string(e);
              p->one_done();
            });
  }
}

}  // namespace

void runtime::counts(std::function<void(runtime_counts)> reply_to) {
  impl_->sys->spawn(collect_counts, impl_->registry, impl_->timers, impl_->gateways,
                    std::move(reply_to));
}

runtime_counts runtime::counts_blocking() {
  auto promise = std::make_shared<std::promise<runtime_counts>>();
  auto future = promise->get_future();
  counts([promise](runtime_counts c) { promise->set_value(std::move(c)); });
  return future.get();
}

bool runtime::store_healthy() const {
  return impl_->commits && impl_->commits->healthy();
}
std::shared_ptr<persistence::read_pool> runtime::reads() const {
  return impl_->reads;
}
persistence::commit_queue& runtime::commits() {
  return *impl_->commits;
}
std::shared_ptr<persistence::store> runtime::store() const {
  return impl_->db;
}
caf::actor_system& runtime::system() {
  return *impl_->sys;
}

void runtime::stop() {
  impl& m = *impl_;
  if (m.stopped || !m.sys) return;
  m.stopped = true;
  {
    caf::scoped_actor self{*m.sys};
    self->request(m.registry, std::chrono::seconds(30), drain_atom::value)
        .receive([](bool) {},
                 [](const caf::error& e) {
                   log::warn("drain_incomplete", {{"error", caf::to_string(e)}});
                 });
  }
  for (const caf::actor& a : {m.reconciler, m.registry, m.timers, m.bus, m.outbox, m.drafter,
                              m.knowledge, m.store_actor}) {
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
  for (const caf::actor& a : m.gateways) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  if (m.chatwoot) m.chatwoot->stop();  // its HTTP client ends; open calls answer at once
  m.sys->await_all_actors_done();
  // A detached actor's thread ends only once its object is gone: drop every handle.
  m.registry = m.timers = m.bus = m.outbox = m.drafter = m.store_actor = m.reconciler =
      m.knowledge = caf::actor{};
  m.gateways.clear();
  m.chatwoot.reset();
  m.commits->stop();
  m.reads->stop();
  m.sys.reset();
}

}  // namespace frontdesk::actors
