#include "io/http_framing.hpp"

#include <gtest/gtest.h>

namespace frontdesk::io {
namespace {

TEST(HttpFraming, CountsPipelinedRequests) {
  auto out = parse_http_requests(
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: "
      "2\r\n\r\nhiGET /c HTTP/1.1\r\n\r\n",
      1024, 1024);
  EXPECT_EQ(out.requests, 3u);
  EXPECT_EQ(out.error_status, 0);
  EXPECT_FALSE(out.incomplete);
}

TEST(HttpFraming, AppliesTheServerRules) {
  EXPECT_EQ(parse_http_requests(
                "POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi", 1024, 1024)
                .error_status,
            400);
  EXPECT_EQ(parse_http_requests(
                "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 1024, 1024)
                .error_status,
            400);  // valid HTTP, but the server decodes no other coding, so it refuses it
  EXPECT_EQ(
      parse_http_requests("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 1024, 1024)
          .error_status,
      400);
  EXPECT_EQ(parse_http_requests("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n", 1024, 1024)
                .error_status,
            413);
  EXPECT_EQ(
      parse_http_requests("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", 1024, 1024)
          .error_status,
      431);
  EXPECT_EQ(parse_http_requests(
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n",
                1024, 1024)
                .error_status,
            400);
  auto partial = parse_http_requests("GET / HTTP/1.1\r\nHost:", 1024, 1024);
  EXPECT_TRUE(partial.incomplete);
  EXPECT_EQ(partial.requests, 0u);
}

}  // namespace
}  // namespace frontdesk::io
