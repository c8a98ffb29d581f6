# One scriptindex dump record per article (see scriptindex.html: `name=value` lines, a newline inside a
# value is escaped by a following `=`, records separated by a blank line). Empty fields are left out so
# that scriptindex does not warn about an unparsable empty date on every video page.
include "articles";
[ ["id", article_id], ["title", article_title], ["body", article_body],
  ["date", article_day | gsub("-"; "")],
  ["section", .section // "" | ascii_downcase], ["source", .publisher // "" | ascii_downcase],
  ["url", .url // ""] ]
| map(select(.[1] != "") | "\(.[0])=\(.[1] | gsub("\n"; "\n="))\n") | join("") + "\n"
