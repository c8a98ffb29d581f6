// Date strings as news sources write them → "YYYY-MM-DD". The rule is "recognise, never guess": every accepted
// form is unambiguous (French sources write the day first, so 02/07/2020 is 2 July), and anything else gives "".
#include <array>
#include <cstdio>
#include <string>
#include <string_view>

#include "gazette/readers.h"
#include "readers/reader_internals.h"

namespace gazette {
namespace readers_detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  std::size_t position() const { return position_; }
  void rewind(std::size_t position) { position_ = position; }
  bool at_end() const { return position_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[position_]; }

  // Spaces, tabs and the no-break spaces French typography puts around dates (U+00A0, U+202F).
  void skip_spaces() {
    while (!at_end()) {
      const std::string_view rest = text_.substr(position_);
      if (rest[0] == ' ' || rest[0] == '\t') {
        ++position_;
      } else if (rest.starts_with("\xC2\xA0")) {
        position_ += 2;
      } else if (rest.starts_with("\xE2\x80\xAF")) {
        position_ += 3;
      } else {
        break;
      }
    }
  }

  bool accept(char c) {
    if (peek() != c) return false;
    ++position_;
    return true;
  }

  bool accept(std::string_view word) {
    if (!text_.substr(position_).starts_with(word)) return false;
    position_ += word.size();
    return true;
  }

  // Between min and max digits, not followed by another digit.
  bool number(int min_digits, int max_digits, int& value) {
    std::size_t end = position_;
    while (end < text_.size() && is_digit(text_[end])) ++end;
    const auto count = static_cast<int>(end - position_);
    if (count < min_digits || count > max_digits) return false;
    value = 0;
    for (std::size_t i = position_; i < end; ++i) value = value * 10 + (text_[i] - '0');
    position_ = end;
    return true;
  }

  // A run of letters (ASCII or any UTF-8 multi-byte character), lower-cased for the accented capitals that
  // French month names can carry (FÉVRIER, AOÛT, DÉCEMBRE).
  std::string word() {
    std::string lowered;
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(text_[position_]);
      if (c >= 'A' && c <= 'Z') {
        lowered += static_cast<char>(c + 32);
      } else if ((c >= 'a' && c <= 'z') || c >= 0x80) {
        // U+00C0..U+00DE (except ×, U+00D7) are C3 80..C3 9E; their lower-case forms are 0x20 higher.
        if (c == 0xC3 && position_ + 1 < text_.size()) {
          const auto next = static_cast<unsigned char>(text_[position_ + 1]);
          lowered += static_cast<char>(c);
          lowered += static_cast<char>(next >= 0x80 && next <= 0x9E && next != 0x97 ? next + 0x20 : next);
          position_ += 2;
          continue;
        }
        // Stop at no-break spaces, which are separators, not letters.
        const std::string_view rest = text_.substr(position_);
        if (rest.starts_with("\xC2\xA0") || rest.starts_with("\xE2\x80\xAF")) break;
        lowered += static_cast<char>(c);
      } else {
        break;
      }
      ++position_;
    }
    return lowered;
  }

  // The date ends here: at the end, or before something that is not a letter or digit ("2016, 14h30", "2016 . –",
  // "2020-07-02T14:30"). "2016abc" is not a date.
  bool at_boundary() const { return at_end() || !is_ascii_alnum(peek()); }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
};

struct MonthName {
  std::string_view name;
  int month;
};

// French full names (with and without accents, as typed on keyboards that lack them), French abbreviations,
// and English names and abbreviations for RFC 822 dates ("Thu, 02 Jul 2020") and English feeds.
constexpr std::array kMonthNames{
    MonthName{"janvier", 1},   MonthName{"janv", 1},      MonthName{"january", 1},  MonthName{"jan", 1},
    MonthName{"février", 2},   MonthName{"fevrier", 2},   MonthName{"févr", 2},     MonthName{"fevr", 2},
    MonthName{"fév", 2},       MonthName{"fev", 2},       MonthName{"february", 2}, MonthName{"feb", 2},
    MonthName{"mars", 3},      MonthName{"march", 3},     MonthName{"mar", 3},      MonthName{"avril", 4},
    MonthName{"avr", 4},       MonthName{"april", 4},     MonthName{"apr", 4},      MonthName{"mai", 5},
    MonthName{"may", 5},       MonthName{"juin", 6},      MonthName{"june", 6},     MonthName{"jun", 6},
    MonthName{"juillet", 7},   MonthName{"juil", 7},      MonthName{"july", 7},     MonthName{"jul", 7},
    MonthName{"août", 8},      MonthName{"aout", 8},      MonthName{"august", 8},   MonthName{"aug", 8},
    MonthName{"septembre", 9}, MonthName{"sept", 9},      MonthName{"september", 9}, MonthName{"sep", 9},
    MonthName{"octobre", 10},  MonthName{"october", 10},  MonthName{"oct", 10},     MonthName{"novembre", 11},
    MonthName{"november", 11}, MonthName{"nov", 11},      MonthName{"décembre", 12}, MonthName{"decembre", 12},
    MonthName{"déc", 12},      MonthName{"december", 12}, MonthName{"dec", 12},
};

constexpr std::array<std::string_view, 21> kWeekdays{
    "lundi",  "mardi",   "mercredi",  "jeudi",    "vendredi", "samedi",   "dimanche",
    "monday", "tuesday", "wednesday", "thursday", "friday",   "saturday", "sunday",
    "mon",    "tue",     "wed",       "thu",      "fri",      "sat",      "sun"};

