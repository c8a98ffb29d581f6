# One CSV row (id, title, body, date) per article for `sqlite3 .import --csv` into the FTS5 table.
include "articles";
[article_id, article_title, article_body, article_day] | @csv
