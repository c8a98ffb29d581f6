# One line per article: its file path relative to the omindex tree, a tab, then a minimal HTML page
# (title + one <p> per paragraph) on a single line. Files are spread over directories of at most 1000.
include "articles";
(article_id) as $id
| "\($id | gsub("[^A-Za-z0-9_-]"; "_") | .[0:-3] // "" | if . == "" then "0" else . end)/\($id | gsub("[^A-Za-z0-9_-]"; "_")).html\t" +
  "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>\(article_title | @html | gsub("\n"; " "))</title></head><body>" +
  ((.paragraphs // []) | map("<p>" + (gsub("\r?\n"; " ") | @html) + "</p>") | join("")) +
  "</body></html>"
