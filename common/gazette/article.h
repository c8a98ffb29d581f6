// An article as read from a source, before any analysis. Readers fill it; everything downstream reads it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gazette {

struct Article {
  std::string id;      // unique and stable across runs: path relative to the source root, or the JSONL row id
  // Where it came from: "corpus/x.txt" or "feed.jsonl:42". For messages, and stored with the article, where
  // --prune finds which file an article came from whatever its id.
  std::string origin;
  std::string title;
  std::string date;  // ISO 8601 "YYYY-MM-DD" (or "YYYY-MM", "YYYY" when that is all the source says); empty if unknown
  std::string source;  // publisher / site
  std::string url;
  std::string section;
  std::vector<std::string> authors;
  std::vector<std::string> tags;
  // The text exactly as read. For a .txt file it is the whole file content; for JSON Lines and HTML it is the
  // body (paragraphs joined by blank lines). Entity and quote offsets are UTF-8 byte offsets into it.
  std::string text;
  // Byte offset into `text` where the body starts (after a title and date header in .txt files), so that the
  // title line is not indexed twice as body text.
  std::uint32_t body_start = 0;
};

}  // namespace gazette
