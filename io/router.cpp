#include "io/router.hpp"

#include <algorithm>

namespace frontdesk::io {

router& router::add(std::string method, std::string pattern, http_handler handler) {
  routes_.push_back(route{std::move(method), split(pattern), std::move(handler)});
  return *this;
}

std::vector<std::string> router::split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool router::match(const route& r, const std::vector<std::string>& parts,
                   std::map<std::string, std::string>& params) {
  params.clear();
  const auto& segs = r.segments;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const auto& s = segs[i];
    bool capture = s.size() >= 2 && s.front() == '{' && s.back() == '}';
    if (capture && s.size() > 5 && s.compare(s.size() - 4, 4, "...}") == 0 &&
        i + 1 == segs.size()) {
      if (i >= parts.size()) return false;
      std::string rest;
      for (std::size_t k = i; k < parts.size(); ++k) rest += (k == i ? "" : "/") + parts[k];
      params[s.substr(1, s.size() - 5)] = rest;
      return true;
    }
    if (i >= parts.size()) return false;
    if (capture) {
      params[s.substr(1, s.size() - 2)] = parts[i];
    } else if (s != parts[i]) {
      return false;
    }
  }
  return segs.size() == parts.size();
}

void router::dispatch(request_ptr req, responder res) const {
  auto parts = split(req->path);
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;
  const route* get_fallback = nullptr;
  std::map<std::string, std::string> get_params;
  for (const auto& r : routes_) {
    if (!match(r, parts, params)) continue;
    if (r.method == req->method) {
      req->path_params = std::move(params);
      r.handler(std::move(req), std::move(res));
      return;
    }
    if (req->method == "HEAD" && r.method == "GET" && !get_fallback) {
      get_fallback = &r;
      get_params = params;
    }
    if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end())
      allowed.push_back(r.method);
  }
  if (get_fallback) {
    req->path_params = std::move(get_params);
    get_fallback->handler(std::move(req), std::move(res));
    return;
  }
  if (allowed.empty()) {
    res(http_response::error(404, "not_found", "No route for " + req->path + "."));
    return;
  }
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  auto r = http_response::error(405, "method_not_allowed",
                                "Method " + req->method + " is not allowed on " + req->path + ".");
  r.header("Allow", allow);
  res(std::move(r));
}

http_handler router::as_handler() const {
  return [this](request_ptr req, responder res) { dispatch(std::move(req), std::move(res)); };
}

}  // namespace frontdesk::io
