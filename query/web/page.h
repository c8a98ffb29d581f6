// The HTML of the search page, the article view and the speaker view. Everything that comes from the query or
// the database (article text, quotes, names, the query itself) goes through html_escape: it is untrusted input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gazette/search.h"

namespace gazette::web {

std::string html_escape(std::string_view s);
std::string url_encode(std::string_view s);

// The query clause a facet value stands for: speaker:"Youri Ouchakov", date:2021-12, source:"Le Monde", or
// the bare word for a topic. Double quotes inside the value are dropped (they cannot be escaped in a phrase).
std::string facet_clause(const std::string& facet, const std::string& value);
// Whether q holds the clause as a whole token, and q with it added (absent) or removed (present).
bool has_clause(const std::string& q, const std::string& clause);
std::string toggle_clause(const std::string& q, const std::string& clause);

struct SearchView {
  std::string q;
  bool quotes = false;
  std::string sort = "relevance";  // relevance, newest, oldest
  std::size_t page = 1;
  std::size_t per_page = 20;
  const SearchResult* result = nullptr;  // null when the query failed
  std::string error, hint;
  double server_ms = 0;
};

std::string search_page(const SearchView& v);
// A speaker's quotes in date order; v.q is the user's words, v.result the search for them plus speaker:"name".
std::string speaker_page(const std::string& name, const SearchView& v);
std::string article_page(const nlohmann::json& article);
std::string message_page(const std::string& title, const std::string& message, const std::string& hint = {});

// The stylesheet and script, compiled in so that the server reads no file at run time.
std::string_view style_css();
std::string_view app_js();

}  // namespace gazette::web
