// Tokenizer, sentiment, keywords, intent and language detection.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "domain/data/embedded_data.hpp"
#include "domain/intent.hpp"
#include "domain/keywords.hpp"
#include "domain/keywords_pattern.hpp"
#include "domain/language.hpp"
#include "domain/language_tokens.hpp"
#include "domain/sentiment.hpp"

namespace {

using namespace frontdesk::domain;

// ---- tokens ---------------------------------------------------------------------------

TEST(tokens, decode_utf8_valid_and_invalid) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  std::size_t i = 0;
  EXPECT_EQ(decode_utf8(s, i), U'a');
  EXPECT_EQ(decode_utf8(s, i), U'\u00E9');
  EXPECT_EQ(decode_utf8(s, i), U'\u20AC');
  EXPECT_EQ(decode_utf8(s, i), U'\U0001F600');
  EXPECT_EQ(i, s.size());
  for (const std::string bad : {"\xFF", "\xC3", "\xE2\x82", "\xC0\x80", "\xED\xA0\x80", "\x80"}) {
    std::size_t j = 0;
    EXPECT_GE(decode_utf8(bad, j), 0x110000u) << "invalid input must not decode";
    EXPECT_EQ(j, 1u) << "an invalid byte is consumed alone";
  }
}

TEST(tokens, words_case_clauses_and_emphasis) {
  const auto t = tokenize_words("I'm NOT happy!!! Order #123, ÉTÉ café.");
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].text, "i'm");
  EXPECT_EQ(t[1].text, "not");
  EXPECT_TRUE(t[1].all_caps);
  EXPECT_FALSE(t[0].all_caps);
  EXPECT_EQ(t[2].exclamations, 3);
  EXPECT_EQ(t[3].exclamations, 0);
  EXPECT_NE(t[2].clause, t[3].clause);
  EXPECT_EQ(t[4].text, "123");
  EXPECT_EQ(t[5].text, "\xC3\xA9t\xC3\xA9");  // lower-cased Latin-1
  EXPECT_TRUE(t[5].all_caps);
  EXPECT_EQ(t[6].text, "caf\xC3\xA9");
  EXPECT_EQ(t[4].offset, std::string("I'm NOT happy!!! Order #").size());
}

TEST(tokens, hostile_input_is_bounded) {
  std::string junk(200000, '\xFF');
  EXPECT_TRUE(tokenize_words(junk).empty());
  std::string words;
  for (int i = 0; i < 50000; ++i) words += "ab ";
  EXPECT_LE(tokenize_words(words, 1000).size(), 334u);
  EXPECT_TRUE(tokenize_words("").empty());
  EXPECT_TRUE(tokenize_words("!!! ??? ... '''").empty());
  EXPECT_EQ(tokenize_words("don’t")[0].text, "don't");  // curly apostrophe
}

// ---- sentiment ------------------------------------------------------------------------

TEST(sentiment, embedded_lexicon_is_well_formed_and_large) {
  const auto data = frontdesk::domain::data::embedded_file("sentiment_lexicon.tsv");
  ASSERT_FALSE(data.empty());
  const auto stats = inspect_sentiment_lexicon(data);
  EXPECT_TRUE(stats.errors.empty()) << stats.errors.front();
  EXPECT_GE(stats.words, 250);
  EXPECT_GE(stats.anger_words, 40);
  EXPECT_GE(stats.negators, 20);
  EXPECT_GE(stats.modifiers, 20);
}

TEST(sentiment, malformed_lexicon_lines_are_reported) {
  const auto stats = inspect_sentiment_lexicon(
      "# "
      "comment\nword\tgood\t2\t0\nword\tbad\tx\nword\thuge\t9\t0\nfoo\tbar\nword\nintensifier\tvery"
      "\t5\n"
      "word\tangry\t-3\t2\n\n");
  EXPECT_EQ(stats.words, 1);
  EXPECT_EQ(stats.errors.size(), 6u);
  EXPECT_EQ(frontdesk::domain::data::embedded_file("no_such_file.tsv"), "");
}

