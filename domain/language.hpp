#pragma once
// Guesses the language of a customer message from stopwords (en, es, fr, de, pt, it, nl).

#include <string>
#include <string_view>

namespace frontdesk::domain {

struct language_guess {
  std::string code = "und";  ///< ISO 639-1 code, or "und" when undetermined
  double certainty = 0.0;    ///< 0..1: share of stopword hits won by the best language
};

/// Counts stopword hits per language (embedded domain/data/language_stopwords.tsv) plus a
/// bonus for letters specific to a language (ñ ¿ ¡ → es, ß ä ö ü → de, ã õ → pt, ç ê → fr/pt...).
/// The best language wins when it has at least 2 hits; otherwise "und". Ties go to the
/// earlier language in the data file (English first).
language_guess detect_language(std::string_view text);

}  // namespace frontdesk::domain
