// Private to the analysis module: UTF-8 text decoded into UTF-16 for ICU, remembering for every UTF-16 unit
// the byte offset in the original UTF-8 it came from, so that tokens found by ICU slice the original text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/normalizer2.h>
#include <unicode/utypes.h>

namespace gazette::analysis {

// The apostrophe forms French text uses, all read as U+0027: ’ (U+2019), ʼ (U+02BC), ‘ (U+2018), ´ (U+00B4).
inline bool is_apostrophe_form(char32_t c) {
  return c == 0x27 || c == 0x2019 || c == 0x02BC || c == 0x2018 || c == 0x00B4;
}

// No-break spaces (U+00A0, narrow U+202F, figure U+2007) separate words like a plain space.
inline bool is_nbsp_form(char32_t c) { return c == 0x00A0 || c == 0x202F || c == 0x2007; }

// Hyphens that join the parts of a compound word (Saint-Pétersbourg): ASCII, U+2010 and non-breaking U+2011.
inline bool is_joining_hyphen(char16_t c) { return c == u'-' || c == 0x2010 || c == 0x2011; }

struct Utf16Text {
  std::u16string units;
  // byte_offset[i]: where unit i starts in the original UTF-8; one extra entry holds the original's length.
  std::vector<std::uint32_t> byte_offset;
};

// Decodes `utf8` (invalid bytes become U+FFFD), reads apostrophe and no-break-space forms as ' and space
// (these keep the UTF-16 length, so offsets stay exact), then brings the text to NFC. Where NFC changes a
// stretch, every unit of the normalised stretch maps to the stretch's start: a word boundary can only fall
// between stretches, so word offsets stay exact.
Utf16Text decode_for_analysis(std::string_view utf8, const icu::Normalizer2& nfc);

// Appends UTF-16 `units` to `out` as UTF-8.
void append_utf8(std::u16string_view units, std::string& out);

}  // namespace gazette::analysis
