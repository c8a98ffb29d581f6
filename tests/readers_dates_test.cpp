#define BOOST_TEST_MODULE readers_dates
#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "gazette/readers.h"

namespace {

const std::vector<std::pair<std::string, std::string>> kDates{
    // French, as written in articles and datelines
    {"26 mars 2016", "2016-03-26"},
    {"1er janvier 2016", "2016-01-01"},
    {"1er janvier 2016, 14h30 . –", "2016-01-01"},
    {"1 er octobre 2017", "2017-10-01"},
    {"1ᵉʳ mai 2018", "2018-05-01"},
    {"lundi 3 février 2020", "2020-02-03"},
    {"Lundi, 3 Février 2020", "2020-02-03"},
    {"LUNDI 3 FÉVRIER 2020", "2020-02-03"},
    {"le 14 juillet 1789", "1789-07-14"},
    {"mercredi 15 août 2018 à 10h", "2018-08-15"},
    {"15 aout 2018", "2018-08-15"},
    {"3 déc. 2019", "2019-12-03"},
    {"3 janv. 2019", "2019-01-03"},
    {"12 décembre 2016 . –", "2016-12-12"},
    {"29 février 2016", "2016-02-29"},
    {"3\u00a0mars\u00a02021", "2021-03-03"},
    {"mars 2016", "2016-03"},
    // ISO 8601: the calendar date as written, no shift to UTC
    {"2020-07-02", "2020-07-02"},
    {"2020-07-02T14:30:00+02:00", "2020-07-02"},
    {"2020-07-02T23:30:00-05:00", "2020-07-02"},
    {"2021-12-01T10:00:00Z", "2021-12-01"},
    {"2020-07-02 14:30:00", "2020-07-02"},
    {"2020-07-02T14:30:00.123456", "2020-07-02"},
    {"  2020-07-02  ", "2020-07-02"},
    {"2020/07/02", "2020-07-02"},
    {"2020-07", "2020-07"},
    {"2016", "2016"},
    // Numeric, day first as in French
    {"02/07/2020", "2020-07-02"},
    {"2/7/2020", "2020-07-02"},
    {"12/03/2019", "2019-03-12"},
    {"02.07.2020", "2020-07-02"},
    {"02-07-2020 14:30", "2020-07-02"},
    // RFC 822 and English
    {"Thu, 02 Jul 2020 14:30:00 +0200", "2020-07-02"},
    {"2 July 2020", "2020-07-02"},
    {"Jul 2, 2020", "2020-07-02"},
    {"Thursday, July 2, 2020", "2020-07-02"},
    // Not dates, or impossible dates: never guessed
    {"", ""},
    {"   ", ""},
    {"hier", ""},
    {"la semaine dernière", ""},
    {"31 février 2016", ""},
    {"29 février 2017", ""},
    {"2020-13-01", ""},
    {"2020-02-30", ""},
    {"13/13/2020", ""},
    {"07/02/20", ""},
    {"26 mars", ""},
    {"26 mars 16", ""},
    {"26 mars 2016abc", ""},
    {"32 mars 2016", ""},
    {"0 mars 2016", ""},
    {"2 er mars 2016", ""},
    {"20200702", ""},
    {"0999-01-01", ""},
    {"1er truc 2016", ""},
    {"00/07/2020", ""},
    {"02/00/2020", ""},
    {"2020-00-10", ""},
    {"2020-07-00", ""},
    {"2020-00", ""},
    {"Jul 0, 2020", ""},
};

}  // namespace

BOOST_AUTO_TEST_CASE(date_table) {
  for (const auto& [input, expected] : kDates) {
    BOOST_TEST_CONTEXT("parse_date(\"" << input << "\")") { BOOST_TEST(gazette::parse_date(input) == expected); }
  }
}
