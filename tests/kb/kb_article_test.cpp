#include "domain/kb_article.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fd = frontdesk::domain;

namespace {

constexpr std::string_view shipping_md =
    "---\n"
    "id: shipping\n"
    "title: Shipping options\n"
    "version: 3\n"
    "---\n"
    "\n"
    "# Shipping options (H1 is not a section)\n"
    "\n"
    "## Processing time\n"
    "\n"
    "Orders placed before 1:00 pm ship the same day.\n"
    "\n"
    "## Methods\n"
    "\n"
    "- Standard: 3-5 business days, $5.99.\n"
    "- Expedited: 2 business days.\n"
    "\n"
    "### Details\n"
    "More text.\n";

TEST(KbArticleParse, FrontMatterAndSections) {
  auto a = fd::parse_kb_article(shipping_md, "ignored");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->id, "shipping");
  EXPECT_EQ(a->title, "Shipping options");
  EXPECT_EQ(a->version, 3);
  ASSERT_EQ(a->sections.size(), 2u);
  EXPECT_EQ(a->sections[0].heading, "Processing time");
  EXPECT_EQ(a->sections[0].text, "Orders placed before 1:00 pm ship the same day.");
  EXPECT_EQ(a->sections[1].heading, "Methods");
  EXPECT_NE(a->sections[1].text.find("### Details"), std::string::npos);
  EXPECT_NE(a->sections[1].text.find("$5.99"), std::string::npos);
}

TEST(KbArticleParse, CrlfAndBomAreNormalised) {
  std::string crlf;
  for (char c : shipping_md) {
    if (c == '\n')
      crlf += "\r\n";
    else
      crlf += c;
  }
  auto a = fd::parse_kb_article("\xEF\xBB\xBF" + crlf);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->id, "shipping");
  ASSERT_EQ(a->sections.size(), 2u);
  EXPECT_EQ(a->sections[0].text.find('\r'), std::string::npos);
  EXPECT_EQ(a->sections[0].text, "Orders placed before 1:00 pm ship the same day.");
}

TEST(KbArticleParse, MissingFrontMatterUsesFallbackIdAndH1Title) {
  auto a = fd::parse_kb_article("# Gift Cards\n\nIntro text.\n\n## Expiry\nNever expire.\n",
                                "Gift Cards (2024)");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->id, "gift-cards-2024");
  EXPECT_EQ(a->title, "Gift Cards");
  EXPECT_EQ(a->version, 1);
  ASSERT_EQ(a->sections.size(), 2u);
  EXPECT_EQ(a->sections[0].heading, "Overview");
  EXPECT_EQ(a->sections[0].text, "Intro text.");
  EXPECT_EQ(a->sections[1].heading, "Expiry");
}

TEST(KbArticleParse, MissingFrontMatterWithoutFallbackIsAnError) {
  auto a = fd::parse_kb_article("## Section\ntext\n");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, fd::kb_parse_error_code::missing_id);
  auto b = fd::parse_kb_article("## Section\ntext\n", "!!!");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, fd::kb_parse_error_code::missing_id);
}

TEST(KbArticleParse, TitleFallsBackToId) {
  auto a = fd::parse_kb_article("---\nid: x1\n---\nplain text only\n");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->title, "x1");
  ASSERT_EQ(a->sections.size(), 1u);
  EXPECT_EQ(a->sections[0].heading, "Overview");
}

TEST(KbArticleParse, MalformedFrontMatter) {
  auto unterminated = fd::parse_kb_article("---\nid: a\ntitle: b\n");
  ASSERT_FALSE(unterminated);
  EXPECT_EQ(unterminated.error().code, fd::kb_parse_error_code::unterminated_front_matter);

  auto no_colon = fd::parse_kb_article("---\nid: a\njust words\n---\n");
  ASSERT_FALSE(no_colon);
  EXPECT_EQ(no_colon.error().code, fd::kb_parse_error_code::malformed_front_matter);
  EXPECT_EQ(no_colon.error().line, 3u);

  auto empty_key = fd::parse_kb_article("---\n: value\n---\n");
  ASSERT_FALSE(empty_key);
  EXPECT_EQ(empty_key.error().code, fd::kb_parse_error_code::malformed_front_matter);

  for (const char* bad : {"abc", "0", "-2", "3.1", "", "99999999999999"}) {
    auto v = fd::parse_kb_article(std::string("---\nid: a\nversion: ") + bad + "\n---\n");
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(v.error().code, fd::kb_parse_error_code::invalid_version) << bad;
  }
  for (const char* bad : {"Has Space", "UPPER", "semi;colon", "\xC3\xA9t\xC3\xA9", ""}) {
    auto v = fd::parse_kb_article(std::string("---\nid: ") + bad + "\n---\n", "fallback");
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(v.error().code, fd::kb_parse_error_code::invalid_id) << bad;
  }
}

