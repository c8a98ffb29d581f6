// Quotation extraction and speaker attribution. The text is cut into tokens, quotation spans and sentences
// (text_units); each sentence is searched for reporting cues built on the speech verbs of data/speech-verbs, and the
// subject of each cue is resolved to a person of the entity tagger (names, surnames, pronouns, descriptors).
#include "gazette/quotes.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "quotes/lexicon.h"
#include "quotes/speech_verbs.h"
#include "quotes/text_units.h"

namespace gazette {

const char* quote_kind_name(QuoteKind k) {
  switch (k) {
    case QuoteKind::Direct:
      return "direct";
    case QuoteKind::Partial:
      return "partial";
    case QuoteKind::Indirect:
      return "indirect";
  }
  return "direct";
}

namespace quotes {
namespace {

// A person the article talks about: from the tagger, or a capitalised name found in a speaker position.
struct Person {
  std::string canonical, key, surface;
  char gender = '?';  // 'm', 'f' or unknown
  bool from_tagger = true;
};

// Something that can be referred back to by a pronoun or a descriptor.
struct Event {
  std::uint32_t pos = 0;
  int person = -1;
  bool salient = false;  // a subject or a speaker, not a name in passing
  bool speaker = false;
};

struct Speaker {
  bool valid = false;
  int person = -1;
  std::string mention;
  double confidence = 0.0;
};

struct Cue {
  int begin = 0, end = 0;  // token range of the verb chain (or of "selon")
  std::string lemma;
  std::string pronoun;  // from an inversion: a-t-il → "il"
};

struct Appositive {
  std::vector<std::string> words;  // descriptor words after the determiner, lower-cased
  int person = -1;
  std::uint32_t pos = 0;
};

std::vector<std::string> content_words(const std::vector<std::string>& words) {
  static const std::vector<std::string_view> kStop = {"de", "du", "des", "d'", "la", "le", "l'", "les", "en", "et",
                                                      "à", "au", "aux"};
  std::vector<std::string> out;
  for (const auto& w : words) {
    if (std::find(kStop.begin(), kStop.end(), w) == kStop.end()) out.push_back(w);
  }
  return out;
}

bool same_stem(std::string_view a, std::string_view b) {
  std::size_t n = std::min<std::size_t>({a.size(), b.size(), 4});
  return n >= 4 && a.substr(0, n) == b.substr(0, n);
}

// Gender of a first name, from the generated table (names given to both sexes are not in it).
char first_name_gender(std::string_view lower_first_name) {
  struct Entry {
    std::string_view name;
    char gender;
  };
  static constexpr Entry kNames[] = {
#include "quotes/first_names.inc"
  };
  auto it = std::lower_bound(std::begin(kNames), std::end(kNames), lower_first_name,
                             [](const Entry& e, std::string_view n) { return e.name < n; });
  return it != std::end(kNames) && it->name == lower_first_name ? it->gender : '?';
}

std::string last_word(std::string_view name) {
  auto space = name.find_last_of(' ');
  return lower_utf8(space == std::string_view::npos ? name : name.substr(space + 1));
}

class Extractor {
 public:
  Extractor(std::string_view text, const std::vector<Mention>& entities)
      : text_(text), verbs_(SpeechVerbs::shipped()) {
    spans_ = find_quote_spans(text_);
    tokens_ = tokenize(text_, spans_);
    sentences_ = split_sentences(tokens_, spans_);
    mention_at_.assign(tokens_.size(), -1);
    for (const auto& m : entities) mentions_.push_back(m);
    index_mentions();
    collect_persons();
    collect_appositives();
    collect_mention_events();
  }

