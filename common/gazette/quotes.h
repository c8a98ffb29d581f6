// Quotations and their speakers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gazette/entities.h"

namespace gazette {

enum class QuoteKind { Direct, Partial, Indirect };

const char* quote_kind_name(QuoteKind k);  // "direct", "partial", "indirect"

struct Quote {
  std::string text;  // the quoted words, without the quote marks
  QuoteKind kind = QuoteKind::Direct;
  std::string speaker;          // canonical name, empty if unknown
  std::string speaker_key;      // identity key of the speaker (see Mention::key), empty if unknown
  std::string speaker_mention;  // how the speaker is referred to near the quote ("il", "le diplomate russe")
  std::string cue;              // the reporting cue ("a expliqué", "selon")
  double confidence = 0.0;
  std::uint32_t start = 0;  // UTF-8 byte offsets of `text` in Article::text
  std::uint32_t end = 0;
};

// Quotes of `text`, in order. `entities` are the tagger's mentions for the same text (may be empty).
std::vector<Quote> extract_quotes(std::string_view text, const std::vector<Mention>& entities);

// Normalised form of a quote (case, accents, punctuation and spacing folded, hashed): the same quote reprinted
// by several articles gets the same fingerprint.
std::string quote_fingerprint(std::string_view quote_text);

// The folded text the fingerprint is computed from ("l'agression russe" → "l agression russe").
std::string quote_normal_form(std::string_view quote_text);

}  // namespace gazette