TEST(sentiment, polarity_and_labels) {
  const auto good = analyze_sentiment("Thanks, the blender is great and delivery was fast");
  EXPECT_GT(good.score, 0.15);
  EXPECT_EQ(good.label, sentiment_label::very_positive);  // 1 + 2 + 1 = 4 -> 4 / sqrt(31)
  EXPECT_NEAR(good.score, 4.0 / std::sqrt(31.0), 1e-9);
  EXPECT_EQ(analyze_sentiment("The blender is fine").label, sentiment_label::positive);
  const auto bad = analyze_sentiment("The product is terrible and the support was awful");
  EXPECT_LT(bad.score, -0.6);
  EXPECT_EQ(bad.label, sentiment_label::very_negative);
  const auto neutral = analyze_sentiment("Do you ship to Canada?");
  EXPECT_EQ(neutral.label, sentiment_label::neutral);
  EXPECT_EQ(neutral.score, 0.0);
  EXPECT_EQ(label_for_score(-0.6), sentiment_label::very_negative);
  EXPECT_EQ(label_for_score(0.15), sentiment_label::neutral);
  EXPECT_EQ(label_for_score(0.6), sentiment_label::very_positive);
  EXPECT_EQ(to_string(sentiment_label::very_positive), "very_positive");
}

TEST(sentiment, negation_flips_and_dampens) {
  const auto happy = analyze_sentiment("I am happy with it");
  const auto not_happy = analyze_sentiment("I am not happy with it");
  EXPECT_GT(happy.score, 0);
  EXPECT_LT(not_happy.score, 0);
  EXPECT_LT(std::abs(not_happy.score), std::abs(happy.score));
  // Negation does not cross a clause break.
  EXPECT_GT(analyze_sentiment("No. I am happy").score, 0);
  EXPECT_GT(analyze_sentiment("It isn't bad").score, 0);
}

TEST(sentiment, intensifiers_caps_and_exclamations_amplify) {
  const double base = analyze_sentiment("the service was bad").score;
  EXPECT_LT(analyze_sentiment("the service was extremely bad").score, base);
  EXPECT_LT(analyze_sentiment("the service was BAD").score, base);
  EXPECT_LT(analyze_sentiment("the service was bad!!!").score, base);
  EXPECT_GT(analyze_sentiment("the service was slightly bad").score, base);
}

TEST(sentiment, anger_from_words_shouting_and_bangs) {
  EXPECT_EQ(analyze_sentiment("Where is my order?").anger, 0.0);
  const auto mild = analyze_sentiment("I'm a bit annoyed about the delay");
  const auto furious = analyze_sentiment("I am FURIOUS. This is a SCAM and you are LIARS!!!");
  EXPECT_LT(mild.anger, 0.4);
  EXPECT_GT(furious.anger, 0.9);
  EXPECT_LT(analyze_sentiment("I'm not angry, just confused").anger, 0.2);
  // Shouting without anger words still counts.
  EXPECT_GT(analyze_sentiment("WHY HAS NOBODY ANSWERED MY EMAILS FOR A WEEK!!!").anger, 0.6);
  // Happy shouting is not anger.
  EXPECT_LT(analyze_sentiment("I LOVE IT!!! BEST PURCHASE EVER!!!").anger, 0.5);
}

TEST(sentiment, hostile_input) {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "terrible ";
  const auto r = analyze_sentiment(big);
  EXPECT_GE(r.score, -1.0);
  EXPECT_LE(r.anger, 1.0);
  EXPECT_EQ(analyze_sentiment(std::string("\0\xFF\xFE", 3)).score, 0.0);
  EXPECT_EQ(analyze_sentiment("").label, sentiment_label::neutral);
}

// ---- keywords -------------------------------------------------------------------------