  std::vector<Quote> run() {
    for (std::size_t s = 0; s < sentences_.size(); ++s) process_sentence(s);
    // Two decimals are all the confidence means, and they print as such in JSON (0.72, not 0.7200000000000001).
    for (auto& q : out_) q.confidence = std::round(q.confidence * 100.0) / 100.0;
    std::sort(out_.begin(), out_.end(), [](const Quote& a, const Quote& b) {
      return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    return std::move(out_);
  }

 private:
  // ---- tokens -------------------------------------------------------------------------------------------------
  const Token& tok(int i) const { return tokens_[static_cast<std::size_t>(i)]; }
  int ntok() const { return static_cast<int>(tokens_.size()); }
  bool is_word(int i) const { return i >= 0 && i < ntok() && tok(i).kind == TokenKind::Word; }
  bool is_punct(int i, std::string_view p) const {
    return i >= 0 && i < ntok() && tok(i).kind == TokenKind::Punct && tok(i).lower == p;
  }
  bool is_mark(int i) const {
    if (i < 0 || i >= ntok() || tok(i).kind != TokenKind::Punct || tok(i).quote >= 0) return false;
    const auto& l = tok(i).lower;
    return l == "«" || l == "»" || l == "“" || l == "”" || l == "\"" || l == "‹" || l == "›" || l == "„";
  }
  std::string slice(int first, int last) const {  // text of tokens [first, last)
    if (last <= first) return {};
    return std::string(text_.substr(tok(first).start, tok(last - 1).end - tok(first).start));
  }
  int word_count(int first, int last) const {
    int n = 0;
    for (int i = first; i < last; ++i) n += tok(i).kind == TokenKind::Word;
    return n;
  }

  // ---- entities -----------------------------------------------------------------------------------------------
  void index_mentions() {
    std::size_t m = 0;
    for (int i = 0; i < ntok(); ++i) {
      while (m < mentions_.size() && mentions_[m].end <= tok(i).start) ++m;
      if (m < mentions_.size() && tok(i).start >= mentions_[m].start && tok(i).end <= mentions_[m].end)
        mention_at_[static_cast<std::size_t>(i)] = static_cast<int>(m);
    }
  }

  void collect_persons() {
    person_of_mention_.assign(mentions_.size(), -1);
    std::map<std::string, int> by_key;
    for (std::size_t m = 0; m < mentions_.size(); ++m) {
      const auto& mention = mentions_[m];
      if (mention.type != EntityType::Person) continue;
      std::string key = mention.key.empty() ? lower_utf8(mention.canonical) : mention.key;
      auto it = by_key.find(key);
      if (it == by_key.end()) {
        Person p;
        p.canonical = mention.canonical.empty() ? mention.text : mention.canonical;
        p.key = key;
        p.surface = p.canonical;
        add_person(std::move(p));
        it = by_key.emplace(key, static_cast<int>(persons_.size()) - 1).first;
      }
      person_of_mention_[m] = it->second;
    }
    // A bare surname is the person whose full name ends with it ("Ouchakov" → "Youri Ouchakov"): the first
    // such person.
    std::unordered_map<std::string, int> full_name_ending;
    for (std::size_t q = 0; q < persons_.size(); ++q)
      if (persons_[q].canonical.find(' ') != std::string::npos)
        full_name_ending.try_emplace(last_word(persons_[q].canonical), static_cast<int>(q));
    std::vector<int> redirect(persons_.size());
    for (std::size_t p = 0; p < persons_.size(); ++p) {
      redirect[p] = static_cast<int>(p);
      if (persons_[p].canonical.find(' ') != std::string::npos) continue;
      if (const auto found = full_name_ending.find(lower_utf8(persons_[p].canonical)); found != full_name_ending.end())
        redirect[p] = found->second;
    }
    for (auto& p : person_of_mention_) {
      if (p >= 0) p = redirect[static_cast<std::size_t>(p)];
    }
    // Gender from the first name of a full name ("Sophia Aram"), else from a title or a gendered determiner with a role
    // noun just before a mention (the cue can belong to a name further on: "la porte-parole de Pierre X").
    for (auto& p : persons_) {
      auto space = p.canonical.find(' ');
      // A name of one word that is a first name ("Maëlys") is how articles name children and some celebrities.
      p.gender = first_name_gender(lower_utf8(std::string_view(p.canonical).substr(0, space)));
    }
    for (int i = 0; i < ntok(); ++i) {
      int m = mention_at_[static_cast<std::size_t>(i)];
      if (m < 0 || (i > 0 && mention_at_[static_cast<std::size_t>(i - 1)] == m)) continue;
      int p = person_of_mention_[static_cast<std::size_t>(m)];
      if (p < 0) continue;
      char g = gender_cue_before(i);
      if (g != '?' && persons_[static_cast<std::size_t>(p)].gender == '?') persons_[static_cast<std::size_t>(p)].gender = g;
    }
  }

  char gender_cue_before(int i) const {
    for (int k = i - 1; k >= std::max(0, i - 4); --k) {
      if (!is_word(k) && !is_punct(k, ".")) break;
      const auto& w = tok(k).lower;
      if (w == "mme" || w == "madame" || w == "mlle") return 'f';
      if ((w == "m" && is_punct(k + 1, ".")) || w == "monsieur") return 'm';
      bool feminine = false;
      if (is_role_noun(w, &feminine)) {
        if (feminine) return 'f';
        if (k > 0 && (tok(k - 1).lower == "la" || tok(k - 1).lower == "une")) return 'f';
        if (k > 0 && (tok(k - 1).lower == "le" || tok(k - 1).lower == "un")) return 'm';
      }
    }
    return '?';
  }

  int person_at(int i) const {
    if (i < 0 || i >= ntok()) return -1;
    int m = mention_at_[static_cast<std::size_t>(i)];
    return m < 0 ? -1 : person_of_mention_[static_cast<std::size_t>(m)];
  }
  int mention_end_token(int i) const {  // first token after the mention that covers token i
    int m = mention_at_[static_cast<std::size_t>(i)];
    int j = i;
    while (j < ntok() && mention_at_[static_cast<std::size_t>(j)] == m) ++j;
    return j;
  }

  // Descriptors the article attaches to a name: "l'assistant présidentiel Youri Ouchakov", "l'assistant en chef de
  // la Russie, Youri Ouchakov", "Youri Ouchakov, le diplomate russe,".
  void collect_appositives() {
    for (int i = 0; i < ntok(); ++i) {
      if (tok(i).quote >= 0 || !is_word(i) || !is_determiner(tok(i).lower) || is_indefinite(tok(i).lower)) continue;
      if (!is_word(i + 1) || !is_role_noun(tok(i + 1).lower)) continue;
      std::vector<std::string> words;
      int j = i + 1;
      while (j < ntok() && j < i + 9 && is_word(j) && person_at(j) < 0 && tok(j).quote < 0) {
        words.push_back(tok(j).lower);
        ++j;
      }
      int person = person_at(j);
      if (person < 0 && is_punct(j, ",")) person = person_at(j + 1);
      if (person >= 0) {
        appositives_.push_back({words, person, tok(i).start});
        continue;
      }
      // "Name, le diplomate russe," — the descriptor follows the name.
      if (i >= 2 && is_punct(i - 1, ",") && person_at(i - 2) >= 0 &&
          (is_punct(j, ",") || is_punct(j, ".") || j >= ntok())) {
        appositives_.push_back({words, person_at(i - 2), tok(i).start});
      }
    }
  }

  void collect_mention_events() {
    for (const auto& sentence : sentences_) {
      int clause_start = sentence.first;
      for (int i = sentence.first; i < sentence.last; ++i) {
        if (is_punct(i, ",") || is_punct(i, ";") || is_punct(i, ":")) clause_start = i + 1;
        if (tok(i).quote >= 0) continue;
        int p = person_at(i);
        if (p < 0 || (i > 0 && mention_at_[static_cast<std::size_t>(i - 1)] == mention_at_[static_cast<std::size_t>(i)]))
          continue;
        // A subject: first in its clause, or after a descriptor ("La maire de Paris Anne Hidalgo").
        bool descriptor = is_word(clause_start) && is_determiner(tok(clause_start).lower) &&
                          is_word(clause_start + 1) && is_role_noun(tok(clause_start + 1).lower);
        bool salient = descriptor ? i - clause_start <= 8 : i - clause_start <= 4;
        for (int k = clause_start; k < i && descriptor; ++k) {
          if (person_at(k) >= 0) salient = false;  // the descriptor belongs to the first name of the clause
        }
        for (int k = clause_start; k < i && salient && !descriptor; ++k) {
          const auto& w = tok(k).lower;
          if (w == "à" || w == "de" || w == "avec" || w == "par" || w == "pour" || w == "sur" || w == "entre" ||
              w == "et" || w == "d'" || w == "du" || w == "si")
            salient = false;
        }
        add_event({tok(i).start, p, salient, false});
      }
    }
  }

  // Events are kept in order of position (equal ones in the order added), and read backwards from a position:
  // a sorted vector cost a memmove per speaker and a scan from the end per lookup, quadratic in a long
  // document (125,000 quotes: 2 s per MB at 2 MB, 11 at 15).
  struct ByPosition {
    using is_transparent = void;
    bool operator()(const Event& a, const Event& b) const { return a.pos < b.pos; }
    bool operator()(const Event& a, std::uint32_t pos) const { return a.pos < pos; }
    bool operator()(std::uint32_t pos, const Event& b) const { return pos < b.pos; }
  };
  using Events = std::multiset<Event, ByPosition>;
  void add_event(const Event& e) { events_.insert(e); }

  // The events before `pos`, latest first. A plain pair of iterators: clang 14's concepts reject
  // libstdc++ 12's std::ranges::subrange.
  struct Latest {
    Events::const_reverse_iterator first, last;
    auto begin() const { return first; }
    auto end() const { return last; }
  };
  Latest events_before(std::uint32_t pos) const {
    return {std::make_reverse_iterator(events_.lower_bound(pos)), events_.rend()};
  }

  int fallback_person(int first, int last) {
    std::string surface = slice(first, last);
    std::string key = lower_utf8(surface);
    if (const auto found = person_by_key_.find(key); found != person_by_key_.end()) return found->second;
    // A surname already seen in a full name.
    if (last - first == 1) {
      if (const auto found = person_by_surname_.find(key); found != person_by_surname_.end()) return found->second;
    }
    Person p;
    p.surface = surface;
    p.key = key;
    p.from_tagger = false;
    p.gender = gender_cue_before(first);
    add_person(std::move(p));
    return static_cast<int>(persons_.size()) - 1;
  }

  // The first person of each key, and of each last word of a name of several words: looked up for every
  // quote, they made a document of many names quadratic when found by scanning persons_.
  void add_person(Person p) {
    const int index = static_cast<int>(persons_.size());
    person_by_key_.try_emplace(p.key, index);
    if (p.surface.find(' ') != std::string::npos) person_by_surname_.try_emplace(last_word(p.surface), index);
    persons_.push_back(std::move(p));
  }

  // ---- resolution ---------------------------------------------------------------------------------------------
  int resolve_pronoun(char gender, std::uint32_t pos, int paragraph) const {
    // The most recent subject or speaker of a compatible gender. French marks women far more often than men (Mme, la
    // ministre, -e agreement), so "elle" prefers a person known to be a woman in the last paragraphs over a more
    // recent one of unknown gender; "il" takes the most recent compatible one.
    int limit_paragraph = paragraph - 3;
    int unknown_gender = -1, fallback = -1;
    for (const Event& event : events_before(pos)) {
      const Event* it = &event;
      if (paragraph_of(it->pos) < limit_paragraph) break;
      char g = persons_[static_cast<std::size_t>(it->person)].gender;
      if (g != '?' && gender != '?' && g != gender) continue;
      if (!(it->salient || it->speaker) || (!it->speaker && in_content(it->pos))) {
        if (fallback < 0) fallback = it->person;
        continue;
      }
      if (gender != 'f' || g == 'f') return it->person;
      if (unknown_gender < 0) unknown_gender = it->person;
    }
    return unknown_gender >= 0 ? unknown_gender : fallback;
  }

  // Whether pos lies in what someone is reported to say: the subjects in there are not the article's.
  bool in_content(std::uint32_t pos) const {
    for (const auto& [start, end] : content_) {
      if (pos >= start && pos < end) return true;
    }
    return false;
  }

  int paragraph_of(std::uint32_t pos) const {
    auto it = std::upper_bound(tokens_.begin(), tokens_.end(), pos,
                               [](std::uint32_t p, const Token& t) { return p < t.start; });
    if (it == tokens_.begin()) return 0;
    return std::prev(it)->paragraph;
  }

  int last_speaker(std::uint32_t pos, int paragraph, char gender) const {
    for (const Event& event : events_before(pos)) {
      const Event* it = &event;
      if (!it->speaker) continue;
      if (paragraph_of(it->pos) < paragraph - 3) break;
      char g = persons_[static_cast<std::size_t>(it->person)].gender;
      if (gender != '?' && g != '?' && g != gender) continue;
      return it->person;
    }
    return -1;
  }

  // The descriptor words after the determiner ("diplomate russe"), at `pos`.
  int resolve_descriptor(const std::vector<std::string>& words, bool feminine_det, std::uint32_t pos, int paragraph,
                         double* confidence) {
    std::string joined;
    for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
    if (auto it = descriptor_cache_.find(joined); it != descriptor_cache_.end()) {
      *confidence = 0.8;
      return it->second;
    }
    const std::string& head = words.front();
    auto modifiers = content_words(std::vector<std::string>(words.begin() + 1, words.end()));
    int best = -1, best_score = 0;
    std::uint32_t best_pos = 0;
    for (const auto& a : appositives_) {
      if (a.words.empty()) continue;  // an apposition of punctuation only (OrangeSum row 87 crashed here)
      const std::string& a_head = a.words.front();
      int score = 0;
      if (a_head == head) {
        score = 2;
      } else if (role_group(head) != 0 && role_group(head) == role_group(a_head)) {
        score = 1;
      } else {
        continue;
      }
      auto a_mods = content_words(std::vector<std::string>(a.words.begin() + 1, a.words.end()));
      int matched = 0;
      for (const auto& m : modifiers) {
        for (const auto& am : a_mods) {
          if (same_stem(m, am)) {
            ++matched;
            break;
          }
        }
      }
      // A related noun needs a shared modifier: "le chef de la Fédération de Russie" is "le dirigeant russe X", "le chef
      // de la Maison Blanche" is not.
      if (score < 2 && !modifiers.empty() && matched == 0) continue;
      score = score * 10 + matched;
      bool earlier = a.pos < pos;
      if (score > best_score || (score == best_score && earlier && a.pos > best_pos)) {
        best = a.person;
        best_score = score;
        best_pos = a.pos;
      }
    }
    if (best >= 0) {
      descriptor_cache_[joined] = best;
      *confidence = 0.8;
      return best;
    }
    // Elegant variation: "a ajouté le diplomate russe" names again the person just quoted.
    if (!is_leader_noun(head) && is_role_noun(head)) {
      bool feminine = false;
      is_role_noun(head, &feminine);
      int p = last_speaker(pos, paragraph, feminine || feminine_det ? 'f' : '?');
      if (p >= 0) {
        descriptor_cache_[joined] = p;
        *confidence = 0.65;
        return p;
      }
    }
    return -1;
  }

  // Who the noun phrase [first, last) is.
  Speaker interpret_np(int first, int last) {
    Speaker s;
    if (first >= last) return s;
    const auto& w0 = tok(first).lower;
    std::uint32_t pos = tok(first).start;
    int paragraph = tok(first).paragraph;
    s.mention = slice(first, last);
    if (w0 == "il" || w0 == "elle" || w0 == "lui") {
      s.valid = true;
      s.mention = tok(first).lower;
      s.person = resolve_pronoun(w0 == "elle" ? 'f' : 'm', pos, paragraph);
      s.confidence = s.person >= 0 ? 0.8 : 0.4;
      return s;
    }
    // "ce dernier", "cette dernière": the person named last, subject or not.
    if ((w0 == "ce" || w0 == "cette") && first + 1 < last && (tok(first + 1).lower == "dernier" || tok(first + 1).lower == "dernière")) {
      s.valid = true;
      s.mention = slice(first, first + 2);
      char gender = w0 == "cette" ? 'f' : 'm';
      for (const Event& event : events_before(pos)) {
        const Event* it = &event;
        if (paragraph_of(it->pos) < paragraph - 1) break;
        char g = persons_[static_cast<std::size_t>(it->person)].gender;
        if (g != '?' && g != gender) continue;
        s.person = it->person;
        break;
      }
      s.confidence = s.person >= 0 ? 0.7 : 0.4;
      return s;
    }
    if (w0 == "ils" || w0 == "elles" || w0 == "eux") {
      s.valid = true;
      s.mention = tok(first).lower;
      s.confidence = 0.4;
      return s;
    }
    bool names_someone_else = false;
    for (int i = first; i < last; ++i) {
      int p = person_at(i);
      // "l'avocat des parents de Maëlys", "La mère de Maëlys": a name in a complement is not the speaker.
      if (p >= 0 && i > first && is_word(i - 1) && !is_punct(i - 1, ",")) {
        const auto& prev = tok(i - 1).lower;
        if (prev == "de" || prev == "d'" || prev == "du" || prev == "des" || prev == "à" || prev == "au" ||
            prev == "aux" || prev == "avec" || prev == "pour" || prev == "par" || prev == "contre" || prev == "entre") {
          i = mention_end_token(i) - 1;
          names_someone_else = true;
          continue;
        }
      }
      if (p >= 0) {
        s.valid = true;
        s.person = p;
        s.confidence = 0.9;
        s.mention = slice(i, std::min(last, mention_end_token(i)));
        return s;
      }
    }
    if (mention_at_[static_cast<std::size_t>(first)] >= 0 ||
        (last - first > 1 && mention_at_[static_cast<std::size_t>(first + 1)] >= 0 && is_determiner(w0))) {
      s.valid = true;  // an organisation or a place speaks: kept as the mention, no person
      s.confidence = 0.5;
      return s;
    }
    if (is_determiner(w0)) {
      std::vector<std::string> words;
      for (int i = first + 1; i < last; ++i) words.push_back(tok(i).lower);
      if (words.empty()) return s;
      s.valid = true;
      s.confidence = 0.5;
      if (is_indefinite(w0) || !is_role_noun(words.front()) || names_someone_else) return s;
      double conf = 0.0;
      s.person = resolve_descriptor(words, w0 == "la", pos, paragraph, &conf);
      if (s.person >= 0) s.confidence = conf;
      return s;
    }
    if (tok(first).capitalised) {
      int end = first;
      while (end < last && (tok(end).capitalised || (end > first && (tok(end).lower == "de" || tok(end).lower == "le"))))
        ++end;
      if (end - first > 4) return s;
      static const std::vector<std::string_view> kNotNames = {"selon", "lors", "pour", "dans", "comme", "mais", "et",
                                                            "ce", "cela", "il", "on", "en", "à", "au", "après"};
      if (std::find(kNotNames.begin(), kNotNames.end(), w0) != kNotNames.end()) return s;
      s.valid = true;
      s.person = fallback_person(first, end);
      s.mention = slice(first, end);
      s.confidence = 0.6;
      return s;
    }
    return s;
  }

  // ---- cues ---------------------------------------------------------------------------------------------------
  // A reporting verb group starting at token i: "a déclaré", "a-t-il également souligné", "s'est félicité",
  // "explique-t-elle", "dit". All its tokens lie in the same quotation context as token i.
  std::optional<Cue> verb_chain_at(int i) const {
    if (!is_word(i)) return std::nullopt;
    int ctx = tok(i).quote;
    int j = i;
    bool pronominal = false;
    if (tok(j).lower == "s'" || tok(j).lower == "se") {
      pronominal = true;
      ++j;
      if (!is_word(j) || tok(j).quote != ctx) return std::nullopt;
    }
    Cue cue;
    cue.begin = i;
    std::string base = tok(j).lower;
    static constexpr std::string_view kSuffixes[] = {"-t-elles", "-t-elle", "-t-ils", "-t-il", "-t-on",
                                                     "-elles",   "-elle",   "-ils",   "-il",   "-on"};
    for (auto suffix : kSuffixes) {
      if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0) {
        cue.pronoun = std::string(suffix.substr(suffix.rfind('-') + 1));
        base.resize(base.size() - suffix.size());
        break;
      }
    }
    bool aux = is_avoir_auxiliary(base) || (pronominal && is_etre_auxiliary(base));
    if (aux) {
      int k = j + 1;
      // Adverbs and adverbial phrases between the auxiliary and the participle: "a par conséquent annoncé",
      // "a pour sa part déclaré", "a quant à lui nié".
      static const std::vector<std::string_view> kAdverbial = {"par", "conséquent", "en", "effet", "pour", "sa", "son",
                                                             "part", "côté", "de", "quant", "à", "lui", "elle",
                                                             "d'ailleurs", "ailleurs", "pas", "ne", "n'"};
      for (int skipped = 0; skipped < 4 && is_word(k) && tok(k).quote == ctx &&
                            (is_adverb(tok(k).lower) ||
                             std::find(kAdverbial.begin(), kAdverbial.end(), tok(k).lower) != kAdverbial.end());
           ++skipped)
        ++k;
      if (!is_word(k) || tok(k).quote != ctx) return std::nullopt;
      const VerbForm* form = verbs_.find(tok(k).lower);
      if (!form || !(form->bits & kParticiple) || ((form->bits & kPronominalOnly) && !pronominal))
        return std::nullopt;
      cue.lemma = form->lemma;
      cue.end = k + 1;
      return cue;
    }
    const VerbForm* form = verbs_.find(base);
    if (!form || !(form->bits & kFinite) || ((form->bits & kPronominalOnly) && !pronominal)) return std::nullopt;
    cue.lemma = form->lemma;
    cue.end = j + 1;
    return cue;
  }

  std::string cue_text(const Cue& c) const { return slice(c.begin, c.end); }

  // The subject after an incise verb: "a expliqué Ouchakov", "a déclaré l'assistant présidentiel Youri Ouchakov".
  int subject_after(int k, int limit) const {
    while (k < limit && is_word(k) && tok(k).quote < 0 && is_adverb(tok(k).lower) && person_at(k) < 0) ++k;
    // A complement before the subject: "affirme au Monde Michel Crépu", "a déclaré à l'AFP le ministre".
    if (is_word(k) && (tok(k).lower == "à" || tok(k).lower == "au" || tok(k).lower == "aux" || tok(k).lower == "sur") &&
        tok(k).quote < 0) {
      for (int j = k + 1; j < limit && j < k + 6 && is_word(j) && tok(j).quote < 0; ++j) {
        if (person_at(j) >= 0) {
          k = j;
          break;
        }
      }
    }
    int end = k;
    while (end < limit && end < k + 10 && is_word(end) && tok(end).quote < 0) {
      if (end > k && is_np_stop_word(tok(end).lower) && person_at(end) < 0) break;
      // "a répondu le ministre en marge d'un déplacement", but "l'assistant en chef de la Russie, Youri Ouchakov".
      if (end > k && tok(end).lower == "en" && !person_within(end + 1, std::min(limit + 3, ntok()))) break;
      ++end;
    }
    // "…, Youri Ouchakov." after a descriptor.
    if (end > k && is_punct(end, ",") && person_at(end + 1) >= 0 && person_at(k) < 0) {
      int after = mention_end_token(end + 1);
      if (after >= limit || is_punct(after, ".") || is_punct(after, ",")) end = after;
    }
    return end;
  }

  bool person_within(int first, int last) const {
    for (int i = first; i < last && i < first + 10 && !is_punct(i, "."); ++i) {
      if (person_at(i) >= 0) return true;
    }
    return false;
  }

  // The subject before a verb group starting at b: "Ouchakov a déclaré", "Le dirigeant russe, selon son assistant,
  // a déclaré". Returns the token range, or first == last.
  std::pair<int, int> subject_before(int b, int sentence_first) const {
    int j = b - 1;
    while (j >= sentence_first && is_word(j) && (is_object_clitic(tok(j).lower) || is_adverb(tok(j).lower))) --j;
    if (j >= sentence_first && is_punct(j, ",")) {
      // Skip one parenthetical between commas.
      int c = j - 1;
      while (c >= sentence_first && c > j - 14 && !is_punct(c, ",") && tok(c).quote < 0) --c;
      if (c <= sentence_first || !is_punct(c, ",")) return {b, b};
      j = c - 1;
    }
    int end = j + 1;
    int start = end;
    while (start - 1 >= sentence_first && start > end - 10 && is_word(start - 1) && tok(start - 1).quote < 0 &&
           !(is_clause_boundary_word(tok(start - 1).lower) && person_at(start - 1) < 0)) {
      --start;
    }
    if (start < end && start - 1 >= sentence_first && is_word(start - 1) && tok(start - 1).lower != "et" &&
        !is_clause_boundary_word(tok(start - 1).lower))
      return {b, b};  // ran out of length: not a plain subject
    // Long noun phrases are cut to their last determiner-led part ("…entre le dirigeant russe" is not a subject).
    return {start, end};
  }

  // The speaker of a verb group starting at b: its plain subject, else (an apposition or a relative clause between
  // them: "Le manager de Manchester United, José Mourinho, qui a dépensé …, a déclaré") the first person of the
  // sentence that is not the complement of a preposition.
  Speaker subject_of(int b, int sentence_first) {
    // "Le chef de la Maison Blanche, selon Ouchakov, a averti Poutine que …": the source the article gives for the
    // whole report, rather than the subject whose words it paraphrases.
    int j = b - 1;
    while (j >= sentence_first && is_word(j) && (is_object_clitic(tok(j).lower) || is_adverb(tok(j).lower))) --j;
    if (j > sentence_first && is_punct(j, ",")) {
      for (int c = j - 1; c > sentence_first && c > j - 10 && tok(c).quote < 0 && !is_punct(c, ","); --c) {
        const auto& w = tok(c).lower;
        bool selon = w == "selon" || (w == "après" && tok(c - 1).lower == "d'");
        if (selon && is_punct(selon && w == "après" ? c - 2 : c - 1, ",")) {
          Speaker source = interpret_np(c + 1, j);
          if (source.valid && source.person >= 0) return source;
        }
      }
    }
    // "selon la source proche de l'enquête, qui n'a pas donné plus de précision, mais a ajouté que": the verb shares
    // the relative pronoun's antecedent.
    if (j >= sentence_first && is_word(j) && (tok(j).lower == "mais" || tok(j).lower == "et")) {
      for (int k = j - 1; k > sentence_first && k > j - 20 && tok(k).quote < 0; --k) {
        if (tok(k).lower != "qui") continue;
        int end = is_punct(k - 1, ",") ? k - 1 : k;
        int start = end;
        while (start > sentence_first && start > end - 8 && is_word(start - 1) && tok(start - 1).quote < 0 &&
               tok(start - 1).lower != "selon")
          --start;
        Speaker antecedent = interpret_np(start, end);
        if (antecedent.valid) return antecedent;
        break;
      }
    }
    auto [np_first, np_last] = subject_before(b, sentence_first);
    Speaker sp = interpret_np(np_first, np_last);
    if (sp.person >= 0 || (sp.valid && np_last - np_first == 1)) return sp;
    int p = sentence_subject(sentence_first, b);
    if (p < 0) return sp;
    Speaker named;
    named.valid = true;
    named.person = p;
    named.confidence = 0.7;
    named.mention = persons_[static_cast<std::size_t>(p)].surface;
    for (int i = sentence_first; i < b; ++i) {
      if (person_at(i) == p) {
        named.mention = slice(i, mention_end_token(i));
        break;
      }
    }
    return named;
  }

  int sentence_subject(int first, int last) const {
    static const std::vector<std::string_view> kPrepositions = {"de", "d'", "du", "des", "à", "au", "aux", "avec",
                                                              "par", "pour", "entre", "sur", "contre", "chez", "et",
                                                              "selon", "après"};
    for (int i = first; i < last; ++i) {
      if (tok(i).quote >= 0) continue;
      int p = person_at(i);
      if (p < 0) continue;
      if (i > first && is_word(i - 1) &&
          std::find(kPrepositions.begin(), kPrepositions.end(), tok(i - 1).lower) != kPrepositions.end()) {
        i = mention_end_token(i) - 1;
        continue;
      }
      return p;
    }
    return -1;
  }

  // ---- output -------------------------------------------------------------------------------------------------
  Quote make_quote(std::uint32_t start, std::uint32_t end, QuoteKind kind, const Speaker& sp, const std::string& cue,
                   double confidence) const {
    Quote q;
    q.text = std::string(text_.substr(start, end - start));
    q.kind = kind;
    q.start = start;
    q.end = end;
    q.cue = cue;
    q.speaker_mention = sp.mention;
    if (sp.person >= 0) {
      const Person& p = persons_[static_cast<std::size_t>(sp.person)];
      if (p.from_tagger) {
        q.speaker = p.canonical;
        q.speaker_key = p.key;
      } else if (q.speaker_mention != p.surface) {
        q.speaker_mention = p.surface;  // no tagger: the name the pronoun or descriptor stands for
      }
    }
    q.confidence = confidence;
    return q;
  }

  void record_speaker(const Speaker& sp, std::uint32_t pos) {
    if (sp.person >= 0) add_event({pos, sp.person, true, true});
  }

  struct Attributed {
    Speaker speaker;
    std::string cue;
    std::uint32_t start = 0, end = 0;
  };

  // ---- sentences ----------------------------------------------------------------------------------------------
  void process_sentence(std::size_t s_index) {
    const Sentence& s = sentences_[s_index];
    std::vector<Attributed> reported;  // unquoted reported speech found in this sentence
    find_indirect(s, reported);
    find_quotes(s, s_index, reported);
  }

  // "X a déclaré que …", "…, a déclaré X.", "Selon X, …", "Comme l'a dit X, …".
  void find_indirect(const Sentence& s, std::vector<Attributed>& reported) {
    int last = s.last;
    while (last > s.first && tok(last - 1).kind == TokenKind::Punct && tok(last - 1).quote < 0 &&
           !is_mark(last - 1))
      --last;
    auto add = [&](int first_tok, int last_tok, Speaker sp, const std::string& cue, std::uint32_t cue_pos) {
      while (last_tok > first_tok && tok(last_tok - 1).kind == TokenKind::Punct && !is_mark(last_tok - 1)) --last_tok;
      if (word_count(first_tok, last_tok) < 3 || !sp.valid) return;
      std::uint32_t start = tok(first_tok).start, end = tok(last_tok - 1).end;
      for (const auto& r : reported) {
        if (start < r.end && r.start < end) return;  // one reading per stretch of text
      }
      // A stretch that is exactly one quotation is a direct quote, handled with the quotes.
      if (is_mark(first_tok) && is_mark(last_tok - 1) && tok(first_tok + 1).quote >= 0 &&
          tok(first_tok + 1).quote == tok(last_tok - 2).quote)
        return;
      record_speaker(sp, cue_pos);
      reported.push_back({sp, cue, start, end});
      content_.emplace_back(start, end);
      out_.push_back(make_quote(start, end, QuoteKind::Indirect, sp, cue, sp.person >= 0 ? sp.confidence * 0.9 : 0.3));
    };

    for (int i = s.first; i < last; ++i) {
      if (tok(i).quote >= 0 || !is_word(i)) continue;
      const auto& w = tok(i).lower;
      // Selon X, … / …, selon X. / D'après X
      bool selon = w == "selon" || (w == "d'" && is_word(i + 1) && tok(i + 1).lower == "après");
      if (selon) {
        int np = w == "selon" ? i + 1 : i + 2;
        int np_end = np;
        while (np_end < last && is_word(np_end) && tok(np_end).quote < 0 && np_end < np + 8) ++np_end;
        Speaker sp = interpret_np(np, np_end);
        bool person_like = sp.person >= 0 || sp.mention == "lui" || sp.mention == "elle" ||
                           (np < np_end && is_determiner(tok(np).lower) && np + 1 < np_end &&
                            is_role_noun(tok(np + 1).lower));
        if (!sp.valid || !person_like) continue;
        std::string cue = slice(i, np);
        if (i == s.first && is_punct(np_end, ",")) {
          add(np_end + 1, last, sp, cue, tok(i).start);
        } else if (i > s.first && is_punct(i - 1, ",") && np_end >= last) {
          add(s.first, i - 1, sp, cue, tok(i).start);
        }
        continue;
      }
      // Comme l'a dit X, … / Comme X l'a déclaré, …
      if (w == "comme") {
        int k = i + 1;
        Speaker sp;
        std::optional<Cue> chain;
        if (is_word(k) && tok(k).lower == "l'" && (chain = verb_chain_at(k + 1))) {
          int np_end = subject_after(chain->end, last);
          sp = interpret_np(chain->end, np_end);
          k = np_end;
        } else {
          int j = k;
          while (j < last && j < k + 8 && is_word(j) && tok(j).lower != "l'") ++j;
          if (is_word(j) && tok(j).lower == "l'" && (chain = verb_chain_at(j + 1))) {
            sp = interpret_np(k, j);
            k = chain->end;
            while (k < last && !is_punct(k, ",")) ++k;
          }
        }
        if (!chain || !sp.valid || !is_punct(k, ",")) continue;
        std::string cue = tok(i + 1).lower == "l'" ? slice(i, chain->end) : "comme l'" + cue_text(*chain);
        if (i == s.first) {
          add(k + 1, last, sp, cue, tok(i).start);
        } else {
          add(s.first, last, sp, cue, tok(i).start);
        }
        continue;
      }
      // "…, déclarant qu'elle ne menace personne": the gerund reports for the subject of the clause it hangs on.
      if (const VerbForm* form = verbs_.find(w);
          form && (form->bits & kGerund) && !(form->bits & kPronominalOnly) && i > s.first && is_punct(i - 1, ",")) {
        int k = i + 1;
        while (is_word(k) && is_adverb(tok(k).lower) && k < i + 3) ++k;
        if (is_word(k) && (tok(k).lower == "que" || tok(k).lower == "qu'") && !is_mark(k + 1)) {
          if (auto found = clause_speaker(i, s, true)) {
            int end = k + 1;
            while (end < last && !is_punct(end, ";")) ++end;
            add(k + 1, end, found->first, w, tok(i).start);
            i = end;
            continue;
          }
        }
      }
      auto chain = verb_chain_at(i);
      if (!chain) continue;
      // …, a déclaré X.  (the whole sentence before the incise is reported speech)
      if (i > s.first && is_punct(i - 1, ",") && (is_word(i - 2) || is_mark(i - 2))) {
        Speaker sp;
        int np_end = chain->end;
        if (!chain->pronoun.empty()) {
          sp = interpret_pronoun(chain->pronoun, tok(i).start, tok(i).paragraph);
        } else {
          np_end = subject_after(chain->end, last);
          sp = interpret_np(chain->end, np_end);
        }
        bool at_end = np_end >= last || is_punct(np_end, ",") || is_punct(np_end, ";") ||
                      (is_word(np_end) && is_np_stop_word(tok(np_end).lower) && tok(np_end).lower != "que" &&
                       tok(np_end).lower != "qu'" && tok(np_end).lower != "qui");
        if (sp.valid && at_end && np_end > chain->begin) {
          add(s.first, i - 1, sp, cue_text(*chain), tok(i).start);
          i = np_end;
          continue;
        }
      }
      // X a déclaré [à Y] que …
      int k = chain->end;
      while (is_word(k) && is_adverb(tok(k).lower) && k < chain->end + 3) ++k;
      if (is_word(k) && (tok(k).lower == "à" || tok(k).lower == "au" || tok(k).lower == "aux")) {
        int limit = k + 6;
        ++k;
        while (k < limit && k < last && is_word(k) && tok(k).lower != "que" && tok(k).lower != "qu'") ++k;
      } else if (person_at(k) >= 0) {
        k = mention_end_token(k);
      } else if (is_word(k) && tok(k).capitalised && tok(k).quote < 0) {
        ++k;  // a named addressee: "a averti Poutine que"
      }
      if (!is_word(k) || (tok(k).lower != "que" && tok(k).lower != "qu'")) continue;
      if (is_mark(k + 1)) continue;  // "a déclaré que « … »": a direct quote
      Speaker sp;
      if (!chain->pronoun.empty()) continue;  // "a-t-il dit que" is a question
      sp = subject_of(chain->begin, s.first);
      if (!sp.valid) continue;
      int end = k + 1;
      while (end < last && !is_punct(end, ";")) ++end;
      add(k + 1, end, sp, cue_text(*chain), tok(chain->begin).start);
      i = end;
    }
  }

  // The speaker of a reporting verb before token `at` in sentence s (outside quotations), with the cue text.
  // With allow_unnamed, an organisation or a descriptor that names nobody known counts too.
  std::optional<std::pair<Speaker, std::string>> clause_speaker(int at, const Sentence& s, bool allow_unnamed = false) {
    bool gerund = false;
    std::string gerund_cue;
    for (int k = at - 1; k >= s.first; --k) {
      if (tok(k).quote >= 0 || !is_word(k)) continue;
      if (!gerund) {
        const VerbForm* form = verbs_.find(tok(k).lower);
        if (form && (form->bits & kGerund) && !(form->bits & kPronominalOnly)) {
          gerund = true;  // "ajoutant que": the subject of the clause the gerund hangs on
          gerund_cue = tok(k).lower;
          continue;
        }
      }
      auto chain = verb_chain_at(k);
      if (!chain || chain->end > at) continue;
      Speaker sp;
      if (!chain->pronoun.empty()) {
        sp = interpret_pronoun(chain->pronoun, tok(k).start, tok(k).paragraph);
      } else if (k > s.first && (tok(k - 1).lower == "qui")) {
        // "Bruno Le Roux, qui ajoute que": the antecedent just before the relative pronoun.
        int end = k - 1;
        if (end > s.first && is_punct(end - 1, ",")) --end;
        int start = end;
        while (start > s.first && start > end - 6 && is_word(start - 1) && tok(start - 1).quote < 0) --start;
        sp = interpret_np(start, end);
        if (sp.person < 0 && end > s.first && person_at(end - 1) >= 0) sp = interpret_np(end - 1, end);
      } else {
        sp = subject_of(chain->begin, s.first);
      }
      if (!sp.valid || (sp.person < 0 && sp.mention != "il" && sp.mention != "elle" && !allow_unnamed))
        return std::nullopt;
      record_speaker(sp, tok(k).start);
      return std::make_pair(sp, gerund ? gerund_cue : cue_text(*chain));
    }
    if (gerund) {
      // No verb before the gerund: the last speaker of the sentence ("« … », affirme-t-il, ajoutant que « … »").
      for (const Event& event : events_before(tok(at).start)) {
        const Event* it = &event;
        if (it->pos < tok(s.first).start) break;
        if (!it->speaker) continue;
        Speaker sp;
        sp.valid = true;
        sp.person = it->person;
        sp.confidence = 0.6;
        sp.mention = persons_[static_cast<std::size_t>(it->person)].surface;
        return std::make_pair(sp, gerund_cue);
      }
      // "Ému, Hamon lui a rendu hommage, confiant qu'il était « très dur … »": the subject of the sentence.
      if (int p = sentence_subject(s.first, at); p >= 0) {
        Speaker sp;
        sp.valid = true;
        sp.person = p;
        sp.confidence = 0.5;
        sp.mention = persons_[static_cast<std::size_t>(p)].surface;
        record_speaker(sp, tok(at).start);
        return std::make_pair(sp, gerund_cue);
      }
    }
    return std::nullopt;
  }

  Speaker interpret_pronoun(const std::string& pronoun, std::uint32_t pos, int paragraph) const {
    Speaker sp;
    sp.valid = pronoun != "on";
    sp.mention = pronoun;
    if (pronoun == "il" || pronoun == "elle") {
      sp.person = resolve_pronoun(pronoun == "elle" ? 'f' : 'm', pos, paragraph);
      sp.confidence = sp.person >= 0 ? 0.8 : 0.4;
    } else {
      sp.confidence = 0.4;
    }
    return sp;
  }

  // The token index of the mark opening quotation q, searching from `from`.
  int mark_before(int first_text_token) const {
    int m = first_text_token - 1;
    return m >= 0 && is_mark(m) ? m : -1;
  }

  void find_quotes(const Sentence& s, std::size_t s_index, const std::vector<Attributed>& reported) {
    for (int i = s.first; i < s.last; ++i) {
      int q = tok(i).quote;
      // A quotation over several paragraphs (« … ¶ « … ») lies in several sentences: it is read once, from the one
      // where it opens. Spans are numbered in text order, so every earlier one has been read.
      if (q < 0 || q <= last_quote_read_) continue;
      int first = i, last_text = i;
      while (last_text < ntok() && (tok(last_text).quote == q || tok(last_text).kind == TokenKind::Break ||
                                    (is_mark(last_text) && last_text + 1 < ntok() && tok(last_text + 1).quote == q)))
        ++last_text;
      handle_quote(q, first, last_text, s, s_index, reported);
      last_quote_read_ = q;
      i = last_text - 1;
    }
  }

  void handle_quote(int q, int first, int last_text, const Sentence& s, std::size_t s_index,
                    const std::vector<Attributed>& reported) {
    const QuoteSpan& span = spans_[static_cast<std::size_t>(q)];
    int open_mark = mark_before(first);
    int close_mark = is_mark(last_text) ? last_text : -1;
    int after = close_mark >= 0 ? close_mark + 1 : last_text;
    const Sentence& end_sentence = sentence_of(last_text > 0 ? last_text - 1 : 0, s_index);
    int sentence_last = end_sentence.last;
    int words = word_count(first, last_text);

    Speaker sp;
    std::string cue;
    bool tight = false;   // the quotation is the whole reported utterance
    bool cued = false;
    int before = open_mark >= 0 ? open_mark - 1 : first - 1;
    bool starts_sentence = before < s.first || is_punct(before, ":") || is_mark(before);
    std::string text_override;

    // Incise after: « … », a expliqué Ouchakov. / « … », a-t-il souligné. / « … », selon X.
    {
      int k = after;
      if (is_punct(k, ",")) ++k;
      if (k < sentence_last && k > after - 1) {
        if (auto chain = verb_chain_at(k); chain && tok(k).quote < 0) {
          int np_end = chain->end;
          if (!chain->pronoun.empty()) {
            sp = interpret_pronoun(chain->pronoun, tok(k).start, tok(k).paragraph);
          } else {
            np_end = subject_after(chain->end, sentence_last);
            sp = interpret_np(chain->end, np_end);
          }
          if (sp.valid) {
            cue = cue_text(*chain);
            cued = true;
            tight = starts_sentence;
            record_speaker(sp, tok(k).start);
          }
        } else if (is_word(k) && tok(k).lower == "selon" && tok(k).quote < 0) {
          int np_end = k + 1;
          while (np_end < sentence_last && is_word(np_end) && np_end < k + 12) ++np_end;
          Speaker cand = interpret_np(k + 1, np_end);
          if (cand.valid) {
            sp = cand;
            cue = "selon";
            cued = true;
            tight = starts_sentence;
            record_speaker(sp, tok(k).start);
          }
        }
      }
    }
    // Colon or "que" before: Ouchakov a déclaré : « … » / Ouchakov a déclaré que « … »
    if (!cued && before >= s.first) {
      bool colon = is_punct(before, ":");
      bool que = is_word(before) && (tok(before).lower == "que" || tok(before).lower == "qu'");
      if (colon || que) {
        for (int k = before - 1; k >= std::max(s.first, before - 10); --k) {
          if (tok(k).quote >= 0) break;
          auto chain = verb_chain_at(k);
          if (!chain || chain->end > before) continue;
          if (que && chain->end + 6 < before) break;
          if (!chain->pronoun.empty()) {
            sp = interpret_pronoun(chain->pronoun, tok(k).start, tok(k).paragraph);
          } else {
            sp = subject_of(chain->begin, s.first);
          }
          if (sp.valid) {
            cue = cue_text(*chain);
            cued = tight = true;
            record_speaker(sp, tok(k).start);
          }
          break;
        }
        // "X s'est adressé aux politiques : « … »", "comme celle de Bill Kristol, un analyste : « … »": a person
        // before the colon with no reporting verb, the subject first, else the nearest one.
        if (!cued && colon) {
          int p = sentence_subject(s.first, before);
          for (int k = before - 1; p < 0 && k >= std::max(s.first, before - 8) && tok(k).quote < 0; --k) {
            if (person_at(k) < 0 || (person_at(k - 1) == person_at(k) && k > s.first)) continue;
            const auto& prev = k > s.first ? tok(k - 1).lower : std::string();
            if (prev != "à" && prev != "au" && prev != "aux" && prev != "avec" && prev != "pour" && prev != "contre" &&
                prev != "par" && prev != "sur" && prev != "chez")
              p = person_at(k);
          }
          if (p >= 0) {
            sp.valid = true;
            sp.person = p;
            sp.confidence = 0.6;
            sp.mention = persons_[static_cast<std::size_t>(p)].surface;
            cued = tight = true;
            record_speaker(sp, tok(before).start);
          }
        }
      }
    }
    // Incise inside: « Q1, a-t-il poursuivi, Q2 »
    if (!cued) {
      for (int k = first + 2; k + 2 < last_text; ++k) {
        if (!is_punct(k, ",") || tok(k).quote != q) continue;
        auto chain = verb_chain_at(k + 1);
        if (!chain) continue;
        int np_end = chain->end;
        Speaker cand;
        if (!chain->pronoun.empty()) {
          cand = interpret_pronoun(chain->pronoun, tok(k + 1).start, tok(k + 1).paragraph);
        } else {
          while (np_end < last_text && np_end < chain->end + 8 && is_word(np_end)) ++np_end;
          cand = interpret_np(chain->end, np_end);
        }
        // "« Q1, confiait d'ailleurs Hamon en 2010. Q2 »": the incise can also close a sentence of the quotation.
        bool full_stop = is_punct(np_end, ".");
        if (!cand.valid || !(is_punct(np_end, ",") || full_stop) || np_end + 1 >= last_text) continue;
        if (full_stop && cand.person < 0) continue;
        sp = cand;
        cue = cue_text(*chain);
        cued = tight = true;
        record_speaker(sp, tok(k + 1).start);
        text_override = std::string(text_.substr(span.text_start(), tok(k).start - span.text_start())) +
                        (full_stop ? ". " : ", ") +
                        std::string(text_.substr(tok(np_end + 1).start, span.text_end() - tok(np_end + 1).start));
        break;
      }
    }
    // A source before the quotation: "Selon X, « … »", "Pour le président du Centre, Jean-Charles Brisard, « … »".
    bool source_right_before = false;  // "selon lui « déresponsabilisant »"
    for (int k = before; k >= std::max(s.first, before - 3) && !cued && is_word(before); --k) {
      if (!is_word(k) || tok(k).quote >= 0) break;
      if (tok(k).lower == "selon" && k < before) {
        source_right_before = true;
        break;
      }
    }
    if (!cued && before > s.first && (is_punct(before, ",") || source_right_before)) {
      for (int k = before - (source_right_before ? 0 : 1); k >= std::max(s.first, before - 24); --k) {
        if (tok(k).quote >= 0 || is_mark(k)) break;
        const auto& w = tok(k).lower;
        bool selon = w == "selon" || (w == "après" && k > s.first && tok(k - 1).lower == "d'");
        bool pour = w == "pour" && (k == s.first || is_punct(k - 1, ",") || is_adverb(tok(k - 1).lower));
        if (!selon && !pour) continue;
        Speaker cand = interpret_np(k + 1, source_right_before ? before + 1 : before);
        if (cand.valid && (cand.person >= 0 || cand.mention == "lui" || cand.mention == "elle")) {
          sp = cand;
          cue = selon && w == "après" ? "d'après" : w;
          cued = tight = true;
          record_speaker(sp, tok(k).start);
        }
        break;
      }
    }
    // A sentence opened by its source: "Pour le ministre Michel Sapin, cependant, Emmanuel Macron « est hors de cause »".
    if (!cued && is_word(s.first) && tok(s.first).quote < 0 &&
        (tok(s.first).lower == "pour" || tok(s.first).lower == "selon")) {
      int comma = s.first + 1;
      while (comma < before && comma < s.first + 12 && is_word(comma) && tok(comma).quote < 0) ++comma;
      if (comma < before && is_punct(comma, ",")) {
        Speaker cand = interpret_np(s.first + 1, comma);
        if (cand.valid && cand.person >= 0) {
          sp = cand;
          cue = tok(s.first).lower;
          cued = true;
          record_speaker(sp, tok(s.first).start);
          content_.emplace_back(tok(comma).end, span.close);
        }
      }
    }
    bool ends_sentence = after >= sentence_last || is_punct(after, ".") || is_punct(after, "!") ||
                         is_punct(after, "?") || is_punct(after, "…") || tok(after).kind == TokenKind::Break;
    QuoteKind kind = (tight || (starts_sentence && (ends_sentence || words >= 6))) ? QuoteKind::Direct
                                                                                   : QuoteKind::Partial;
    double confidence = sp.person >= 0 ? sp.confidence : (sp.valid ? 0.5 : 0.3);
    if (!cued) {
      // Reported speech around it: "Poutine a ajouté que les restrictions entraîneraient « … »".
      for (const auto& r : reported) {
        if (span.text_start() >= r.start && span.text_end() <= r.end + 4) {
          sp = r.speaker;
          cue = r.cue;
          cued = true;
          confidence = sp.person >= 0 ? sp.confidence * 0.8 : 0.3;
          break;
        }
      }
    }
    // A reporting verb earlier in the sentence whose object holds the quotation: "X a dénoncé une ingérence de « … »",
    // "X se dit victime d'une « … »", "…, ajoutant que « … »", "X, qui ajoute que « … »". Titles and names in
    // quotation marks ("le « Canard »") are not anybody's words.
    bool title_like = kind == QuoteKind::Partial && words <= 3 && tok(first).capitalised;
    if (!cued && !title_like) {
      if (auto found = clause_speaker(open_mark >= 0 ? open_mark : first, s)) {
        sp = found->first;
        cue = found->second;
        cued = true;
        confidence = sp.person >= 0 ? 0.6 : 0.3;
      }
    }
    if (!cued && kind == QuoteKind::Direct) {
      // A quotation without a cue goes on with the speaker of the previous one in the paragraph (or the paragraph
      // before), whether that one was quoted or reported.
      const Quote* previous = nullptr;
      for (auto it = out_.rbegin(); it != out_.rend(); ++it) {
        if (it->end <= span.open && paragraph_of(it->start) >= span.paragraph - 1) {
          previous = &*it;
          break;
        }
      }
      if (previous && (!previous->speaker.empty() || !previous->speaker_mention.empty())) {
        Quote quote = make_quote(span.text_start(), span.text_end(), kind, Speaker{}, previous->cue, 0.5);
        quote.speaker = previous->speaker;
        quote.speaker_key = previous->speaker_key;
        quote.speaker_mention = previous->speaker_mention;
        quote.cue.clear();
        emit(quote, span, text_override);
        return;
      }
    }
    emit(make_quote(span.text_start(), span.text_end(), kind, sp, cue, confidence), span, text_override);
  }

  void emit(Quote quote, const QuoteSpan& span, const std::string& text_override) {
    if (!text_override.empty()) {
      quote.text = text_override;
    } else if (span.segments.size() > 1) {
      quote.text.clear();
      for (const auto& seg : span.segments) {
        if (!quote.text.empty()) quote.text += '\n';
        quote.text += text_.substr(seg.first, seg.second - seg.first);
      }
    }
    out_.push_back(std::move(quote));
  }

  const Sentence& sentence_of(int token, std::size_t hint) const {
    for (std::size_t s = hint; s < sentences_.size(); ++s) {
      if (token < sentences_[s].last) return sentences_[s];
    }
    return sentences_.back();
  }

  std::string_view text_;
  const SpeechVerbs& verbs_;
  std::vector<QuoteSpan> spans_;
  std::vector<Token> tokens_;
  std::vector<Sentence> sentences_;
  std::vector<Mention> mentions_;
  std::vector<int> mention_at_;
  std::vector<int> person_of_mention_;
  std::vector<Person> persons_;
  std::unordered_map<std::string, int> person_by_key_, person_by_surname_;  // see add_person
  std::vector<Appositive> appositives_;
  Events events_;
  std::map<std::string, int> descriptor_cache_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> content_;
  std::vector<Quote> out_;
  int last_quote_read_ = -1;
};

}  // namespace
}  // namespace quotes

std::vector<Quote> extract_quotes(std::string_view text, const std::vector<Mention>& entities) {
  if (text.empty()) return {};
  return quotes::Extractor(text, entities).run();
}

}  // namespace gazette
