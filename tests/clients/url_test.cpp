#include "io/url.hpp"

#include <gtest/gtest.h>

using frontdesk::io::join_url;
using frontdesk::io::parse_url;
using frontdesk::io::url_encode_component;

TEST(Url, ParsesSchemesPortsAndTargets) {
  auto u = parse_url("https://Chat.Example.com/api/v1?x=1");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "chat.example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/api/v1?x=1");
  EXPECT_EQ(u->origin(), "https://chat.example.com:443");
  u = parse_url("http://127.0.0.1:8080");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/");
  u = parse_url("http://h?q=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/?q=1");
  u = parse_url("http://[::1]:9/x");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->origin(), "http://[::1]:9");
}

TEST(Url, RejectsMalformedAndHostileUrls) {
  for (const char* bad :
       {"", "http:/x", "https://", "http://:80/", "http://h:/", "http://h:abc/", "http://h:99999/",
        "http://h:0/", "http://u:p@h/", "http://h/ x", "http://h/\r\nX: y", "file:///etc/passwd",
        "http://[::1/", "http://[]/", "http://h/#f", "http://a:b:c/", "http://h\x01/"}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
  }
  EXPECT_FALSE(parse_url("http://" + std::string(300, 'a') + "/"));
  EXPECT_FALSE(parse_url("http://h/" + std::string(10000, 'a')));
}

TEST(Url, EncodesAndJoins) {
  EXPECT_EQ(url_encode_component("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
  EXPECT_EQ(join_url("http://h/", "/x"), "http://h/x");
  EXPECT_EQ(join_url("http://h", "x"), "http://h/x");
  EXPECT_EQ(join_url("http://h///", "/x"), "http://h/x");
}
