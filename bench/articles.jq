# Shared field mapping for the peer tools, kept to the fields Gazette's JSON Lines reader documents:
# title from `title`, body from the `paragraphs` list (one blank line between paragraphs), date from
# `date` or else the day part of `published`. Everything the peers index is exactly this text, and the
# MB/s figures of every tool are computed on its byte count.
def article_title: (.title // "") | gsub("\r\n?"; "\n");
def article_body: ((.paragraphs // []) | join("\n\n")) | gsub("\r\n?"; "\n");
def article_day: (.date // ((.published // "") | .[0:10]) // "");
def article_id: (.id | tostring);
