#include "cli/serve_routes.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include "core/exit_codes.h"
#include "core/annotation_store.h"
#include "core/clock.h"
#include "core/page_image.h"
#include "core/queue.h"
#include "core/reprocess.h"
#include "core/review_adjudication.h"
#include "core/review_view.h"
#include "core/sqlite.h"
#include "core/store.h"
#include "stages/catalog.h"

namespace assay {
// cli/web/*, compiled in by CMake (assay_embed_texts).
const std::vector<std::pair<std::string_view, std::string_view>>& WebAssetTexts();
}  // namespace assay

namespace assay::cli {
namespace {

using httplib::Request;
using httplib::Response;

constexpr const char* kSessionCookie = "assay_session";

// Who sent a request: the reviewer's name, the CSRF token of their browser session (none for
// a Bearer client, which carries no ambient credential a foreign page could use).
struct Caller {
  std::string name;
  std::optional<std::string> csrf;
};

void SendJson(Response& res, int status, const Json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  // With the charset, cpp-httplib (0.11) does not compress the answer: its Brotli at the
  // default quality took ~60 ms for a 20 KB page of the queue, more than the query (measured);
  // the review server is for a local network at most.
  res.set_content(DumpJson(body), "application/json; charset=utf-8");
}

void SendError(Response& res, int status, const std::string& message) {
  SendJson(res, status, Json{{"error", message}});
}

std::string HostOf(const std::string& host_header) {
  if (!host_header.empty() && host_header[0] == '[') {
    return host_header.substr(0, host_header.find(']') + 1);
  }
  return host_header.substr(0, host_header.rfind(':'));
}

// The asset named `name` (cli/web/<name>), if compiled in.
std::optional<std::string_view> Asset(const std::string& name) {
  for (const auto& [n, text] : WebAssetTexts()) {
    if (n == name) return text;
  }
  return std::nullopt;
}

std::string ContentType(const std::string& name) {
  // Not text/*: cpp-httplib would compress it at every request (see SendJson).
  if (name.ends_with(".js")) return "application/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "text/html; charset=utf-8";
}

void SendAsset(Response& res, const std::string& name) {
  const auto text = Asset(name);
  if (!text) return SendError(res, 404, "no such page");
  res.set_content(std::string(*text), ContentType(name));
}

// A whole number in [lo, hi] from request text; nullopt otherwise.
std::optional<int64_t> ParseNumber(const std::string& text, int64_t lo, int64_t hi) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  const int64_t v = std::stoll(text);
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

// The queue filter of a request's parameters (state, rule, modality, run, assignee); false
// with *error for a bad value.
bool ReadFilter(const Request& req, QueueFilter* f, std::string* error) {
  static const std::set<std::string> kStates = {"active", "open",     "claimed", "resolved",
                                                "waived", "rejected", "all"};
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (!req.has_param(key)) return std::nullopt;
    std::string v = req.get_param_value(key);
    if (v.empty()) return std::nullopt;
    return v;
  };
  if (auto s = text("state")) {
    if (!kStates.count(*s)) return *error = "unknown state", false;
    f->state = *s;
  }
  for (auto [key, field] : {std::pair{"rule", &f->rule}, std::pair{"modality", &f->modality},
                            std::pair{"assignee", &f->assignee}}) {
    if (auto v = text(key)) {
      if (v->size() > 200) return *error = std::string(key) + " is too long", false;
      *field = *v;
    }
  }
  if (auto r = text("run")) {
    f->run_id = ParseNumber(*r, 1, INT64_MAX);
    if (!f->run_id) return *error = "run is a run number", false;
  }
  return true;
}

Json ParseBody(const Request& req) {
  Json j = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json::object();
}

std::string StringField(const Json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

class Routes {
 public:
  Routes(const ServeOptions& options, Sessions& sessions)
      : o_(options), sessions_(sessions), db_(options.out_dir / "assay.db") {}

  void Install(httplib::Server& svr) {
    svr.set_pre_routing_handler([this](const Request& req, Response& res) {
      return Screen(req, res) ? httplib::Server::HandlerResponse::Unhandled
                              : httplib::Server::HandlerResponse::Handled;
    });
    svr.set_exception_handler([](const Request&, Response& res, std::exception_ptr ep) {
      std::string what = "internal error";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      SendError(res, 500, what);
    });
    svr.Get("/login", [this](const Request&, Response& res) {
      if (o_.reviewers.empty()) return res.set_redirect("/", 303);
      SendAsset(res, "login.html");
    });
    svr.Post("/login", [this](const Request& req, Response& res) { Login(req, res); });
    for (const char* asset : {"/app.css", "/app.js", "/login.js"}) {
      svr.Get(asset, [](const Request& req, Response& res) { SendAsset(res, req.path.substr(1)); });
    }
    svr.Get("/", Guard([](const Request&, Response& res, const Caller&) {
              SendAsset(res, "index.html");
            }));
    svr.Get("/api/session", Guard([this](const Request&, Response& res, const Caller& c) {
              SendJson(res, 200,
                       {{"user", c.name},
                        {"csrf", c.csrf ? Json(*c.csrf) : Json()},
                        {"read_only", o_.read_only}});
            }));
    svr.Get("/api/queue", Guard([this](const Request& req, Response& res, const Caller&) {
              QueuePage(req, res);
            }));
    svr.Get("/api/queue/counts", Guard([this](const Request& req, Response& res, const Caller&) {
              QueueCounts(req, res);
            }));
    svr.Get(R"(/api/items/(\d{1,18}))", Guard([this](const Request& req, Response& res,
                                                     const Caller&) { ItemView(req, res); }));
    svr.Get(R"(/api/items/(\d{1,18})/pages/(\d{1,6})\.png)",
            Guard([this](const Request& req, Response& res, const Caller&) {
              PageImagePng(req, res, /*of_task=*/false);
            }));
    svr.Post(R"(/api/items/(\d{1,18})/(claim|release|resolve|waive|reject))",
             Guard([this](const Request& req, Response& res, const Caller& c) {
               ItemAction(req, res, c);
             }));
    svr.Post(R"(/api/items/(\d{1,18})/reprocess)",
             Guard([this](const Request& req, Response& res, const Caller& c) {
               Reprocess(req, res, c);
             }));
    svr.Get("/api/adjudication", Guard([this](const Request& req, Response& res, const Caller&) {
              AdjudicationList(req, res);
            }));
    svr.Get(R"(/api/tasks/(\d{1,18})/pages/(\d{1,6})\.png)",
            Guard([this](const Request& req, Response& res, const Caller&) {
              PageImagePng(req, res, /*of_task=*/true);
            }));
    svr.Post(R"(/api/adjudication/(\d{1,18}))",
             Guard([this](const Request& req, Response& res, const Caller& c) {
               AdjudicateTask(req, res, c);
             }));
    svr.Post(R"(/api/bulk/(waive|reject|reprocess))",
             Guard([this](const Request& req, Response& res, const Caller& c) {
               BulkAction(req, res, c);
             }));
  }

 private:
  using Handler = std::function<void(const Request&, Response&, const Caller&)>;

  // Checks every request meets before any route, even one that does not exist: the page's
  // headers, the Host of a token-less (loopback) server, and no parameter or path that could
  // name a file outside the store.
  bool Screen(const Request& req, Response& res) {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                   "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                   "base-uri 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on a form
    // POST, which the origin check must refuse.
    res.set_header("Referrer-Policy", "same-origin");
    if (o_.reviewers.empty() && !IsLoopbackHost(HostOf(req.get_header_value("Host")))) {
      // Without tokens, only this machine's own names: a foreign name pointing at 127.0.0.1
      // (DNS rebinding) gets nothing.
      SendError(res, 403, "this server answers only to localhost");
      return false;
    }
    if (req.path.find("..") != std::string::npos || req.path.find('\\') != std::string::npos) {
      SendError(res, 400, "a path with .. is refused");
      return false;
    }
    for (const auto& [key, value] : req.params) {
      if (!SafeParameter(key) || !SafeParameter(value)) {
        SendError(res, 400, "parameter " + key + ": .. and absolute paths are refused");
        return false;
      }
    }
    return true;
  }

  // Who sent `req`, if anyone allowed; in token-less mode a new browser session is opened
  // (its cookie set on `res`).
  std::optional<Caller> Identify(const Request& req, Response& res) {
    if (const auto bearer = BearerToken(req.get_header_value("Authorization"))) {
      if (auto name = ReviewerForSecret(o_.reviewers, *bearer)) return Caller{*name, {}};
      return std::nullopt;
    }
    if (const auto id = CookieValue(req.get_header_value("Cookie"), kSessionCookie)) {
      if (auto s = sessions_.Find(*id)) return Caller{s->name, s->csrf};
    }
    if (!o_.reviewers.empty()) return std::nullopt;
    const std::string id = sessions_.Open(o_.local_user);
    SetSessionCookie(res, id);
    return Caller{o_.local_user, sessions_.Find(id)->csrf};
  }

  static void SetSessionCookie(Response& res, const std::string& id) {
    res.set_header("Set-Cookie",
                   std::string(kSessionCookie) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict");
  }

  // `h` behind the identity and, for a POST, read-only, origin and CSRF checks.
  httplib::Server::Handler Guard(Handler h) {
    return [this, h](const Request& req, Response& res) {
      const std::optional<Caller> caller = Identify(req, res);
      if (!caller) {
        if (req.method == "GET" && req.path == "/") return res.set_redirect("/login", 303);
        return SendError(res, 401, "a reviewer token is required (Authorization: Bearer)");
      }
      if (req.method == "POST") {
        if (o_.read_only) return SendError(res, 403, "this server is read-only");
        if (!OriginAllowed(req.get_header_value("Origin"), req.get_header_value("Host"))) {
          return SendError(res, 403, "cross-site request refused");
        }
        if (caller->csrf &&
            !ConstantTimeEquals(req.get_header_value("X-CSRF-Token"), *caller->csrf)) {
          return SendError(res, 403, "missing or wrong CSRF token");
        }
      }
      h(req, res, *caller);
    };
  }

  void Login(const Request& req, Response& res) {
    if (o_.reviewers.empty()) return res.set_redirect("/", 303);
    if (!OriginAllowed(req.get_header_value("Origin"), req.get_header_value("Host"))) {
      return SendError(res, 403, "cross-site request refused");
    }
    const auto name = ReviewerForSecret(o_.reviewers, req.get_param_value("token"));
    if (!name) return res.set_redirect("/login?failed=1", 303);
    SetSessionCookie(res, sessions_.Open(*name));
    res.set_redirect("/", 303);
  }

  // The damage check (a full integrity scan) ran once when the server started (serve_command);
  // a request does not repeat it.
  Store OpenStore() { return Store(db_, /*create=*/false, /*for_writing=*/false); }

  void QueuePage(const Request& req, Response& res) {
    QueueFilter f;
    std::string error;
    if (!ReadFilter(req, &f, &error)) return SendError(res, 400, error);
    const int64_t page = req.has_param("page")
                             ? ParseNumber(req.get_param_value("page"), 1, 1'000'000).value_or(0)
                             : 1;
    const int64_t per_page = req.has_param("per_page")
                                 ? ParseNumber(req.get_param_value("per_page"), 1, 200).value_or(0)
                                 : 50;
    if (page == 0 || per_page == 0) return SendError(res, 400, "page or per_page out of range");
    Store store = OpenStore();
    Queue q(store.db());
    const struct QueuePage p = q.Page(f, (page - 1) * per_page, per_page);
    Json items = Json::array();
    for (const QueueItem& it : p.items) items.push_back(it.ToJson());
    SendJson(
        res, 200,
        {{"total", p.total}, {"page", page}, {"per_page", per_page}, {"items", std::move(items)}});
  }

  // The counts beside the queue: asked apart from the first screen (each count reads every
  // matching item), and kept until the queue changes (a new audit event or item).
  void QueueCounts(const Request& req, Response& res) {
    QueueFilter f;
    std::string error;
    if (!ReadFilter(req, &f, &error)) return SendError(res, 400, error);
    Store store = OpenStore();
    Statement v(store.db().handle(),
                "SELECT (SELECT COALESCE(MAX(event_id),0) FROM queue_events), "
                "(SELECT COALESCE(MAX(item_id),0) FROM queue_items)");
    v.Step();
    std::string key = std::to_string(v.Int(0)) + "/" + std::to_string(v.Int(1)) + "?";
    for (const auto& [k, value] : req.params) key += k + "=" + value + "&";
    {
      std::lock_guard<std::mutex> lock(counts_mu_);
      if (auto it = counts_.find(key); it != counts_.end()) return SendJson(res, 200, it->second);
    }
    Json counts = Queue(store.db()).Counts(f);
    std::lock_guard<std::mutex> lock(counts_mu_);
    if (counts_.size() > 256) counts_.clear();
    counts_[key] = counts;
    SendJson(res, 200, counts);
  }

  void ItemView(const Request& req, Response& res) {
    const auto id = ParseNumber(req.matches[1], 1, INT64_MAX);
    if (!id) return SendError(res, 404, "no such item");
    Store store = OpenStore();
    Result<Json> view = ReviewItemView(store, *id);
    if (!view.ok()) return SendError(res, 404, view.error().message);
    SendJson(res, 200, view.value());
  }

  // A page of the document of a queue item (or, `of_task`, of an annotation task).
  void PageImagePng(const Request& req, Response& res, bool of_task) {
    const auto id = ParseNumber(req.matches[1], 1, INT64_MAX);
    const auto page = ParseNumber(req.matches[2], 1, 100000);
    const auto dpi = req.has_param("dpi") ? ParseNumber(req.get_param_value("dpi"), 1, 1200)
                                          : std::optional<int64_t>(100);
    if (!id || !page) return SendError(res, 404, "no such page");
    if (!dpi || !IsPageImageDpi(static_cast<int>(*dpi))) {
      return SendError(res, 400, "dpi is one of 72, 100, 150, 200");
    }
    Store store = OpenStore();
    std::string doc_id;
    if (of_task) {
      const std::optional<TaskPage> task = AdjudicationTaskPage(store, *id);
      if (!task) return SendError(res, 404, "no such task");
      doc_id = task->doc_id;
    } else {
      const std::optional<QueueItem> item = Queue(store.db()).Get(*id);
      if (!item) return SendError(res, 404, "no such item");
      doc_id = item->doc_id;
    }
    auto png = PageImage(store, doc_id, static_cast<int>(*page), static_cast<int>(*dpi),
                         o_.out_dir / "serve_cache");
    if (!png.ok()) return SendError(res, 404, png.error().message);
    std::ifstream in(png.value(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    res.set_header("Cache-Control", "private, max-age=3600");
    res.set_content(bytes.str(), "image/png");
  }

  // The annotation adjudication queue of one pool (the fullest unless asked), 20 tasks a page.
  void AdjudicationList(const Request& req, Response& res) {
    std::optional<std::string> pool;
    if (req.has_param("pool") && !req.get_param_value("pool").empty()) {
      pool = req.get_param_value("pool");
      if (pool->size() > 200) return SendError(res, 400, "pool is too long");
    }
    const int64_t page = req.has_param("page")
                             ? ParseNumber(req.get_param_value("page"), 1, 1'000'000).value_or(0)
                             : 1;
    if (page == 0) return SendError(res, 400, "page out of range");
    constexpr int64_t kPerPage = 20;
    Store store = OpenStore();
    Json view = ReviewAdjudicationView(store, pool, (page - 1) * kPerPage, kPerPage);
    view["page"] = page;
    view["per_page"] = kPerPage;
    SendJson(res, 200, view);
  }

  // A specialist's decision on a task in adjudication: `assay annotate adjudicate`'s code.
  void AdjudicateTask(const Request& req, Response& res, const Caller& c) {
    const auto id = ParseNumber(req.matches[1], 1, INT64_MAX);
    if (!id) return SendError(res, 404, "no such task");
    const Json body = ParseBody(req);
    const std::string label = StringField(body, "label");
    if (label.empty()) return SendError(res, 400, "a label is required");
    Store store = OpenStore();
    const Status done =
        Adjudicate(store, *id, label, c.name, StringField(body, "note"), NowRfc3339());
    if (!done.ok()) {
      const std::string& why = done.error().message;
      const int status = done.error().stage == "refused"       ? 409
                         : why.starts_with("no task")          ? 404
                                                               : 400;
      return SendError(res, status, why);
    }
    SendJson(res, 200, {{"task_id", *id}, {"state", "adjudicated"}, {"label", label},
                        {"by", c.name}});
  }

  static void SendOutcome(Response& res, const std::variant<QueueItem, QueueError>& r, Queue& q,
                          int64_t id) {
    if (const auto* e = std::get_if<QueueError>(&r)) {
      const auto now = q.Get(id);
      return SendJson(res, 409, {{"error", e->message}, {"item", now ? now->ToJson() : Json()}});
    }
    SendJson(res, 200, {{"item", std::get<QueueItem>(r).ToJson()}});
  }

  void ItemAction(const Request& req, Response& res, const Caller& c) {
    const auto id = ParseNumber(req.matches[1], 1, INT64_MAX);
    if (!id) return SendError(res, 404, "no such item");
    const std::string action = req.matches[2];
    const std::string note = StringField(ParseBody(req), "note");
    Store store = OpenStore();
    Queue q(store.db());
    std::variant<QueueItem, QueueError> r = QueueError{"unknown action"};
    if (action == "claim") r = q.Claim(*id, c.name);
    if (action == "release") r = q.Release(*id, c.name, note);
    if (action == "resolve") r = q.Resolve(*id, c.name, note);
    if (action == "waive") r = q.Waive(*id, c.name, note);
    if (action == "reject") r = q.Reject(*id, c.name, note);
    SendOutcome(res, r, q, *id);
  }

  // The page's reprocess form: a resolution, an OCR language and the orientation switch,
  // turned into the `--set` parameters of `assay queue reprocess` (checked by the same code).
  // Empty with *error for a bad value.
  static bool ReprocessSettings(const Json& body, std::vector<std::string>* set,
                                std::string* error) {
    if (body.contains("dpi")) {
      if (!body["dpi"].is_number_integer()) return *error = "dpi is a whole number", false;
      set->push_back("rasterize.dpi=" + std::to_string(body["dpi"].get<int64_t>()));
    }
    static const std::regex kLang("^[a-z_]{3,12}(\\+[a-z_]{3,12}){0,4}$");
    if (const std::string lang = StringField(body, "lang"); !lang.empty()) {
      if (!std::regex_match(lang, kLang)) return *error = "lang is like eng or deu+eng", false;
      set->push_back("ocr.lang=" + lang);
    }
    if (body.contains("orientation")) {
      if (!body["orientation"].is_boolean()) return *error = "orientation is true/false", false;
      set->push_back(std::string("preprocess.orientation=") +
                     (body["orientation"].get<bool>() ? "true" : "false"));
    }
    return true;
  }

  // A reprocess of `item_id` asked by `c`, with the server's contracts, routing and pipelines.
  ReprocessOptions ReprocessFor(int64_t item_id, const Caller& c) const {
    ReprocessOptions opt = o_.reprocess;
    opt.out_dir = o_.out_dir;
    opt.item_id = item_id;
    opt.actor = c.name;
    return opt;
  }

  static Json ReprocessJson(const ReprocessResult& r, const std::vector<std::string>& set) {
    Json out = {{"exit_code", r.exit_code},
                {"outcome", r.outcome},
                {"set", set},
                {"item", r.item ? r.item->ToJson() : Json()}};
    if (!r.error.empty()) out["error"] = r.error;
    return out;
  }

  void Reprocess(const Request& req, Response& res, const Caller& c) {
    const auto id = ParseNumber(req.matches[1], 1, INT64_MAX);
    if (!id) return SendError(res, 404, "no such item");
    ReprocessOptions opt = ReprocessFor(*id, c);
    std::string error;
    if (!ReprocessSettings(ParseBody(req), &opt.set, &error)) return SendError(res, 400, error);
    const ReprocessResult r = ReprocessQueueItem(opt, BuiltinCatalog());
    const int status = r.exit_code == kExitRefused    ? 409
                       : r.exit_code == kExitUsage    ? 400
                       : r.exit_code == kExitInternal ? 500
                                                      : 200;
    SendJson(res, status, ReprocessJson(r, opt.set));
  }

  // Waive, reject or reprocess every active item a filter hits. The page first shows the
  // count (GET /api/queue); the request repeats it as "expected", and a queue that changed
  // meanwhile is refused (409) rather than acting on items the reviewer did not see counted.
  // A bulk reprocess runs in the request, one item after the other as `assay queue reprocess
  // --rule` does, so the page takes at most kMaxPageReprocess items (more: the CLI).
  void BulkAction(const Request& req, Response& res, const Caller& c) {
    static constexpr int64_t kMaxPageReprocess = 100;
    const Json body = ParseBody(req);
    const std::string action = req.matches[1];
    QueueFilter f;
    if (const std::string rule = StringField(body, "rule"); !rule.empty()) f.rule = rule;
    if (const std::string m = StringField(body, "modality"); !m.empty()) f.modality = m;
    if (body.contains("run") && body["run"].is_number_integer())
      f.run_id = body["run"].get<int64_t>();
    if (!body.contains("expected") || !body["expected"].is_number_integer()) {
      return SendError(res, 400, "expected (the count the reviewer confirmed) is required");
    }
    std::vector<std::string> set;
    std::string error;
    if (action == "reprocess" && !ReprocessSettings(body, &set, &error)) {
      return SendError(res, 400, error);
    }
    std::vector<int64_t> ids;
    {
      Store store = OpenStore();
      Queue q(store.db());
      const int64_t hits = q.Page(f, 0, 0).total;
      if (hits != body["expected"].get<int64_t>()) {
        return SendJson(
            res, 409,
            {{"error", "the filter now hits " + std::to_string(hits) + " items; confirm again"},
             {"count", hits}});
      }
      if (action != "reprocess") {
        auto r = q.Bulk(f, action, c.name, StringField(body, "note"));
        if (const auto* e = std::get_if<QueueError>(&r)) return SendError(res, 400, e->message);
        const auto& done = std::get<Queue::BulkOutcome>(r);
        Json refused = Json::array();
        for (const QueueError& e : done.refused) refused.push_back(e.message);
        return SendJson(res, 200, {{"acted", done.acted}, {"refused", refused}});
      }
      if (!f.rule) return SendError(res, 400, "a bulk action needs a rule");
      if (hits > kMaxPageReprocess) {
        return SendError(res, 400,
                         "the page reprocesses at most " + std::to_string(kMaxPageReprocess) +
                             " items at once; use assay queue reprocess --rule for more");
      }
      for (const QueueItem& it : q.List(f)) ids.push_back(it.item_id);
    }
    Json results = Json::array();
    int worst = 0;
    for (const int64_t id : ids) {
      ReprocessOptions opt = ReprocessFor(id, c);
      opt.set = set;
      const ReprocessResult r = ReprocessQueueItem(opt, BuiltinCatalog());
      worst = std::max(worst, r.exit_code);
      results.push_back(ReprocessJson(r, set));
    }
    SendJson(res, 200, {{"acted", ids.size()}, {"exit_code", worst}, {"results", results}});
  }

  const ServeOptions& o_;
  Sessions& sessions_;
  const std::filesystem::path db_;
  std::mutex counts_mu_;
  std::map<std::string, Json> counts_;
};

}  // namespace

void InstallRoutes(httplib::Server& server, const ServeOptions& options, Sessions& sessions) {
  // The routes live as long as the process serves (until `server` stops).
  static std::unique_ptr<Routes> routes;
  routes = std::make_unique<Routes>(options, sessions);
  routes->Install(server);
}

}  // namespace assay::cli