TEST(KbArticleParse, QuotedValuesCommentsAndUnknownKeys) {
  auto a = fd::parse_kb_article(
      "---\n# comment\nid: \"refunds\"\ntitle: 'Refunds: when and how'\nowner: ops\n"
      "version: 7\n---\n## A\nx\n");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->id, "refunds");
  EXPECT_EQ(a->title, "Refunds: when and how");
  EXPECT_EQ(a->version, 7);
}

TEST(KbArticleParse, NoSectionsAndEmptyBody) {
  auto empty = fd::parse_kb_article("---\nid: empty\n---\n");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->sections.empty());
  EXPECT_TRUE(fd::chunk_article(*empty).empty());

  auto whitespace = fd::parse_kb_article("---\nid: ws\n---\n\n   \n\t\n");
  ASSERT_TRUE(whitespace);
  EXPECT_TRUE(whitespace->sections.empty());

  auto only_text = fd::parse_kb_article("---\nid: t\n---\nSome loose text.\n");
  ASSERT_TRUE(only_text);
  ASSERT_EQ(only_text->sections.size(), 1u);
  EXPECT_EQ(only_text->sections[0].text, "Some loose text.");
}

TEST(KbArticleParse, HeadingsInsideCodeFencesAreText) {
  auto a = fd::parse_kb_article("---\nid: c\n---\n## Real\n```\n## not a heading\n```\n");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->sections.size(), 1u);
  EXPECT_NE(a->sections[0].text.find("## not a heading"), std::string::npos);
}

TEST(KbArticleParse, UnicodeAndInvalidUtf8) {
  auto a = fd::parse_kb_article(
      "---\nid: intl\ntitle: Envíos internacionales 🌍\n---\n## Délais\nLivraison en 7–14 jours.\n");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->title, "Envíos internacionales 🌍");
  EXPECT_EQ(a->sections[0].heading, "Délais");
  EXPECT_EQ(a->sections[0].text, "Livraison en 7–14 jours.");

  auto bad = fd::parse_kb_article("---\nid: bad\n---\n## S\nbroken \xC3 and \xFF bytes\n");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->sections[0].text, "broken \xEF\xBF\xBD and \xEF\xBF\xBD bytes");
}

TEST(KbArticleParse, OversizedAndHostileInput) {
  std::string huge(fd::kb_article_max_bytes + 1, 'a');
  auto a = fd::parse_kb_article(huge, "x");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, fd::kb_parse_error_code::too_large);

  // Many headings, NUL bytes, lone CRs, stray dashes: parses without crashing.
  std::string hostile = "---\nid: h\n---\n";
  const char piece[] = "##\r## \0x\n---\n#\n";
  for (int i = 0; i < 2000; ++i) hostile.append(piece, sizeof piece - 1);
  hostile.push_back('\0');
  hostile += "tail";
  auto h = fd::parse_kb_article(hostile);
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->sections.empty());
}

TEST(KbArticleChunk, LongSectionsSplitByParagraph) {
  std::string body;
  for (int i = 0; i < 6; ++i) {
    body += "Paragraph " + std::to_string(i) + ". " + std::string(300, 'w') + " end.\n\n";
  }
  auto a = fd::parse_kb_article("---\nid: long\n---\n## Long\n" + body + "## Short\nshort.\n");
  ASSERT_TRUE(a);
  const auto chunks = fd::chunk_article(*a, 800);
  ASSERT_GE(chunks.size(), 4u);
  std::size_t long_chunks = 0;
  for (const auto& c : chunks) {
    EXPECT_LE(c.text.size(), 800u);
    if (c.section == "Long") ++long_chunks;
  }
  EXPECT_GE(long_chunks, 3u);
  EXPECT_EQ(chunks.back().section, "Short");
  // Paragraphs are never cut in the middle when they fit.
  EXPECT_EQ(chunks.front().text.rfind("Paragraph 0. ", 0), 0u);
}

TEST(KbArticleChunk, OneHugeParagraphIsSplitAtBoundaries) {
  std::string para;
  for (int i = 0; i < 200; ++i) para += "Sentence number " + std::to_string(i) + " is here. ";
  auto a = fd::parse_kb_article("---\nid: p\n---\n## P\n" + para);
  ASSERT_TRUE(a);
  const auto chunks = fd::chunk_article(*a, 800);
  ASSERT_GT(chunks.size(), 3u);
  for (const auto& c : chunks) {
    EXPECT_LE(c.text.size(), 800u);
    EXPECT_EQ(c.text.back(), '.');
  }
}

}  // namespace