TEST(keywords, default_list_word_boundary_case_and_plurals) {
  const keyword_matcher m;
  EXPECT_EQ(m.keywords().size(), 8u);
  auto hit = [&](std::string_view text) {
    const auto hits = m.find(text);
    return hits.empty() ? std::string() : hits.front().keyword;
  };
  EXPECT_EQ(hit("Lawyers! That is who you'll hear from"), "lawyer");
  EXPECT_EQ(hit("This is FRAUD."), "fraud");
  EXPECT_EQ(hit("we will file lawsuits"), "lawsuit");
  EXPECT_EQ(hit("it's urgently needed"), "urgent");
  EXPECT_EQ(hit("I'm suing you"), "sue");
  EXPECT_EQ(hit("my attorney's letter"), "attorney");
  EXPECT_EQ(hit("there is an issue with my order"), "");  // "sue" inside "issue"
  EXPECT_EQ(hit("fraudster"), "");                        // not an inflection
  EXPECT_EQ(hit("emergencies happen"), "emergency");
  EXPECT_EQ(hit(""), "");
}

TEST(keywords, custom_list_phrases_and_offsets) {
  const keyword_matcher m({"Charge Back", "refund", "refund", "  ", "!!!"});
  EXPECT_EQ(m.keywords().size(), 2u);  // duplicates and empty keywords dropped
  const auto hits = m.find("I want a REFUND or I'll do a charge-back, refunds please");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].keyword, "refund");
  EXPECT_EQ(hits[0].matched, "REFUND");
  EXPECT_EQ(hits[0].offset, 9u);
  EXPECT_EQ(hits[1].keyword, "charge back");
  EXPECT_EQ(hits[1].matched, "charge-back");
  EXPECT_TRUE(keyword_matcher(std::vector<std::string>{}).find("urgent").empty());
}

TEST(keywords, inflections) {
  EXPECT_TRUE(matches_inflection("emergencies", "emergency"));
  EXPECT_TRUE(matches_inflection("sued", "sue"));
  EXPECT_TRUE(matches_inflection("suing", "sue"));
  EXPECT_TRUE(matches_inflection("damaged", "damaged"));
  EXPECT_FALSE(matches_inflection("issue", "sue"));
  EXPECT_FALSE(matches_inflection("s", ""));
}

TEST(word_patterns, gaps_prefixes_and_slips) {
  const auto p = word_pattern::compile("payment .. fail*");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->matches(tokenize_words("my payment has failed")));
  EXPECT_TRUE(p->matches(tokenize_words("Payment keeps on failing")));
  EXPECT_FALSE(p->matches(tokenize_words("payment. It did not fail")));  // other clause
  EXPECT_FALSE(p->matches(tokenize_words("payment one two three four five failed")));
  const auto q = word_pattern::compile("charged twice");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->matches(tokenize_words("I was chargd twice")));  // left-out letter
  EXPECT_FALSE(q->matches(tokenize_words("I changed twice")));    // substitution
  EXPECT_FALSE(q->matches(tokenize_words("charged me twice")));
  EXPECT_FALSE(word_pattern::compile(""));
  EXPECT_FALSE(word_pattern::compile(".. a"));
  EXPECT_FALSE(word_pattern::compile("a .."));
  EXPECT_FALSE(word_pattern::compile("a b c d e f g h i"));
}

// ---- intent ---------------------------------------------------------------------------

TEST(intent, classifies_common_requests) {
  struct c {
    const char* text;
    intent expected;
  };
  for (const auto& [text, expected] : std::initializer_list<c>{
           {"Where is my order #1234?", intent::order_status},
           {"How long does shipping take to Spain?", intent::shipping},
           {"I want to return these shoes", intent::returns},
           {"Please refund my money", intent::refund},
           {"My card was charged but the payment shows pending", intent::payment},
           {"Is this jacket available in size M?", intent::product_question},
           {"I can't log in to my account", intent::account},
           {"Just some feedback: love the new packaging", intent::feedback},
           {"Hello", intent::other},
       }) {
    EXPECT_EQ(classify_intent(text).value, expected) << text;
  }
  EXPECT_EQ(to_string(intent::product_question), "product_question");
  EXPECT_EQ(parse_intent("refund"), intent::refund);
  EXPECT_FALSE(parse_intent("nonsense"));
}