int month_from_name(const std::string& word) {
  for (const auto& entry : kMonthNames)
    if (entry.name == word) return entry.month;
  return 0;
}

bool is_weekday(const std::string& word) {
  for (const auto weekday : kWeekdays)
    if (weekday == word) return true;
  return false;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// Years outside this range in a news archive are typos or identifiers, not dates.
bool plausible_year(int year) { return year >= 1000 && year <= 2999; }

std::string format_date(int year, int month = 0, int day = 0) {
  if (!plausible_year(year)) return {};
  if (month == 0) return std::to_string(year);
  if (month < 1 || month > 12) return {};
  char buffer[40];  // room for any int, so that the compiler can prove no truncation
  if (day == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d", year, month);
  } else {
    if (day < 1 || day > days_in_month(year, month)) return {};
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  }
  return buffer;
}

// An optional abbreviation point after a month word ("janv.", "Jul.").
void skip_abbreviation_point(Cursor& cursor) { cursor.accept('.'); }

// "[weekday[,]] [le] 1er|D month YYYY" or "[weekday] month YYYY" (→ YYYY-MM).
std::string day_month_year(Cursor& cursor) {
  cursor.skip_spaces();
  std::size_t start = cursor.position();
  std::string first = cursor.word();
  if (is_weekday(first)) {
    cursor.accept('.');
    cursor.accept(',');
    cursor.skip_spaces();
    start = cursor.position();
    first = cursor.word();
  }
  if (first == "le") {
    cursor.skip_spaces();
  } else {
    cursor.rewind(start);
  }
  int day = 0;
  if (cursor.number(1, 2, day)) {
    if (day == 0) return {};  // format_date reads 0 as "no day"
    // "1er", "1ᵉʳ" (U+1D49 U+02B3), "1 er" as the Wikinews corpus spaces it.
    const std::size_t after_day = cursor.position();
    cursor.skip_spaces();
    if (day != 1 || !(cursor.accept("er") || cursor.accept("\xE1\xB5\x89\xCA\xB3"))) cursor.rewind(after_day);
    if (!cursor.at_boundary()) return {};
    cursor.skip_spaces();
  }
  const int month = month_from_name(cursor.word());
  if (month == 0) return {};
  skip_abbreviation_point(cursor);
  cursor.skip_spaces();
  int year = 0;
  if (!cursor.number(4, 4, year) || !cursor.at_boundary()) return {};
  return format_date(year, month, day);
}

// "Jul 2, 2020", "July 2 2020" (English month first).
std::string month_day_year(Cursor& cursor) {
  cursor.skip_spaces();
  if (is_weekday(cursor.word())) {
    cursor.accept('.');
    cursor.accept(',');
    cursor.skip_spaces();
  } else {
    cursor.rewind(0);
    cursor.skip_spaces();
  }
  const int month = month_from_name(cursor.word());
  if (month == 0) return {};
  skip_abbreviation_point(cursor);
  cursor.skip_spaces();
  int day = 0;
  if (!cursor.number(1, 2, day) || day == 0) return {};
  cursor.accept(',');
  cursor.skip_spaces();
  int year = 0;
  if (!cursor.number(4, 4, year) || !cursor.at_boundary()) return {};
  return format_date(year, month, day);
}

// "2020-07-02", "2020-07-02T14:30:00+02:00", "2020-07-02 14:30", "2020/07/02", "2020-07", "2020". The calendar date
// is kept as written: converting to UTC would move late-evening articles to the next day.
std::string year_first(Cursor& cursor) {
  cursor.skip_spaces();
  int year = 0;
  if (!cursor.number(4, 4, year)) return {};
  if (cursor.at_end()) return format_date(year);
  const char separator = cursor.peek();
  if (separator != '-' && separator != '/') return {};
  cursor.accept(separator);
  int month = 0;
  if (!cursor.number(2, 2, month) || month == 0) return {};  // format_date reads 0 as "no month"
  if (cursor.at_end()) return format_date(year, month);
  if (!cursor.accept(separator)) return {};
  int day = 0;
  if (!cursor.number(2, 2, day) || day == 0) return {};
  if (!cursor.at_boundary() && cursor.peek() != 'T') return {};
  return format_date(year, month, day);
}

// "02/07/2020", "2.7.2020", "02-07-2020": day first, as in French.
std::string day_first_numeric(Cursor& cursor) {
  cursor.skip_spaces();
  int day = 0;
  if (!cursor.number(1, 2, day) || day == 0) return {};
  const char separator = cursor.peek();
  if (separator != '/' && separator != '.' && separator != '-') return {};
  cursor.accept(separator);
  int month = 0;
  if (!cursor.number(1, 2, month) || month == 0 || !cursor.accept(separator)) return {};
  int year = 0;
  if (!cursor.number(4, 4, year) || !cursor.at_boundary()) return {};
  return format_date(year, month, day);
}

}  // namespace

std::string parse_french_date_prefix(std::string_view text, std::size_t& consumed) {
  Cursor cursor(text);
  std::string date = day_month_year(cursor);
  consumed = date.empty() ? 0 : cursor.position();
  return date;
}

}  // namespace readers_detail

std::string parse_date(const std::string& text) {
  using namespace readers_detail;
  const std::string trimmed = trim(text);
  if (trimmed.empty()) return {};
  for (auto parser : {year_first, day_first_numeric, day_month_year, month_day_year}) {
    Cursor cursor(trimmed);
    if (std::string date = parser(cursor); !date.empty()) return date;
  }
  return {};
}

}  // namespace gazette