TEST(intent, certainty_follows_formula) {
  const auto none = classify_intent("Hello there");
  EXPECT_EQ(none.certainty, 0.0);
  const auto one = classify_intent("tracking");  // one order_status cue, weight 1.0
  EXPECT_EQ(one.value, intent::order_status);
  EXPECT_NEAR(one.certainty, 1.0 - std::exp(-1.0), 1e-9);
  const auto strong = classify_intent("Please refund me, I want my money back, refund now");
  EXPECT_GT(strong.certainty, one.certainty);
  const auto mixed = classify_intent("refund or return?");  // refund 2.0 vs returns 1.5
  EXPECT_NEAR(mixed.certainty, (1.0 - std::exp(-2.0)) * 2.0 / 3.5, 1e-9);
}

// ---- language -------------------------------------------------------------------------

TEST(language, detects_six_plus_languages) {
  struct c {
    const char* text;
    const char* code;
  };
  for (const auto& [text, code] : std::initializer_list<c>{
           {"Hi, where is my order? I have been waiting for two weeks", "en"},
           {"Hola, ¿dónde está mi pedido? Lo compré hace una semana", "es"},
           {"Bonjour, je n'ai pas reçu ma commande, pouvez-vous m'aider ?", "fr"},
           {"Hallo, ich habe meine Bestellung noch nicht bekommen, bitte helfen Sie mir", "de"},
           {"Olá, o meu pedido ainda não chegou, você pode verificar?", "pt"},
           {"Ciao, il mio ordine non è ancora arrivato, perché?", "it"},
           {"Hallo, mijn bestelling is niet aangekomen, wanneer komt het?", "nl"},
       }) {
    const auto g = detect_language(text);
    EXPECT_EQ(g.code, code) << text;
    EXPECT_GT(g.certainty, 0.3) << text;
  }
  EXPECT_EQ(detect_language("").code, "und");
  EXPECT_EQ(detect_language("12345 ###").code, "und");
  EXPECT_EQ(detect_language(std::string(100000, 'x')).code, "und");
}

}  // namespace

namespace frontdesk::domain {
namespace {

TEST(word_pattern_set, finds_exactly_what_each_pattern_finds_alone) {
  const std::vector<std::string> patterns = {
      "chargeback",  "charged twice", "payment .. fail*", "lawyer",  "refund* .. order",
      "where .. my", "not arrived",   "account hacked",   "cancel*", "urgent",
      "a",           "recieved",      "wrong .. item",    "fraud"};
  word_pattern_set set;
  std::vector<word_pattern> alone;
  for (const auto& p : patterns) {
    auto compiled = word_pattern::compile(p);
    ASSERT_TRUE(compiled) << p;
    set.add(*compiled);
    alone.push_back(*compiled);
  }
  const std::vector<std::string> texts = {
      "I filed a hargeback with my bank",  // slip in the first letter
      "You CHARGED me twice!!",
      "the payment keeps on failing, again",
      "My lawyers will hear about this",
      "refunds for my order please",
      "Where is my parcel? It has not arrived",
      "cancelled, cancelling, cancel",
      "I never received it, it was urgently needed",
      "a wrong blue item came; fraud.",
      "",
      "nothing relevant here at all",
      "ÉLÈVE naïve café résumé"};
  for (const auto& text : texts) {
    const auto tokens = tokenize_words(text);
    std::vector<std::size_t> expected;
    for (std::size_t k = 0; k < alone.size(); ++k) {
      if (alone[k].matches(tokens)) expected.push_back(k);
    }
    EXPECT_EQ(set.matching(tokens), expected) << text;
  }
  // The slip and the inflections really are found (the comparison above is not vacuous).
  EXPECT_EQ(set.matching(tokenize_words("hargeback")), std::vector<std::size_t>{0});
  EXPECT_EQ(set.matching(tokenize_words("Lawyers!")), std::vector<std::size_t>{3});
}

}  // namespace
}  // namespace frontdesk::domain
